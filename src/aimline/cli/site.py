"""`aimline site …`, `aimline serve`, `aimline createadmin`, `aimline worker`: the web site."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from aimline.cli.common import WarehouseOpt, app, console, fail

site_app = typer.Typer(help="Set up the web site's database and demo people.",
                       no_args_is_help=True)
app.add_typer(site_app, name="site")


def django_setup(warehouse: Path | None) -> None:
    """Settings come from the environment (see aimline/web/settings.py)."""
    if warehouse is not None:
        os.environ["AIMLINE_WAREHOUSE"] = str(warehouse.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aimline.web.settings")
    import django

    try:
        django.setup()
    except Exception as e:  # ImproperlyConfigured and friends, as a one-line error
        fail(str(e))


@site_app.command("setup")
def setup(warehouse: WarehouseOpt = None,
          demo: Annotated[bool, typer.Option(help="Create one demo user per role")] = False
          ) -> None:
    """Create or migrate the site database; sync districts and schools from the warehouse.

    Example: aimline site setup --warehouse demo/aimline.duckdb --demo
    """
    django_setup(warehouse)
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if not Path(settings.WAREHOUSE).exists():
        console.print(f"Site database ready; no warehouse at {settings.WAREHOUSE} yet.")
        return
    from aimline.web import demo as demo_people
    from aimline.web.orgs.sync import sync_organisations

    created, total = sync_organisations(Path(settings.WAREHOUSE))
    console.print(f"Site database ready; {total} districts and schools ({created} new).")
    if demo:
        t = Table(title=f"Demo users (password: {demo_people.PASSWORD})")
        for col in ("username", "role", "scope"):
            t.add_column(col)
        for row in demo_people.create(Path(settings.WAREHOUSE)):
            t.add_row(*row)
        console.print(t)


@site_app.command("rosters")
def rosters(warehouse: WarehouseOpt = None) -> None:
    """Set teachers' rosters from the sections they teach (section_rosters, e.g. from
    OneRoster); teachers need a staff id on their role. Loads on the site do this too."""
    django_setup(warehouse)
    from django.conf import settings

    from aimline.web.orgs.rosters import sync_rosters

    n = sync_rosters(Path(settings.WAREHOUSE))
    console.print(f"{n} teacher roster(s) set from the warehouse.")


@site_app.command("evaluate")
def evaluate(warehouse: WarehouseOpt = None) -> None:
    """Evaluate every measured target past its date against the warehouse as it is now
    (network aims, leadership targets); loads on the site do this too."""
    django_setup(warehouse)
    from django.conf import settings

    from aimline.web.targets.evaluation import STATES
    from aimline.web.targets.service import evaluate_due

    done = evaluate_due(Path(settings.WAREHOUSE))
    for e in done:
        console.print(f"target {e.target_id}: {STATES[e.state]}"
                      + (f" ({e.value:g})" if e.value is not None else f" ({e.reason})"))
    console.print(f"{len(done)} target(s) evaluated.")


@site_app.command("token")
def token(username: Annotated[str, typer.Argument(help="The user the token acts as")],
          name: Annotated[str, typer.Option(help="What the token is for")]) -> None:
    """Print a new personal API token for scripts and integrations. Only its hash is
    stored: it is shown once. Example: aimline site token analyst --name nightly-export"""
    django_setup(None)
    from django.contrib.auth import get_user_model

    from aimline.web.orgs.models import ApiToken

    if not name.strip() or len(name) > 100:
        fail("--name must be 1 to 100 characters")
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        fail(f"no active user {username!r}")
    _, secret = ApiToken.issue(user, name.strip())
    typer.echo(secret)  # alone on stdout, so scripts can capture it


@app.command()
def reminders(warehouse: WarehouseOpt = None,
              days: Annotated[int, typer.Option(help="Days ahead", min=0, max=365)] = 30,
              send: Annotated[bool, typer.Option(help="E-mail them (each occurrence once)")
                              ] = False) -> None:
    """List the MOU commitments coming due (or overdue) in each induction partnership;
    with --send, e-mail them to its staff, coordinators and signers."""
    import datetime as dt

    django_setup(warehouse)
    from aimline.web.induction import reminders as due
    from aimline.web.induction.models import Partnership

    today = dt.date.today()
    if send:
        for p, n, to in due.send(today, days):
            console.print(f"{p}: {n} reminder(s) sent to {', '.join(to)}")
        return
    for p in Partnership.objects.all():
        for r in due.pending(p, today, days):
            console.print(f"{p}: {r.due:%Y-%m-%d}{' overdue' if r.overdue else ''} "
                          f"{r.commitment.what} ({r.commitment.party}, {r.commitment.owner})")


@app.command()
def createadmin(username: Annotated[str, typer.Option(prompt=True)],
                email: Annotated[str, typer.Option(prompt=True)] = "") -> None:
    """Create a site administrator (Django admin at /admin/); asks for the password."""
    django_setup(None)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if get_user_model().objects.filter(username=username).exists():
        fail(f"user {username!r} exists already")
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password)
    except ValidationError as e:
        fail(" ".join(e.messages))
    get_user_model().objects.create_superuser(username, email, password)
    console.print(f"Administrator {username} created.")


@app.command()
def worker(warehouse: WarehouseOpt = None) -> None:
    """Run the site's queued jobs: data loads, audit builds (`aimline serve` starts one
    for you)."""
    django_setup(warehouse)
    from aimline.web import jobs

    stop = threading.Event()
    console.print("Job worker running; Ctrl-C to stop.")
    try:
        jobs.worker(stop)
    except KeyboardInterrupt:
        stop.set()


@app.command()
def serve(warehouse: WarehouseOpt = None,
          host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port")] = 8000,
          workers: Annotated[int, typer.Option(help="gunicorn worker processes")] = 2,
          threads: Annotated[int, typer.Option(help="threads per worker")] = 4,
          job_worker: Annotated[bool, typer.Option(help="Also run the job worker")] = True,
          ) -> None:
    """Serve the site with gunicorn (static files by whitenoise), plus the job worker.

    Example: AIMLINE_SECRET_KEY=… aimline serve --warehouse /srv/aimline.duckdb --port 8000
    """
    django_setup(warehouse)  # fail early on bad settings
    from django.conf import settings
    from django.core.management import call_command

    if settings.STATIC_MANIFEST:  # hashed static names need the collected files
        call_command("collectstatic", interactive=False, verbosity=0)
    child = None
    if job_worker:
        child = subprocess.Popen([sys.executable, "-c", "from aimline.cli import main; main()",
                                  "worker"], env=os.environ.copy())
    from gunicorn.app.wsgiapp import WSGIApplication

    console.print(f"Aimline on http://{host}:{port}/")
    sys.argv = ["gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
                "--threads", str(threads), "--access-logfile", "-", "--timeout", "120",
                "aimline.web.wsgi:application"]
    try:
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
    finally:
        if child is not None:
            child.terminate()


@app.command("backup")
def backup_cmd(out: Annotated[Path, typer.Option("--out", "-o", help="The backup file (.tar)")],
               warehouse: WarehouseOpt = None) -> None:
    """Back up both stores, the warehouse and the site database, into one file with a
    manifest (versions, checksums). Example: aimline backup --out aimline-2026-12-01.tar
    """
    django_setup(warehouse)
    from django.conf import settings

    from aimline.web.backup import BackupError, backup

    try:
        manifest = backup(out, Path(settings.WAREHOUSE))
    except BackupError as e:
        fail(str(e))
    sizes = ", ".join(f"{name} {facts['bytes']:,} bytes" for name, facts in
                      manifest["files"].items())
    console.print(f"Backed up to {out}: {sizes}.")


@app.command("restore")
def restore_cmd(file: Annotated[Path, typer.Argument(help="A file written by aimline backup")],
                warehouse: WarehouseOpt = None) -> None:
    """Replace both stores with a backup, after checking it whole (checksums, versions);
    a bad backup changes nothing. Stop the site and its worker first.
    Example: aimline restore aimline-2026-12-01.tar
    """
    django_setup(warehouse)
    from django.conf import settings

    from aimline.web.backup import BackupError, restore

    try:
        manifest = restore(file, Path(settings.WAREHOUSE))
    except BackupError as e:
        fail(str(e))
    console.print(f"Restored the backup of {manifest['created_at']} (Aimline "
                  f"{manifest['aimline']}) into {settings.WAREHOUSE} and the site database.")
