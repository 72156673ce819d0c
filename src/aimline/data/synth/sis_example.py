"""The synthetic district as a PowerSchool-style SIS export, with the mapping that reads it.

    write(Path("district/"), Path("sis/"))    # from a canonical extract

Different column names, the SIS's own codes (grade -1/0/1..12, ethnicity 1-7, lunch
status F/R/P, attendance codes A/U/S/T/ED, ...), US dates (MM/DD/YYYY) and the
attendance as an Excel workbook, as districts export them. `mapping.yaml` beside the
files is the mapping a district analyst would write (docs/importing.md walks through it).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import yaml
from openpyxl import Workbook

from aimline.data.extract import open_views

GRADE = {"PK": "-1", "KG": "0", **{f"{g:02d}": str(g) for g in range(1, 13)}}
ETHNICITY = {"hispanic": "1", "american_indian": "2", "asian": "3", "black": "4",
             "pacific_islander": "5", "white": "6", "two_or_more": "7"}
GENDER = {"F": "F", "M": "M", "X": "U"}
LEVEL = {"elementary": "ES", "middle": "MS", "high": "HS", "other": "OT"}
EXIT = {"transfer_in_district": "T1", "transfer_out": "T2", "moved": "MV", "graduated": "G",
        "dropped_out": "DO", "expelled": "EX", "deceased": "DC", "end_of_year": "EOY",
        "other": "OT"}
ATTENDANCE = {"excused": "A", "unexcused": "U", "suspension": "S", "tardy": "T",
              "early_departure": "ED"}
BEHAVIOR = {"fighting": "FIGHT", "defiance": "DEF", "disruption": "DISR", "bullying": "BULLY",
            "drugs": "DRUG", "weapons": "WEAP", "truancy": "TRU", "other": "OTH"}
ACTION = {"oss": "OSS", "iss": "ISS", "expulsion": "EXP", "detention": "DET",
          "referral": "REF", "law_enforcement_referral": "LE", "other": "OTH"}
DEPARTMENT = {"ela": "ENG", "math": "MATH", "science": "SCI", "social_studies": "SS",
              "world_language": "WL", "arts": "ART", "pe_health": "PE", "cte": "CTE",
              "elective": "ELEC"}
YN = {"true": "Y", "false": "N"}
US = "%m/%d/%Y"


def _us(iso: str | None) -> str:
    return dt.date.fromisoformat(iso).strftime(US) if iso else ""


def _flip(d: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in d.items()}


def mapping() -> dict:
    """The mapping that reads this export back into the canonical tables."""
    yn = {"Y": True, "N": False}
    return {
        "date_format": US,
        "tables": {
            "leas": {"file": "Districts.csv", "columns": {
                "lea_id": "District_Number", "name": "District_Name", "state": "State"}},
            "schools": {"file": "Schools.csv", "columns": {
                "school_id": "School_Number", "lea_id": "District_Number",
                "name": "School_Name", "level": "SchoolLevel", "low_grade": "Low_Grade",
                "high_grade": "High_Grade", "title_i": "Title1"},
                "values": {"level": _flip(LEVEL), "low_grade": _flip(GRADE),
                           "high_grade": _flip(GRADE), "title_i": yn}},
            "students": {"file": "Students.csv", "columns": {
                "student_id": "Student_Number", "first_name": "First_Name",
                "last_name": "Last_Name", "sex": "Gender", "race_ethnicity": "Ethnicity",
                "birth_date": "DOB", "economically_disadvantaged": "LunchStatus",
                "english_learner": "ELL", "disability": "SPED", "homeless": "Homeless",
                "foster_care": "Foster", "migrant": "Migrant"},
                "values": {"sex": _flip(GENDER), "race_ethnicity": _flip(ETHNICITY),
                           "economically_disadvantaged": {"F": True, "R": True, "P": False},
                           "english_learner": yn, "disability": yn, "homeless": yn,
                           "foster_care": yn, "migrant": yn}},
            "courses": {"file": "Courses.csv", "columns": {
                "course_id": "Course_Number", "title": "Course_Name", "subject": "Department",
                "grade_level": "Grade", "core": "Core", "credits": "Credit_Hours"},
                "values": {"subject": _flip(DEPARTMENT), "grade_level": _flip(GRADE),
                           "core": yn}},
            "enrollments": {"file": "Enrollments.csv", "columns": {
                "student_id": "Student_Number", "school_id": "SchoolID",
                "grade_level": "Grade_Level", "entry_date": "EntryDate",
                "exit_date": "ExitDate", "exit_reason": "ExitCode"},
                "values": {"grade_level": _flip(GRADE), "exit_reason": _flip(EXIT)}},
            "calendar_days": {"file": "Calendar.csv", "columns": {
                "school_id": "SchoolID", "date": "Date_Value", "instructional": "InSession"}},
            "attendance_events": {"file": "Attendance.xlsx", "sheet": "Attendance", "columns": {
                "student_id": "Student_Number", "school_id": "SchoolID", "date": "Att_Date",
                "category": "Att_Code", "day_fraction": "Day_Portion"},
                "values": {"category": _flip(ATTENDANCE)}},
            "course_marks": {"file": "StoredGrades.csv", "columns": {
                "student_id": "Student_Number", "school_id": "SchoolID",
                "school_year": {"column": "DateStored", "school_year_of_date": True},
                "term": "StoreCode", "course_id": "Course_Number", "subject": "Department",
                "mark": "Grade", "passed": {"column": "Grade"},
                "credits_attempted": "PotentialCrHrs", "credits_earned": "EarnedCrHrs"},
                "values": {"subject": _flip(DEPARTMENT),
                           "passed": {"A": True, "B": True, "C": True, "D": True,
                                      "F": False}}},
            "discipline_actions": {"file": "Discipline.csv", "columns": {
                "incident_id": "Incident_ID", "student_id": "Student_Number",
                "school_id": "SchoolID", "date": "Incident_Date", "behavior": "Behavior_Code",
                "action": "Action_Code", "days": "Duration_Days"},
                "values": {"behavior": _flip(BEHAVIOR), "action": _flip(ACTION)}},
            "assessment_results": {"file": "TestScores.csv", "columns": {
                "student_id": "Student_Number", "school_id": "SchoolID",
                "school_year": {"column": "Test_Date", "school_year_of_date": True},
                "assessment": "Test_Name", "subject": "Subject", "grade_level": "Test_Grade",
                "scale_score": "Scale_Score", "performance_level": "Perf_Level",
                "proficient": {"column": "Perf_Level"}},
                "values": {"subject": _flip(DEPARTMENT), "grade_level": _flip(GRADE),
                           "proficient": {"1": False, "2": False, "3": True, "4": True,
                                          "5": True}}},
        },
    }


def _csv(out: Path, name: str, header: list[str], rows: list | object) -> int:
    with (out / name).open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        n = 0
        for r in rows:  # type: ignore[union-attr]
            w.writerow(r)
            n += 1
    return n


def write(extract: Path, out: Path) -> dict[str, int]:
    """Write the export for the canonical extract in `extract`; rows per file."""
    out.mkdir(parents=True, exist_ok=True)
    con = open_views(extract)

    def q(sql: str) -> list[tuple]:
        return con.execute(sql).fetchall()

    n = {}
    n["Districts.csv"] = _csv(out, "Districts.csv", ["District_Number", "District_Name",
                                                     "State"], q("SELECT * FROM leas"))
    n["Schools.csv"] = _csv(out, "Schools.csv", [
        "School_Number", "School_Name", "District_Number", "SchoolLevel", "Low_Grade",
        "High_Grade", "Title1"], ((s, nm, lea, LEVEL[lv], GRADE[lo], GRADE[hi], YN[t1.lower()])
                                  for s, lea, nm, lv, lo, hi, t1 in q(
        "SELECT school_id, lea_id, name, level, low_grade, high_grade, title_i FROM schools")))
    n["Students.csv"] = _csv(out, "Students.csv", [
        "Student_Number", "Last_Name", "First_Name", "Gender", "Ethnicity", "DOB",
        "LunchStatus", "ELL", "SPED", "Homeless", "Foster", "Migrant"], (
        (s, last, first, GENDER[sex], ETHNICITY[race], _us(birth),
         ("F" if i % 3 else "R") if ed.lower() == "true" else "P",
         *(YN[v.lower()] for v in flags))
        for i, (s, first, last, sex, race, birth, ed, *flags) in enumerate(q(
            "SELECT student_id, first_name, last_name, sex, race_ethnicity, birth_date, "
            "economically_disadvantaged, english_learner, disability, homeless, foster_care, "
            "migrant FROM students ORDER BY student_id"))))
    n["Courses.csv"] = _csv(out, "Courses.csv", [
        "Course_Number", "Course_Name", "Department", "Grade", "Core", "Credit_Hours"], (
        (c, title, DEPARTMENT[subj], GRADE.get(g or "", ""), YN[core.lower()], cr)
        for c, title, subj, g, core, cr in q(
            "SELECT course_id, title, subject, grade_level, core, credits FROM courses")))
    n["Enrollments.csv"] = _csv(out, "Enrollments.csv", [
        "Student_Number", "SchoolID", "Grade_Level", "EntryDate", "ExitDate", "ExitCode"], (
        (s, sc, GRADE[g], _us(en), _us(ex), EXIT.get(r or "", ""))
        for s, sc, g, en, ex, r in q("SELECT student_id, school_id, grade_level, entry_date, "
                                     "exit_date, exit_reason FROM enrollments")))
    n["Calendar.csv"] = _csv(out, "Calendar.csv", ["SchoolID", "Date_Value", "InSession"], (
        (s, _us(d), "1" if i.lower() == "true" else "0")
        for s, d, i in q("SELECT school_id, date, instructional FROM calendar_days")))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Attendance")
    ws.append(["Student_Number", "SchoolID", "Att_Date", "Att_Code", "Day_Portion"])
    k = 0
    for s, sc, d, cat, frac in q("SELECT student_id, school_id, date, category, day_fraction "
                                 "FROM attendance_events"):
        # a date cell, as Excel exports keep them (the other files have US text dates)
        ws.append([s, sc, dt.date.fromisoformat(d), ATTENDANCE[cat],
                   float(frac) if frac else None])
        k += 1
    wb.save(out / "Attendance.xlsx")
    n["Attendance.xlsx"] = k
    n["StoredGrades.csv"] = _csv(out, "StoredGrades.csv", [
        "Student_Number", "SchoolID", "Course_Number", "Department", "StoreCode",
        "DateStored", "Grade", "PotentialCrHrs", "EarnedCrHrs"], (
        (s, sc, c, DEPARTMENT[subj], term, f"{'01/20' if term == 'S1' else '06/10'}/{y}",
         mark, att, earned)
        for s, sc, y, term, c, subj, mark, att, earned in q(
            "SELECT student_id, school_id, school_year, term, course_id, subject, mark, "
            "credits_attempted, credits_earned FROM course_marks")))
    n["Discipline.csv"] = _csv(out, "Discipline.csv", [
        "Incident_ID", "Student_Number", "SchoolID", "Incident_Date", "Behavior_Code",
        "Action_Code", "Duration_Days"], (
        (i, s, sc, _us(d), BEHAVIOR[b], ACTION[a], days) for i, s, sc, d, b, a, days in q(
            "SELECT incident_id, student_id, school_id, date, behavior, action, days "
            "FROM discipline_actions")))
    n["TestScores.csv"] = _csv(out, "TestScores.csv", [
        "Student_Number", "SchoolID", "Test_Name", "Test_Date", "Subject", "Test_Grade",
        "Scale_Score", "Perf_Level"], (
        (s, sc, a, f"04/15/{y}", DEPARTMENT[subj], GRADE[g], score or "", lv)
        for s, sc, y, a, subj, g, score, lv in q(
            "SELECT student_id, school_id, school_year, assessment, subject, grade_level, "
            "scale_score, performance_level FROM assessment_results")))
    (out / "mapping.yaml").write_text(
        "# How Aimline reads this PowerSchool-style export (see docs/importing.md)\n"
        + yaml.safe_dump(mapping(), sort_keys=False, width=100), encoding="utf-8")
    con.close()
    return n
