"""The district's own SIS export (CSV or XLSX files) → canonical extract, by a mapping.

    report = import_sis(Path("export/"), Path("mapping.yaml"), Path("extract/"))

`mapping.yaml` says, per canonical table, which file (and sheet) and which column fills
each canonical column, how codes map and how dates are written:

    date_format: "%m/%d/%Y"            # for every date column unless a column says otherwise
    tables:
      students:
        file: Students.csv
        columns:
          student_id: Student_Number
          sex: Gender
          birth_date: {column: DOB, date_format: "%Y%m%d"}
          # student_id: {column: Student_Number, prefix: "B-"}   # ids apart from another
          #                                                       # district's
          # school_year: {column: DateStored, school_year_of_date: true}
        values:                        # source code -> canonical code, per canonical column
          sex: {M: M, F: F, U: X}
        drop:                          # codes whose rows are skipped (counted in the report)
          sex: ["?"]
      attendance_events:
        file: Attendance.xlsx
        sheet: Absences
        columns: {...}
        # encoding: cp1252               # a CSV that is not UTF-8
        constants: {category: excused}   # a fixed value for every row

A table spread over several files (race, characteristics, programmes in files of their
own) names them under `with:`, joined on a key (`sis_joins`).

A school_year not mapped is taken from the table's date (entry_date, date), July to June.
An unmapped code is an error naming file, column, value and how many rows have it; a date
that does not match its format is an error naming file, row, column and value. Nothing is
written unless every row converts. Types and rules are then checked by `aimline load`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from aimline.data.extract import Format
from aimline.data.importers import sis_joins
from aimline.data.importers.common import as_text
from aimline.data.importers.output import Staging, atomic_folder, finish
from aimline.data.importers.report import ImportFailed, ImportReport
from aimline.data.schema import TABLE_BY_NAME, Table, school_year_of

# the date a school year is taken from when the mapping gives none
YEAR_FROM = {"enrollments": "entry_date", "calendar_days": "date",
             "attendance_events": "date", "discipline_actions": "date"}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TRUE = {"true", "t", "1", "yes", "y"}
FALSE = {"false", "f", "0", "no", "n"}


@dataclass(frozen=True)
class ColumnMap:
    column: str | None  # source column; None for a constant
    constant: str | None = None
    date_format: str | None = None
    year_of_date: bool = False  # the school year a date in this column falls in
    prefix: str = ""  # put before every value: a district's ids kept apart from another's


@dataclass
class TableMap:
    table: Table
    file: str
    sheet: str | None
    columns: dict[str, ColumnMap]
    values: dict[str, dict[str, str]]
    drop: dict[str, set[str]]
    encoding: str = "utf-8-sig"  # of a CSV file; many Windows exports are cp1252
    key: str | None = None  # the main file's column the `with:` files join on
    joins: list[sis_joins.JoinMap] = field(default_factory=list)
    defaults: dict[str, str] = field(default_factory=dict)


def _text(v: object) -> str:
    return as_text(v) or ""


def load_mapping(path: Path) -> tuple[list[TableMap], list[str]]:
    """The mapping's tables, or the problems with the mapping itself."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ImportFailed([f"{path}: not a readable YAML mapping: {e}"]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("tables"), dict):
        raise ImportFailed([f"{path}: a mapping needs a 'tables:' section"])
    default_date = doc.get("date_format", "%Y-%m-%d")
    maps, problems = [], []
    for name, spec in doc["tables"].items():
        where = f"{path.name}, tables.{name}"
        if name not in TABLE_BY_NAME:
            problems.append(f"{where}: no canonical table {name!r}")
            continue
        t = TABLE_BY_NAME[name]
        if not isinstance(spec, dict) or "file" not in spec:
            problems.append(f"{where}: needs 'file:'")
            continue
        cols: dict[str, ColumnMap] = {}
        for canon, src in (spec.get("columns") or {}).items():
            if canon not in t.column_names:
                problems.append(f"{where}.columns: {t.name} has no column {canon!r}")
                continue
            if isinstance(src, dict):
                cols[canon] = ColumnMap(src.get("column"), None,
                                        src.get("date_format", default_date),
                                        bool(src.get("school_year_of_date")),
                                        _text(src.get("prefix", "")))
            else:
                cols[canon] = ColumnMap(str(src), None, default_date)
        for canon, value in (spec.get("constants") or {}).items():
            cols[canon] = ColumnMap(None, _text(value))
        joins = sis_joins.parse(spec.get("with"), where, t.column_names, problems)
        defaults = {str(k): _text(v) for k, v in (spec.get("defaults") or {}).items()}
        filled = set(cols) | set(defaults) | {c for j in joins for c in j.fills}
        if joins and not spec.get("key"):
            problems.append(f"{where}: 'with:' needs the main file's 'key:' column")
        missing = [c.name for c in t.columns if c.required and c.name not in filled
                   and not (c.name == t.year_column and YEAR_FROM.get(t.name) in cols)]
        if missing:
            problems.append(f"{where}: required column(s) not mapped: {', '.join(missing)}")
        values = {c: {_text(k): _text(v) for k, v in (m or {}).items()}
                  for c, m in (spec.get("values") or {}).items()}
        problems += [f"{where}.values.{c}: code {k!r} is still '?': map it to a {name}.{c} "
                     "code, or list it under drop" for c, m in values.items()
                     for k, v in m.items() if v == "?"]
        drop = {c: {_text(v) for v in vs} for c, vs in (spec.get("drop") or {}).items()}
        try:
            codecs.lookup(spec.get("encoding", "utf-8-sig"))
        except LookupError:
            problems.append(f"{where}: unknown encoding {spec['encoding']!r}")
        maps.append(TableMap(t, spec["file"], spec.get("sheet"), cols, values, drop,
                             spec.get("encoding", "utf-8-sig"), spec.get("key"), joins,
                             defaults))
    return maps, problems


