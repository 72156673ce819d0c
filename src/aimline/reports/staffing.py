"""Staffing for equity in one district, from the warehouse's staff assignments and
enrolments: by poverty quartile and by minority quartile of schools, the share of
inexperienced, out-of-field and ineffective teachers, students per teacher, support
staff per 100 high-needs students, one-year teacher retention, and the gaps between the
highest and lowest quartiles that ESSA §1111(g)(1)(B) asks to be reported.

- inexperienced: `years_experience` at or below `inexperienced_years` (default 2,
  California's definition: two or fewer years of teaching); out of field: `in_field`
  false; ineffective: `effectiveness` "ineffective".
- poverty: the share of the school's enrolled students who are economically
  disadvantaged; minority: the share who are not White (the federal categories).
- principal years: the principals' mean years of experience (where the most experienced
  principals are).
- support staff: counsellors (the roles the canonical schema carries beside teachers);
  high-needs students: economically disadvantaged, English learners or students with
  disabilities (any of them).
- quartiles of equal numbers of schools (Stata xtile, as ED's Educator Equity Profiles)
  or of students (`educators.student_quartiles`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from aimline.equity import educators
from aimline.reports.audit import district

MEASURES = ("inexperienced", "out_of_field", "ineffective")
DIMENSIONS = {"poverty": "pct_ed", "minority": "pct_minority"}


def school_frame(warehouse: Path, year: int, lea: str, *, inexperienced_years: int = 2
                 ) -> pd.DataFrame:
    """One row per school of the district with teachers that year: counts per measure,
    students, high-needs students, support staff, and the two shares."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        staff = con.execute("""
            SELECT a.school_id,
                   count(*) FILTER (WHERE a.role = 'teacher') AS teachers,
                   count(*) FILTER (WHERE a.role = 'teacher'
                                    AND a.years_experience <= ?) AS inexperienced,
                   count(*) FILTER (WHERE a.role = 'teacher'
                                    AND NOT coalesce(a.in_field, true)) AS out_of_field,
                   count(*) FILTER (WHERE a.role = 'teacher'
                                    AND a.effectiveness = 'ineffective') AS ineffective,
                   count(*) FILTER (WHERE a.role = 'counselor') AS support_staff,
                   sum(a.years_experience) FILTER (WHERE a.role = 'principal')
                       AS principal_years,
                   count(*) FILTER (WHERE a.role = 'principal') AS principals,
                   count(*) FILTER (WHERE a.role = 'teacher' AND a.years_experience > ?
                                    AND coalesce(a.in_field, false)
                                    AND a.effectiveness IN ('effective', 'highly_effective')
                                    ) AS movable
            FROM staff_assignments a JOIN schools s USING (school_id)
            WHERE s.lea_id = ? AND a.school_year = ? GROUP BY a.school_id""",
                            [inexperienced_years, inexperienced_years, lea, year]).df()
        kids = con.execute("""
            SELECT e.school_id, count(DISTINCT e.student_id) AS students,
                   count(DISTINCT e.student_id) FILTER (
                       WHERE st.economically_disadvantaged) AS ed,
                   count(DISTINCT e.student_id) FILTER (
                       WHERE st.race_ethnicity <> 'white') AS minority,
                   count(DISTINCT e.student_id) FILTER (
                       WHERE st.economically_disadvantaged OR st.english_learner
                             OR st.disability) AS high_needs
            FROM enrollments e JOIN students st USING (student_id)
            JOIN schools s ON s.school_id = e.school_id
            WHERE s.lea_id = ? AND e.school_year = ? GROUP BY e.school_id""",
                           [lea, year]).df()
    out = staff.merge(kids, on="school_id", how="inner")
    out = out[out.teachers > 0].copy()
    out["pct_ed"] = 100 * out.ed / out.students
    out["pct_minority"] = 100 * out.minority / out.students
    return out.set_index("school_id").sort_index()


def teacher_status(warehouse: Path, year: int, lea: str) -> pd.DataFrame:
    """Each teacher of `year` - 1 and where they were in `year` (educators.retention)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        t = con.execute("""
            WITH prev AS (SELECT a.staff_id AS tid, a.school_id AS school,
                                 a.effectiveness IN ('effective', 'highly_effective')
                                     AS effective
                          FROM staff_assignments a JOIN schools s USING (school_id)
                          WHERE s.lea_id = ? AND a.school_year = ? AND a.role = 'teacher'),
                 now AS (SELECT a.staff_id, min(a.school_id) AS school,
                                bool_or(a.role = 'teacher') AS teaching
                         FROM staff_assignments a JOIN schools s USING (school_id)
                         WHERE s.lea_id = ? AND a.school_year = ? GROUP BY a.staff_id)
            SELECT prev.tid, prev.school, prev.effective, now.school AS next_year_school,
                   coalesce(now.teaching, false) AS next_year_is_teacher
            FROM prev LEFT JOIN now ON now.staff_id = prev.tid""",
                        [lea, year - 1, lea, year]).df()
    return educators.retention(t.assign(year=year - 1))


