"""The data room: canonical schema, synthetic district, validation and the warehouse.

    report = data.check(Path("district"))            # validate only
    result = data.load(Path("district"), Path("aimline.duckdb"))   # validate, then load

No Django, no settings: tables in, tables out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aimline.data.problems import DataError, Problem, Report, ValidationFailed
from aimline.data.reach import Window
from aimline.data.validate import validate
from aimline.data.warehouse import LoadResult, WarehouseError, load_staged

__all__ = ["DataError", "LoadResult", "Problem", "Report", "ValidationFailed",
           "WarehouseError", "Window", "check", "load"]


def check(folder: Path, *, limit: int = 1000, warehouse: Path | None = None,
          window: Window | None = None) -> Report:
    """Validate an extract folder (against `warehouse` as a load there would, when given);
    every problem is counted, the first `limit` listed. Writes nothing."""
    report, con = validate(folder, limit=limit, warehouse=warehouse, window=window)
    con.close()
    return report


def load(folder: Path, warehouse: Path, *, limit: int = 1000,
         progress: Callable[[str], None] | None = None, window: Window | None = None,
         districts: set[str] | None = None, only: set[str] | None = None
         ) -> tuple[Report, LoadResult]:
    """Validate `folder` against itself and the warehouse, then load it into `warehouse`
    in one transaction: its (district, year) pairs, or only `window`'s days
    (`aimline.data.reach`). `districts`: the only districts it may hold. `only`: the
    extract's tables to load (another source's tables on top: Ed-Fi attendance on a
    SIS's enrollments), the others left alone.

    Raises ValidationFailed or DataError (and writes nothing) when any rule is broken.
    """
    report, con = validate(folder, limit=limit, warehouse=warehouse, window=window,
                           districts=districts, only=only)
    try:
        if not report.ok:
            raise ValidationFailed(report)
        result = load_staged(con, sorted(report.rows), warehouse, source=str(folder),
                             progress=progress, window=window, districts=districts)
    finally:
        con.close()
    return report, result
