"""From parsed source records to a canonical extract folder, all or nothing.

An importer streams rows (text values) into `Staging`, which writes them to Parquet in
batches, so memory stays flat however large the source. `finish` then does, in DuckDB,
what needs the whole data: the importer's own joins (an Ed-Fi student's sex comes from a
different record than the student), one row per key, attendance events of one
student-day merged, and writes one file per canonical table. Everything happens in a work
folder beside `--out` that is renamed into place only when it all succeeded: a failed
import leaves no partial extract behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from aimline.data.extract import Format
from aimline.data.importers.common import as_text
from aimline.data.importers.report import ImportReport
from aimline.data.schema import ABSENCE_CATEGORIES, TABLES, Table
from aimline.data.staging import sql_str

BATCH = 50_000
SRC, SEQ = "_src", "_seq"  # the source entity of a staged row, and its order of arrival


class Staging:
    """Buffers rows per staging table and writes them to `<folder>/<name>.parquet`.

    Canonical tables stage their own columns; an importer declares extra ones (e.g. Ed-Fi
    demographics) in `extra`. Every value is text (or None); types are checked by
    `aimline load`, which reads the extract like any other.
    """

    def __init__(self, folder: Path, extra: dict[str, tuple[str, ...]] | None = None,
                 seq_start: int = 0) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.columns: dict[str, tuple[str, ...]] = {t.name: tuple(t.column_names) for t in TABLES}
        self.columns.update(extra or {})
        self._rows: dict[str, list[tuple]] = {n: [] for n in self.columns}
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._seq = seq_start  # parallel workers each count from their own start
        self.more: list[Path] = []  # other workers' staging folders, read with this one

    def add(self, name: str, src: str, values: dict[str, object]) -> None:
        """Stage one row of table `name` made from a record of entity `src`."""
        self._seq += 1
        get = values.get
        buf = self._rows[name]
        buf.append((*[v if (v := get(c)) is None or v.__class__ is str else as_text(v)
                      for c in self.columns[name]], src, self._seq))
        if len(buf) >= BATCH:
            self._flush(name)

    def _flush(self, name: str) -> None:
        buf = self._rows[name]
        if not buf:
            return
        cols = [*self.columns[name], SRC, SEQ]
        arrays = [pa.array(list(col), pa.int64() if c == SEQ else pa.string())
                  for c, col in zip(cols, zip(*buf))]
        batch = pa.Table.from_arrays(arrays, names=cols)
        w = self._writers.get(name)
        if w is None:
            w = self._writers[name] = pq.ParquetWriter(self.folder / f"{name}.parquet",
                                                       batch.schema)
        w.write_table(batch)
        buf.clear()

    def close(self) -> None:
        for name in self._rows:
            self._flush(name)
        for w in self._writers.values():
            w.close()
        self._writers.clear()

    def register(self, con: duckdb.DuckDBPyConnection) -> None:
        """A table stg_<name> per staging table (empty where nothing was staged)."""
        for name, cols in self.columns.items():
            paths = [str(p) for f in (self.folder, *self.more)
                     if (p := f / f"{name}.parquet").exists()]
            if paths:
                files = "[" + ", ".join(map(sql_str, paths)) + "]"
                con.execute(f"CREATE OR REPLACE TABLE stg_{name} AS "
                            f"SELECT * FROM read_parquet({files})")
            else:
                defs = ", ".join(f'"{c}" VARCHAR' for c in cols)
                con.execute(f"CREATE OR REPLACE TABLE stg_{name} ({defs}, {SRC} VARCHAR, "
                            f"{SEQ} BIGINT)")


@contextlib.contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """A work folder beside `out`; on success its `extract/` replaces `out`, else it goes."""
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a folder")
    work = out.parent / f".{out.name}.importing-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        yield work
        done = work / "extract"
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        if out.exists():
            out.rename(old)
        done.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _dedupe(con: duckdb.DuckDBPyConnection, t: Table, report: ImportReport) -> None:
    """One row per primary key: the first record wins, the others are counted as dropped."""
    pk = ", ".join(f'"{c}"' for c in t.primary_key)
    shown = " || ', ' || ".join(f"coalesce(\"{c}\", '')" for c in t.primary_key)
    # a row missing part of its key is left for `aimline load` to report, not merged away
    whole = " AND ".join(f'"{c}" IS NOT NULL' for c in t.primary_key)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _dups AS
        SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY {pk} ORDER BY {SEQ}) AS _k
                       FROM stg_{t.name} WHERE {whole}) WHERE _k > 1""")
    count_drops(con, report, f"duplicate of an earlier record with the same key "
                 f"({', '.join(t.primary_key)}) in {t.name}: the first kept",
                 f"SELECT {SRC}, {shown} AS ex FROM _dups")
    con.execute(f"DELETE FROM stg_{t.name} WHERE {SEQ} IN (SELECT {SEQ} FROM _dups)")


def count_drops(con: duckdb.DuckDBPyConnection, report: ImportReport, reason: str,
                 sql: str) -> None:
    """`sql` yields (source entity, example) per dropped row of rows already counted used."""
    for src, n, examples in con.execute(
            f"SELECT {SRC}, count(*), list(ex ORDER BY ex)[1:3] FROM ({sql}) GROUP BY {SRC}"
    ).fetchall():
        report.unuse(src, reason, examples, n)


