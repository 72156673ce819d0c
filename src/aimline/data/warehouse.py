"""The warehouse: one DuckDB file holding the canonical tables for many school years.

A load is one transaction. It reaches exactly the (district, school year) pairs of its
extract, or the days of its window (`aimline.data.reach`): those rows of each of the
extract's tables are deleted, then inserted again (so a re-load is idempotent); tables
without a year (schools, students, courses, ...) are upserted by primary key. DuckDB's
write-ahead log makes the commit atomic: a process killed at any moment leaves the file
as it was before the load. `load_writes` records which load last wrote each table for
each district and school year.

Keys are enforced by validation, not by index: DuckDB's primary-key indexes cost memory
and time on tens of millions of attendance rows, and every write goes through `load`.

Derived in the same transaction: `calendar_index`, one row per school and date of each
school year (1 July to 30 June) with `instr_through`, the number of instructional days up
to and including that date. Days enrolled in a span are then two lookups,
instr_through(exit) - instr_through(entry - 1 day), instead of one row per student-day.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from aimline.data import reach
from aimline.data.problems import DataError
from aimline.data.reach import Window
from aimline.data.schema import TABLES, Table, school_year_of

DEFAULT_PATH = Path("aimline.duckdb")
# the warehouse's own tables and columns beyond the canonical ones; a backup records it and
# a restore refuses a newer one. 2: load_writes, indicator_sets, suppressed_counts and
# indicators.students (one warehouse for many districts)
SCHEMA_VERSION = 2
LOG_TABLE = "load_log"
WRITES_TABLE = "load_writes"
INDEX_TABLE = "calendar_index"
INDEX_DDL = (f"CREATE TABLE IF NOT EXISTS wh.{INDEX_TABLE} (school_id VARCHAR, "
             "school_year INTEGER, date DATE, instructional BOOLEAN, instr_through INTEGER)")
# every date of the school year, with the running count of instructional days
INDEX_SQL = f"""
INSERT INTO wh.{INDEX_TABLE}
WITH days AS (
  SELECT s.school_id, s.school_year,
         CAST(unnest(generate_series(make_date(s.school_year - 1, 7, 1),
                                     make_date(s.school_year, 6, 30), INTERVAL 1 DAY)) AS DATE)
           AS date
  FROM (SELECT DISTINCT school_id, school_year FROM wh.calendar_days
        WHERE (school_id, school_year) IN (SELECT school_id, school_year FROM _idx)) s)
SELECT d.school_id, d.school_year, d.date, coalesce(c.instructional, false),
       CAST(sum(CAST(coalesce(c.instructional, false) AS INTEGER)) OVER (
         PARTITION BY d.school_id, d.school_year ORDER BY d.date) AS INTEGER)
