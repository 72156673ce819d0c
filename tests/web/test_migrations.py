"""A site database made by the one-app site (migration aimline 0006) upgrades in place to
the site of one app per practice: every table and row as it was, relations intact, the
admin's content types relabelled rather than replaced. On SQLite always, and on
PostgreSQL when the suite runs there (a scratch database beside the test one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

SCRIPT = Path(__file__).with_name("upgrade_site_db.py")
ROOT = SCRIPT.parents[2]


def upgrade(database_url: str, home: Path) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "AIMLINE_HOME": str(home),
           "DJANGO_SETTINGS_MODULE": "aimline.web.settings", "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def check(found: dict) -> None:
    assert found["tables_equal"], "a table changed in the upgrade"
    assert not found["empty_tables"], "the seed must fill every table"
    assert found["tables"] >= 27 and found["rows"] >= 30
    assert all(found["content_types_kept"].values()), found["content_types_kept"]
    assert found["relations"] == ["m", "belonging", "3001", "S1", "%PDF", "PDSACycle c1"]


# PostgreSQL when the suite runs on it (make test runs the site tests there again)
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def test_a_one_app_sqlite_database_upgrades_with_nothing_lost(tmp_path: Path) -> None:
    check(upgrade(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path))


def _on_scratch_postgres(run: Callable[[str], None]) -> None:
    """`run` on the URL of a new PostgreSQL database beside the test one, dropped after."""
    db = settings.DATABASES["default"]
    name = f"aimline_upgrade_{uuid.uuid4().hex[:8]}"
    import psycopg

    admin = psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                            password=db["PASSWORD"] or None, dbname="postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
        run(f"postgres://{auth}{db['HOST']}:{db['PORT'] or 5432}/{name}")
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


if ON_POSTGRES:  # defined only where it can run: no skipped test on SQLite
    def test_a_one_app_postgresql_database_upgrades_with_nothing_lost(tmp_path: Path) -> None:
        _on_scratch_postgres(lambda url: check(upgrade(url, tmp_path)))


def moved(database_url: str, home: Path) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "AIMLINE_HOME": str(home),
           "DJANGO_SETTINGS_MODULE": "aimline.web.settings", "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, str(SCRIPT.with_name("move_coaching_log.py"))],
                       env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def check_moved(got: dict) -> None:
    assert got["entry"] == [True, True, 75, "kept", ["Time and priorities"], "submitted"]
    assert got["correction"] == [[got["moved"], {"minutes": 75}]]
    assert got["log"] == [got["moved"], got["moved"] + 1]  # the moved entry, then the new
    assert got["fresh_id_after"] and got["old_tables"] == []


def test_the_leadership_coaching_log_moves_to_the_shared_app_with_nothing_lost(
        tmp_path: Path) -> None:
    check_moved(moved(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path))


if ON_POSTGRES:  # where ids were given, PostgreSQL's sequences must have moved on
    def test_the_coaching_log_moves_on_postgresql_too(tmp_path: Path) -> None:
        _on_scratch_postgres(lambda url: check_moved(moved(url, tmp_path)))
