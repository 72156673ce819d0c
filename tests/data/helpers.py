"""Editing an extract line by line, so a test knows the exact row a problem is on."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import duckdb


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def fields(line: str) -> list[str]:
    return next(csv.reader([line]))


def to_line(values: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


def set_field(folder: Path, table: str, line: int, column: str, value: str) -> None:
    """Set `column` on file line `line` (header = 1) of `table`.csv."""
    path = folder / f"{table}.csv"
    lines = read_lines(path)
    header = fields(lines[0])
    row = fields(lines[line - 1])
    row[header.index(column)] = value
    lines[line - 1] = to_line(row)
    path.write_text("".join(lines), encoding="utf-8")


def get_field(folder: Path, table: str, line: int, column: str) -> str:
    lines = read_lines(folder / f"{table}.csv")
    return fields(lines[line - 1])[fields(lines[0]).index(column)]


def append_row(folder: Path, table: str, values: dict[str, str]) -> int:
    """Append a row; returns its line number."""
    path = folder / f"{table}.csv"
    lines = read_lines(path)
    header = fields(lines[0])
    lines.append(to_line([values.get(h, "") for h in header]))
    path.write_text("".join(lines), encoding="utf-8")
    return len(lines)


def row_dict(folder: Path, table: str, line: int) -> dict[str, str]:
    lines = read_lines(folder / f"{table}.csv")
    return dict(zip(fields(lines[0]), fields(lines[line - 1])))


def query(folder: Path, sql: str) -> list[tuple]:
    """Run SQL over the extract's CSVs; tables are named as the files."""
    con = duckdb.connect()
    for p in folder.glob("*.csv"):
        con.execute(f"CREATE VIEW {p.stem} AS SELECT * FROM read_csv('{p}', header=true)")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def line_of(folder: Path, table: str, predicate: dict[str, str]) -> int:
    """The first file line whose fields match `predicate`."""
    lines = read_lines(folder / f"{table}.csv")
    header = fields(lines[0])
    for i, line in enumerate(lines[1:], start=2):
        row = dict(zip(header, fields(line)))
        if all(row[k] == v for k, v in predicate.items()):
            return i
    raise LookupError(f"no row of {table} matches {predicate}")


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


LOGS = ("load_log", "load_writes")  # which loads wrote what: grow with every load


def data_fingerprint(path: Path) -> dict[str, tuple[int, int]]:
    """`warehouse_fingerprint` of the data tables only, without the load logs."""
    return {k: v for k, v in warehouse_fingerprint(path).items() if k not in LOGS}


def warehouse_fingerprint(path: Path) -> dict[str, tuple[int, int]]:
    """(rows, order-independent hash of all rows) per table."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {n: con.execute(f'SELECT count(*), coalesce(sum(hash(t)), 0) FROM "{n}" t')
                .fetchone() for n in names}
    finally:
        con.close()