FROM days d LEFT JOIN wh.calendar_days c ON c.school_id = d.school_id AND c.date = d.date
"""


def resolve(path: Path | None) -> Path:
    """--warehouse, else $AIMLINE_WAREHOUSE, else ./aimline.duckdb."""
    if path is not None:
        return path
    env = os.environ.get("AIMLINE_WAREHOUSE")
    return Path(env) if env else DEFAULT_PATH


class WarehouseError(DataError):
    """The warehouse is missing, empty or unreadable."""


def _ddl(t: Table, schema: str) -> str:
    cols = ", ".join(f'"{c.name}" {c.duckdb_type}' for c in t.columns)
    return f'CREATE TABLE IF NOT EXISTS {schema}."{t.name}" ({cols})'


def _log_ddl(schema: str) -> list[str]:
    return [f"CREATE TABLE IF NOT EXISTS {schema}.{LOG_TABLE} (loaded_at TIMESTAMP, "
            "source VARCHAR, school_years INTEGER[], rows_by_table JSON)",
            f"CREATE TABLE IF NOT EXISTS {schema}.{WRITES_TABLE} (loaded_at TIMESTAMP, "
            "source VARCHAR, table_name VARCHAR, lea_id VARCHAR, school_year INTEGER, "
            "window_from DATE, window_to DATE, rows BIGINT)"]


@dataclass
class LoadResult:
    school_years: list[int]
    rows: dict[str, int]  # rows inserted per table
    replaced: dict[str, int]  # rows deleted per table (earlier copies of these years/keys)
    districts: list[str] = field(default_factory=list)  # the lea_ids the load reached


def load_staged(con: duckdb.DuckDBPyConnection, staged: list[str], path: Path, *,
                source: str = "", progress: Callable[[str], None] | None = None,
                window: Window | None = None, districts: set[str] | None = None
                ) -> LoadResult:
    """Copy the validated stg_<table> tables from `con` into the warehouse at `path`:
    the extract's (district, year) pairs, or its `window`. `districts`: the only districts
    the extract may hold (a district's own load on the site)."""
    tables = [t for t in TABLES if t.name in staged]
    years = sorted({
        y for t in tables if t.year_column
        for (y,) in con.execute(f"SELECT DISTINCT {t.year_column} FROM stg_{t.name}").fetchall()
    })
    con.execute(f"ATTACH {_quote(path)} AS wh")
    rows: dict[str, int] = {}
    replaced: dict[str, int] = {}
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    try:
        con.execute("BEGIN TRANSACTION")
        for t in TABLES:
            con.execute(_ddl(t, "wh"))
        for ddl in _log_ddl("wh"):
            con.execute(ddl)
        # validation did this on a read-only view of the file, to report it first; here it
        # is read again inside the write transaction, which is what the deletes act on
        leas = reach.prepare(con, staged, districts)
        reach.check_districts(con, staged, leas, districts)
        for t in tables:
            if progress:
                progress(t.name)
            cols = ", ".join(f'"{c}"' for c in t.column_names)
            where = reach.replaced_rows(t, window)
            replaced[t.name] = con.execute(f'DELETE FROM wh."{t.name}" WHERE {where}'
                                           ).fetchone()[0]
            # rows sorted by school and student keep DuckDB's zone maps useful for filters
            order = ", ".join(c for c in ("school_id", "student_id") if c in t.column_names)
            rows[t.name] = con.execute(
                f'INSERT INTO wh."{t.name}" SELECT {cols} FROM stg_{t.name}'
                + (f" ORDER BY {order}" if order else "")).fetchone()[0]
            _record_writes(con, t, now, source, window)
        if "calendar_days" in staged and years:
            if progress:
                progress(INDEX_TABLE)
            con.execute(INDEX_DDL)
            reach.index_pairs(con, window)
            con.execute(f"DELETE FROM wh.{INDEX_TABLE} WHERE (school_id, school_year) IN "
                        "(SELECT school_id, school_year FROM _idx)")
            con.execute(INDEX_SQL)
        con.execute(f"INSERT INTO wh.{LOG_TABLE} VALUES (?, ?, ?, ?)",
                    [now, source, years, json.dumps(rows)])
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # a failed statement may have ended it already
            con.execute("ROLLBACK")
        raise
    finally:
        with contextlib.suppress(duckdb.Error):
            con.execute("DETACH wh")
    return LoadResult(years, rows, replaced, leas)


def _record_writes(con: duckdb.DuckDBPyConnection, t: Table, now: dt.datetime, source: str,
                   window: Window | None) -> None:
    """One load_writes row per district (and school year) the load wrote the table for,
    with its row count: 0 says "loaded, and none" (no suspensions), which the metrics
    tell apart from "not loaded" (`engine`)."""
    span = [window.start, window.end] if window else [None, None]
    if t.year_column:
        years = ("SELECT lea_id, school_year FROM _pairs" if window is None else
                 "SELECT lea_id, y AS school_year FROM _leas, (SELECT unnest(?) AS y)")
        con.execute(f"""INSERT INTO wh.{WRITES_TABLE}
            SELECT ?, ?, ?, p.lea_id, p.school_year, ?, ?, coalesce(n.rows, 0)
            FROM ({years}) p LEFT JOIN (
                SELECT sl.lea_id, s.{t.year_column} AS school_year, count(*) AS rows
                FROM stg_{t.name} s JOIN _school_lea sl USING (school_id) GROUP BY ALL) n
              USING (lea_id, school_year)""",
                    [now, source, t.name, *span]
                    + ([] if window is None else [sorted({school_year_of(window.start),
                                                          school_year_of(window.end)})]))
    else:  # leas, schools, students, courses, cohorts: the extract's districts
        n = con.execute(f"SELECT count(*) FROM stg_{t.name}").fetchone()[0]
        con.execute(f"""INSERT INTO wh.{WRITES_TABLE} SELECT ?, ?, ?, lea_id, NULL, ?, ?, ?
                        FROM _leas""", [now, source, t.name, *span, n])


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def connect(path: Path, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a clear error when it does not exist or holds no data."""
    if read_only and not path.exists():
        raise WarehouseError(f"no warehouse at {path}: load an extract first "
                             f"(aimline load district/ --warehouse {path})")
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as err:
        raise WarehouseError(f"cannot open the warehouse {path}: {err}") from err


@dataclass
class TableSummary:
    name: str
    rows: int
    school_years: list[int]


def summary(path: Path) -> tuple[list[TableSummary], list[tuple]]:
    """Rows and school years per canonical table, and the load log (newest first)."""
    con = connect(path)
    try:
        present = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
        if not present & {t.name for t in TABLES}:
            raise WarehouseError(f"the warehouse {path} is empty: load an extract first")
        out = []
        for t in TABLES:
            if t.name not in present:
                continue
            n = con.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
            years = ([y for (y,) in con.execute(
                f'SELECT DISTINCT {t.year_column} FROM "{t.name}" ORDER BY 1').fetchall()]
                if t.year_column else [])
            out.append(TableSummary(t.name, n, years))
        log = (con.execute(f"SELECT loaded_at, source, school_years, rows_by_table FROM "
                           f"{LOG_TABLE} ORDER BY loaded_at DESC LIMIT 10").fetchall()
               if LOG_TABLE in present else [])
        return out, log
    finally:
        con.close()


@dataclass
class Written:
    """Which load last wrote a table for one district and school year (None: no year)."""

    table: str
    lea_id: str
    school_year: int | None
    source: str
    loaded_at: dt.datetime
    window: str  # "" for a full load
    rows: int  # rows that load wrote


def sources(path: Path) -> list[Written]:
    """The latest load of each table for each district and school year."""
    con = connect(path)
    try:
        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
                           [WRITES_TABLE]).fetchone()[0]:
            return []
        rows = con.execute(f"""
            SELECT table_name, lea_id, school_year,
                   arg_max(source, loaded_at), max(loaded_at),
                   arg_max(coalesce(window_from || ' to ' || window_to, ''), loaded_at),
                   arg_max(rows, loaded_at)
            FROM {WRITES_TABLE} GROUP BY ALL
            ORDER BY lea_id, school_year NULLS FIRST, table_name""").fetchall()
    finally:
        con.close()
    return [Written(*r) for r in rows]


def snapshot(path: Path, out: Path) -> None:
    """A consistent copy of the warehouse at `path` in a new file `out`: DuckDB's COPY FROM
    DATABASE reads one snapshot, whatever a load is doing meanwhile (for backups)."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {_quote(path)} AS src (READ_ONLY)")
        con.execute(f"ATTACH {_quote(out)} AS dst")
        con.execute("COPY FROM DATABASE src TO dst")
    except duckdb.Error as e:
        raise WarehouseError(f"cannot read the warehouse {path}: {e}") from None
    finally:
        con.close()


def check_opens(path: Path) -> None:
    """Raise WarehouseError unless `path` opens as a DuckDB warehouse (a restore's check)."""
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.Error as e:
        raise WarehouseError(f"the warehouse {path} does not open: {e}") from None
