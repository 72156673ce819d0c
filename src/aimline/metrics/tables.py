"""The canonical tables as *unbound* Ibis tables, filtered to one school year.

Metric definitions are written against these; an engine (DuckDB, Spark) binds them by name
only when the expression runs. Nothing here touches a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from aimline.data.schema import TABLES

IBIS_TYPES = {"string": "string", "integer": "int32", "decimal": "float64",
              "boolean": "boolean", "date": "date"}
CALENDAR_INDEX = {"school_id": "string", "school_year": "int32", "date": "date",
                  "instructional": "boolean", "instr_through": "int32"}


def unbound(name: str) -> ir.Table:
    if name == "calendar_index":
        return ibis.table(CALENDAR_INDEX, name=name)
    t = next(t for t in TABLES if t.name == name)
    return ibis.table({c.name: IBIS_TYPES[c.type] for c in t.columns}, name=name)


@dataclass(frozen=True)
class Tables:
    """The tables a metric reads, already limited to `year` where they have a year."""

    year: int
    schools: ir.Table
    students: ir.Table
    enrollments: ir.Table
    calendar_index: ir.Table
    attendance_events: ir.Table
    course_marks: ir.Table
    discipline_actions: ir.Table
    assessment_results: ir.Table
    cohort_outcomes: ir.Table

    @property
    def year_end(self) -> dt.date:
        return dt.date(self.year, 6, 30)

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.year - 1, 7, 1)


def for_year(year: int) -> Tables:
    def yearly(name: str) -> ir.Table:
        t = unbound(name)
        return t.filter(t.school_year == year)

    return Tables(
        year=year, schools=unbound("schools"), students=unbound("students"),
        enrollments=yearly("enrollments"), calendar_index=yearly("calendar_index"),
        attendance_events=yearly("attendance_events"), course_marks=yearly("course_marks"),
        discipline_actions=yearly("discipline_actions"),
        assessment_results=yearly("assessment_results"),
        cohort_outcomes=unbound("cohort_outcomes").filter(
            unbound("cohort_outcomes").cohort_year == year),
    )
