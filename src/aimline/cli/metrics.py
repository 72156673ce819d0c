"""`aimline metrics`, `aimline compute` and `aimline students`: the metric catalog's commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from aimline.cli.common import WarehouseOpt, app, bar, console, fail
from aimline.data import warehouse as wh
from aimline.data import writer
from aimline.data.problems import DataError
from aimline.files import written_atomically
from aimline.metrics import catalog, engine, tables
from aimline.metrics.ews import student_flags
from aimline.metrics.policy import Policy, PolicyError

metrics_app = typer.Typer(help="The metric catalog: what each indicator means.",
                          no_args_is_help=True)
students_app = typer.Typer(help="Student-level lists (private: handle as student records).",
                           no_args_is_help=True)
app.add_typer(metrics_app, name="metrics")
app.add_typer(students_app, name="students")
FORMATS = (".csv", ".parquet", ".xlsx")


@metrics_app.command("list")
def metrics_list() -> None:
    """Every metric: id, title, unit, which direction is better, source. Example:
    aimline metrics list"""
    t = Table(title="Aimline metric catalog")
    for col in ("id", "title", "unit", "better", "periods", "source"):
        t.add_column(col, overflow="fold")
    for m in catalog.all_metrics():
        t.add_row(m.id, m.title, m.unit, "higher" if m.higher_is_better else "lower",
                  ", ".join(m.periods), m.source)
    console.print(t)


@metrics_app.command("show")
def metrics_show(metric: Annotated[str, typer.Argument(help="Metric id")]) -> None:
    """Definition in words, numerator, denominator, source and options. Example:
    aimline metrics show chronic_absence"""
    try:
        m = catalog.get(metric)
    except ValueError as e:
        fail(str(e))
    console.print(f"[bold]{m.id}[/]: {m.title}\n\n{m.definition}\n")
    t = Table(show_header=False)
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    for k, v in (("numerator", m.numerator), ("denominator", m.denominator),
                 ("rate", "numerator / denominator x 100" + (" (per 100)" if m.unit == "per_100"
                                                            else " (%)")),
                 ("better", "higher" if m.higher_is_better else "lower"),
                 ("periods", ", ".join(m.periods)), ("source", m.source),
                 ("options", ", ".join(f"{k}={v!r}" for k, v in m.options.items()) or "none")):
        t.add_row(k, v)
    console.print(t)


def _check_out(out: Path) -> None:
    if out.suffix not in FORMATS:
        fail(f"--out must end in {', '.join(FORMATS)} (got {out.name!r})")


def _write(df: pd.DataFrame, out: Path) -> None:
    with written_atomically(out) as path:
        if out.suffix == ".csv":
            df.to_csv(path, index=False)
        elif out.suffix == ".parquet":
            df.to_parquet(path, index=False)
        else:
            df.to_excel(path, index=False, sheet_name="indicators", engine="xlsxwriter")


def _policy(min_n: int | None, coding: str | None) -> Policy:
    """The configured policy (environment), with what the command line changes."""
    try:
        base = Policy.from_env()
        return Policy(base.min_n if min_n is None else min_n, base.complementary,
                      coding or base.coding)
    except PolicyError as e:
        fail(str(e))


@app.command()
def compute(
    year: Annotated[int, typer.Option(help="School year (2026 = 2025-26)")],
    warehouse: WarehouseOpt = None,
    metric: Annotated[list[str] | None, typer.Option(help="Metric id; repeat. Default: all")
                      ] = None,
    period: Annotated[str, typer.Option(
        help="year; month or week (each its own days); month_to_date or week_to_date "
             "(cumulative from 1 July)")] = "year",
    engine_name: Annotated[str, typer.Option("--engine", help="duckdb or spark")] = "duckdb",
    scope: Annotated[list[str] | None, typer.Option(help="school and/or district rows; "
                                                    "repeat. Default: both")] = None,
    min_n: Annotated[int | None, typer.Option(
        help="Suppress cells of fewer students (default: AIMLINE_MIN_N, else 10); a "
             "weaker policy than the site's is refused there")] = None,
    top_bottom: Annotated[str | None, typer.Option(
        help="Top/bottom coding: nm (default: AIMLINE_CODING)")] = None,
    no_suppress: Annotated[bool, typer.Option("--no-suppress", help="Internal use only: "
                                              "unsuppressed output, not stored")] = False,
    no_store: Annotated[bool, typer.Option(
        "--no-store", help="Compute and show (or write --out) without writing to the "
                           "warehouse")] = False,
    out: Annotated[Path | None, typer.Option(help="indicators.csv | .parquet | .xlsx")] = None,
) -> None:
    """Compute indicators by school and district x student group x period, suppress small
    cells, store them in the warehouse (table indicators) and optionally write a file.

    Example: aimline compute --year 2026 --metric chronic_absence --period month --out ca.csv
    """
    path = wh.resolve(warehouse)
    if out is not None:
        _check_out(out)
    chosen_policy = _policy(min_n, top_bottom)
    with bar() as progress:
        known = {m.id: m for m in catalog.all_metrics()}
        todo = [m for m in (metric or known) if m not in known or period in known[m].periods]
        task = progress.add_task("Computing", total=len(todo) or None)

        def step(metric_id: str) -> None:
            progress.update(task, description=f"Computing {metric_id}", advance=1)

        try:
            df = engine.compute(path, year, metrics=metric, period=period,  # type: ignore[arg-type]
                                engine=engine_name, suppress=no_store and not no_suppress,
                                policy=chosen_policy if no_store else None,
                                scopes=scope or engine.SCOPES,
                                progress=step)
        except ValueError as e:
            progress.stop()
            fail(str(e))
    if not (no_suppress or no_store):
        try:  # into a copy swapped in at the end, so a running site never blocks it
            with writer.writing(path) as target:
                df = engine.store(df, target, chosen_policy)
        except DataError as e:
            fail(f"{e} Nothing was stored; the warehouse {path} is unchanged.")
    if out is not None:
        _write(df, out)
    shown = df[(df.group_type == "all")]
    t = Table(title=f"{len(df):,} indicator rows for {year} ({period}); "
                    f"{int(df.suppressed.sum()):,} suppressed"
                    + ("" if no_suppress or no_store else f"; stored in {path}"))
    for col in ("metric", "district", "schools", "min", "max"):
        t.add_column(col, justify="left" if col == "metric" else "right")
    for m, rows in shown.groupby("metric", sort=False):
        last = rows[rows.period_end == rows.period_end.max()]
        dist = last[last.scope == "district"].display
        sch = last[last.scope == "school"].value
        t.add_row(str(m), dist.iloc[0] if len(dist) else "", str(len(sch)),
                  f"{sch.min():.1f}" if sch.notna().any() else "",
                  f"{sch.max():.1f}" if sch.notna().any() else "")
    console.print(t)


@students_app.command("flags")
def students_flags(
    year: Annotated[int, typer.Option(help="School year")],
    out: Annotated[Path, typer.Option(help="students.csv | .parquet | .xlsx")],
    warehouse: WarehouseOpt = None,
    school: Annotated[str | None, typer.Option(help="One school's students")] = None,
    attendance_below: Annotated[float, typer.Option(help="Attendance flag below this %")] = 90,
) -> None:
    """Early-warning ABC flags per student (attendance, behaviour, course performance).

    Student-level and private: write it only where student records may be kept.
    Example: aimline students flags --year 2026 --school 3001 --out watch.csv
    """
    path = wh.resolve(warehouse)
    _check_out(out)
    try:
        years = engine.years_in(path)
        if year not in years:
            fail(f"school year {year} is not in the warehouse; it holds: "
                 f"{', '.join(map(str, years))}")
        expr = student_flags(tables.for_year(year), attendance_below_pct=attendance_below)
        if school is not None:
            expr = expr.filter(expr.unit_id == school)
        with engine.connect("duckdb", path) as con:
            df = con.execute(expr.order_by(["unit_id", "student_id"]))
    except ValueError as e:
        fail(str(e))
    df = df.rename(columns={"unit_id": "school_id"})
    _write(df, out)
    console.print(f"{len(df):,} students written to {out}; "
                  f"{int((df['flags'] > 0).sum()):,} with at least one flag.")


@app.command()
def audit(
    year: Annotated[int, typer.Option(help="School year of the audit")],
    out: Annotated[Path, typer.Option(help="audit.pdf | audit.html | audit.xlsx")],
    warehouse: WarehouseOpt = None,
    district: Annotated[str | None, typer.Option(
        help="The district (lea_id) audited; needed when the warehouse holds several")] = None,
    schools: Annotated[list[str] | None, typer.Option("--schools", help="Only these schools; "
                                                      "repeat")] = None,
    state_reference: Annotated[Path | None, typer.Option(
        help="CSV of state averages: metric, group_type, group_value, value")] = None,
    min_n: Annotated[int | None, typer.Option(
        help="Suppress cells of fewer students (default: AIMLINE_MIN_N, else 10)")] = None,
    criteria: Annotated[str, typer.Option(help="Award screen: ncust, none, or a criteria "
                                          "set as JSON (see docs/equity.md)")] = "ncust",
) -> None:
    """Equity & Excellence Audit of every school of one district: gaps by group, similar
    schools, beating the odds, methods appendix; suppressed before anything is written.

    Example: aimline audit --year 2026 --out audit.pdf --state-reference state.csv
    """
    import pandas as pd

    from aimline.reports import audit as report

    path = wh.resolve(warehouse)
    if out.suffix not in (".pdf", ".html", ".xlsx"):
        fail(f"--out must end in .pdf, .html or .xlsx (got {out.name!r})")
    state = None
    if state_reference is not None:
        try:
            state = pd.read_csv(state_reference, dtype={"group_value": str})
        except (OSError, ValueError) as e:
            fail(f"cannot read the state reference {state_reference}: {e}")
        missing = {"metric", "group_type", "group_value", "value"} - set(state.columns)
        if missing:
            fail(f"{state_reference} lacks column(s) {', '.join(sorted(missing))}; it needs "
                 "metric, group_type, group_value, value")
        unknown = sorted(set(state.metric) - {m.id for m in catalog.all_metrics()})
        if unknown:
            fail(f"{state_reference} names an unknown metric {unknown[0]!r}; see "
                 "aimline metrics list")
    from aimline.equity import criteria as criteria_sets

    try:
        chosen = criteria_sets.resolve(criteria)
    except ValueError as e:
        fail(str(e))
    with bar() as progress:
        task = progress.add_task("Auditing", total=None)

        def step(what: str) -> None:
            progress.update(task, description=f"Auditing: {what}", advance=1)

        try:
            built = report.build(path, year, lea=district, schools=schools, state=state,
                                 policy=_policy(min_n, None),
                                 criteria=chosen, progress=step)
            step(f"writing {out.name}")
            report.write(built, out)
        except ValueError as e:
            progress.stop()
            fail(str(e))
    for note in built.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")
    console.print(f"Audit of {len(built.schools)} schools written to {out}.")
