"""`aimline district ...`: the district's role — which schools need support, and why."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aimline.cli.common import WarehouseOpt, app, bar, console, fail
from aimline.data import warehouse as wh
from aimline.files import written_atomically

district_app = typer.Typer(help="The district's role: schools that need support.",
                           no_args_is_help=True)
app.add_typer(district_app, name="district")


@district_app.command("identify")
def identify_cmd(
    year: Annotated[int, typer.Option(help="School year")],
    warehouse: WarehouseOpt = None,
    district: Annotated[str | None, typer.Option(
        help="The district (lea_id); needed when the warehouse holds several")] = None,
    index: Annotated[str, typer.Option(help="The index: catalog metrics, comma-separated, "
                                       "averaged")] = "proficiency_ela,proficiency_math",
    share: Annotated[float, typer.Option(help="CSI: the lowest share of each level")] = 0.05,
    graduation_cut: Annotated[float, typer.Option(help="CSI: graduation below (%)")] = 67.0,
    min_n: Annotated[int, typer.Option(help="Schools and groups with fewer tested are not "
                                       "rated (never below AIMLINE_MIN_N)")] = 10,
    criteria: Annotated[str, typer.Option(help="The district's own criteria set (JSON, see "
                                          "docs/equity.md), a named set, or none")] = "none",
    out: Annotated[Path | None, typer.Option(help="Also write the table: .csv or .xlsx")
                   ] = None,
) -> None:
    """Schools needing support: ESSA CSI (lowest 5% of each level by the index;
    graduation below 67%), ATSI (a group at or below the CSI cut) and the district's own
    criteria, each school with its reasons and numbers.

    Example: aimline district identify --year 2026
    """
    from aimline.equity import criteria as criteria_sets
    from aimline.reports.support import identification

    if out is not None and out.suffix not in (".csv", ".xlsx"):
        fail(f"--out must end in .csv or .xlsx (got {out.name!r})")
    path = wh.resolve(warehouse)
    try:
        chosen = criteria_sets.resolve(criteria)
        with bar() as progress:
            task = progress.add_task("Reading the indicators", total=None)
            name, table = identification(path, year, lea=district,
                                         index=[m.strip() for m in index.split(",")],
                                         share=share, graduation_cut=graduation_cut,
                                         min_n=min_n, criteria=chosen)
            progress.update(task, description="Identified", total=1, completed=1)
    except (ValueError, KeyError) as e:
        fail(str(e))
    t = Table(title=f"{name}, {year - 1}–{year}: schools that need support")
    for col in ("school", "level", "index", "support", "reasons"):
        t.add_column(col, overflow="fold")
    for r in table.itertuples():
        t.add_row(f"{escape(r.name)} ({r.school_id})", r.level,
                  "—" if r.index != r.index or r.index is None else f"{r.index:.1f}",
                  r.support or "—", escape("; ".join(r.reasons)))
    console.print(t)
    n = int(table.identified.sum())
    console.print(f"{n} of {len(table)} schools identified.")
    if out is not None:
        flat = table.assign(**{c: table[c].map("; ".join) for c in
                               ("atsi_groups", "criteria_unmet", "reasons")})
        with written_atomically(out) as tmp:
            (flat.to_csv(tmp, index=False) if out.suffix == ".csv"
             else flat.to_excel(tmp, index=False))
        console.print(f"Written to {out}.")
