"""What a load reaches in the warehouse, and nothing else.

A full load replaces, table by table, the rows of exactly the (district, school year)
pairs the extract holds: its districts are those of its `leas` and `schools` (or, for an
extract without them, of the warehouse schools it names), so loading district B never
touches a row of district A. Tables without a year (students, courses, ...) are upserted
by key. A window load (`Window`) replaces only the dated rows (absences, discipline) of
its districts inside the window, and upserts every other table by key, so a corrected or
deleted absence is applied and an enrollment gains its exit date.

Ids are not qualified by district: a student, staff member, school or course id already
used by another district of the warehouse is refused, naming every such id, rather than
merging two districts' people (docs/data-format.md, "Several districts").

Everything here runs inside `warehouse.load_staged`'s transaction, on the staging
connection with the warehouse attached as `wh`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from aimline.data.problems import DataError
from aimline.data.schema import TABLES, Table

# tables whose rows a window replaces by date (the others are upserted by key)
DATED = {"attendance_events": "date", "discipline_actions": "date"}
PEOPLE = {"student_id": "student", "staff_id": "staff member"}


@dataclass(frozen=True)
class Window:
    """A load of the days from `start` to `end`, both inclusive."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise DataError(f"the window ends ({self.end}) before it starts ({self.start})")

    def __str__(self) -> str:
        return f"{self.start} to {self.end}"


class DistrictError(DataError):
    """An extract that reaches beyond what it may: another district, or another
    district's ids."""


def _cols(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}


