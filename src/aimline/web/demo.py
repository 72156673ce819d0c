"""Demo people for the synthetic district: one user per role, with a network and a
university partnership, so every view can be tried (`aimline site setup --demo`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from django.contrib.auth import get_user_model
from django.db import transaction

from aimline.data.synth import story
from aimline.web.audits import builds as audits
from aimline.web.audits.models import EquityAudit
from aimline.web.district import demo as demo_district
from aimline.web.growth import demo as demo_growth
from aimline.web.induction import demo as demo_induction
from aimline.web.leaders import demo as demo_leaders
from aimline.web.networks import demo as demo_network
from aimline.web.networks.models import Network
from aimline.web.orgs.models import Organisation, Partnership, Role
from aimline.web.orgs.sync import sync_organisations
from aimline.web.warehouse import system_connection

PASSWORD = "aimline-demo"  # local demo only: `aimline createadmin` for real sites


@transaction.atomic
def create(warehouse: Path) -> list[tuple[str, str, str]]:
    """(username, role, scope) for each demo user; idempotent."""
    sync_organisations(warehouse)
    district = Organisation.objects.filter(kind=Organisation.DISTRICT).order_by("code").first()
    if district is None:
        raise ValueError("the warehouse holds no district: load an extract first")
    schools = list(district.schools.order_by("code"))
    with system_connection(warehouse) as con:
        levels = dict(con.execute("SELECT school_id, level FROM schools").fetchall())
        high = [s for s in schools if levels.get(s.code) == "high"]
        elementary = [s for s in schools if levels.get(s.code) == "elementary"]
        principal_school = high[0] if high else schools[0]
        roster = [r[0] for r in con.execute(
            """SELECT student_id FROM enrollments WHERE school_id = ?
               AND school_year = (SELECT max(school_year) FROM enrollments)
               ORDER BY student_id LIMIT 25""", [principal_school.code]).fetchall()]
    uni, _ = Organisation.objects.get_or_create(kind=Organisation.UNIVERSITY, code="",
                                                name="State University College of Education")
    partnership, _ = Partnership.objects.get_or_create(
        name=f"{district.name} – State University partnership", district=district)
    partnership.partners.add(uni)
    network, _ = Network.objects.get_or_create(
        name="High schools on chronic absence", hub=uni,
        problem_of_practice="Too many ninth and tenth graders miss 10% or more of school days.")
    network.schools.set(high or schools[:4])
    people = [
        ("admin", Role.DISTRICT_ADMIN, {"district": district}, "the district"),
        ("analyst", Role.ANALYST, {"district": district}, "the district"),
        ("supervisor", Role.SUPERVISOR, {"schools": elementary[:4]},
         f"{len(elementary[:4])} elementary schools"),
        ("principal", Role.PRINCIPAL, {"schools": [principal_school]}, principal_school.name),
        ("teacher", Role.TEACHER, {"schools": [principal_school], "roster": roster},
         f"{len(roster)} students at {principal_school.name}"),
        ("netlead", Role.NETWORK_LEAD, {"network": network}, network.name),
        ("coach", Role.COACH, {"network": network}, network.name),
        ("partner", Role.PARTNER, {"partnership": partnership}, partnership.name),
    ]
    users = get_user_model().objects
    out = []
    for username, role, where, label in people:
        user, made = users.get_or_create(username=username,
                                         defaults={"first_name": username.title()})
        if made:
            user.set_password(PASSWORD)
            user.save()
        if not Role.objects.filter(user=user, role=role).exists():
            schools_for = where.pop("schools", [])
            r = Role.objects.create(user=user, role=role, **where)
            r.schools.set(schools_for)
        out.append((username, dict(Role.ROLES)[role], label))
    with system_connection(warehouse) as con:
        (year,) = con.execute("SELECT max(school_year) FROM indicators").fetchone()
    if year is not None:
        # the synthetic district's story, if it was made with one: where absences fall
        found = pd.DataFrame({"school_id": list(levels), "level": list(levels.values())})
        adoptions = {e.school_id: e.start for e in story.effects(found, int(year))
                     if e.school_id in {s.code for s in network.schools.all()}}
        demo_network.create(network, users.get(username="netlead"), int(year), adoptions)
        demo_leaders.create(warehouse, district, int(year), effect_schools={
            e.school_id for e in story.effects(found, int(year))})
        out += [(u.username, what, label) for u, what, label in demo_leaders.people()]
        demo_induction.create(district, levels, int(year))
        demo_district.create(warehouse, district, int(year))
        demo_growth.create(warehouse, district, int(year))
        out.append(("mteacher", "Teacher (growth)", "a micro-credential, the ladder"))
        out += [(u.username, what, label) for u, what, label in demo_induction.people()]
        if not EquityAudit.objects.filter(district=district).exists():
            a = EquityAudit.objects.create(district=district, title=f"{year} equity audit",
                                           year=int(year), created_by=users.get(
                                               username="partner"))
            audits.refresh(a)
            # its files are rendered by the job worker once the site runs
            from aimline.web.audits import jobs as audit_jobs
            from aimline.web.audits.models import AuditJob

            audit_jobs.enqueue(a, AuditJob.BUILD, a.created_by)
    return out
