"""The site's organisations follow the warehouse: one per district (LEA) and school."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from aimline.web.orgs.models import Organisation
from aimline.web.warehouse import system_connection


@transaction.atomic
def sync_organisations(warehouse: Path) -> tuple[int, int]:
    """Create or rename districts and schools from the warehouse; returns (created, total).
    Nothing is deleted: roles and history keep pointing at closed schools."""
    with system_connection(warehouse) as con:
        leas = con.execute("SELECT lea_id, name FROM leas ORDER BY lea_id").fetchall()
        schools = con.execute(
            "SELECT school_id, lea_id, name FROM schools ORDER BY school_id").fetchall()
    created = 0
    districts = {}
    for lea_id, name in leas:
        org, new = Organisation.objects.update_or_create(
            kind=Organisation.DISTRICT, code=lea_id, defaults={"name": name})
        districts[lea_id] = org
        created += new
    for school_id, lea_id, name in schools:
        _, new = Organisation.objects.update_or_create(
            kind=Organisation.SCHOOL, code=school_id,
            defaults={"name": name, "district": districts[lea_id]})
        created += new
    return created, len(leas) + len(schools)
