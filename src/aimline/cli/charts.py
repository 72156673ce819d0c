"""`aimline chart`: a run or control chart of a CSV column, with its rule set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from aimline.cli.common import app, console, fail


@app.command("chart")
def chart_cmd(
    csv: Annotated[Path, typer.Argument(help="CSV file with one row per observation")],
    kind: Annotated[str, typer.Option("--chart", help="run, i, mr, xbar, s, t, p, pp, c, u, "
                                                      "up or g")] = "run",
    y: Annotated[str, typer.Option(help="Column of values (or counts)")] = "y",
    n: Annotated[str | None, typer.Option(help="Column of denominators")] = None,
    x: Annotated[str | None, typer.Option(help="Column of subgroups or dates")] = None,
    freeze: Annotated[int | None, typer.Option(help="Baseline: the first N points")] = None,
    part: Annotated[list[int] | None, typer.Option(help="New part after N points; repeat")] = None,
    exclude: Annotated[list[int] | None, typer.Option(help="0-based position to leave out "
                                                           "of limits; repeat")] = None,
    multiply: Annotated[float, typer.Option(help="Multiply y, e.g. 100 for percent")] = 1,
    rules: Annotated[str, typer.Option(help="anhoej, ihi, nhs_mdc, western_electric, nelson, "
                                            "or a rule-set JSON file")] = "anhoej",
    target: Annotated[float | None, typer.Option(help="Target line")] = None,
    title: Annotated[str | None, typer.Option(help="Chart title")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the chart: .html, .svg, .png, .json")
                   ] = None,
    table: Annotated[Path | None, typer.Option(help="Write the points as CSV")] = None,
) -> None:
    """Run or control chart of a CSV column, with signals from a rule set.

    Example: aimline chart absence.csv --chart p --y absent --n enrolled --x week
    --freeze 12 --rules nhs_mdc --out chart.html --table points.csv
    """
    import pandas as pd

    from aimline.improve import spc

    try:
        df = pd.read_csv(csv)
    except (OSError, ValueError) as e:
        fail(f"cannot read {csv}: {e}")
    for col in (y, n, x):
        if col is not None and col not in df.columns:
            fail(f"{csv} has no column {col!r}; columns are: {', '.join(map(str, df.columns))}")
    rule_arg: str | dict = rules
    if rules.endswith(".json"):
        rule_arg = json.loads(Path(rules).read_text())
    xs = None
    if x is not None:
        xs = df[x]
        parsed = pd.to_datetime(xs, errors="coerce", format="ISO8601") \
            if xs.dtype == object else xs
        xs = parsed if xs.dtype == object and parsed.notna().all() else xs
    try:
        res = spc.chart(kind, df[y], None if n is None else df[n], xs,  # type: ignore[arg-type]
                        freeze=freeze, part=part, exclude=exclude, multiply=multiply,
                        rules=rule_arg, target=target, title=title)
        if out is not None:
            res.save(out, y_title=y, x_title=x or "")
    except ValueError as e:
        fail(str(e))
    if table is not None:
        res.points.to_csv(table, index=False)
    t = Table(title=f"{res.title}: {res.rule_set.label}")
    for col in ("rule", "points flagged"):
        t.add_column(col, justify="right" if col != "rule" else "left")
    for r in res.rule_set.rules:
        t.add_row(r.label or r.name, str(int(res.points[r.name].sum())))
    console.print(t)
    console.print(res.runs.to_string(index=False))
    for note in res.notes:
        console.print(f"[dim]{note}[/]")
