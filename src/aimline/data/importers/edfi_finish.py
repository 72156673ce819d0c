"""The end of an Ed-Fi import, in DuckDB, once every record is staged: the joins that need
all of them (students with their demographics and program flags, discipline actions with
their incident, marks with their course, assessment results with their metadata, staff
with their assignments), the records dropped on the way with their reasons, and why a
canonical table stays empty. The records themselves are staged by `edfi`."""

from __future__ import annotations

from pathlib import Path

import duckdb

from aimline.data.importers.output import SEQ, SRC, count_drops
from aimline.data.importers.report import ImportFailed, ImportReport
from aimline.data.staging import sql_str

FLAGS = ("economically_disadvantaged", "english_learner", "disability", "homeless",
         "foster_care", "migrant")


# why a canonical table stays empty when its Ed-Fi source is absent
MISSING = {
    "enrollments": "no StudentSchoolAssociation records (Ed-Fi StudentEnrollment interchange)",
    "calendar_days": "no CalendarDate records (EducationOrgCalendar interchange)",
    "students.sex": "no StudentEducationOrganizationAssociation records "
                    "(StudentEnrollment interchange): sex, race and groups are kept there",
    "students.race_ethnicity": "no StudentEducationOrganizationAssociation records",
    "course_marks": "no CourseTranscript records (StudentTranscript interchange)",
    "courses.credits": "Course records carry no MaximumAvailableCredits",
    "cohort_outcomes": "Ed-Fi has no graduation-cohort outcome record; load it from the "
                       "state's cohort file",
    "staff_assignments": "no StaffEducationOrganizationAssignmentAssociation records "
                         "(StaffAssociation interchange)",
    "section_rosters": "no StudentSectionAssociation or StaffSectionAssociation records",
    "assessment_results": "no StudentAssessment records",
    "discipline_actions": "no DisciplineAction records",
    "attendance_events": "no StudentSchoolAttendanceEvent records",
}


# the Ed-Fi records each canonical table is made from
TABLE_SOURCES = {
    "enrollments": ("StudentSchoolAssociation",), "calendar_days": ("CalendarDate",),
    "course_marks": ("CourseTranscript",), "assessment_results": ("StudentAssessment",),
    "discipline_actions": ("DisciplineAction",),
    "attendance_events": ("StudentSchoolAttendanceEvent", "StudentSectionAttendanceEvent"),
}


def missing_reasons(report: ImportReport) -> dict[str, str]:
    """Why each canonical table may stay empty: no records, or every record dropped."""
    out = dict(MISSING)
    for table, sources in TABLE_SOURCES.items():
        read = sum(e.read for s in sources if (e := report.entities.get(s)))
        if read:
            out[table] = (f"all {read:,} {' / '.join(sources)} record(s) were dropped: "
                          "see the reasons under entities")
    return out


def _flag_sql(flag: str) -> str:
    return (f"coalesce(bool_or(f.flag = '{flag}'), false) "
            f"OR coalesce(bool_or(list_contains(string_split(d.characteristics, ','), "
            f"'{flag}')), false)")