def prepare(con: duckdb.DuckDBPyConnection, staged: list[str],
            districts: set[str] | None = None) -> list[str]:
    """Temp tables `_school_lea` (every school's district, the extract's word first),
    `_leas` (the extract's districts) and `_pairs` (its (lea_id, school_year) pairs).
    An extract that names no district (a window's empty absences file) reaches the
    `districts` it was sent for, if any. Returns the districts."""
    has = set(staged)
    wh_schools = "SELECT school_id, lea_id FROM wh.schools"
    if "schools" in has:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _school_lea AS
            SELECT school_id, lea_id FROM stg_schools WHERE school_id IS NOT NULL
            UNION ALL ({wh_schools} WHERE school_id NOT IN
                       (SELECT school_id FROM stg_schools WHERE school_id IS NOT NULL))""")
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _school_lea AS {wh_schools}")
    named = [f"SELECT DISTINCT school_id FROM stg_{t}" for t in staged
             if "school_id" in _cols(con, f"stg_{t}")]
    parts = ["SELECT lea_id FROM stg_leas"] if "leas" in has else []
    if named:
        parts.append("SELECT lea_id FROM _school_lea WHERE school_id IN ("
                     + " UNION ".join(named) + ")")
    con.execute("CREATE OR REPLACE TEMP TABLE _leas AS SELECT DISTINCT lea_id FROM ("
                + (" UNION ".join(parts) or "SELECT NULL::VARCHAR AS lea_id LIMIT 0")
                + ") WHERE lea_id IS NOT NULL")
    if districts and not con.execute("SELECT count(*) FROM _leas").fetchone()[0]:
        con.executemany("INSERT INTO _leas VALUES (?)", [[d] for d in sorted(districts)])
    year_parts = [f"SELECT DISTINCT school_id, {t.year_column} AS school_year FROM stg_{t.name}"
                  for t in TABLES if t.name in has and t.year_column]
    con.execute("CREATE OR REPLACE TEMP TABLE _pairs AS SELECT DISTINCT sl.lea_id, y.school_year "
                "FROM (" + (" UNION ".join(year_parts) or
                            "SELECT NULL AS school_id, NULL::INTEGER AS school_year LIMIT 0")
                + ") y JOIN _school_lea sl USING (school_id)")
    return [r[0] for r in con.execute("SELECT lea_id FROM _leas ORDER BY 1").fetchall()]


def check_districts(con: duckdb.DuckDBPyConnection, staged: list[str], leas: list[str],
                    allowed: set[str] | None) -> None:
    """Refuse an extract for districts other than `allowed`, and ids of the extract that
    the warehouse holds for another district."""
    if allowed is not None and set(leas) - allowed:
        raise DistrictError(
            f"the extract holds district(s) {', '.join(sorted(set(leas) - allowed))}, not "
            f"only {', '.join(sorted(allowed))}: a load here takes its own district's data")
    found: list[str] = []
    # schools: a school id of the warehouse in another district
    if "schools" in staged:
        found += [f"school {s} (district {lea})" for s, lea in con.execute("""
            SELECT s.school_id, w.lea_id FROM stg_schools s JOIN wh.schools w USING (school_id)
            WHERE w.lea_id <> s.lea_id ORDER BY 1""").fetchall()]
    owners = {"student_id": """SELECT DISTINCT e.student_id AS id, s.lea_id FROM wh.enrollments e
                                JOIN wh.schools s USING (school_id)""",
              "staff_id": """SELECT DISTINCT a.staff_id AS id, s.lea_id
                              FROM wh.staff_assignments a JOIN wh.schools s USING (school_id)"""}
    for col, what in PEOPLE.items():
        sources = [f"SELECT {col} AS id FROM stg_{t}" for t in staged
                   if col in _cols(con, f"stg_{t}")]
        if not sources:
            continue
        found += [f"{what} {i} (district {lea})" for i, lea in con.execute(f"""
            SELECT o.id, string_agg(DISTINCT o.lea_id, ', ') FROM ({owners[col]}) o
            WHERE o.id IN ({' UNION '.join(sources)})
              AND o.lea_id NOT IN (SELECT lea_id FROM _leas)
            GROUP BY o.id ORDER BY o.id""").fetchall()]
    if "courses" in staged:  # the same course id describing another district's course
        found += [f"course {c}" for (c,) in con.execute("""
            SELECT DISTINCT c.course_id FROM stg_courses c JOIN wh.courses w USING (course_id)
            WHERE (c.title, c.subject, c.credits) IS DISTINCT FROM (w.title, w.subject, w.credits)
              AND EXISTS (SELECT 1 FROM wh.course_marks m JOIN wh.schools s USING (school_id)
                          WHERE m.course_id = c.course_id
                            AND s.lea_id NOT IN (SELECT lea_id FROM _leas))
            ORDER BY 1""").fetchall()]
    if found:
        raise DistrictError(
            f"{len(found)} id(s) of the extract belong to another district in the warehouse: "
            f"{'; '.join(found)}. Ids are not qualified by district: give each district's "
            "ids a prefix in its export, or load the districts together with shared (state) "
            "ids (docs/data-format.md, Several districts).")


def replaced_rows(t: Table, window: Window | None) -> str:
    """The WHERE clause (over `wh.<t>`) of the warehouse rows this load replaces. The
    window's dates are written in as DATE literals (typed dates, nothing to escape), so
    the clause also serves in a view, which takes no parameters."""
    if window is None and t.year_column:
        return ("(school_id, school_year) IN (SELECT sl.school_id, p.school_year FROM "
                "_school_lea sl JOIN _pairs p USING (lea_id))")
    if window is not None and t.name in DATED:
        return (f"school_id IN (SELECT school_id FROM _school_lea WHERE lea_id IN "
                f"(SELECT lea_id FROM _leas)) AND {DATED[t.name]} BETWEEN "
                f"DATE '{window.start.isoformat()}' AND DATE '{window.end.isoformat()}'")
    keys = ", ".join(t.primary_key)
    return f"({keys}) IN (SELECT ({keys}) FROM stg_{t.name})"


def index_pairs(con: duckdb.DuckDBPyConnection, window: Window | None) -> None:
    """Temp table `_idx`: the (school_id, school_year) calendars to index again."""
    if window is None:
        con.execute("""CREATE OR REPLACE TEMP TABLE _idx AS SELECT sl.school_id, p.school_year
                       FROM _school_lea sl JOIN _pairs p USING (lea_id)""")
    else:
        con.execute("""CREATE OR REPLACE TEMP TABLE _idx AS
                       SELECT DISTINCT school_id, school_year FROM stg_calendar_days""")
