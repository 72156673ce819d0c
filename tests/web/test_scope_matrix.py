"""Every role x every page and API endpoint x objects inside and outside its scope.

What each role should see is worked out here from the role table of the site issue and
the demo people's assignments (not from `scope.py`): a school's aggregates, its students'
records, and the pages reserved to some roles. Outside scope is always 403 or 404, never
data; list endpoints and exports hold only what is in scope.
"""

from __future__ import annotations

import io
from functools import cache

import duckdb
import pandas as pd
import pytest
from django.conf import settings
from django.test import Client

from aimline.web.networks.models import Network
from aimline.web.orgs.models import Role
from tests.web.cast import CAST, client_for
from tests.web.conftest import OTHER_LEA

pytestmark = pytest.mark.django_db
# the induction demo's ten candidates hold no role and the same kind of seat: one stands
# for the other nine here (their seats are tested in test_induction.py)
USERS = [u for u in CAST if not u.startswith("newadmin") or u == "newadmin01"]
DISTRICT = "0100001"


def q(sql: str, *params: object) -> list[tuple]:
    con = duckdb.connect(str(settings.WAREHOUSE), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def schools_of(lea: str) -> set[str]:
    return {r[0] for r in q("SELECT school_id FROM schools WHERE lea_id = ?", lea)}


def students_at(schools: set[str]) -> set[str]:
    return {r[0] for r in q("SELECT student_id, school_id FROM enrollments")
            if r[1] in schools}


def role_schools(username: str) -> set[str]:
    return {s.code for r in Role.objects.filter(user__username=username) for s in r.schools.all()}


@cache
def _expected() -> dict[str, tuple[set[str], set[str], bool]]:
    """user -> (schools whose aggregates they see, students they see, may load data)."""
    net = {s.code for s in Network.objects.get(name__startswith="High schools").schools.all()}
    roster = set(Role.objects.get(user__username="teacher").roster)
    district = schools_of(DISTRICT)
    return {
        "admin": (district, students_at(district), True),
        "analyst": (district, students_at(district), True),
        "supervisor": (role_schools("supervisor"), students_at(role_schools("supervisor")),
                       False),
        "principal": (role_schools("principal"), students_at(role_schools("principal")), False),
        "teacher": (role_schools("teacher"), roster, False),
        "mteacher": (role_schools("mteacher"), set(), False),
        "netlead": (net, set(), False),
        "coach": (net, set(), False),
        "partner": (district, set(), False),  # the demo MOU grants no student records
        "other_admin": (schools_of(OTHER_LEA), students_at(schools_of(OTHER_LEA)), True),
        "nobody": (set(), set(), False),
        # the leadership demo: programme staff and executive coaches hold no district
        # role (their leadership seats show targets, not schools); the superintendent
        # supervises the district; the candidates' roles are principal or supervisor
        "programme": (set(), set(), False),
        "execcoach": (set(), set(), False),
        "execcoach2": (set(), set(), False),
        "superintendent": (district, students_at(district), False),
        **{who: (role_schools(who), students_at(role_schools(who)), False)
           for who in ("principal2", "principal3", "principal4", "supervisor1",
                       "supervisor2")},
        # the induction demo's people hold seats, not district roles
        **{who: (set(), set(), False) for who in (
            "induction", "coordinator", "icoach1", "icoach2", "icoach3",
            *(f"newadmin{k:02d}" for k in range(1, 11)))},
    }


def expected(user: str) -> tuple[set[str], set[str], bool]:
    return _expected()[user]


def sample_students() -> list[str]:
    """Students from every corner: each school (including the other district), the
    teacher's roster and not, and ids that do not exist."""
    rows = q("""SELECT school_id, min(student_id), max(student_id) FROM enrollments
                GROUP BY school_id ORDER BY school_id""")
    ids = {s for _, a, b in rows for s in (a, b)}
    ids |= set(Role.objects.get(user__username="teacher").roster[:3])
    return [*sorted(ids), "S9999999", "X", "../../etc/passwd"]


@pytest.mark.parametrize("user", USERS)
def test_school_pages_and_charts(user: str) -> None:
    c = client_for(user)
    agg, _, _ = expected(user)
    wrong = []
    for school in [*sorted(schools_of(DISTRICT) | schools_of(OTHER_LEA)), "9999", "%27or1"]:
        want = 200 if school in agg else 404
        for url in (f"/schools/{school}/", f"/schools/{school}/chart/?metric=attendance_rate",
                    f"/api/charts/{school}/chronic_absence"):
            got = c.get(url).status_code
            if got != want:
                wrong.append((url, got, want))
    assert not wrong


@pytest.mark.parametrize("user", USERS)
def test_student_records(user: str) -> None:
    c = client_for(user)
    _, students, _ = expected(user)
    # a role with student access gets 404 for a student outside scope (as if there were
    # none); a role without any gets 403; a malformed id matches no route (404)
    refused = {404} if students else {403}
    wrong = []
    for sid in sample_students():
        want = {200} if sid in students else ({404} if "/" in sid else refused)
        for url in (f"/students/{sid}/", f"/api/students/{sid}/interventions"):
            got = c.get(url).status_code
            if got not in want:
                wrong.append((url, got, want))
    assert not wrong


@pytest.mark.parametrize("user", USERS)
def test_list_endpoints_hold_only_what_is_in_scope(user: str) -> None:
    c = client_for(user)
    agg, students, _ = expected(user)
    got = {s["school_id"] for s in c.get("/api/schools").json()}
    assert got == agg
    rows = c.get("/api/indicators?limit=10000").json()
    assert {r["school_id"] for r in rows if r["scope"] == "school"} <= agg
    # district rows only for districts of schools in scope
    leas = {lea for (s, lea) in q("SELECT school_id, lea_id FROM schools") if s in agg}
    assert {r["lea_id"] for r in rows if r["scope"] == "district"} <= leas
    # suppressed cells carry no numbers
    assert all(r["value"] is None and r["numerator"] is None for r in rows if r["suppressed"])
    csv = pd.read_csv(io.BytesIO(c.get("/export/indicators.csv").content), dtype=str)
    assert set(csv.school_id.dropna()) <= agg
    for url in ("/api/watchlist?min_flags=0", "/export/watchlist.csv?min_flags=0"):
        r = c.get(url)
        if not students:
            assert r.status_code == 403, url
            continue
        ids = ({s["student_id"] for s in r.json()} if url.startswith("/api") else
               set(pd.read_csv(io.BytesIO(r.content), dtype=str).student_id))
        assert ids <= students, url
        # the copied district has enrollments but no attendance, so no flags to list
        assert ids or user == "other_admin", url


@pytest.mark.parametrize("user", USERS)
def test_pages_reserved_to_some_roles(user: str) -> None:
    c = client_for(user)
    _, students, loads = expected(user)
    assert c.get("/watchlist/").status_code == (200 if students else 403)
    assert c.get("/data/").status_code == (200 if loads else 403)
    admin = user in ("admin", "other_admin")
    assert c.get("/audit-log/").status_code == (200 if admin else 403)
    assert c.get("/admin/").status_code == 302  # staff only: to the admin login


def test_no_student_rows_or_names_for_aggregate_roles() -> None:
    names = {f"{a} {b}" for a, b in q("SELECT first_name, last_name FROM students")}
    for user in ("netlead", "coach", "partner"):
        c = client_for(user)
        for url in ("/", "/district/", f"/schools/{sorted(expected(user)[0])[0]}/",
                    "/api/indicators?limit=10000", "/export/indicators.csv"):
            body = c.get(url).content.decode()
            assert not [n for n in names if n in body], (user, url)


def test_anonymous_gets_nothing() -> None:
    c = Client()
    school = sorted(schools_of(DISTRICT))[0]
    for url in ("/", f"/schools/{school}/", "/district/", "/watchlist/", "/data/",
                "/export/indicators.csv", "/audit-log/", "/students/S0000001/"):
        r = c.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/"), url
    for url in ("/api/schools", "/api/indicators", "/api/watchlist",
                f"/api/charts/{school}/chronic_absence"):
        assert c.get(url).status_code == 401, url


def test_a_shared_result_is_never_handed_past_the_scope_check() -> None:
    """Dashboards and charts drawn for one user are shared with others who may see the
    school; someone who may not gets a 404 even though it is cached."""
    outside = sorted(schools_of(DISTRICT) - expected("principal")[0])[0]
    for url in (f"/schools/{outside}/", f"/schools/{outside}/chart/?metric=attendance_rate",
                f"/api/charts/{outside}/chronic_absence"):
        assert client_for("admin").get(url).status_code == 200  # drawn and cached
        assert client_for("principal").get(url).status_code == 404, url