def read_rows(path: Path, sheet: str | None = None, encoding: str = "utf-8-sig"
              ) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as the user sees it, {header: text}) for a CSV or XLSX file, streamed."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            ws = wb[sheet] if sheet else wb.worksheets[0]
        except KeyError:
            raise ImportFailed([f"{path.name}: no sheet {sheet!r} (sheets: "
                                f"{', '.join(wb.sheetnames)})"]) from None
        it = ws.iter_rows(values_only=True)
        header = [_text(h) for h in next(it, ())]
        for i, values in enumerate(it, start=2):
            if any(v not in (None, "") for v in values):
                yield i, dict(zip(header, map(_text, values)))
        wb.close()
        return
    with path.open(encoding=encoding, newline="") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader, [])]
        for values in reader:
            if any(v.strip() for v in values):
                yield reader.line_num, dict(zip(header, (v.strip() for v in values)))


def convert(folder: Path, m: TableMap, staging: Staging, report: ImportReport,
            problems: list[str], unmapped: Counter[tuple[str, str, str]],
            tick: Callable[[int], None] | None = None) -> None:
    path = folder / m.file
    if not path.exists():
        problems.append(f"{m.file}: the mapping names this file for {m.table.name} but it is "
                        f"not in {folder}")
        return
    entity = f"{m.file}" + (f" [{m.sheet}]" if m.sheet else "")
    # an Excel date cell arrives as an ISO date whatever the mapping's format for text dates
    excel = path.suffix.lower() in (".xlsx", ".xlsm")
    try:
        _convert(path, m, entity, excel, staging, report, problems, unmapped, tick)
    except UnicodeDecodeError as e:
        problems.append(f"{m.file}: not {m.encoding} text ({e.reason}): save it as UTF-8, or "
                        "give its encoding in the mapping (encoding: cp1252)")