_ABSENCE = f"category IN ({', '.join(sql_str(c) for c in ABSENCE_CATEGORIES)})"
MERGE_SQL = f"""
CREATE OR REPLACE TEMP TABLE _att AS
WITH r AS (
  SELECT *, TRY_CAST(day_fraction AS DOUBLE) AS _f,
         row_number() OVER (PARTITION BY student_id, school_id, date, category
                            ORDER BY TRY_CAST(day_fraction AS DOUBLE) DESC NULLS LAST, {SEQ})
           AS _dup
  FROM stg_attendance_events
  WHERE student_id IS NOT NULL AND school_id IS NOT NULL AND date IS NOT NULL
    AND category IS NOT NULL)
SELECT *, CASE WHEN _dup = 1 AND {_ABSENCE} THEN sum(_f) OVER (
            PARTITION BY student_id, school_id, date, _dup = 1 AND {_ABSENCE}
            ORDER BY _f DESC NULLS LAST, category, {SEQ}
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) END AS _running
FROM r
"""


def _merge_attendance(con: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    """Events of one student, school and date: one per category (the longest), and
    absences adding up to no more than a whole day (the longest kept first)."""
    con.execute(MERGE_SQL)
    ex = "student_id || ', ' || school_id || ', ' || date || ', ' || category"
    count_drops(con, report, "duplicate event: same student, school, date and category "
                 "(the longest kept)", f"SELECT {SRC}, {ex} AS ex FROM _att WHERE _dup > 1")
    count_drops(con, report, "absences on one day added up to more than a whole day: "
                 "the longest kept", f"SELECT {SRC}, {ex} AS ex FROM _att "
                 "WHERE _dup = 1 AND _running > 1 + 1e-9")
    con.execute(f"DELETE FROM stg_attendance_events WHERE {SEQ} IN (SELECT {SEQ} FROM _att "
                "WHERE _dup > 1 OR _running > 1 + 1e-9)")


ROSTER_SQL = f"""
CREATE OR REPLACE TABLE stg_section_rosters AS
SELECT section_id, person_id, role, any_value(school_id) AS school_id,
       any_value(school_year) AS school_year, any_value(course_id) AS course_id,
       min(begin_date) AS begin_date,
       CASE WHEN bool_or(end_date IS NULL) THEN NULL ELSE max(end_date) END AS end_date,
       any_value({SRC}) AS {SRC}, min({SEQ}) AS {SEQ}
FROM stg_section_rosters GROUP BY section_id, person_id, role
"""


def finish(staging: Staging, out: Path, report: ImportReport, fmt: Format = "csv",
           prepare: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
           missing: dict[str, str] | None = None) -> None:
    """Write the canonical extract to `out` from what was staged.

    `prepare(con)` runs the importer's joins on the stg_ tables first. `missing` says why a
    canonical table stays empty (reported under `unfilled`).
    """
    staging.close()
    # a database file in the work folder and a memory limit: DuckDB spills to disk, so the
    # finish, like the parse, does not grow with the size of the source
    con = duckdb.connect(str(out.parent / "finish.duckdb"))
    con.execute(f"SET temp_directory = {sql_str(str(out.parent / 'finish.tmp'))}")
    con.execute("SET memory_limit = '512MB'")
    con.execute("SET preserve_insertion_order = false")  # files are written ORDER BY _seq
    try:
        staging.register(con)
        if prepare:
            prepare(con)
        _merge_attendance(con, report)
        # a person in one section twice (two enrollments, two positions) is one roster row
        # over the dates of both: the records are used, not dropped
        con.execute(ROSTER_SQL)
        out.mkdir(parents=True, exist_ok=True)
        for t in TABLES:
            _dedupe(con, t, report)
            n = con.execute(f"SELECT count(*) FROM stg_{t.name}").fetchone()[0]
            if n == 0:
                report.unfilled[t.name] = (missing or {}).get(
                    t.name, "the source has no records for this table")
                continue
            required = [c.name for c in t.columns if c.required]
            counts = con.execute("SELECT " + ", ".join(f'count("{c}")' for c in required)
                                 + f" FROM stg_{t.name}").fetchone()  # one scan per table
            for c, filled in zip(required, counts):
                if not filled:
                    report.unfilled.setdefault(f"{t.name}.{c}", (missing or {}).get(
                        f"{t.name}.{c}", "no record of the source carries it"))
            _write(con, t, out, fmt)
            report.tables[t.name] = n
    finally:
        con.close()


def _write(con: duckdb.DuckDBPyConnection, t: Table, out: Path, fmt: Format) -> None:
    # values stay text in either format, as the source gave them: `aimline load` checks and
    # types them, so a bad value is reported there with its rule (a cast here would turn
    # it into a silent empty value)
    cols = ", ".join(f'"{c}"' for c in t.column_names)
    target = sql_str(str(out / f"{t.name}.{fmt}"))
    options = "HEADER, DELIMITER ','" if fmt == "csv" else "FORMAT parquet, COMPRESSION zstd"
    con.execute(f"COPY (SELECT {cols} FROM stg_{t.name} ORDER BY {SEQ}) TO {target} "
                f"({options})")
