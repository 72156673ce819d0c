"""Data commands: synth, check, load, info. Each parses options, makes one library call,
prints."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aimline import data
from aimline.cli.common import WarehouseOpt, app, bar, console, err, fail
from aimline.data import warehouse as wh
from aimline.data import writer


def problems_table(report: data.Report, show: int) -> Table:
    t = Table(title=f"{report.total} problem(s); nothing was loaded", title_style="bold red",
              show_lines=False)
    for col in ("file", "row", "column", "value", "rule"):
        t.add_column(col, overflow="fold")
    for p in report.sorted_problems()[:show]:
        t.add_row(*(escape(s) for s in (p.file, "" if p.row is None else str(p.row),
                                        p.column or "", "" if p.value is None else p.value,
                                        p.rule)))
    return t


def summary_table(report: data.Report) -> Table:
    t = Table(title="Problems by rule", show_lines=False)
    for col in ("file", "column", "rule", "count"):
        t.add_column(col, justify="right" if col == "count" else "left", overflow="fold")
    for (f, c, r), n in sorted(report.counts.items(), key=lambda kv: -kv[1]):
        t.add_row(escape(f), escape(c or ""), escape(r), f"{n:,}")
    return t


FromOpt = Annotated[dt.datetime | None, typer.Option(
    "--from", formats=["%Y-%m-%d"], help="First day of a window (YYYY-MM-DD): this week's data")]
ToOpt = Annotated[dt.datetime | None, typer.Option(
    "--to", formats=["%Y-%m-%d"], help="Last day of the window")]


def window_of(start: dt.datetime | None, end: dt.datetime | None) -> data.Window | None:
    """--from/--to as a load window (both or neither)."""
    if (start is None) != (end is None):
        fail("a window needs both --from and --to")
    if start is None or end is None:
        return None
    try:
        return data.Window(start.date(), end.date())
    except data.DataError as e:
        fail(str(e))


@app.command()
def synth(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the extract to")],
    students: Annotated[int, typer.Option(help="Students enrolled in a year")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same files")] = 7,
    years: Annotated[int, typer.Option(help="School years to generate")] = 3,
    end_year: Annotated[int, typer.Option(help="Last school year (2026 = 2025-26)")] = 2026,
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet (canonical extract), or "
                                     "a source format for the importers: edfi-xml, oneroster, "
                                     "sis-example")] = "csv",
    story: Annotated[bool, typer.Option(
        help="The demo's story: absences fall at every other high school from its "
             "adoption date in the last year (aimline.data.synth.story)")] = False,
) -> None:
    """Write a synthetic district extract, or the same district as a district's source files.

    Examples: aimline synth --students 20000 --seed 7 --out district/;
    aimline synth --format edfi-xml --out edfi/
    """
    from aimline.data import synth as synth_mod

    if fmt not in ("csv", "parquet", *synth_mod.SOURCE_FORMATS):
        fail(f"--format must be csv, parquet, {', '.join(synth_mod.SOURCE_FORMATS)} "
             f"(got {fmt!r})")
    with bar() as progress:
        task = progress.add_task("Generating school-years", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            if fmt in synth_mod.SOURCE_FORMATS:
                rows = synth_mod.generate_source(out, students=students, seed=seed,
                                                 years=years, end_year=end_year, fmt=fmt,
                                                 progress=advance)
            else:
                rows = synth_mod.generate(out, students=students, seed=seed, years=years,
                                          end_year=end_year, fmt=fmt,  # type: ignore[arg-type]
                                          progress=advance, story=story)
        except ValueError as e:
            fail(str(e))
    t = Table(title=f"Synthetic district written to {out}")
    t.add_column("table")
    t.add_column("rows", justify="right")
    for name, n in rows.items():
        t.add_row(name, f"{n:,}")
    console.print(t)


@app.command()
def check(
    folder: Annotated[Path, typer.Argument(help="Extract folder (one file per table)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
    show: Annotated[int, typer.Option(help="Problems to list (all are counted)")] = 50,
    against: Annotated[Path | None, typer.Option(
        help="Check as a load into this warehouse would: extract plus warehouse")] = None,
    start: FromOpt = None, end: ToOpt = None,
) -> None:
    """Validate an extract and report every problem; loads nothing.

    Example: aimline check district/ --json; aimline check week/ --against aimline.duckdb
    --from 2026-01-05 --to 2026-01-09
    """
    window = window_of(start, end)
    try:
        report = data.check(folder, limit=max(show, 1000), warehouse=against, window=window)
    except FileNotFoundError as e:
        fail(str(e))
    except data.DataError as e:
        fail(str(e))
    if as_json:
        print(report.as_json())
        raise typer.Exit(0 if report.ok else 1)
    print_report(report, show)
    if not report.ok:
        raise typer.Exit(1)
    console.print(f"[green]OK[/]: {sum(report.rows.values()):,} rows in {len(report.rows)} tables "
                  "broke no rule.")


def print_report(report: data.Report, show: int) -> None:
    for note in report.notes:
        err.print(f"[yellow]note:[/] {escape(note)}")
    if not report.ok:
        err.print(problems_table(report, show))
        if report.total > show:
            err.print(f"… {report.total - show:,} more; --show N lists more, --json gives all "
                      f"(up to {report.limit:,})")
        err.print(summary_table(report))


@app.command()
def load(
    folder: Annotated[Path, typer.Argument(help="Extract folder (one file per table)")],
    warehouse: WarehouseOpt = None,
    show: Annotated[int, typer.Option(help="Problems to list when invalid")] = 50,
    start: FromOpt = None, end: ToOpt = None,
    only: Annotated[list[str] | None, typer.Option(
        "--only", help="Load only this table of the extract; repeat")] = None,
    district: Annotated[list[str] | None, typer.Option(
        "--district", help="The extract must hold only this district (lea_id); repeat. "
                           "An empty window file then still clears its days")] = None,
) -> None:
    """Validate against the extract plus the warehouse, then load in one transaction (all
    rows or none).

    The extract's districts and school years replace the same districts' years; other
    districts are untouched. With --from/--to only the window's absences and discipline
    are replaced and every other table is upserted by key ("this week's data").
    Example: aimline load week/ --from 2026-01-05 --to 2026-01-09
    """
    path = wh.resolve(warehouse)
    window = window_of(start, end)
    with bar() as progress:
        task = progress.add_task("Validating", total=None)

        def step(table: str) -> None:
            progress.update(task, description=f"Loading {table}", advance=1)

        try:  # into a copy swapped in at the end, so a running site never blocks it
            with writer.writing(path) as target:
                report, result = data.load(folder, target, progress=step, window=window,
                                           only=set(only) if only else None,
                                           districts=set(district) if district else None)
        except data.ValidationFailed as e:
            progress.stop()
            print_report(e.report, show)
            fail(f"{e.report.total:,} problem(s); the warehouse {path} was not changed.")
        except FileNotFoundError as e:
            fail(str(e))
        except data.DataError as e:
            progress.stop()
            fail(f"{e} The warehouse {path} was not changed.")
    what = f"the window {window}" if window else \
        f"school years {', '.join(map(str, result.school_years))}"
    t = Table(title=f"Loaded into {path}: {what} of district(s) {', '.join(result.districts)}")
    for col in ("table", "rows loaded", "rows replaced"):
        t.add_column(col, justify="left" if col == "table" else "right")
    for name, n in result.rows.items():
        t.add_row(name, f"{n:,}", f"{result.replaced.get(name, 0):,}")
    console.print(t)
    for note in report.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")


@app.command()
def info(warehouse: WarehouseOpt = None,
         as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """What is loaded: tables, rows, school years, recent loads. Example: aimline info"""
    path = wh.resolve(warehouse)
    try:
        tables, log = wh.summary(path)
    except wh.WarehouseError as e:
        fail(str(e))
    written = wh.sources(path)
    if as_json:
        print(json.dumps({"warehouse": str(path), "tables": [t.__dict__ for t in tables],
                          "loads": [{"loaded_at": str(r[0]), "source": r[1], "school_years": r[2]}
                                    for r in log],
                          "sources": [{**w.__dict__, "loaded_at": str(w.loaded_at)}
                                      for w in written]}, indent=2))
        return
    t = Table(title=f"Warehouse {path}")
    for col in ("table", "rows", "school years"):
        t.add_column(col, justify="right" if col == "rows" else "left")
    for s in tables:
        t.add_row(s.name, f"{s.rows:,}", ", ".join(map(str, s.school_years)))
    console.print(t)
    if log:
        lt = Table(title="Recent loads")
        for col in ("loaded at (UTC)", "source", "school years"):
            lt.add_column(col)
        for loaded_at, source, years, _ in log:
            lt.add_row(f"{loaded_at:%Y-%m-%d %H:%M:%S}", source, ", ".join(map(str, years)))
        console.print(lt)
    if written:
        windows = any(w.window for w in written)
        st = Table(title="Which source last wrote each table, by district and school year")
        for col in ("district", "year", "table", "rows", "source", *(["window"] * windows)):
            st.add_column(col, justify="right" if col == "rows" else "left",
                          no_wrap=col != "source", overflow="fold")
        for w in written:
            st.add_row(w.lea_id, "" if w.school_year is None else str(w.school_year), w.table,
                       f"{w.rows:,}", w.source, *([w.window] * windows))
        console.print(st)
