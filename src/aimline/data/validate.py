"""Validate a district extract: every value, key, reference and date rule, all reported.

    report, con = validate(Path("district"))   # con holds typed tables stg_<table>

Three passes, each in DuckDB: (1) files and headers (`staging`), (2) each value against
its column's type, code list and range, (3) the rules across rows and tables: unique keys,
references, dates inside the school year, no overlapping enrollment spans, absences only
on instructional days inside a span. Given the warehouse the extract is for, pass 3 reads
the extract *plus* what the warehouse keeps after the load (`aimline.data.reach`), so a
partial extract (attendance on the warehouse's enrollments) or a week's window is checked
as the warehouse will hold it, and a table is required only when the warehouse lacks it.
A bad value is reported in pass 2 and becomes NULL
for pass 3, where NULL breaks no rule: a typo in a grade code is one problem, not also a
missing enrollment span for every absence of that student.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from aimline.data import extract, reach
from aimline.data.problems import Problem, Report
from aimline.data.reach import Window
from aimline.data.schema import (
    ABSENCE_CATEGORIES,
    FAILING_MARKS,
    GRADE_LEVELS,
    TABLE_BY_NAME,
    TABLES,
    Column,
    Table,
)
from aimline.data.staging import ROW, sql_str, stage

TRUE = ("true", "t", "1", "yes", "y")
FALSE = ("false", "f", "0", "no", "n")
YEAR_DATES = {"enrollments": ("entry_date", "exit_date"), "calendar_days": ("date",),
              "attendance_events": ("date",), "discipline_actions": ("date",)}
SPAN_END = "coalesce(e.exit_date, make_date(e.school_year, 6, 30))"


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(sql_str(v) for v in values) + ")"


def _value_rule(c: Column) -> str:
    """A SQL CASE that names the first rule a raw text value breaks, or NULL."""
    v = f'trim("{c.name}")'
    whens = []
    if c.required:
        whens.append(f"WHEN {v} IS NULL OR {v} = '' THEN 'required value is missing'")
    else:
        whens.append(f"WHEN {v} IS NULL OR {v} = '' THEN NULL")
    num = None
    if c.type == "integer":
        # a pattern, not just TRY_CAST: DuckDB casts '2025.5' to the integer 2026
        whens.append(f"WHEN NOT regexp_full_match({v}, '[+-]?[0-9]+') "
                     f"OR TRY_CAST({v} AS INTEGER) IS NULL THEN 'must be a whole number'")
        num = f"TRY_CAST({v} AS INTEGER)"
    elif c.type == "decimal":
        whens.append(f"WHEN TRY_CAST({v} AS DOUBLE) IS NULL "
                     f"OR NOT isfinite(TRY_CAST({v} AS DOUBLE)) THEN 'must be a number'")
        num = f"TRY_CAST({v} AS DOUBLE)"
    elif c.type == "boolean":
        whens.append(f"WHEN lower({v}) NOT IN {_in(TRUE + FALSE)} THEN 'must be true or false'")
    elif c.type == "date":
        whens.append(f"WHEN NOT regexp_full_match({v}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') "
                     "THEN 'date must be YYYY-MM-DD'")
        whens.append(f"WHEN TRY_CAST({v} AS DATE) IS NULL THEN "
                     "'not a real date: no such month or day'")
    if c.allowed:
        shown = ", ".join(c.allowed)
        whens.append(f"WHEN {v} NOT IN {_in(c.allowed)} THEN {sql_str('must be one of: ' + shown)}")
    if num and (rule := c.range_rule()):
        cond = []
        if c.minimum is not None:
            cond.append(f"{num} {'<=' if c.min_exclusive else '<'} {c.minimum}")
        if c.maximum is not None:
            cond.append(f"{num} > {c.maximum}")
        whens.append(f"WHEN {' OR '.join(cond)} THEN {sql_str(rule)}")
    return "CASE " + " ".join(whens) + " END"


def _typed(c: Column) -> str:
    v = f'NULLIF(trim("{c.name}"), \'\')'
    cast = {
        "string": v,
        "integer": f"CASE WHEN regexp_full_match({v}, '[+-]?[0-9]+') "
                   f"THEN TRY_CAST({v} AS INTEGER) END",
        "decimal": f"TRY_CAST({v} AS DOUBLE)",
        "date": f"TRY_CAST({v} AS DATE)",
        "boolean": f"CASE WHEN lower({v}) IN {_in(TRUE)} THEN true "
                   f"WHEN lower({v}) IN {_in(FALSE)} THEN false END",
    }[c.type]
    return f'{cast} AS "{c.name}"'


class Validator:
    def __init__(self, folder: Path, con: duckdb.DuckDBPyConnection, limit: int,
                 window: Window | None = None, districts: set[str] | None = None,
                 only: set[str] | None = None) -> None:
        self.folder = folder
        self.con = con
        self.report = Report(limit=limit)
        self.files: dict[str, str] = {}  # table -> file name as the user named it
        self.staged: set[str] = set()
        self.absent: list[Table] = []  # required tables the extract lacks
        self.window = window
        self.districts = districts
        self.only = only  # load these tables of the extract, and leave its others
        self.kept: set[str] = set()  # tables the warehouse has rows of, after the load

    # -- running a check -------------------------------------------------------------------
    def check(self, table: str, sql: str) -> None:
        """Run `sql` (columns: _row, col, val, rule) and record what it finds."""
        file = self.files[table]
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE _found AS {sql}")
        counts = self.con.execute(
            "SELECT col, rule, count(*) FROM _found GROUP BY ALL ORDER BY min(_row)").fetchall()
        if not counts:
            return
        rows = self.con.execute(
            f"SELECT _row, col, val, rule FROM _found ORDER BY _row LIMIT {self.report.limit}"
        ).fetchall()
        self.report.add([Problem(file, r, c, v, rule) for r, c, v, rule in rows],
                        [(c, rule, n) for c, rule, n in counts])

    # -- pass 1 and 2 ------------------------------------------------------------------------
    def stage_all(self) -> None:
        found = extract.find_files(self.folder)
        if self.only is not None:
            unknown = sorted(self.only - {t.name for t in TABLES})
            if unknown:
                self.report.add([Problem(f"{u}.csv", None, None, None, "no such canonical "
                                         "table to load") for u in unknown])
            for name in sorted(self.only - set(found) - set(unknown)):
                self.report.add([Problem(f"{name}.csv", None, None, None,
                                         "a table to load (--only) is not in the extract")])
            left = sorted(set(found) - self.only)
            if left:
                self.report.notes.append(f"not loaded (--only): {', '.join(left)}")
            found = {k: v for k, v in found.items() if k in self.only}
        for t in TABLES:
            if self.only is not None and t.name not in self.only:
                continue
            csv, pq = self.folder / f"{t.name}.csv", self.folder / f"{t.name}.parquet"
            if csv.exists() and pq.exists():
                self.report.add([Problem(csv.name, None, None, None, f"both {csv.name} and "
                                         f"{pq.name} exist: keep one file per table")])
                continue
            if t.name not in found:
                if t.required:  # decided in pass 3: the warehouse may hold it
                    self.absent.append(t)
                continue
            path = found[t.name]
            self.files[t.name] = path.name
            problems, extra = stage(self.con, t, path, f"raw_{t.name}")
            if problems:
                self.report.add(problems)
                continue
            if extra:
                self.report.notes.append(f"{path.name}: ignored columns not in the canonical "
                                         f"schema: {', '.join(extra)}")
            self.report.rows[t.name] = self.con.execute(
                f"SELECT count(*) FROM raw_{t.name}").fetchone()[0]
            self._check_values(t)

    def _check_values(self, t: Table) -> None:
        parts = [f"SELECT {ROW} AS _row, '{c.name}' AS col, "
                 f"CAST(\"{c.name}\" AS VARCHAR) AS val, {_value_rule(c)} AS rule "
                 f"FROM raw_{t.name}" for c in t.columns]
        sql = "SELECT * FROM (" + " UNION ALL ".join(parts) + ") WHERE rule IS NOT NULL"
        self.check(t.name, sql)
        self.con.execute(
            f"CREATE OR REPLACE TABLE stg_{t.name} AS SELECT {ROW}, "
            + ", ".join(_typed(c) for c in t.columns)
            + f" FROM raw_{t.name}")
        self.staged.add(t.name)

    # -- pass 3 --------------------------------------------------------------------------------
    def combine(self) -> None:
        """Views `all_<table>`: the extract's rows plus the warehouse rows this load keeps
        (for tables the rules read across), and the required tables neither has. First of
        all, an extract reaching another district is refused (`reach.DistrictError`)."""
        leas = reach.prepare(self.con, sorted(self.staged), self.districts)
        reach.check_districts(self.con, sorted(self.staged), leas, self.districts)
        for t in TABLES:
            cols = ", ".join(f'"{c}"' for c in t.column_names)
            sql = f'SELECT NULL::BIGINT AS {ROW}, {cols} FROM wh."{t.name}"'
            if t.name in self.staged:
                sql = (f"SELECT {ROW}, {cols} FROM stg_{t.name} UNION ALL {sql} "
                       f"WHERE NOT ({reach.replaced_rows(t, self.window)})")
            # views: only the rules that read across tables scan them (the warehouse's tens
            # of millions of absences are never copied)
            self.con.execute(f"CREATE OR REPLACE TEMP VIEW all_{t.name} AS {sql}")
            if self.con.execute(f"SELECT EXISTS (SELECT 1 FROM all_{t.name})").fetchone()[0]:
                self.kept.add(t.name)
        for t in self.absent:
            if t.name not in self.kept:
                held = f" (nor does the warehouse, for district(s) {', '.join(leas)})" \
                    if leas else ""
                self.report.add([Problem(f"{t.name}.csv", None, None, None,
                                         f"required table is missing{held}: add {t.name}.csv "
                                         f"or {t.name}.parquet")])

    def check_relations(self) -> None:
        self.combine()
        for t in TABLES:
            if t.name not in self.staged:
                continue
            self._check_key(t)
            for ref in t.references:
                # against the extract's file (if it staged), else the warehouse's rows; a
                # required target that neither has is one problem above, not one per row
                if (ref.target in self.files and f"raw_{ref.target}" in self._tables()) \
                        or (ref.target not in self.files and (
                            ref.target in self.kept or not TABLE_BY_NAME[ref.target].required)):
                    self._check_reference(t, ref.columns, ref.target, ref.target_columns)
            for col in YEAR_DATES.get(t.name, ()):
                self.check(t.name, f"""
                    SELECT {ROW} AS _row, '{col}' AS col,
                           {col} || ' (school_year ' || school_year || ')' AS val,
                           'date must fall inside its school year (1 July to 30 June)' AS rule
                    FROM stg_{t.name}
                    WHERE {col} NOT BETWEEN make_date(school_year - 1, 7, 1)
                                        AND make_date(school_year, 6, 30)""")
        if self.window is not None:
            self._check_window()
        for name, rule in RULES:
            if name in self.staged:
                rule(self)

    def _check_window(self) -> None:
        w = self.window
        assert w is not None
        for name, col in reach.DATED.items():
            if name in self.staged:
                self.check(name, f"""
                    SELECT {ROW} AS _row, '{col}' AS col, CAST({col} AS VARCHAR) AS val,
                           'outside the load window ({w}): a window load holds only its days'
                           AS rule
                    FROM stg_{name} WHERE {col} NOT BETWEEN DATE '{w.start}' AND DATE '{w.end}'
                    """)

    def _tables(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}

    def _check_key(self, t: Table) -> None:
        pk = ", ".join(t.primary_key)
        shown = " || ', ' || ".join(f'CAST("{c}" AS VARCHAR)' for c in t.primary_key)
        self.check(t.name, f"""
            SELECT _row, '{pk}' AS col, '(' || {shown} || ') first on row ' || first AS val,
                   'duplicate key: ({pk}) must be unique' AS rule
            FROM (SELECT *, min({ROW}) OVER (PARTITION BY {pk}) AS first FROM stg_{t.name})
            WHERE _row > first""")

    def _check_reference(self, t: Table, cols: tuple[str, ...], target: str,
                         target_cols: tuple[str, ...]) -> None:
        # compare with every key in the target file, bad rows included, so a typo in the
        # target row is reported once, there, not again as a dangling reference here; and
        # with the warehouse's, which a load never deletes (keyed tables are upserted)
        tc = ", ".join(f'trim(CAST("{b}" AS VARCHAR)) AS "{b}"' for b in target_cols)
        keys = f'SELECT {tc} FROM wh."{target}"'
        where = self.files.get(target, "the extract")
        if target in self.files:
            keys = f"SELECT {tc} FROM raw_{target} UNION ALL {keys}"
        on = " AND ".join(f's."{a}" = r."{b}"' for a, b in zip(cols, target_cols))
        shown = " || ', ' || ".join(f's."{c}"' for c in cols)
        self.check(t.name, f"""
            SELECT s.{ROW} AS _row, '{", ".join(cols)}' AS col, {shown} AS val,
                   'unknown {", ".join(cols)}: not in {where} or the warehouse' AS rule
            FROM stg_{t.name} s ANTI JOIN ({keys}) r ON {on}""")


def _enrollment_dates(v: Validator) -> None:
    v.check("enrollments", f"""
        SELECT {ROW} AS _row, 'exit_date' AS col,
               exit_date || ' (entry ' || entry_date || ')' AS val,
               'exit_date must be on or after entry_date' AS rule
        FROM stg_enrollments WHERE exit_date < entry_date""")
    # a span overlaps when it starts on or before the latest end of any earlier span
    v.check("enrollments", f"""
        SELECT _row, 'entry_date' AS col,
               entry_date || ' (an earlier span runs to ' || prev_end || ')' AS val,
               'enrollment spans of one student must not overlap' AS rule
        FROM (SELECT {ROW} AS _row, entry_date,
                     max(coalesce(exit_date, make_date(school_year, 6, 30))) OVER (
                        PARTITION BY student_id ORDER BY entry_date, {ROW}
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
              FROM stg_enrollments)
        WHERE entry_date <= prev_end""")
    # a span of the extract overlapping one the warehouse keeps
    v.check("enrollments", f"""
        SELECT s.{ROW} AS _row, 'entry_date' AS col,
               s.entry_date || ' (the warehouse has a span at ' || k.school_id || ' from '
                 || k.entry_date || ')' AS val,
               'enrollment spans of one student must not overlap' AS rule
        FROM stg_enrollments s JOIN all_enrollments k
          ON k.{ROW} IS NULL AND k.student_id = s.student_id
         AND s.entry_date <= coalesce(k.exit_date, make_date(k.school_year, 6, 30))
         AND k.entry_date <= coalesce(s.exit_date, make_date(s.school_year, 6, 30))""")
    if "calendar_days" in v.staged or "calendar_days" in v.kept:
        v.check("enrollments" if "calendar_days" not in v.staged else "calendar_days", """
            SELECT NULL::BIGINT AS _row, 'school_id, school_year' AS col,
                   e.school_id || ', ' || e.school_year AS val,
                   'no calendar for a school and year that has enrollments' AS rule
            FROM (SELECT DISTINCT school_id, school_year FROM stg_enrollments) e
            ANTI JOIN all_calendar_days c
              ON c.school_id = e.school_id AND c.school_year = e.school_year""")


def _attendance_days(v: Validator) -> None:
    if "calendar_days" in v.staged or "calendar_days" in v.kept:
        off_days = f"""
            FROM stg_attendance_events a LEFT JOIN all_calendar_days c
              ON c.school_id = a.school_id AND c.date = a.date
            WHERE c.instructional IS NOT true AND a.category {{}} IN {_in(ABSENCE_CATEGORIES)}
              AND a.date IS NOT NULL  -- a date that is not a date is said once, above"""
        v.check("attendance_events", f"""
            SELECT a.{ROW} AS _row, 'date' AS col, CAST(a.date AS VARCHAR) AS val,
                   CASE WHEN c.instructional IS NULL
                        THEN 'date is not in the school''s calendar (calendar_days)'
                        ELSE 'not an instructional day (weekend, holiday or PD day)' END AS rule
            {off_days.format("")}""")
        # a tardy or early departure on such a day counts toward nothing: said, not refused
        (n, first), = v.con.execute(f"SELECT count(*), min(a.{ROW}) {off_days.format('NOT')}"
                                    ).fetchall()
        if n:
            v.report.notes.append(
                f"{v.files['attendance_events']}: {n:,} tardy or early-departure event(s) on "
                f"days that are not instructional (first on row {first}); kept, they count "
                "toward no metric")
    if "enrollments" in v.staged or "enrollments" in v.kept:
        v.check("attendance_events", f"""
            SELECT a.{ROW} AS _row, 'date' AS col, CAST(a.date AS VARCHAR) AS val,
                   'no enrollment span of this student at this school covers this date' AS rule
            FROM (SELECT * FROM stg_attendance_events WHERE date IS NOT NULL) a
            ANTI JOIN all_enrollments e
              ON e.student_id = a.student_id AND e.school_id = a.school_id
             AND a.date BETWEEN e.entry_date AND {SPAN_END}""")
    v.check("attendance_events", f"""
        SELECT {ROW} AS _row, 'day_fraction' AS col, category AS val,
               'an absence needs day_fraction (the share of the day missed)' AS rule
        FROM raw_attendance_events
        WHERE category IN {_in(ABSENCE_CATEGORIES)}
          AND (day_fraction IS NULL OR trim(day_fraction) = '')""")
    v.check("attendance_events", f"""
        SELECT max({ROW}) AS _row, 'day_fraction' AS col, CAST(sum(day_fraction) AS VARCHAR) AS val,
               'absences on one day add up to more than a whole day' AS rule
        FROM stg_attendance_events WHERE category IN {_in(ABSENCE_CATEGORIES)}
        GROUP BY student_id, school_id, date HAVING sum(day_fraction) > 1""")


def _course_marks(v: Validator) -> None:
    v.check("course_marks", f"""
        SELECT {ROW} AS _row, 'credits_earned' AS col,
               credits_earned || ' > ' || credits_attempted AS val,
               'credits_earned must not exceed credits_attempted' AS rule
        FROM stg_course_marks WHERE credits_earned > credits_attempted""")
    v.check("course_marks", f"""
        SELECT {ROW} AS _row, 'passed' AS col, mark || ', passed=true' AS val,
               'a failing mark cannot be passed' AS rule
        FROM stg_course_marks WHERE passed AND mark IN {_in(FAILING_MARKS)}""")


def _school_grades(v: Validator) -> None:
    order = "list_position(" + "[" + ", ".join(sql_str(g) for g in GRADE_LEVELS) + "], {})"
    v.check("schools", f"""
        SELECT {ROW} AS _row, 'high_grade' AS col, low_grade || '-' || high_grade AS val,
               'low_grade must not be above high_grade' AS rule
        FROM stg_schools WHERE {order.format('low_grade')} > {order.format('high_grade')}""")


# The warehouse's absences this load keeps must still hold: a span shortened, or a day made
# non-instructional, must not leave a kept absence outside (its correction comes in the
# same load). Only the students and school days the extract changes are read.
KEPT = f"""FROM all_attendance_events a WHERE a.{ROW} IS NULL
           AND a.category IN {_in(ABSENCE_CATEGORIES)}"""
KEPT_SHOWN = "a.student_id || ', ' || a.school_id || ', ' || a.date"


def _kept_absences_in_spans(v: Validator) -> None:
    v.check("enrollments", f"""
        SELECT NULL::BIGINT AS _row, 'student_id, school_id, date' AS col, {KEPT_SHOWN} AS val,
               'an absence the warehouse keeps would fall outside every enrollment span '
               || 'of this load: send attendance_events for it too' AS rule
        {KEPT} AND a.student_id IN (SELECT student_id FROM stg_enrollments)
          AND NOT EXISTS (SELECT 1 FROM all_enrollments e
                          WHERE e.student_id = a.student_id AND e.school_id = a.school_id
                            AND a.date BETWEEN e.entry_date AND {SPAN_END})""")


def _kept_absences_on_school_days(v: Validator) -> None:
    v.check("calendar_days", f"""
        SELECT NULL::BIGINT AS _row, 'student_id, school_id, date' AS col, {KEPT_SHOWN} AS val,
               'an absence the warehouse keeps would fall on a day this calendar makes '
               || 'non-instructional: send attendance_events for it too' AS rule
        {KEPT} AND EXISTS (SELECT 1 FROM stg_calendar_days c WHERE c.school_id = a.school_id
                           AND c.date = a.date AND NOT c.instructional)""")


RULES: list[tuple[str, Callable[[Validator], None]]] = [
    ("enrollments", _enrollment_dates),
    ("enrollments", _kept_absences_in_spans),
    ("calendar_days", _kept_absences_on_school_days),
    ("attendance_events", _attendance_days),
    ("course_marks", _course_marks),
    ("schools", _school_grades),
]


def connect(memory_limit: str = "4GB") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for staging; it spills to a temp folder past `memory_limit`."""
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = true")  # row numbers follow the file
    return con


def validate(folder: Path, con: duckdb.DuckDBPyConnection | None = None, *, limit: int = 1000,
             warehouse: Path | None = None, window: Window | None = None,
             districts: set[str] | None = None, only: set[str] | None = None
             ) -> tuple[Report, duckdb.DuckDBPyConnection]:
    """Check every file in `folder`, against the `warehouse` it is for when given (the
    extract plus what the warehouse keeps); returns the report and the connection holding
    the typed staging tables (stg_<table>), ready for `warehouse.load_staged`."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder (an extract is a folder with one "
                                "file per table, e.g. schools.csv)")
    con = con or connect()
    v = Validator(folder, con, limit, window, districts, only)
    try:
        v.stage_all()
        with base(con, warehouse):
            v.check_relations()
    except BaseException:
        con.close()
        raise
    return v.report, con


@contextlib.contextmanager
def base(con: duckdb.DuckDBPyConnection, warehouse: Path | None) -> Iterator[None]:
    """The warehouse as schema `wh` for the rules: a view of each canonical table of the
    warehouse (attached read-only), an empty table where it has none (or there is no
    warehouse yet); detached after, so the load can attach the file to write."""
    con.execute("ATTACH ':memory:' AS wh")
    have: set[str] = set()
    if warehouse is not None and warehouse.exists():
        con.execute(f"ATTACH {sql_str(str(warehouse))} AS whsrc (READ_ONLY)")
        have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() "
                                          "WHERE database_name = 'whsrc'").fetchall()}
    for t in TABLES:
        if t.name in have:
            con.execute(f'CREATE VIEW wh."{t.name}" AS SELECT * FROM whsrc."{t.name}"')
        else:
            cols = ", ".join(f'"{c.name}" {c.duckdb_type}' for c in t.columns)
            con.execute(f'CREATE TABLE wh."{t.name}" ({cols})')
    try:
        yield
    finally:
        con.execute("DETACH wh")
        if have:
            con.execute("DETACH whsrc")
