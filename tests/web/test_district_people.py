"""Principal assignments, rotations, incentive programmes and clusters on the site: who
sees and records each, bad input refused with nothing changed, rotations checked against
the staff data."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from django.conf import settings

from aimline.metrics import engine
from aimline.web.district.models import Cluster, Incentive, Rotation
from aimline.web.district.people import carried_out
from aimline.web.orgs.models import Organisation, Role
from tests.web.cast import client_for

pytestmark = pytest.mark.django_db


def _principals(year: int) -> list[str]:
    with duckdb.connect(str(settings.WAREHOUSE), read_only=True) as con:
        return [r[0] for r in con.execute(
            "SELECT a.staff_id FROM staff_assignments a JOIN schools s USING (school_id) "
            "WHERE a.role = 'principal' AND a.school_year = ? AND s.lea_id = '0100001'",
            [year]).fetchall()]


def test_principal_assignments_for_the_districts_admins_analysts_and_supervisors() -> None:
    year = max(engine.years_in(settings.WAREHOUSE))
    page = client_for("admin").get("/district/principals/").content.decode()
    for staff_id in _principals(year):
        assert staff_id in page
    assert "Where the experienced principals are" in page and "Record a rotation" in page
    analyst = client_for("analyst").get("/district/principals/")
    assert analyst.status_code == 200 and "Record a rotation" not in analyst.content.decode()
    assert client_for("supervisor").get("/district/principals/").status_code == 200
    for who in ("principal", "teacher", "netlead", "partner", "nobody"):
        assert client_for(who).get("/district/principals/").status_code == 403, who


def test_a_rotation_is_recorded_checked_and_bad_ones_change_nothing() -> None:
    district = Organisation.objects.get(kind="district", code="0100001")
    a, b = district.schools.order_by("code")[:2]
    year = max(engine.years_in(settings.WAREHOUSE))
    url = "/district/principals/record/rotation/"
    ok = {"staff_id": "E1", "from_school": a.code, "to_school": b.code, "kind": "move",
          "school_year": year + 1, "reason": "Twelve years leading a turnaround"}
    before = Rotation.objects.count()
    for bad in ({"to_school": a.code}, {"kind": "part_time"}, {"reason": " "},
                {"to_school": "9999999"}, {"days_a_week": "lots", "kind": "part_time"}):
        assert client_for("admin").post(url, {**ok, **bad}).status_code == 400, bad
    assert Rotation.objects.count() == before
    assert client_for("analyst").post(url, ok).status_code == 403
    assert client_for("admin").post(url, ok).status_code == 302
    assert client_for("admin").post(url, {**ok, "kind": "part_time", "days_a_week": "2"}
                                    ).status_code == 302
    r = Rotation.objects.filter(district=district).latest("pk")
    assert r.kind == "part_time" and r.days_a_week == 2
    # the staff data says whether a move happened: only a move in a loaded year
    history = pd.DataFrame({"school_year": [year, year], "school_id": [a.code, b.code],
                            "staff_id": ["E1", "E2"]})
    move = Rotation(kind="move", staff_id="E1", to_school=b, school_year=year)
    assert carried_out(move, history) is False
    move.to_school = a
    assert carried_out(move, history) is True
    move.school_year = year + 1
    assert carried_out(move, history) is None  # not loaded yet
    assert carried_out(Rotation(kind="part_time", staff_id="E1", to_school=a,
                                school_year=year), history) is None


def test_an_incentive_programme_and_retention_at_its_schools() -> None:
    district = Organisation.objects.get(kind="district", code="0100001")
    codes = [s.code for s in district.schools.order_by("code")[:2]]
    url = "/district/principals/record/incentive/"
    ok = {"name": "Hard-to-staff bonus", "eligible": "Highly effective teachers",
          "amount": "5000", "schools": codes, "starts": "2026"}
    before = Incentive.objects.count()
    for bad in ({"schools": []}, {"amount": "0"}, {"amount": "much"}, {"name": ""}):
        assert client_for("admin").post(url, {**ok, **bad}).status_code == 400, bad
    assert Incentive.objects.count() == before
    assert client_for("admin").post(url, ok).status_code == 302
    page = client_for("admin").get("/district/principals/").content.decode()
    assert "Hard-to-staff bonus" in page and "its schools" in page


def test_clusters_for_their_schools_people() -> None:
    principal_school = Role.objects.get(user__username="principal").schools.get()
    district = principal_school.district
    other = district.schools.exclude(pk=principal_school.pk).order_by("code")
    admin = client_for("analyst")
    assert admin.post("/district/clusters/new/", {
        "name": "One", "plan": "x", "schools": [principal_school.code]}).status_code == 400
    assert admin.post("/district/clusters/new/", {
        "name": "North", "plan": "", "schools": [principal_school.code, other[0].code]}
    ).status_code == 400
    assert not Cluster.objects.filter(name__in=["One", "North"]).exists()
    r = admin.post("/district/clusters/new/", {
        "name": "North feeder", "plan": "One attendance team across the feeder pattern",
        "schools": [principal_school.code, other[0].code]})
    c = Cluster.objects.get(name="North feeder")
    assert r["Location"] == f"/district/clusters/{c.pk}/"
    assert client_for("principal").get(f"/district/clusters/{c.pk}/").status_code == 200
    away = Cluster.objects.create(district=district, name="South", plan="p",
                                  created_by=c.created_by)
    away.schools.set(other[1:3])
    assert client_for("principal").get(f"/district/clusters/{away.pk}/").status_code == 404
    assert "South" not in client_for("principal").get("/district/clusters/").content.decode()
    for who in ("teacher", "netlead", "other_admin"):
        assert client_for(who).get(f"/district/clusters/{c.pk}/").status_code in (403, 404)
    step = f"/district/clusters/{c.pk}/do/"
    assert client_for("principal").post(step + "shared/", {
        "kind": "teacher", "what": "x"}).status_code == 403
    assert admin.post(step + "shared/", {"kind": "pd_funds", "what": "Joint PD days",
                                         "amount": "20000"}).status_code == 302
    year = max(engine.years_in(settings.WAREHOUSE))
    assert admin.post(step + "measure/", {"metric": "chronic_absence", "year": year,
                                          "target": "1", "due": f"{year + 1}-06-30"}
                      ).status_code == 302
    t = c.targets.get()
    assert sorted(t.schools) == sorted([principal_school.code, other[0].code])
    page = client_for("principal").get(f"/district/clusters/{c.pk}/").content.decode()
    assert "Joint PD days" in page and "<svg" in page


def test_the_demo_has_a_rotation_an_incentive_and_a_cluster() -> None:
    district = Organisation.objects.get(kind="district", code="0100001")
    c = Cluster.objects.get(district=district, name="Attendance cluster")
    plans = district.schools.filter(pk__in=c.schools.values("pk"))
    assert plans.count() >= 2 and c.shared.count() == 2
    assert Incentive.objects.get(district=district).schools.count() == 2
    r = Rotation.objects.filter(district=district).first()
    if r is not None:  # the most experienced principal leads a school not in CSI
        assert r.kind == "part_time" and r.to_school.district == district
    page = client_for("admin").get("/district/principals/").content.decode()
    assert "effective-teacher bonus" in page
