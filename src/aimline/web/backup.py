"""Backups of both stores, and restoring them: `aimline backup` / `aimline restore`.

A backup is one tar file: `warehouse.duckdb` (a consistent copy, `warehouse.snapshot`),
the site database (`site.sqlite3` by SQLite's online backup,
or `site.pgdump` by `pg_dump -Fc`), the credentials' signing key (`signing-key.pem`, when
there is one: without it no credential already issued verifies), and `manifest.json`:
the Aimline version, the warehouse schema version, the site's applied migrations and a
SHA-256 per file.

Restore checks everything before it touches anything: every file present and matching its
checksum, nothing unlisted, the same kind of site database, and no schema newer than this
Aimline knows (a newer warehouse schema, or a migration this code does not have). Then the
site database is replaced in one step (SQLite's backup API into the live database;
`pg_restore --single-transaction`) and the warehouse file is swapped in by rename.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from aimline import __version__
from aimline.data import warehouse as wh
from aimline.data.warehouse import SCHEMA_VERSION
from aimline.files import written_atomically

FORMAT = 1
MANIFEST = "manifest.json"
WAREHOUSE = "warehouse.duckdb"
KEY = "signing-key.pem"
SITE = {"sqlite": "site.sqlite3", "postgresql": "site.pgdump"}


class BackupError(Exception):
    """A backup that cannot be made, or a file that is not a backup this Aimline restores."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """libpq arguments for the site's PostgreSQL database (the password in the environment)."""
    s = connection.settings_dict
    args = ["-h", s.get("HOST") or "localhost", "-p", str(s.get("PORT") or 5432),
            "-U", s.get("USER") or "postgres", "-d", s["NAME"]]
    return args, {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}


def _run(cmd: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{cmd[0]} is not installed (the PostgreSQL client tools: "
                          "apt-get install postgresql-client)") from None
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {done.stderr.strip().splitlines()[-1:]}")


def _migrations() -> dict[str, list[str]]:
    applied = MigrationRecorder(connection).applied_migrations()
    out: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        out.setdefault(app, []).append(name)
    return out


def backup(out: Path, warehouse: Path) -> dict[str, Any]:
    """Write the backup of the site database and `warehouse` to `out`; its manifest."""
    vendor = connection.vendor
    if vendor not in SITE:
        raise BackupError(f"cannot back up a {vendor} site database")
    with tempfile.TemporaryDirectory(prefix="aimline-backup-", dir=out.parent) as tmp:
        work = Path(tmp)
        files = []
        if warehouse.exists():
            try:
                wh.snapshot(warehouse, work / WAREHOUSE)
            except wh.WarehouseError as e:
                raise BackupError(str(e)) from None
            files.append(WAREHOUSE)
        site = work / SITE[vendor]
        if vendor == "sqlite":
            connection.ensure_connection()
            dst = sqlite3.connect(site)
            try:
                connection.connection.backup(dst)  # an online, consistent copy
            finally:
                dst.close()
        else:
            args, env = _pg_env()
            _run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", "-f", str(site), *args],
                 env)
        files.append(site.name)
        key = Path(settings.SIGNING_KEY)
        if key.exists():
            (work / KEY).write_bytes(key.read_bytes())
            files.append(KEY)
        manifest = {
            "format": FORMAT, "aimline": __version__,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "warehouse_schema": SCHEMA_VERSION, "site_database": vendor,
            "migrations": _migrations(),
            "files": {f: {"sha256": _sha256(work / f), "bytes": (work / f).stat().st_size}
                      for f in files}}
        with written_atomically(out) as partial, tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            for f in files:
                tar.add(work / f, arcname=f)
    return manifest


def _read(file: Path, into: Path) -> dict[str, Any]:
    """Unpack `file` into `into` and check it whole; its manifest."""
    try:
        with tarfile.open(file, "r") as tar:
            names = tar.getnames()
            if MANIFEST not in names:
                raise BackupError(f"{file} is not an Aimline backup (no {MANIFEST})")
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as e:
        raise BackupError(f"{file} is not a readable backup (truncated or damaged): {e}"
                          ) from None
    try:
        manifest = json.loads((into / MANIFEST).read_text())
        listed = manifest["files"]
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{file}: its manifest is damaged") from None
    extra = sorted(set(names) - set(listed) - {MANIFEST})
    if extra:
        raise BackupError(f"{file} holds file(s) its manifest does not list: {', '.join(extra)}")
    for name, facts in listed.items():
        path = into / name
        if not path.exists() or _sha256(path) != facts.get("sha256"):
            raise BackupError(f"{file}: {name} does not match its checksum (altered or "
                              "truncated): nothing was restored")
    return manifest


def _check_versions(manifest: dict[str, Any]) -> None:
    if manifest.get("format", 0) > FORMAT or manifest.get("warehouse_schema", 0) > SCHEMA_VERSION:
        raise BackupError(f"the backup is from a newer Aimline ({manifest.get('aimline')}, "
                          f"warehouse schema {manifest.get('warehouse_schema')}; this is "
                          f"{__version__}, schema {SCHEMA_VERSION}): upgrade Aimline first")
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, names in manifest.get("migrations", {}).items()
               for name in names if (app, name) not in known]
    if unknown:
        raise BackupError(f"the backup's site database has migrations this Aimline does not "
                          f"know ({', '.join(unknown[:5])}): it is from a newer Aimline")
    vendor = connection.vendor
    if manifest.get("site_database") != vendor:
        raise BackupError(f"the backup holds a {manifest.get('site_database')} site database; "
                          f"this site uses {vendor}")


def restore(file: Path, warehouse: Path) -> dict[str, Any]:
    """Replace the site database and `warehouse` with the backup in `file`."""
    with tempfile.TemporaryDirectory(prefix="aimline-restore-",
                                     dir=warehouse.resolve().parent) as tmp:
        work = Path(tmp)
        manifest = _read(file, work)
        _check_versions(manifest)
        site = work / SITE[connection.vendor]
        if WAREHOUSE in manifest["files"]:
            try:  # it opens: a warehouse, not only bytes that match
                wh.check_opens(work / WAREHOUSE)
            except wh.WarehouseError as e:
                raise BackupError(f"{file}: {e}") from None
        # the commit point: the site database, in one step
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            src = sqlite3.connect(site)
            try:
                src.backup(connection.connection)
            finally:
                src.close()
        else:
            args, env = _pg_env()
            connection.close()
            _run(["pg_restore", "--clean", "--if-exists", "--single-transaction",
                  "--no-owner", "--no-privileges", *args, str(site)], env)
        if WAREHOUSE in manifest["files"]:
            (work / WAREHOUSE).replace(warehouse)  # same folder: an atomic rename
        else:
            warehouse.unlink(missing_ok=True)
        # a write-ahead log left by the old file must not be replayed onto the new one
        warehouse.with_name(warehouse.name + ".wal").unlink(missing_ok=True)
        if KEY in manifest["files"]:
            _restore_key(work / KEY)
    return manifest


def _restore_key(src: Path) -> None:
    """The signing key back in its place, readable by the owner only."""
    from aimline.web.credentials import signing

    key = Path(settings.SIGNING_KEY)
    key.parent.mkdir(parents=True, exist_ok=True)
    with written_atomically(key) as partial:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(src.read_bytes())
    signing._load.cache_clear()
