"""Read an extract's files into DuckDB as text, each row keeping its line number.

Everything is read as VARCHAR first so a bad value becomes a reported problem rather than
a reader crash; `aimline.data.validate` then checks and casts. File-level trouble (empty
file, not UTF-8, wrong delimiter, missing column, unreadable Parquet) is reported here.
"""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path

import duckdb

from aimline.data.problems import Problem
from aimline.data.schema import Table

ROW = "_row"  # the staging column holding the row number as the user sees it
DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def stage(con: duckdb.DuckDBPyConnection, t: Table, path: Path, target: str
          ) -> tuple[list[Problem], list[str]]:
    """Create table `target` (all VARCHAR plus _row) from `path`.

    Returns file-level problems (the table is not staged when there are any) and the names
    of columns that are not part of the canonical table (ignored).
    """
    if path.suffix == ".parquet":
        return _stage_parquet(con, t, path, target)
    return _stage_csv(con, t, path, target)


def _missing_columns(t: Table, header: list[str], name: str) -> list[Problem]:
    return [Problem(name, 1, c.name, None, "required column is missing from the header")
            for c in t.columns if c.required and c.name not in header]


def _select_list(t: Table, present: list[str]) -> str:
    cols = [f'CAST("{c.name}" AS VARCHAR) AS "{c.name}"' if c.name in present
            else f'CAST(NULL AS VARCHAR) AS "{c.name}"' for c in t.columns]
    return ", ".join(cols)


def _stage_csv(con: duckdb.DuckDBPyConnection, t: Table, path: Path, target: str
               ) -> tuple[list[Problem], list[str]]:
    name = path.name
    if path.stat().st_size == 0:
        return [Problem(name, None, None, None, "file is empty: expected a header row")], []
    bad = _first_bad_utf8(path)
    if bad:
        row, value = bad
        return [Problem(name, row, None, value,
                        "file is not UTF-8 encoded: save it as UTF-8 (CSV UTF-8 in Excel)")], []
    with path.open(encoding="utf-8-sig", newline="") as f:
        first_line = f.readline()
    header = [h.strip() for h in next(csv.reader([first_line]), [])]
    if "," not in first_line:
        for d, label in DELIMITERS.items():
            if d in first_line:
                return [Problem(name, 1, None, first_line.strip()[:80],
                                f"wrong delimiter: the header is {label}-separated; "
                                "files must be comma-separated")], []
    problems = _missing_columns(t, header, name)
    dupes = sorted({h for h in header if header.count(h) > 1})
    problems += [Problem(name, 1, h, None, "column appears more than once in the header")
                 for h in dupes]
    if problems:
        return problems, []
    columns = "{" + ", ".join(f"{sql_str(h)}: 'VARCHAR'" for h in header) + "}"
    try:
        # the header is skipped and our own column list used, so no type sniffing happens;
        # rowid follows file order (insertion order is preserved), giving the line number
        con.execute(
            f"CREATE OR REPLACE TABLE {target}_raw AS SELECT * FROM read_csv({sql_str(str(path))}, "
            f"header=true, delim=',', quote='\"', escape='\"', columns={columns}, "
            "auto_detect=false, strict_mode=true, null_padding=false, encoding='utf-8')")
    except duckdb.Error as err:
        return [_csv_error(name, err)], []
    present = [h for h in header if h in t.column_names]
    con.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT rowid + 2 AS {ROW}, "
                f"{_select_list(t, present)} FROM {target}_raw")
    con.execute(f"DROP TABLE {target}_raw")
    return [], [h for h in header if h not in t.column_names]


def _csv_error(name: str, err: duckdb.Error) -> Problem:
    msg = str(err)
    m = re.search(r"[Ll]ine:?\s*(\d+)", msg)
    row = int(m.group(1)) if m else None
    reason = msg.splitlines()[0].split(":", 1)[-1].strip() if msg else "unreadable CSV"
    if "Expected Number of Columns" in msg or "too many columns" in msg.lower():
        reason = "row has a different number of fields than the header"
    return Problem(name, row, None, None, f"malformed CSV: {reason}")


def _first_bad_utf8(path: Path, chunk: int = 1 << 22) -> tuple[int, str] | None:
    """(line, bytes) of the first invalid UTF-8 sequence, streaming in 4 MiB chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    with path.open("rb") as f:
        while block := f.read(chunk):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as e:
                line = lines + block[: e.start].count(b"\n")
                return line, block[e.start: e.start + 4].hex(" ")
            lines += block.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return lines, "truncated multi-byte character at end of file"
    return None


def _stage_parquet(con: duckdb.DuckDBPyConnection, t: Table, path: Path, target: str
                   ) -> tuple[list[Problem], list[str]]:
    name = path.name
    try:
        header = [r[0] for r in con.execute(
            f"DESCRIBE SELECT * FROM read_parquet({sql_str(str(path))})").fetchall()]
    except duckdb.Error as err:
        return [Problem(name, None, None, None,
                        f"not a readable Parquet file (truncated or corrupt): {err}".splitlines()[0]
                        )], []
    problems = _missing_columns(t, header, name)
    if problems:
        return problems, []
    present = [h for h in header if h in t.column_names]
    try:
        con.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT file_row_number + 1 AS {ROW}, "
                    f"{_select_list(t, present)} FROM "
                    f"read_parquet({sql_str(str(path))}, file_row_number=true)")
    except duckdb.Error as err:
        return [Problem(name, None, None, None,
                        f"not a readable Parquet file (truncated or corrupt): {err}".splitlines()[0]
                        )], []
    return [], [h for h in header if h not in t.column_names]
