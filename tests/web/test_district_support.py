"""The district's support page and API: the schools that need support, as
`aimline district identify` finds them, each person the schools in their scope."""

from __future__ import annotations

import pytest
from django.conf import settings

from aimline.metrics import engine
from aimline.reports.support import identification
from aimline.web.orgs.models import Role
from tests.web.cast import client_for

pytestmark = pytest.mark.django_db


def test_the_districts_people_see_their_schools_rows_and_no_one_else_any() -> None:
    year = max(engine.years_in(settings.WAREHOUSE))
    admin = Role.objects.get(user__username="admin").district
    _, every = identification(settings.WAREHOUSE, year, lea=admin.code)
    got = client_for("admin").get("/api/district/support").json()
    assert got["year"] == year
    assert [r["school_id"] for r in got["rows"]] == list(every.school_id)
    assert [r["support"] for r in got["rows"]] == list(every.support)
    page = client_for("admin").get("/district/support/").content.decode()
    assert f"{int(every.identified.sum())} of {len(every)} school" in page
    from aimline.web.audits.models import EquityAudit
    audit = EquityAudit.objects.get(district__code=admin.code, year=year)  # the demo's
    # each row links to the school's findings in the audit of the same year
    assert f"/audits/{audit.pk}/schools/{every.school_id.iloc[0]}/" in page
    principal = Role.objects.get(user__username="principal")
    mine = {s.code for s in principal.schools.all()}
    rows = client_for("principal").get("/api/district/support").json()["rows"]
    assert {r["school_id"] for r in rows} == mine
    for who in ("partner", "netlead", "teacher", "nobody", "other_admin"):
        r = client_for(who).get("/api/district/support")
        if who == "other_admin":  # another district's admin: their district, not ours
            assert not {x["school_id"] for x in r.json()["rows"]} & set(every.school_id)
        else:
            assert r.status_code == 403, who
            assert client_for(who).get("/district/support/").status_code == 403, who
    assert client_for("admin").get("/api/district/support", {"year": 1999}).status_code == 404


def test_staffing_for_equity_for_the_districts_admins_analysts_and_supervisors() -> None:
    from aimline.reports.staffing import staffing

    year = max(engine.years_in(settings.WAREHOUSE))
    lea = Role.objects.get(user__username="admin").district.code
    d = staffing(settings.WAREHOUSE, year, lea=lea)
    got = client_for("analyst").get("/api/district/staffing").json()
    assert [q["values"]["teachers"] for q in got["poverty"]] == list(
        d["poverty"]["by_quartile"].teachers)
    gap = d["poverty"]["gaps"].set_index("measure").loc["inexperienced", "gap_pp"]
    assert next(g["gap_pp"] for g in got["poverty_gaps"]
                if g["measure"] == "inexperienced") == pytest.approx(gap)
    page = client_for("supervisor").get("/district/staffing/").content.decode()
    assert "By poverty quartile" in page and "inexperienced" in page
    assert client_for("analyst").get("/api/district/staffing",
                                     {"quartiles": "student"}).status_code == 422
    for who in ("principal", "teacher", "partner", "netlead"):
        assert client_for(who).get("/api/district/staffing").status_code == 403, who
        assert client_for(who).get("/district/staffing/").status_code == 403, who