def prepare(con: duckdb.DuckDBPyConnection, report: ImportReport,
            enrollments: Path | None = None) -> None:
    """Joins that need every record: students with their demographics and program flags,
    discipline rows with their incident, marks with their course's subject, assessment
    results with their metadata and (where the record names none) the enrolled school,
    from the Ed-Fi enrollments or, given `enrollments`, another source's too."""
    _spans(con, enrollments)
    # a school's LEA: named, or by the XML id of its LEA record, or the only LEA there is
    con.execute(f"""CREATE OR REPLACE TABLE stg_schools AS
        SELECT s.* EXCLUDE (lea_id, _lea_ref),
               coalesce(s.lea_id, r.lea_id, (SELECT CASE WHEN count(*) = 1 THEN min(lea_id) END
                                              FROM stg_leas)) AS lea_id
        FROM stg_schools s LEFT JOIN stg_lea_refs r ON r.ref_id = s._lea_ref
        ORDER BY s.{SEQ}""")
    has_demo = con.execute("SELECT count(*) FROM stg_demographics").fetchone()[0] > 0
    has_flags = has_demo or con.execute("SELECT count(*) FROM stg_flags").fetchone()[0] > 0
    flags = ", ".join(
        (f"CASE WHEN {_flag_sql(f)} OR bool_or(d.english_learner = 'true') THEN 'true' "
         "ELSE 'false' END" if f == "english_learner" else
         f"CASE WHEN {_flag_sql(f)} THEN 'true' ELSE 'false' END") + f' AS "{f}"'
        if has_flags else f'NULL AS "{f}"' for f in FLAGS)
    race = ("CASE WHEN bool_or(d.hispanic = 'true') THEN 'hispanic' "
            "WHEN max(len(string_split(nullif(d.races, ''), ','))) > 1 THEN 'two_or_more' "
            "ELSE max(nullif(d.races, '')) END")
    con.execute(f"""CREATE OR REPLACE TABLE stg_students AS
        SELECT s.student_id, any_value(s.first_name) AS first_name,
               any_value(s.last_name) AS last_name, max(d.sex) AS sex,
               {race} AS race_ethnicity, any_value(s.birth_date) AS birth_date, {flags},
               any_value(s.{SRC}) AS {SRC}, min(s.{SEQ}) AS {SEQ}
        FROM stg_students s
        LEFT JOIN stg_demographics d USING (student_id)
        LEFT JOIN stg_flags f USING (student_id)
        GROUP BY s.student_id, s.{SEQ}""")
    for table in ("demographics", "flags"):
        _drop_where(con, report, table, "student_id NOT IN (SELECT student_id FROM "
                    "stg_students)", "student not in the Student records", "student_id")
    # discipline: the incident's date and school, the behaviour from the association; two
    # actions of one kind for one student and incident (two detentions) are one row, days summed
    con.execute("""CREATE OR REPLACE TABLE stg_discipline_actions AS
        SELECT incident_id, student_id, any_value(school_id ORDER BY _seq) AS school_id,
               any_value(school_year ORDER BY _seq) AS school_year,
               min(date) AS date, any_value(behavior ORDER BY _seq) AS behavior, action,
               CAST(sum(CAST(days AS DOUBLE)) AS VARCHAR) AS days,
               any_value(_src) AS _src, min(_seq) AS _seq
        FROM (SELECT a.incident_id, a.student_id, coalesce(a.school_id, i.school_id) AS school_id,
               CAST(CASE WHEN month(CAST(coalesce(i.date, a.date) AS DATE)) >= 7
                    THEN year(CAST(coalesce(i.date, a.date) AS DATE)) + 1
                    ELSE year(CAST(coalesce(i.date, a.date) AS DATE)) END AS VARCHAR)
                 AS school_year,
               coalesce(i.date, a.date) AS date, coalesce(a.behavior, b.behavior) AS behavior,
               a.action, a.days, a._src, a._seq
        FROM stg_discipline_actions a
        LEFT JOIN stg_incidents i
          ON i.incident_id = a.incident_id AND i.school_id = a._incident_school
        LEFT JOIN (SELECT school_id, incident_id, student_id, min(behavior) AS behavior
                   FROM stg_behaviors GROUP BY ALL) b
          ON b.incident_id = a.incident_id AND b.school_id = a._incident_school
         AND b.student_id = a.student_id)
        GROUP BY incident_id, student_id, action ORDER BY _seq""")
    con.execute(f"""CREATE OR REPLACE TABLE stg_course_marks AS
        SELECT m.* EXCLUDE (subject), c.subject FROM stg_course_marks m
        LEFT JOIN (SELECT course_id, any_value(subject) AS subject FROM stg_courses
                   GROUP BY ALL) c USING (course_id) ORDER BY m.{SEQ}""")
    # assessments: subject and grade from the metadata; school from the enrollment that
    # covers the administration date when the record names none
    con.execute(f"""CREATE OR REPLACE TABLE stg_assessment_results AS
        SELECT r.student_id,
               coalesce(r.school_id, (SELECT any_value(e.school_id) FROM _spans e
                    WHERE e.student_id = r.student_id AND r._date IS NOT NULL
                      AND CAST(r._date AS DATE) BETWEEN CAST(e.entry_date AS DATE)
                          AND coalesce(CAST(e.exit_date AS DATE), DATE '9999-12-31')))
                 AS school_id,
               r.school_year, coalesce(m.title, r.assessment) AS assessment, m.subject,
               coalesce(r.grade_level, m.grade_level) AS grade_level, r.scale_score,
               r.performance_level, r.proficient, r.{SRC}, r.{SEQ}
        FROM stg_assessment_results r
        LEFT JOIN (SELECT assessment, any_value(title) AS title, any_value(subject) AS subject,
                          any_value(grade_level) AS grade_level
                   FROM stg_assessments GROUP BY ALL) m USING (assessment)
        ORDER BY r.{SEQ}""")
    _staff_assignments(con, report)
    _check_calendar(con, report)
    for col, why in (("school_id", "no school: the record names none and no enrollment "
                      "covers its administration date"),
                     ("subject", "assessment not in the Assessment metadata, or it has no "
                      "academic subject")):
        _drop_where(con, report, "assessment_results", f"{col} IS NULL", why,
                    "student_id || ', ' || coalesce(assessment, '')")


