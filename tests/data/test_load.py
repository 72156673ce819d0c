"""Loading: all rows or none, idempotent per school year, safe against kill -9."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import time
from pathlib import Path
from typing import Any

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
    once.pop("load_writes"), twice.pop("load_writes")
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


def _load_until(folder: Path, warehouse: Path, step: str, ready: Any,
                window: data.Window | None = None) -> None:
    """In a child process: load, and stop dead inside the transaction when the load
    reaches `step` (its progress hook), to be killed there."""
    def hook(name: str) -> None:
        if name == step:
            ready.set()
            time.sleep(600)

    data.load(folder, warehouse, progress=hook, window=window)


@pytest.mark.slow
def test_a_load_killed_at_any_moment_leaves_the_warehouse_as_it_was(tmp_path: Path) -> None:
    """kill -9 at each step of the load's transaction (the first table, the middle, the
    last, the calendar index): the warehouse is as it was, and opens. The progress hook
    says where the load is, so every kill lands mid-load (no timing guesses)."""
    import multiprocessing

    from aimline.data.warehouse import INDEX_TABLE

    small, big = tmp_path / "small", tmp_path / "big"
    synth.generate(small, students=300, seed=1, years=2)
    synth.generate(big, students=600, seed=2, years=2)
    wh = tmp_path / "w.duckdb"
    data.load(small, wh)
    before = warehouse_fingerprint(wh)
    steps: list[str] = []
    probe = tmp_path / "probe.duckdb"
    shutil.copy(wh, probe)
    data.load(big, probe, progress=steps.append)
    complete = warehouse_fingerprint(probe)
    complete.pop("load_log")
    complete.pop("load_writes", None)
    assert INDEX_TABLE in steps and len(steps) > 4
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter, as `aimline load` is
    for step in (steps[0], steps[len(steps) // 2], steps[-2], INDEX_TABLE):
        ready = ctx.Event()
        child = ctx.Process(target=_load_until, args=(big, wh, step, ready))
        child.start()
        assert ready.wait(120), f"the load never reached {step}"
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert warehouse_fingerprint(wh) == before, f"half a load is visible after a kill at {step}"
    data.load(big, wh)
    final = warehouse_fingerprint(wh)
    final.pop("load_log")
    final.pop("load_writes", None)
    assert final == complete


@pytest.mark.slow
def test_a_window_load_killed_midway_leaves_the_warehouse_as_it_was(district: Path,
                                                                     tmp_path: Path) -> None:
    """The same for this week's data: killed once its enrollments are upserted, as its
    absences are about to be replaced, nothing of it shows."""
    import multiprocessing

    import pandas as pd

    wh = tmp_path / "w.duckdb"
    data.load(district, wh)
    before = warehouse_fingerprint(wh)
    week = tmp_path / "week"
    week.mkdir()
    ev = pd.read_csv(district / "attendance_events.csv", dtype=str, keep_default_na=False)
    enr = pd.read_csv(district / "enrollments.csv", dtype=str, keep_default_na=False)
    ev[ev.date.between("2026-01-05", "2026-01-09")].iloc[1:].to_csv(
        week / "attendance_events.csv", index=False)
    enr.iloc[:5].to_csv(week / "enrollments.csv", index=False)
    window = data.Window(dt.date(2026, 1, 5), dt.date(2026, 1, 9))
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    child = ctx.Process(target=_load_until, args=(week, wh, "attendance_events", ready,
                                                 window))
    child.start()
    assert ready.wait(120), "the load never reached attendance_events"
    os.kill(child.pid, signal.SIGKILL)
    child.join()
    assert warehouse_fingerprint(wh) == before
