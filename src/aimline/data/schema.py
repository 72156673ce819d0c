"""The canonical K-12 schema: every table, column, type, code list, key and reference.

This module is the one place the extract format is defined. Validation
(`aimline.data.validate`), the warehouse DDL (`aimline.data.warehouse`) and
`docs/data-format.md` (`aimline.data.docs`) are all generated from it.

Names follow CEDS / Ed-Fi meaning. A *school year* is named by the calendar year
in which it ends: 2026 is the 2025-26 year, running 1 July 2025 to 30 June 2026.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["string", "integer", "decimal", "boolean", "date"]

DUCKDB_TYPES: dict[ColumnType, str] = {
    "string": "VARCHAR",
    "integer": "INTEGER",
    "decimal": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
}

# The federal seven race/ethnicity categories (OMB 1997; EDFacts codes HI7 ... MU7).
RACE_ETHNICITY: dict[str, str] = {
    "hispanic": "Hispanic or Latino (of any race)",
    "american_indian": "American Indian or Alaska Native",
    "asian": "Asian",
    "black": "Black or African American",
    "pacific_islander": "Native Hawaiian or Other Pacific Islander",
    "white": "White",
    "two_or_more": "Two or more races",
}
SEX: dict[str, str] = {"F": "Female", "M": "Male", "X": "Not specified / non-binary"}
GRADE_LEVELS: tuple[str, ...] = (
    "PK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
)
SCHOOL_LEVELS: dict[str, str] = {
    "elementary": "Elementary (highest grade 05 or 06)",
    "middle": "Middle / junior high",
    "high": "High school",
    "other": "Combined, alternative or other",
}
ATTENDANCE_CATEGORIES: dict[str, str] = {
    "excused": "Excused absence (counts as absent)",
    "unexcused": "Unexcused absence (counts as absent)",
    "suspension": "Absent because of an out-of-school suspension (counts as absent)",
    "tardy": "Arrived late; not an absence",
    "early_departure": "Left early; not an absence (record the missed part as excused/unexcused)",
}
ABSENCE_CATEGORIES: tuple[str, ...] = ("excused", "unexcused", "suspension")
TERMS: tuple[str, ...] = ("FY", "S1", "S2", "T1", "T2", "T3", "Q1", "Q2", "Q3", "Q4")
SUBJECTS: dict[str, str] = {
    "ela": "English language arts / reading",
    "math": "Mathematics",
    "science": "Science",
    "social_studies": "Social studies",
    "world_language": "World language",
    "arts": "Fine and performing arts",
    "pe_health": "Physical education and health",
    "cte": "Career and technical education",
    "elective": "Other elective",
}
MARKS: dict[str, str] = {
    "A": "A", "B": "B", "C": "C", "D": "D (passing)", "F": "F (failing)",
    "P": "Pass", "NP": "No pass", "I": "Incomplete", "W": "Withdrawn",
}
FAILING_MARKS: tuple[str, ...] = ("F", "NP")
EXIT_REASONS: dict[str, str] = {
    "transfer_in_district": "Transferred to another school in the district",
    "transfer_out": "Transferred out of the district",
    "moved": "Moved, destination unknown",
    "graduated": "Graduated",
    "dropped_out": "Dropped out",
    "expelled": "Expelled",
    "deceased": "Deceased",
    "end_of_year": "Completed the school year",
    "other": "Other",
}
BEHAVIORS: dict[str, str] = {
    "fighting": "Fighting / physical aggression",
    "defiance": "Defiance / insubordination",
    "disruption": "Classroom disruption",
    "bullying": "Bullying / harassment",
    "drugs": "Alcohol, tobacco or drugs",
    "weapons": "Weapons",
    "truancy": "Truancy",
    "other": "Other",
}
DISCIPLINE_ACTIONS: dict[str, str] = {
    "oss": "Out-of-school suspension",
    "iss": "In-school suspension",
    "expulsion": "Expulsion",
    "detention": "Detention",
    "referral": "Office referral, no removal",
    "law_enforcement_referral": "Referral to law enforcement",
    "other": "Other",
}
COHORT_OUTCOMES: dict[str, str] = {
    "graduated": "Regular diploma within four years (counts in ACGR numerator)",
    "graduated_late": "Regular diploma after the fourth year",
    "ged": "High-school equivalency (not a regular diploma)",
    "certificate": "Certificate of completion (not a regular diploma)",
    "dropped_out": "Dropped out",
    "still_enrolled": "Still enrolled after four years",
    "transferred_out": "Transferred out (removed from the adjusted cohort)",
    "deceased": "Deceased (removed from the adjusted cohort)",
}
STAFF_ROLES: dict[str, str] = {
    "teacher": "Teacher of record",
    "principal": "Principal",
    "assistant_principal": "Assistant principal",
    "counselor": "School counsellor",
    "coach": "Instructional coach",
    "other": "Other staff",
}
EFFECTIVENESS: dict[str, str] = {
    "highly_effective": "Highly effective",
    "effective": "Effective",
    "developing": "Developing / needs improvement",
    "ineffective": "Ineffective",
}


@dataclass(frozen=True)
class Column:
    """One column of a canonical table, with the rules its values must keep."""

    name: str
    type: ColumnType
    description: str
    required: bool = True
    allowed: tuple[str, ...] | None = None  # code list for string columns
    minimum: float | None = None
    maximum: float | None = None
    min_exclusive: bool = False  # day_fraction is in (0, 1]: 0 itself is not allowed

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]

    def range_rule(self) -> str | None:
        """The range rule in words, e.g. 'must be in (0, 1]'; None when unbounded."""
        if self.minimum is None and self.maximum is None:
            return None
        if self.maximum is None:
            return f"must be {'>' if self.min_exclusive else '>='} {self.minimum:g}"
        lo = "(" if self.min_exclusive else "["
        return f"must be in {lo}{self.minimum:g}, {self.maximum:g}]"


@dataclass(frozen=True)
class Reference:
    """Each value of `columns` must exist as `target_columns` in table `target`."""

    columns: tuple[str, ...]
    target: str
    target_columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    references: tuple[Reference, ...] = ()
    year_column: str | None = None  # tables loaded per school year; others are upserted by key
    required: bool = True  # must an extract include this table?

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def school_year_of(day: dt.date | str) -> int:
    """The school year (named by the year it ends) a date or YYYY-MM-DD falls in: July to
    June, so 2026-09-01 is in 2027."""
    year, month = (day.year, day.month) if isinstance(day, dt.date) else (
        int(day[:4]), int(day[5:7]))
    return year + 1 if month >= 7 else year


def _codes(d: dict[str, str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(d) if isinstance(d, dict) else d


def _ref(cols: str, target: str, target_cols: str | None = None) -> Reference:
    tc = target_cols or cols
    return Reference(tuple(cols.split(",")), target, tuple(tc.split(",")))


def _flag(name: str, what: str) -> Column:
    return Column(name, "boolean", f"Student is {what} (true/false)")


_SCHOOL_YEAR = Column("school_year", "integer",
                      "School year, named by its ending year (2026 = 2025-26)",
                      minimum=1990, maximum=2100)

TABLES: tuple[Table, ...] = (
    Table(
        "leas", "Local education agencies (districts).",
        (
            Column("lea_id", "string", "District identifier (NCES LEA id or the state's)"),
            Column("name", "string", "District name"),
            Column("state", "string", "Two-letter state code", required=False),
        ),
        primary_key=("lea_id",),
    ),
    Table(
        "schools", "Schools of the district(s).",
        (
            Column("school_id", "string", "School identifier (NCES or state id)"),
            Column("lea_id", "string", "District the school belongs to"),
            Column("name", "string", "School name"),
            Column("level", "string", "School level", allowed=_codes(SCHOOL_LEVELS)),
            Column("low_grade", "string", "Lowest grade served", allowed=GRADE_LEVELS),
            Column("high_grade", "string", "Highest grade served", allowed=GRADE_LEVELS),
            Column("title_i", "boolean", "Receives Title I, Part A funds", required=False),
        ),
        primary_key=("school_id",),
        references=(_ref("lea_id", "leas"),),
    ),
    Table(
        "students", "One row per student; group flags as of the latest extract.",
        (
            Column("student_id", "string", "Student identifier, stable across years"),
            Column("first_name", "string", "Given name (shown only to staff in scope)",
                   required=False),
            Column("last_name", "string", "Family name (shown only to staff in scope)",
                   required=False),
            Column("sex", "string", "Sex", allowed=_codes(SEX)),
            Column("race_ethnicity", "string", "Federal race/ethnicity category",
                   allowed=_codes(RACE_ETHNICITY)),
            Column("birth_date", "date", "Date of birth", required=False),
            _flag("economically_disadvantaged", "economically disadvantaged"),
            _flag("english_learner", "an English learner"),
            _flag("disability", "a student with a disability (IDEA)"),
            _flag("homeless", "experiencing homelessness (McKinney-Vento)"),
            _flag("foster_care", "in foster care"),
            _flag("migrant", "a migrant student"),
        ),
        primary_key=("student_id",),
    ),
    Table(
        "courses", "Course catalogue: one row per course.",
        (
            Column("course_id", "string", "Course identifier"),
            Column("title", "string", "Course title"),
            Column("subject", "string", "Subject area", allowed=_codes(SUBJECTS)),
            Column("grade_level", "string", "Grade the course is meant for", required=False,
                   allowed=GRADE_LEVELS),
            Column("core", "boolean", "Core course (ELA, math, science, social studies)"),
            Column("credits", "decimal", "Credits for the full course", minimum=0, maximum=10),
        ),
        primary_key=("course_id",),
        required=False,  # records may come from another source (a partial load)
    ),
    Table(
        "enrollments", "Enrollment spans. exit_date is the last day enrolled; empty = end of year.",
        (
            Column("student_id", "string", "Student"),
            Column("school_id", "string", "School"),
            _SCHOOL_YEAR,
            Column("grade_level", "string", "Grade level", allowed=GRADE_LEVELS),
            Column("entry_date", "date", "First day enrolled"),
            Column("exit_date", "date", "Last day enrolled (inclusive); empty = still enrolled",
                   required=False),
            Column("exit_reason", "string", "Why the student left", required=False,
                   allowed=_codes(EXIT_REASONS)),
        ),
        primary_key=("student_id", "school_id", "entry_date"),
        references=(_ref("student_id", "students"), _ref("school_id", "schools")),
        year_column="school_year",
    ),
    Table(
        "calendar_days", "Each school's calendar; instructional days count as days enrolled.",
        (
            Column("school_id", "string", "School"),
            _SCHOOL_YEAR,
            Column("date", "date", "Calendar date"),
            Column("instructional", "boolean", "A day of instruction (counts toward membership)"),
        ),
        primary_key=("school_id", "date"),
        references=(_ref("school_id", "schools"),),
        year_column="school_year",
    ),
    Table(
        "attendance_events", "Absences and tardies only (sparse), as SIS and Ed-Fi record them.",
        (
            Column("student_id", "string", "Student"),
            Column("school_id", "string", "School"),
            _SCHOOL_YEAR,
            Column("date", "date", "Date of the event"),
            Column("category", "string", "Kind of event", allowed=_codes(ATTENDANCE_CATEGORIES)),
            Column("day_fraction", "decimal", "Share of the day missed: 1 full day, 0.5 half day "
                   "(required for absences; may be empty for tardies and early departures)",
                   required=False, minimum=0, maximum=1, min_exclusive=True),
        ),
        primary_key=("student_id", "school_id", "date", "category"),
        references=(_ref("student_id", "students"), _ref("school_id", "schools")),
        year_column="school_year",
        required=False,  # records may come from another source (a partial load)
    ),
    Table(
        "course_marks", "Final marks per course and term.",
        (
            Column("student_id", "string", "Student"),
            Column("school_id", "string", "School awarding the mark"),
            _SCHOOL_YEAR,
            Column("term", "string", "Term of the mark", allowed=TERMS),
            Column("course_id", "string", "Course"),
            Column("subject", "string", "Subject area", allowed=_codes(SUBJECTS)),
            Column("mark", "string", "Final mark", allowed=_codes(MARKS)),
            Column("passed", "boolean", "Passed (earned credit or a passing mark)"),
            Column("credits_attempted", "decimal", "Credits attempted", minimum=0, maximum=10),
            Column("credits_earned", "decimal", "Credits earned", minimum=0, maximum=10),
        ),
        primary_key=("student_id", "school_year", "term", "course_id"),
        references=(_ref("student_id", "students"), _ref("school_id", "schools"),
                    _ref("course_id", "courses")),
        year_column="school_year",
        required=False,  # records may come from another source (a partial load)
    ),
    Table(
        "discipline_actions", "Disciplinary actions, one row per incident × student × action.",
        (
            Column("incident_id", "string", "Incident identifier"),
            Column("student_id", "string", "Student"),
            Column("school_id", "string", "School"),
            _SCHOOL_YEAR,
            Column("date", "date", "Date of the incident"),
            Column("behavior", "string", "Behaviour", allowed=_codes(BEHAVIORS)),
            Column("action", "string", "Action taken", allowed=_codes(DISCIPLINE_ACTIONS)),
            Column("days", "decimal", "Length of removal in school days", minimum=0, maximum=365),
        ),
        primary_key=("incident_id", "student_id", "action"),
        references=(_ref("student_id", "students"), _ref("school_id", "schools")),
        year_column="school_year",
        required=False,  # records may come from another source (a partial load)
    ),
    Table(
        "assessment_results", "State assessment results.",
        (
            Column("student_id", "string", "Student"),
            Column("school_id", "string", "School accountable for the result (added to "
                   "ARCHITECTURE.md's list: proficiency is reported by school)"),
            _SCHOOL_YEAR,
            Column("assessment", "string", "Assessment name"),
            Column("subject", "string", "Subject", allowed=_codes(SUBJECTS)),
            Column("grade_level", "string", "Grade tested", allowed=GRADE_LEVELS),
            Column("scale_score", "decimal", "Scale score", required=False),
            Column("performance_level", "integer", "Performance level, 1 (lowest) to 5",
                   minimum=1, maximum=5),
            Column("proficient", "boolean", "At or above proficient"),
        ),
        primary_key=("student_id", "school_year", "assessment", "subject"),
        references=(_ref("student_id", "students"), _ref("school_id", "schools")),
        year_column="school_year",
        required=False,  # records may come from another source (a partial load)
    ),
    Table(
        "cohort_outcomes", "Four-year graduation cohort outcomes (ACGR).",
        (
            Column("student_id", "string", "Student"),
            Column("school_id", "string", "High school accountable for the student "
                   "(added: graduation rates are reported by school)"),
            Column("cohort_year", "integer", "Expected graduation year (entered grade 9 four "
                   "years earlier)", minimum=1990, maximum=2100),
            Column("outcome", "string", "Outcome", allowed=_codes(COHORT_OUTCOMES)),
        ),
        primary_key=("student_id",),
        references=(_ref("student_id", "students"), _ref("school_id", "schools")),
        required=False,
    ),
    Table(
        "staff_assignments", "Staff assignments per school and year.",
        (
            Column("staff_id", "string", "Staff identifier, stable across years"),
            Column("school_id", "string", "School"),
            _SCHOOL_YEAR,
            Column("role", "string", "Role", allowed=_codes(STAFF_ROLES)),
            Column("years_experience", "integer", "Years of experience before this year",
                   minimum=0, maximum=60),
            Column("in_field", "boolean", "Certified in the field taught", required=False),
            Column("effectiveness", "string", "Latest evaluation rating", required=False,
                   allowed=_codes(EFFECTIVENESS)),
        ),
        primary_key=("staff_id", "school_id", "school_year", "role"),
        references=(_ref("school_id", "schools"),),
        year_column="school_year",
        required=False,
    ),
    Table(
        "section_rosters", "Class sections and who is in them: a teacher's roster "
        "(OneRoster classes and enrollments).",
        (
            Column("section_id", "string", "Class section identifier"),
            Column("school_id", "string", "School of the section"),
            _SCHOOL_YEAR,
            Column("course_id", "string", "Course the section teaches", required=False),
            Column("person_id", "string", "Student id (role student) or staff id (teacher)"),
            Column("role", "string", "Role in the section", allowed=("student", "teacher")),
            Column("begin_date", "date", "First day in the section", required=False),
            Column("end_date", "date", "Last day in the section", required=False),
        ),
        primary_key=("section_id", "person_id", "role"),
        references=(_ref("school_id", "schools"),),
        year_column="school_year",
        required=False,
    ),
)

TABLE_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def table(name: str) -> Table:
    try:
        return TABLE_BY_NAME[name]
    except KeyError:
        raise KeyError(f"no canonical table {name!r}; tables are: {', '.join(TABLE_BY_NAME)}")\
            from None
