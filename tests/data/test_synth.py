"""The synthetic district: deterministic by seed, valid, and realistic where it matters."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from aimline import data
from aimline.data import synth
from tests.data.helpers import query

# Chronic absence as EDFacts defines it: absent >= 10% of instructional days enrolled,
# among students enrolled >= 10 days; computed here independently of the metric catalog.
CHRONIC_BY = """
WITH span AS (
  SELECT e.*, coalesce(e.exit_date, make_date(e.school_year, 6, 30)) AS last_day
  FROM enrollments e),
days AS (
  SELECT s.student_id, s.school_id, s.school_year, s.entry_date, count(*) AS enrolled
  FROM span s JOIN calendar_days c ON c.school_id = s.school_id AND c.instructional
   AND c.date BETWEEN s.entry_date AND s.last_day GROUP BY ALL),
absent AS (
  SELECT s.student_id, s.school_id, s.entry_date, sum(a.day_fraction) AS missed
  FROM span s JOIN attendance_events a ON a.student_id = s.student_id
   AND a.school_id = s.school_id AND a.date BETWEEN s.entry_date AND s.last_day
  WHERE a.category IN ('excused', 'unexcused', 'suspension') GROUP BY ALL),
per_student AS (
  SELECT d.student_id, d.school_id, d.school_year,
         coalesce(a.missed, 0) / d.enrolled >= 0.10 AS chronic
  FROM days d LEFT JOIN absent a USING (student_id, school_id, entry_date)
  WHERE d.enrolled >= 10)
SELECT {group}, avg(chronic::INT), count(*)
FROM per_student p JOIN students st USING (student_id) JOIN schools sc USING (school_id)
WHERE school_year = 2026 GROUP BY ALL ORDER BY 1"""


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    synth.generate(tmp_path / "a", students=300, seed=3, years=2)
    synth.generate(tmp_path / "b", students=300, seed=3, years=2)
    synth.generate(tmp_path / "c", students=300, seed=4, years=2)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a") != digest(tmp_path / "c")


def test_the_district_is_valid_in_both_formats(district: Path, tmp_path: Path) -> None:
    assert data.check(district).ok
    synth.generate(tmp_path, students=300, seed=3, years=2, fmt="parquet")
    report = data.check(tmp_path)
    assert report.ok, report.sorted_problems()[:5]
    assert report.rows["attendance_events"] > 1000


@pytest.fixture(scope="module")
def mid_district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mid")
    synth.generate(out, students=6000, seed=5, years=3)
    return out


def test_chronic_absence_is_in_the_realistic_range(mid_district: Path) -> None:
    [(_, rate, n)] = query(mid_district, CHRONIC_BY.format(group="'all'"))
    assert n > 3000
    assert 0.10 <= rate <= 0.30


def test_groups_differ_in_chronic_absence(mid_district: Path) -> None:
    by_ed = dict((k, r) for k, r, _ in query(mid_district,
                                             CHRONIC_BY.format(group="economically_disadvantaged")))
    assert by_ed[True] - by_ed[False] >= 0.05
    by_race = {k: r for k, r, n in query(mid_district, CHRONIC_BY.format(group="race_ethnicity"))
               if n >= 100}
    assert max(by_race.values()) - min(by_race.values()) >= 0.05


def test_schools_differ_in_poverty_and_staffing(mid_district: Path) -> None:
    levels = {lv for (lv,) in query(mid_district, "SELECT DISTINCT level FROM schools")}
    assert levels == {"elementary", "middle", "high"}
    # share of economically disadvantaged students per school spans a wide range
    lo, hi = query(mid_district, """
        SELECT min(p), max(p) FROM (
          SELECT school_id, avg(economically_disadvantaged::INT) AS p
          FROM enrollments JOIN students USING (student_id) GROUP BY 1)""")[0]
    assert hi - lo >= 0.3
    # inexperienced teachers are commoner where poverty is higher (school-level correlation)
    [(corr,)] = query(mid_district, """
        WITH pov AS (SELECT school_id, avg(economically_disadvantaged::INT) AS p
                     FROM enrollments JOIN students USING (student_id) GROUP BY 1),
        inexp AS (SELECT school_id, avg((years_experience < 3)::INT) AS share
                  FROM staff_assignments WHERE role = 'teacher' GROUP BY 1)
        SELECT corr(p, share) FROM pov JOIN inexp USING (school_id)""")
    assert corr > 0.5


def test_mobility_and_outcomes_exist(mid_district: Path) -> None:
    reasons = {r for (r,) in query(mid_district, "SELECT DISTINCT exit_reason FROM enrollments")}
    assert {"transfer_in_district", "moved", "graduated"} <= reasons
    late = query(mid_district, """SELECT count(*) FROM enrollments
                                  WHERE entry_date > make_date(school_year - 1, 9, 15)""")[0][0]
    assert late > 0
    outcomes = {o for (o,) in query(mid_district, "SELECT DISTINCT outcome FROM cohort_outcomes")}
    assert {"graduated", "dropped_out", "transferred_out"} <= outcomes
    ninth = query(mid_district, """SELECT count(DISTINCT student_id), sum(credits_attempted)
                                   FROM course_marks WHERE course_id LIKE '%09'""")[0]
    assert ninth[0] > 100 and ninth[1] > 0


def test_too_few_students_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 100"):
        synth.generate(tmp_path, students=10)
