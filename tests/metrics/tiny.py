"""A tiny district whose every indicator is worked out by hand (see test_catalog.py).

Calendar (all three schools): September 2025, weekdays instructional except Labor Day
(1 Sep): 2-5, 8-12, 15-19, 22-26 and 29 Sep = 20 instructional days.

Elementary A (1001): s1 full (2 absences), s2 full (1 + 0.5), s3 from 23 Sep (5 days),
  s4 2-15 Sep (10 days, 1 absence), then transfers to
Elementary B (1002): s4 from 16 Sep (10 days), s5 full (3 + 1 suspension day), s6 full.
High C (3001): s7, s8 in grade 9 (s8 absent once); s9, s10 in grade 12; s11 leaves 10 Sep.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from aimline import data

YEAR = 2026


def _students() -> pd.DataFrame:
    rows = []
    ed = {"s1", "s4", "s5", "s8"}
    for i in range(1, 12):
        sid = f"s{i}"
        rows.append({"student_id": sid, "sex": "F" if i % 2 else "M",
                     "race_ethnicity": "hispanic" if i in (1, 4, 5) else "white",
                     "birth_date": "2015-01-01", "economically_disadvantaged": sid in ed,
                     "english_learner": i == 1, "disability": i == 5, "homeless": False,
                     "foster_care": False, "migrant": False})
    return pd.DataFrame(rows)


def _calendar() -> pd.DataFrame:
    days = pd.date_range("2025-09-01", "2025-09-29")
    rows = [{"school_id": s, "school_year": YEAR, "date": d.date(),
             "instructional": d.weekday() < 5 and d.day != 1}
            for s in ("1001", "1002", "3001") for d in days]
    return pd.DataFrame(rows)


def _enrollments() -> pd.DataFrame:
    def span(sid: str, school: str, grade: str, entry: str, exit_: str = "",
             reason: str = "") -> dict:
        return {"student_id": sid, "school_id": school, "school_year": YEAR,
                "grade_level": grade, "entry_date": entry, "exit_date": exit_,
                "exit_reason": reason}
    return pd.DataFrame([
        span("s1", "1001", "03", "2025-09-02"), span("s2", "1001", "03", "2025-09-02"),
        span("s3", "1001", "04", "2025-09-23"),
        span("s4", "1001", "04", "2025-09-02", "2025-09-15", "transfer_in_district"),
        span("s4", "1002", "04", "2025-09-16"), span("s5", "1002", "05", "2025-09-02"),
        span("s6", "1002", "05", "2025-09-02"), span("s7", "3001", "09", "2025-09-02"),
        span("s8", "3001", "09", "2025-09-02"), span("s9", "3001", "12", "2025-09-02"),
        span("s10", "3001", "12", "2025-09-02"),
        span("s11", "3001", "12", "2025-09-02", "2025-09-10", "transfer_out"),
    ])


def _absences() -> pd.DataFrame:
    rows = [("s1", "1001", "2025-09-03", "excused", 1), ("s1", "1001", "2025-09-04",
                                                          "unexcused", 1),
            ("s1", "1001", "2025-09-05", "tardy", 0.1),  # a tardy is not an absence
            ("s2", "1001", "2025-09-08", "excused", 1), ("s2", "1001", "2025-09-09",
                                                          "unexcused", 0.5),
            ("s4", "1001", "2025-09-10", "unexcused", 1),
            ("s5", "1002", "2025-09-03", "unexcused", 1), ("s5", "1002", "2025-09-04",
                                                           "unexcused", 1),
            ("s5", "1002", "2025-09-05", "unexcused", 1), ("s5", "1002", "2025-09-19",
                                                           "suspension", 1),
            ("s8", "3001", "2025-09-03", "excused", 1)]
    return pd.DataFrame(rows, columns=["student_id", "school_id", "date", "category",
                                       "day_fraction"]).assign(school_year=YEAR)


def _marks() -> pd.DataFrame:
    rows = [("s1", "1001", "S1", "MTH03", "math", "F", False, 0, 0),
            ("s1", "1001", "S1", "ELA03", "ela", "B", True, 0, 0),
            ("s2", "1001", "S1", "MTH03", "math", "C", True, 0, 0),
            ("s4", "1001", "S1", "ELA04", "ela", "F", False, 0, 0),
            ("s6", "1002", "S1", "ELA05", "ela", "A", True, 0, 0)]
    subjects = {"ELA": "ela", "MTH": "math", "SCI": "science", "SOC": "social_studies",
                "PEH": "pe_health", "ART": "arts"}
    # s7: one core semester F (ELA S1), 11 x 0.5 = 5.5 credits: on track
    # s8: two core semester F's (math) and one elective F, 9 x 0.5 = 4.5 credits: off track
    fails = {"s7": {("ELA", "S1")}, "s8": {("MTH", "S1"), ("MTH", "S2"), ("ART", "S1")}}
    for sid, failed in fails.items():
        for code, subject in subjects.items():
            for term in ("S1", "S2"):
                f = (code, term) in failed
                rows.append((sid, "3001", term, f"{code}09", subject, "F" if f else "B",
                             not f, 0.5, 0 if f else 0.5))
    return pd.DataFrame(rows, columns=["student_id", "school_id", "term", "course_id",
                                       "subject", "mark", "passed", "credits_attempted",
                                       "credits_earned"]).assign(school_year=YEAR)


def _courses(marks: pd.DataFrame) -> pd.DataFrame:
    c = marks[["course_id", "subject"]].drop_duplicates()
    return c.assign(title=c.course_id, grade_level=c.course_id.str[-2:],
                    core=c.subject.isin(["ela", "math", "science", "social_studies"]),
                    credits=1.0)


def build(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    marks = _marks()
    tables = {
        "leas": pd.DataFrame([{"lea_id": "L1", "name": "Tiny USD", "state": "NM"}]),
        "schools": pd.DataFrame([
            {"school_id": "1001", "lea_id": "L1", "name": "A", "level": "elementary",
             "low_grade": "KG", "high_grade": "05", "title_i": True},
            {"school_id": "1002", "lea_id": "L1", "name": "B", "level": "elementary",
             "low_grade": "KG", "high_grade": "05", "title_i": False},
            {"school_id": "3001", "lea_id": "L1", "name": "C", "level": "high",
             "low_grade": "09", "high_grade": "12", "title_i": True}]),
        "students": _students(), "courses": _courses(marks), "enrollments": _enrollments(),
        "calendar_days": _calendar(), "attendance_events": _absences(), "course_marks": marks,
        "discipline_actions": pd.DataFrame([
            {"incident_id": "I1", "student_id": "s5", "school_id": "1002", "school_year": YEAR,
             "date": "2025-09-18", "behavior": "fighting", "action": "oss", "days": 1},
            {"incident_id": "I2", "student_id": "s7", "school_id": "3001", "school_year": YEAR,
             "date": "2025-09-10", "behavior": "defiance", "action": "detention", "days": 0}]),
        "assessment_results": pd.DataFrame([
            {"student_id": sid, "school_id": "3001", "school_year": YEAR,
             "assessment": "state", "subject": "ela", "grade_level": "09", "scale_score": s,
             "performance_level": lvl, "proficient": lvl >= 3}
            for sid, s, lvl in (("s7", 2600, 3), ("s8", 2400, 2))]),
        "cohort_outcomes": pd.DataFrame([
            {"student_id": sid, "school_id": "3001", "cohort_year": YEAR, "outcome": o}
            for sid, o in (("s9", "graduated"), ("s10", "dropped_out"),
                           ("s11", "transferred_out"))]),
    }
    for name, df in tables.items():
        df.to_csv(folder / f"{name}.csv", index=False)
    return folder


def warehouse(tmp: Path) -> Path:
    wh = tmp / "tiny.duckdb"
    data.load(build(tmp / "tiny"), wh)  # validation doubles as a check of the fixture
    return wh
