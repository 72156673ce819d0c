"""`aimline import ...` and `aimline mapping init`: from what a district has to an extract."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aimline import data
from aimline.cli.common import WarehouseOpt, app, bar, console, err, fail
from aimline.cli.data import print_report
from aimline.data import warehouse as wh
from aimline.data.importers.report import ImportFailed, ImportReport

import_app = typer.Typer(help="Import Ed-Fi, OneRoster or a SIS export into a canonical "
                              "extract (then `aimline load` it, or pass --load).",
                         no_args_is_help=True)
mapping_app = typer.Typer(help="SIS mapping files: which file and column fills which "
                               "canonical column, and how codes map.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(mapping_app, name="mapping")

OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Folder to write the canonical "
                                                          "extract to (replaced when done)")]
FormatOpt = Annotated[str, typer.Option("--format", help="Extract format: csv or parquet")]
LoadOpt = Annotated[bool, typer.Option("--load", help="Load the extract into the warehouse "
                                                      "when the import succeeds")]


def report_tables(report: ImportReport) -> list[Table]:
    """The import report as Rich tables: entities, drops, tables written, unfilled."""
    ents = Table(title=f"Read from {report.source} ({report.kind})")
    for col in ("source entity", "read", "used", "dropped"):
        ents.add_column(col, justify="left" if col == "source entity" else "right")
    for name, e in sorted(report.entities.items()):
        ents.add_row(name, f"{e.read:,}", f"{e.used:,}", f"{e.dropped_total:,}")
    out = [ents]
    drops = Table(title="Dropped, by reason")
    for col in ("source entity", "reason", "count", "examples"):
        drops.add_column(col, overflow="fold", justify="right" if col == "count" else "left")
    for name, e in sorted(report.entities.items()):
        for reason, n in e.dropped.most_common():
            drops.add_row(name, escape(reason), f"{n:,}",
                          escape("; ".join(e.examples.get(reason, []))))
    if drops.row_count:
        out.append(drops)
    written = Table(title="Written: canonical tables")
    written.add_column("table")
    written.add_column("rows", justify="right")
    for name, n in report.tables.items():
        written.add_row(name, f"{n:,}")
    out.append(written)
    if report.unfilled:
        unf = Table(title="Not filled from this source", title_style="yellow")
        unf.add_column("table or column")
        unf.add_column("why", overflow="fold")
        for name, why in report.unfilled.items():
            unf.add_row(name, escape(why))
        out.append(unf)
    if report.ignored:
        ign = Table(title="Read and not used (no canonical table)", title_style="dim")
        ign.add_column("source entity")
        ign.add_column("records", justify="right")
        for name, n in sorted(report.ignored.items()):
            ign.add_row(name, f"{n:,}")
        out.append(ign)
    return out


def run_import(label: str, call: Callable[[Callable[[int], None]], ImportReport], out: Path,
               fmt: str, load: bool, warehouse: Path | None) -> None:
    """Run an importer with a progress bar, print its report, optionally load the result."""
    if fmt not in ("csv", "parquet"):
        fail(f"--format must be csv or parquet (got {fmt!r})")
    with bar() as progress:
        task = progress.add_task(label, total=None)
        try:
            report = call(lambda n: progress.advance(task, n))
        except ImportFailed as e:
            progress.stop()
            for p in e.problems[:50]:
                err.print(f"[red]•[/] {escape(p)}")
            fail(f"{len(e.problems)} problem(s); no extract was written to {out}.")
        except (FileNotFoundError, FileExistsError, ValueError) as e:
            progress.stop()
            fail(str(e))
    for t in report_tables(report):
        console.print(t)
    for w in report.warnings:
        err.print(f"[yellow]warning:[/] {escape(w)}")
    console.print(f"Extract written to {out} (report: {out / 'import-report.json'})")
    if load:
        path = wh.resolve(warehouse)
        try:
            _, result = data.load(out, path)
        except data.ValidationFailed as e:
            print_report(e.report, 50)
            fail(f"the extract is not loadable ({e.report.total:,} problem(s)); the warehouse "
                 f"{path} was not changed. The extract stays in {out}.")
        console.print(f"[green]Loaded[/] into {path}: "
                      + ", ".join(f"{k} {v:,}" for k, v in result.rows.items()))


@import_app.command("edfi")
def import_edfi(
    source: Annotated[Path | None, typer.Argument(
        help="Folder of Ed-Fi XML interchange files or of ODS/API JSON pages")] = None,
    out: OutOpt = Path("extract"),
    api: Annotated[str | None, typer.Option(help="ODS/API base, e.g. https://host/data/v3")
                   ] = None,
    key: Annotated[str | None, typer.Option(help="API client key", envvar="EDFI_KEY")] = None,
    secret: Annotated[str | None, typer.Option(help="API client secret",
                                               envvar="EDFI_SECRET")] = None,
    school_year: Annotated[int | None, typer.Option(help="Year-specific ODS (2022 = 2021-22)")
                           ] = None,
    token_url: Annotated[str | None, typer.Option(help="OAuth token URL [default: "
                                                       "<host>/oauth/token]")] = None,
    pages_dir: Annotated[Path | None, typer.Option(
        "--pages", help="Where pulled pages are kept, so a stopped pull resumes "
                        "[default: <out>.pages]")] = None,
    descriptor_map: Annotated[Path | None, typer.Option(
        help="YAML/JSON map of the district's own descriptor values")] = None,
    enrollments_from: Annotated[Path | None, typer.Option(
        help="Another source's enrollments (an extract folder or a warehouse): the school "
             "of a result that names none")] = None,
    fmt: FormatOpt = "csv", load: LoadOpt = False, warehouse: WarehouseOpt = None,
) -> None:
    """Ed-Fi XML interchange files, ODS/API JSON pages, or a live ODS/API pull.

    Examples: aimline import edfi edfi-xml/ --out extract/;
    aimline import edfi --api https://host/data/v3 --key K --secret S --school-year 2025
    --out extract/
    """
    from aimline.data.importers import edfi_api, edfi_json, import_edfi

    if api is None and source is None:
        fail("give a folder of Ed-Fi files, or --api with --key and --secret")
    if api is not None:
        if not key or not secret:
            fail("--api needs --key and --secret (or EDFI_KEY and EDFI_SECRET)")
        cache = pages_dir or out.with_name(out.name + ".pages")

        def pull(tick: Callable[[int], None]) -> ImportReport:
            edfi_api.pull(api, key, secret, cache, school_year=school_year,
                          token_url=token_url, tick=tick)
            return edfi_json.import_json(cache, out, descriptor_map=descriptor_map,
                                         fmt=fmt, kind="edfi-api", source=api,  # type: ignore[arg-type]
                                         enrollments=enrollments_from)

        run_import("Pulling from the Ed-Fi API", pull, out, fmt, load, warehouse)
        return
    assert source is not None
    run_import("Reading Ed-Fi files",
               lambda tick: import_edfi(source, out, descriptor_map=descriptor_map,
                                        fmt=fmt, tick=tick,  # type: ignore[arg-type]
                                        enrollments=enrollments_from),
               out, fmt, load, warehouse)


@import_app.command("oneroster")
def import_oneroster_cmd(
    source: Annotated[Path, typer.Argument(help="Folder or .zip of OneRoster 1.1/1.2 CSV")],
    out: OutOpt = Path("extract"), fmt: FormatOpt = "csv", load: LoadOpt = False,
    warehouse: WarehouseOpt = None,
) -> None:
    """A OneRoster CSV bundle: schools, students, enrollment spans and class rosters.

    Example: aimline import oneroster oneroster.zip --out extract/
    """
    from aimline.data.importers.oneroster import import_oneroster

    run_import("Reading OneRoster",
               lambda tick: import_oneroster(source, out, fmt=fmt, tick=tick),  # type: ignore[arg-type]
               out, fmt, load, warehouse)


@import_app.command("sis")
def import_sis_cmd(
    source: Annotated[Path, typer.Argument(help="Folder of the district's CSV/XLSX export")],
    mapping: Annotated[Path, typer.Option(help="mapping.yaml (aimline mapping init writes "
                                               "a first one)")],
    out: OutOpt = Path("extract"), fmt: FormatOpt = "csv", load: LoadOpt = False,
    warehouse: WarehouseOpt = None,
) -> None:
    """The district's own SIS export, read by a mapping file.

    Example: aimline import sis export/ --mapping mapping.yaml --out extract/
    """
    from aimline.data.importers.sis import import_sis

    run_import("Reading the SIS export",
               lambda tick: import_sis(source, mapping, out, fmt=fmt, tick=tick),  # type: ignore[arg-type]
               out, fmt, load, warehouse)


@mapping_app.command("init")
def mapping_init(
    source: Annotated[Path, typer.Argument(help="Folder of the district's CSV/XLSX export")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the mapping")
                   ] = Path("mapping.yaml"),
    force: Annotated[bool, typer.Option(help="Replace an existing mapping file")] = False,
) -> None:
    """Propose a mapping: guessed column matches, and every distinct code with its count.

    Example: aimline mapping init export/ --out mapping.yaml
    """
    from aimline.data.importers.mapping_init import propose

    if not source.is_dir():
        fail(f"{source}: no such folder of SIS export files")
    if out.exists() and not force:
        fail(f"{out} exists: edit it, or pass --force to replace it")
    text, todo = propose(source)
    out.write_text(text, encoding="utf-8")
    console.print(f"Mapping written to {out}.")
    if todo:
        t = Table(title=f"{len(todo)} thing(s) need a person before `aimline import sis`",
                  title_style="yellow")
        t.add_column("to decide", overflow="fold")
        for line in todo:
            t.add_row(escape(line))
        console.print(t)
