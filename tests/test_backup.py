"""`aimline backup` and `aimline restore`, as a user runs them (subprocesses with their own
site database): both stores round-trip on SQLite and on PostgreSQL; a truncated, altered,
newer or foreign backup is refused with nothing changed."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.data.helpers import warehouse_fingerprint

PG = os.environ.get("AIMLINE_TEST_PG", "postgres://postgres@127.0.0.1:5432/postgres")


def _pg_up() -> bool:
    try:
        import psycopg

        psycopg.connect(PG, connect_timeout=3).close()
        return True
    except Exception:
        return False


ENGINES = ["sqlite", *(["postgres"] if _pg_up() else [])]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Site:
    """A site home with its own database and warehouse; `run` is the aimline command."""

    def __init__(self, home: Path, database_url: str, warehouse: Path) -> None:
        self.home, self.warehouse = home, warehouse
        self.env = {**os.environ, "AIMLINE_HOME": str(home), "DATABASE_URL": database_url,
                    "AIMLINE_SECRET_KEY": "backup-test-" + "x" * 40,
                    "AIMLINE_WAREHOUSE": str(warehouse)}
        self.env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "aimline.cli", *args], env=self.env,
                              capture_output=True, text=True, timeout=300)

    def sql(self, query: str) -> list[tuple]:
        code = ("import django, json; django.setup(); from django.db import connection\n"
                "with connection.cursor() as c:\n"
                f"    c.execute({query!r}); print(json.dumps(c.fetchall() if c.description "
                "else []))")
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "aimline.web.settings"}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, timeout=120, check=True)
        return [tuple(r) for r in json.loads(out.stdout)]


@pytest.fixture(params=ENGINES)
def site(request: pytest.FixtureRequest, tmp_path: Path, district: Path) -> Iterator[Site]:
    from aimline import data

    wh = tmp_path / "aimline.duckdb"
    data.load(district, wh)
    if request.param == "sqlite":
        yield Site(tmp_path, f"sqlite:///{tmp_path / 'site.sqlite3'}", wh)
        return
    import psycopg

    name = f"aimline_backup_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    try:
        yield Site(tmp_path, PG.rsplit("/", 1)[0] + "/" + name, wh)
    finally:
        with psycopg.connect(PG, autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def organisations(s: Site) -> list[tuple]:
    return s.sql("SELECT kind, code, name FROM aimline_organisation ORDER BY kind, code")


def test_both_stores_round_trip(site: Site, tmp_path: Path) -> None:
    assert site.run("site", "setup").returncode == 0
    # the key credentials are signed with (made on first use): without it, no certificate
    # already issued would verify after a restore
    from jwcrypto import jwk

    key = site.home / "signing-key.pem"
    key.write_bytes(jwk.JWK.generate(kty="RSA", size=2048).export_to_pem(
        private_key=True, password=None))
    key_before = key.read_bytes()
    orgs, wh_before = organisations(site), warehouse_fingerprint(site.warehouse)
    assert len(orgs) > 3
    out = tmp_path / "b.tar"
    made = site.run("backup", "--out", str(out))
    assert made.returncode == 0, made.stderr
    with tarfile.open(out) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest["warehouse_schema"] >= 2 and "orgs" in manifest["migrations"]
    assert set(manifest["files"]) == {"warehouse.duckdb", "signing-key.pem",
                                      "site.sqlite3" if "sqlite" in site.env["DATABASE_URL"]
                                      else "site.pgdump"}
    # then the data changes: a school renamed, a warehouse table emptied
    site.sql("UPDATE aimline_organisation SET name = 'Renamed' WHERE kind = 'school'")
    with duckdb.connect(str(site.warehouse)) as con:
        con.execute("DELETE FROM attendance_events")
    key.unlink()  # a new machine
    restored = site.run("restore", str(out))
    assert restored.returncode == 0, restored.stderr
    assert organisations(site) == orgs
    assert key.read_bytes() == key_before and key.stat().st_mode & 0o077 == 0
    assert warehouse_fingerprint(site.warehouse) == wh_before  # every row of every table
    assert not list(tmp_path.glob("aimline-restore-*"))


def rewritten(src: Path, dst: Path, change) -> Path:
    """A copy of the backup `src` with `change(name, bytes) -> bytes` applied per member."""
    with tarfile.open(src) as tar, tarfile.open(dst, "w") as out:
        for m in tar.getmembers():
            data = change(m.name, tar.extractfile(m).read())  # type: ignore[union-attr]
            info = tarfile.TarInfo(m.name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return dst


def test_a_bad_backup_is_refused_and_changes_nothing(tmp_path: Path, district: Path) -> None:
    from aimline import data

    wh = tmp_path / "aimline.duckdb"
    data.load(district, wh)
    site = Site(tmp_path, f"sqlite:///{tmp_path / 'site.sqlite3'}", wh)
    assert site.run("site", "setup").returncode == 0
    good = tmp_path / "good.tar"
    assert site.run("backup", "--out", str(good)).returncode == 0
    site.sql("UPDATE aimline_organisation SET name = 'Changed since' WHERE kind = 'school'")
    state = (organisations(site), digest(wh))

    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])

    def flip(name: str, b: bytes) -> bytes:
        return b[:-100] + bytes([b[-100] ^ 1]) + b[-99:] if name == "warehouse.duckdb" else b

    def newer(name: str, b: bytes) -> bytes:
        if name != "manifest.json":
            return b
        m = json.loads(b)
        m["warehouse_schema"] += 1
        return json.dumps(m).encode()

    def unknown_migration(name: str, b: bytes) -> bytes:
        if name != "manifest.json":
            return b
        m = json.loads(b)
        m["migrations"]["orgs"].append("0099_from_the_future")
        return json.dumps(m).encode()

    not_a_tar = tmp_path / "notes.tar"
    not_a_tar.write_text("a shopping list")
    cases = {
        truncated: "not a readable backup",
        rewritten(good, tmp_path / "altered.tar", flip): "does not match its checksum",
        rewritten(good, tmp_path / "newer.tar", newer): "from a newer Aimline",
        rewritten(good, tmp_path / "future.tar", unknown_migration): "0099_from_the_future",
        not_a_tar: "not a readable backup",
    }
    for file, why in cases.items():
        r = site.run("restore", str(file))
        assert r.returncode == 1, file.name
        assert why in " ".join(r.stderr.split()), (file.name, r.stderr)
        assert (organisations(site), digest(wh)) == state, file.name
