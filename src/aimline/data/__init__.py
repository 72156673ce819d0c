"""The data room: canonical schema, synthetic district, validation and the warehouse.

    report = data.check(Path("district"))            # validate only
    result = data.load(Path("district"), Path("aimline.duckdb"))   # validate, then load

No Django, no settings: tables in, tables out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aimline.data.problems import DataError, Problem, Report, ValidationFailed
from aimline.data.validate import validate
from aimline.data.warehouse import LoadResult, WarehouseError, load_staged

__all__ = ["DataError", "LoadResult", "Problem", "Report", "ValidationFailed",
           "WarehouseError", "check", "load"]


def check(folder: Path, *, limit: int = 1000) -> Report:
    """Validate an extract folder; every problem is counted, the first `limit` listed."""
    report, con = validate(folder, limit=limit)
    con.close()
    return report


def load(folder: Path, warehouse: Path, *, limit: int = 1000,
         progress: Callable[[str], None] | None = None) -> tuple[Report, LoadResult]:
    """Validate `folder`, then load it into `warehouse` in one transaction.

    Raises ValidationFailed (and writes nothing) when any rule is broken.
    """
    report, con = validate(folder, limit=limit)
    try:
        if not report.ok:
            raise ValidationFailed(report)
        result = load_staged(con, sorted(report.rows), warehouse, source=str(folder),
                             progress=progress)
    finally:
        con.close()
    return report, result