def _spans(con: duckdb.DuckDBPyConnection, enrollments: Path | None) -> None:
    """View `_spans` (student_id, school_id, entry_date, exit_date as text): the Ed-Fi
    enrollments, plus those of a canonical extract folder or a warehouse file."""
    cols = "student_id, school_id, CAST(entry_date AS VARCHAR) AS entry_date, " \
           "CAST(exit_date AS VARCHAR) AS exit_date"
    parts = [f"SELECT {cols} FROM stg_enrollments"]
    if enrollments is not None:
        if enrollments.is_dir():
            found = [p for p in (enrollments / "enrollments.csv",
                                 enrollments / "enrollments.parquet") if p.exists()]
            if not found:
                raise ImportFailed([f"{enrollments}: no enrollments.csv or enrollments.parquet "
                                    "to take enrollments from"])
            reader = "read_parquet" if found[0].suffix == ".parquet" else "read_csv"
            opts = "" if reader == "read_parquet" else ", all_varchar=true"
            parts.append(f"SELECT {cols} FROM {reader}({sql_str(str(found[0]))}{opts})")
        elif enrollments.exists():
            con.execute(f"ATTACH {sql_str(str(enrollments))} AS extra (READ_ONLY)")
            parts.append(f"SELECT {cols} FROM extra.enrollments")
        else:
            raise ImportFailed([f"{enrollments}: no such extract folder or warehouse"])
    con.execute("CREATE OR REPLACE TEMP VIEW _spans AS " + " UNION ALL ".join(parts))


def _drop_where(con: duckdb.DuckDBPyConnection, report: ImportReport, table: str, cond: str,
                why: str, example: str) -> None:
    count_drops(con, report, why, f"SELECT {SRC}, {example} AS ex FROM stg_{table} "
                                  f"WHERE {cond}")
    con.execute(f"DELETE FROM stg_{table} WHERE {cond}")


def _check_calendar(con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    """Warn where the calendar has fewer instructional days than the sessions count."""
    for school, year, sessions, calendar in con.execute("""
            SELECT s.school_id, s.school_year, s.days, coalesce(c.days, 0) FROM (
              SELECT school_id, school_year, sum(TRY_CAST(days AS INTEGER)) AS days
              FROM stg_sessions GROUP BY ALL) s
            LEFT JOIN (SELECT school_id, school_year, count(*) AS days FROM stg_calendar_days
                       WHERE instructional = 'true' GROUP BY ALL) c
              USING (school_id, school_year)
            WHERE coalesce(c.days, 0) < s.days ORDER BY ALL""").fetchall():
        report.warnings.append(
            f"school {school}, school year {year}: the calendar has {calendar} instructional "
            f"day(s) but its sessions count {sessions}: the calendar is incomplete, so days "
            "enrolled cannot be counted for this school and year")


def _staff_assignments(con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    """Staff assignments at a school, as of the latest school year the import holds.

    Ed-Fi keeps a person's years of prior experience as of now, not per year, so the
    assignments become one snapshot: those active in that year (begun by its end, not
    ended before its start), with the experience the Staff record gives.
    """
    year = con.execute("""SELECT max(y) FROM (
        SELECT max(TRY_CAST(school_year AS INTEGER)) AS y FROM stg_sessions UNION ALL
        SELECT max(TRY_CAST(school_year AS INTEGER)) FROM stg_attendance_events UNION ALL
        SELECT max(TRY_CAST(school_year AS INTEGER)) FROM stg_enrollments)""").fetchone()[0]
    drops = {
        "the organisation is not a school (an LEA-level assignment)":
            "edorg_id NOT IN (SELECT school_id FROM stg_schools)",
        "no school year in the import to place the assignment in": f"{year is None}",
        "not active in the latest school year of the import":
            f"NOT (CAST(begin AS DATE) <= make_date({year or 2000}, 6, 30) AND "
            f"coalesce(CAST(\"end\" AS DATE), DATE '9999-12-31') >= "
            f"make_date({year or 2000} - 1, 7, 1))",
    }
    for why, cond in drops.items():
        _drop_where(con, report, "staff_roles", cond, why, "staff_id || ', ' || edorg_id")
    con.execute(f"""INSERT INTO stg_staff_assignments (staff_id, school_id, school_year, role,
                        years_experience, {SRC}, {SEQ})
        SELECT r.staff_id, r.edorg_id, '{year}', r.role,
               CAST(floor(TRY_CAST(s.experience AS DOUBLE)) AS INTEGER), r.{SRC}, r.{SEQ}
        FROM stg_staff_roles r LEFT JOIN stg_staff s USING (staff_id)""")
