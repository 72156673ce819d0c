"""What every command shares: the `aimline` app, the consoles, the warehouse option, the
one way to fail, the progress bar. Command modules import this; this imports none of them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(help="Aimline: data, indicators and improvement science for school partnerships.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
console = Console()
err = Console(stderr=True)

WarehouseOpt = Annotated[Path | None, typer.Option(
    "--warehouse", "-w",
    help="DuckDB warehouse file [default: $AIMLINE_WAREHOUSE or ./aimline.duckdb]")]


def fail(message: str | Table) -> NoReturn:
    """Print to stderr and exit 1: the one way a command reports a domain error."""
    # escape: messages carry user values and names like aimline[spark] that are not markup
    err.print(message if isinstance(message, Table) else f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(1)


def bar() -> Progress:
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=False)
