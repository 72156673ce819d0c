"""The district extract: a folder with one CSV or Parquet file per canonical table."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from aimline.data.schema import TABLES, Table
from aimline.data.staging import sql_str

Format = Literal["csv", "parquet"]
ARROW_TYPES = {"string": pa.string(), "integer": pa.int32(), "decimal": pa.float64(),
               "boolean": pa.bool_(), "date": pa.date32()}


def arrow_schema(t: Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type], nullable=not c.required)
                      for c in t.columns])


def find_files(folder: Path) -> dict[str, Path]:
    """The canonical tables present in `folder`, by table name (CSV or Parquet)."""
    found: dict[str, Path] = {}
    for t in TABLES:
        for suffix in (".csv", ".parquet"):
            p = folder / f"{t.name}{suffix}"
            if p.exists():
                found[t.name] = p
    return found


def open_views(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a view per table of the extract in `folder` (CSV read as
    text, Parquet as stored): for writing the extract out in another format."""
    con = duckdb.connect()
    for name, path in find_files(folder).items():
        source = (f"read_csv({sql_str(str(path))}, all_varchar=true)" if path.suffix == ".csv"
                  else f"read_parquet({sql_str(str(path))})")
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM {source}')
    return con


class ExtractWriter:
    """Appends DataFrames to one file per table, streaming, in the canonical column order."""

    def __init__(self, folder: Path, fmt: Format = "csv") -> None:
        self.folder = folder
        self.fmt = fmt
        folder.mkdir(parents=True, exist_ok=True)
        self._writers: dict[str, pacsv.CSVWriter | pq.ParquetWriter] = {}
        self.rows: dict[str, int] = {}

    def write(self, t: Table, df: pd.DataFrame) -> None:
        schema = arrow_schema(t)
        batch = pa.Table.from_pandas(df[t.column_names], schema=schema, preserve_index=False)
        w = self._writers.get(t.name)
        if w is None:
            path = self.folder / f"{t.name}.{self.fmt}"
            w = (pacsv.CSVWriter(path, schema,
                                 write_options=pacsv.WriteOptions(quoting_style="needed"))
                 if self.fmt == "csv" else pq.ParquetWriter(path, schema, compression="zstd"))
            self._writers[t.name] = w
        w.write_table(batch)
        self.rows[t.name] = self.rows.get(t.name, 0) + len(df)

    def close(self) -> None:
        for w in self._writers.values():
            w.close()
        self._writers.clear()

    def __enter__(self) -> ExtractWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
