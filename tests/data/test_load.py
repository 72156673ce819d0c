"""Loading: all rows or none, idempotent per school year, safe against kill -9."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from aimline import data
from aimline.cli import app
from aimline.data import synth
from tests.data.helpers import warehouse_fingerprint

runner = CliRunner()


def counts(path: Path) -> dict[str, int]:
    return {k: v[0] for k, v in warehouse_fingerprint(path).items()}


def test_loading_the_same_year_twice_gives_the_same_rows(district: Path, tmp_path: Path) -> None:
    wh = tmp_path / "w.duckdb"
    first = runner.invoke(app, ["load", str(district), "--warehouse", str(wh)])
    assert first.exit_code == 0, first.output
    once = warehouse_fingerprint(wh)
    again = runner.invoke(app, ["load", str(district), "--warehouse", str(wh)])
    assert again.exit_code == 0
    twice = warehouse_fingerprint(wh)
    once.pop("load_log"), twice.pop("load_log")
    assert twice == once


def test_a_new_year_is_added_and_a_reloaded_year_replaced(tmp_path: Path) -> None:
    wh = tmp_path / "w.duckdb"
    synth.generate(tmp_path / "y25", students=300, seed=1, years=1, end_year=2025)
    synth.generate(tmp_path / "y26", students=300, seed=1, years=1, end_year=2026)
    synth.generate(tmp_path / "y26b", students=300, seed=2, years=1, end_year=2026)
    data.load(tmp_path / "y25", wh)
    data.load(tmp_path / "y26", wh)
    con = duckdb.connect(str(wh), read_only=True)
    per_year = dict(con.execute("SELECT school_year, count(*) FROM attendance_events GROUP BY 1")
                    .fetchall())
    con.close()
    assert set(per_year) == {2025, 2026}
    _, result = data.load(tmp_path / "y26b", wh)
    assert result.replaced["attendance_events"] == per_year[2026]
    con = duckdb.connect(str(wh), read_only=True)
    after = dict(con.execute("SELECT school_year, count(*) FROM attendance_events GROUP BY 1")
                 .fetchall())
    con.close()
    assert after[2025] == per_year[2025]  # the other year is untouched
    assert after[2026] == result.rows["attendance_events"]


def test_info_lists_tables_and_years(district: Path, tmp_path: Path) -> None:
    wh = tmp_path / "w.duckdb"
    data.load(district, wh)
    result = runner.invoke(app, ["info", "--warehouse", str(wh), "--json"])
    assert result.exit_code == 0
    import json

    info = json.loads(result.stdout)
    tables = {t["name"]: t for t in info["tables"]}
    assert tables["enrollments"]["school_years"] == [2025, 2026]
    assert tables["students"]["rows"] == counts(wh)["students"]


def test_info_on_a_missing_warehouse_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(app, ["info", "--warehouse", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "load an extract first" in " ".join(result.stderr.split())
    assert not (tmp_path / "none.duckdb").exists()


def test_the_warehouse_path_comes_from_the_environment(district: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    wh = tmp_path / "env.duckdb"
    monkeypatch.setenv("AIMLINE_WAREHOUSE", str(wh))
    assert runner.invoke(app, ["load", str(district)]).exit_code == 0
    assert counts(wh)["students"] > 0


@pytest.mark.slow
def test_a_load_killed_at_any_moment_leaves_the_warehouse_as_it_was(tmp_path: Path) -> None:
    small, big = tmp_path / "small", tmp_path / "big"
    synth.generate(small, students=300, seed=1, years=2)
    synth.generate(big, students=6000, seed=2, years=2)
    wh = tmp_path / "w.duckdb"
    data.load(small, wh)
    before = warehouse_fingerprint(wh)
    cmd = [sys.executable, "-m", "aimline.cli", "load", str(big), "--warehouse"]

    # time one complete load on a copy, then kill real loads at points spread across it
    probe = tmp_path / "probe.duckdb"
    shutil.copy(wh, probe)
    start = time.monotonic()
    subprocess.run([*cmd, str(probe)], check=True, capture_output=True)
    full = time.monotonic() - start
    complete = warehouse_fingerprint(probe)
    complete.pop("load_log")
    untouched = 0
    for share in (0.2, 0.4, 0.6, 0.75, 0.85, 0.92, 0.97):
        proc = subprocess.Popen([*cmd, str(wh)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(full * share)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        now = warehouse_fingerprint(wh)  # also proves the file still opens
        now.pop("load_log", None)
        if now == complete:
            break  # the kill came after COMMIT: the whole load is in, which is also atomic
        assert now == {k: v for k, v in before.items() if k != "load_log"}, \
            f"half a load is visible after a kill at {share:.0%}"
        untouched += 1
    assert untouched >= 3  # at least three kills landed mid-load
    subprocess.run([*cmd, str(wh)], check=True, capture_output=True)
    final = warehouse_fingerprint(wh)
    final.pop("load_log")
    assert final == complete