def _convert(path: Path, m: TableMap, entity: str, excel: bool, staging: Staging,
             report: ImportReport, problems: list[str],
             unmapped: Counter[tuple[str, str, str]],
             tick: Callable[[int], None] | None) -> None:
    filled, flagged = sis_joins.read(path.parent, m.joins, m.values, read_rows, problems,
                                     unmapped)
    first = True
    for line, row in read_rows(path, m.sheet, m.encoding):
        if first:
            absent = sorted({c.column for c in m.columns.values()
                             if c.column and c.column not in row} | (
                {m.key} if m.key and m.key not in row else set()))
            if absent:
                problems.append(f"{m.file}, row 1: column(s) {', '.join(absent)} named in the "
                                f"mapping are not in the header")
                return
            first = False
        report.entity(entity).read += 1
        if tick and report.entities[entity].read % 10_000 == 0:
            tick(10_000)
        out: dict[str, object] = {}
        skip = None
        for canon, cm in m.columns.items():
            value = cm.constant if cm.column is None else row.get(cm.column, "")
            if value in m.drop.get(canon, ()):
                skip = f"{cm.column} = {value!r} is mapped to drop"
                break
            if value == "":
                out[canon] = None
                continue
            if canon in m.values:
                table = m.values[canon]
                if value not in table:
                    unmapped[(m.file, cm.column or canon, value)] += 1
                    continue
                value = table[value]
            col = m.table.column(canon)
            if (col.type == "date" or cm.year_of_date) and cm.date_format:
                try:
                    value = (value if excel and ISO_DATE.fullmatch(value) else
                             dt.datetime.strptime(value, cm.date_format).date().isoformat())
                    if cm.year_of_date:
                        value = str(school_year_of(value))
                except ValueError:
                    if len(problems) < 1000:
                        problems.append(f"{m.file}, row {line}, column {cm.column}: {value!r} "
                                        f"does not match the date format {cm.date_format}")
                    continue
            elif col.type == "boolean" and canon not in m.values:
                low = value.lower()
                value = "true" if low in TRUE else "false" if low in FALSE else value
            out[canon] = (cm.prefix + value) if value else None
        if skip:
            report.drop(entity, skip, f"row {line}")
            continue
        sis_joins.apply(out, row[m.key] if m.key else "", filled, flagged, m.defaults)
        year_col, date_col = m.table.year_column, YEAR_FROM.get(m.table.name)
        if year_col and year_col not in m.columns and out.get(date_col):
            # the date is ISO by now (a bad one was reported and left out)
            out[year_col] = school_year_of(str(out[date_col]))
        staging.add(m.table.name, entity, out)
        report.entity(entity).used += 1


def import_sis(folder: Path, mapping: Path, out: Path, *, fmt: Format = "csv",
               tick: Callable[[int], None] | None = None) -> ImportReport:
    """Convert the files in `folder` by `mapping` into a canonical extract at `out`."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder of SIS export files")
    maps, problems = load_mapping(mapping)
    if problems:
        raise ImportFailed(problems)
    report = ImportReport(source=str(folder), kind="sis")
    unmapped: Counter[tuple[str, str, str]] = Counter()
    with atomic_folder(out) as work:
        staging = Staging(work / "staging")
        for m in maps:
            convert(folder, m, staging, report, problems, unmapped, tick)
        problems += [f"{file}, column {col}: code {value!r} is not mapped ({n:,} row(s)): add "
                     "it to the mapping's values, or to drop" for (file, col, value), n in
                     sorted(unmapped.items(), key=lambda kv: (-kv[1], kv[0]))]
        if problems:
            raise ImportFailed(problems)
        for name, e in report.entities.items():
            report.files[name] = e.read
        mapped = {m.table.name for m in maps}
        finish(staging, work / "extract", report, fmt, missing={
            t: "not in the mapping" for t in TABLE_BY_NAME if t not in mapped})
        report.save(work / "extract" / "import-report.json")
    return report