def retention_by_effectiveness(status: pd.DataFrame, group: pd.Series, *, min_n: int = 10
                               ) -> pd.DataFrame:
    """Per group: the share of last year's effective (effective or highly effective)
    teachers who stayed in their school, and of the less effective (developing,
    ineffective); a share of fewer than `min_n` teachers is not shown (None)."""
    rows = {}
    for g, part in status.groupby(group):
        row = {}
        for name, mask in (("effective", part.effective.fillna(False).astype(bool)),
                           ("less_effective", ~part.effective.fillna(True).astype(bool))):
            n = int(mask.sum())
            row[f"stay_{name}_pct"] = 100 * part.stay[mask].mean() if n >= min_n else None
            row[f"{name}_followed"] = n
        rows[g] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def retention_at(status: pd.DataFrame, schools: list[str], *, min_n: int = 10
                 ) -> dict[str, Any]:
    """Retention of effective and less effective teachers at `schools` (an incentive
    programme's) and at the district's other schools, from the teachers' one-year status
    (`teacher_status`)."""
    where = status.school.isin(schools).map({True: "its schools", False: "other schools"})
    t = retention_by_effectiveness(status, where, min_n=min_n)
    return {k: {c: None if v != v else v for c, v in t.loc[k].items()}  # NaN: not shown
            if k in t.index else None for k in ("its schools", "other schools")}


def staffing(warehouse: Path, year: int, *, lea: str | None = None,
             inexperienced_years: int = 2, basis: str = "schools", move: int = 0,
             min_n: int = 10) -> dict[str, Any]:
    """The district's name, the school table, and per dimension (poverty, minority): the
    table by quartile, the highest-versus-lowest gaps and, with `move`, the gaps after
    moving that many effective teachers into the highest quartile (`educators.scenario`).
    Retention of effective and less effective teachers is shown only for `min_n` or more
    teachers followed."""
    educators.check_basis(basis)  # before anything is read
    if inexperienced_years < 0:
        raise ValueError("inexperienced means at most that many years: 0 or more")
    lea, name, _ = district(warehouse, lea)
    schools = school_frame(warehouse, year, lea, inexperienced_years=inexperienced_years)
    if len(schools) < 4:
        raise ValueError(f"{len(schools)} school(s) with teachers in {year}: quartiles need "
                         "at least four (does the district load staff assignments?)")
    status = teacher_status(warehouse, year, lea)
    out: dict[str, Any] = {"district": name, "lea": lea, "year": year, "basis": basis,
                           "inexperienced_years": inexperienced_years, "schools": schools}
    for dim, column in DIMENSIONS.items():
        q = educators.quartiles_of(schools, column, basis=basis)
        g = schools.assign(quartile=q).groupby("quartile")
        table = pd.DataFrame({
            "schools": g.size(), "students": g.students.sum(), "teachers": g.teachers.sum(),
            **{f"{m}_pct": 100 * g[m].sum() / g.teachers.sum() for m in MEASURES},
            "students_per_teacher": g.students.sum() / g.teachers.sum(),
            "support_per_100_high_needs": 100 * g.support_staff.sum() / g.high_needs.sum(),
            "principal_years": g.principal_years.sum() / g.principals.sum(),
            f"{column}_range": g[column].agg(lambda v: f"{v.min():.0f}–{v.max():.0f}%")})
        kept = status.assign(quartile=status.school.map(q)).dropna(subset=["quartile"])
        if len(kept):
            shares = educators.retention_by(kept, kept.quartile.astype(int))
            table["retention_stay_pct"] = 100 * shares.stay
            table["teachers_followed"] = shares.n
            table = table.join(retention_by_effectiveness(kept, kept.quartile.astype(int),
                                                          min_n=min_n))
        out[dim] = {"by_quartile": table,
                    "gaps": educators.gaps(schools, poverty=column, measures=MEASURES,
                                           quartile=q),
                    "scenario": educators.scenario(schools, q, move, measures=MEASURES)
                    if move else None}
    return out


def shown(v: Any) -> str:
    """A number as the staffing tables show it; a share too small to show (NaN) as a dash."""
    if isinstance(v, float):
        return "—" if v != v else f"{v:.1f}"
    return str(v)


def as_text(dim: dict[str, Any]) -> dict[str, Any]:
    """One dimension of `staffing` as the pages and the audit show it: the quartiles, each
    row's values as text, the highest-versus-lowest gaps."""
    t, g = dim["by_quartile"], dim["gaps"]
    return {"quartiles": [int(q) for q in t.index],
            "rows": [(c.replace("_", " "), [shown(v) for v in t[c]]) for c in t.columns],
            "gaps": [(r.measure.replace("_", " "), shown(100 * r.high_poverty_rate),
                      shown(100 * r.low_poverty_rate), f"{r.gap_pp:+.1f}")
                     for r in g.itertuples()]}
