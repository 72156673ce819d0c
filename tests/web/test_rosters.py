"""Teachers' rosters from the warehouse's section_rosters (e.g. imported from OneRoster):
the students of the sections they teach at their school, in the latest year, and no one
else, decide which student records a teacher may open."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from django.conf import settings

from aimline.web.orgs.models import Role
from aimline.web.orgs.rosters import sync_rosters
from tests.web.cast import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouse_with_rosters(site_warehouse: Path, tmp_path: Path) -> tuple[Path, dict]:
    """A copy of the site warehouse with three sections: the teacher's at their school this
    year, the same teacher's at another school, and one from the year before."""
    path = tmp_path / "w.duckdb"
    shutil.copyfile(site_warehouse, path)
    teacher = Role.objects.get(user__username="teacher")
    school = teacher.schools.get().code
    con = duckdb.connect(str(path))
    year = con.execute("SELECT max(school_year) FROM enrollments").fetchone()[0]
    here = [r[0] for r in con.execute(
        "SELECT DISTINCT student_id FROM enrollments WHERE school_id = ? AND school_year = ? "
        "ORDER BY 1 LIMIT 12", [school, year]).fetchall()]
    other_school = con.execute("SELECT min(school_id) FROM schools WHERE school_id <> ?",
                               [school]).fetchone()[0]
    elsewhere = con.execute("SELECT min(student_id) FROM enrollments WHERE school_id = ?",
                            [other_school]).fetchone()[0]
    rows = [("S-1", school, year, "T-9", "teacher"),
            *[("S-1", school, year, s, "student") for s in here[:5]],
            ("S-2", other_school, year, "T-9", "teacher"),
            ("S-2", other_school, year, elsewhere, "student"),
            ("S-0", school, year - 1, "T-9", "teacher"),
            ("S-0", school, year - 1, here[10], "student")]
    con.executemany("INSERT INTO section_rosters (section_id, school_id, school_year, "
                    "person_id, role) VALUES (?, ?, ?, ?, ?)", rows)  # the load made the table
    con.close()
    return path, {"mine": here[:5], "same_school_not_mine": here[6], "elsewhere": elsewhere,
                  "last_year": here[10]}


def test_a_teachers_roster_is_the_students_of_their_sections(warehouse_with_rosters) -> None:
    path, ids = warehouse_with_rosters
    teacher = Role.objects.get(user__username="teacher")
    teacher.staff_id = "T-9"
    teacher.save()
    assert sync_rosters(path) == 2  # and the growth demo's mteacher, who has a staff id
    teacher.refresh_from_db()
    assert teacher.roster == sorted(ids["mine"])  # not last year's, not another school's
    settings.WAREHOUSE = path
    c = client_for("teacher")
    assert c.get(f"/students/{ids['mine'][0]}/").status_code == 200
    for other in (ids["same_school_not_mine"], ids["elsewhere"], ids["last_year"]):
        assert c.get(f"/students/{other}/").status_code == 404


def test_a_teacher_without_a_staff_id_keeps_the_roster_set_by_hand(
        warehouse_with_rosters) -> None:
    path, _ = warehouse_with_rosters
    before = Role.objects.get(user__username="teacher").roster
    assert sync_rosters(path) == 1  # only the growth demo's mteacher has a staff id
    assert Role.objects.get(user__username="teacher").roster == before
