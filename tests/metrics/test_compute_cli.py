"""`aimline compute`, `metrics` and `students flags`: output, storage and clear errors."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from aimline.cli import app
from tests.data.helpers import file_digest
from tests.metrics import tiny

runner = CliRunner()


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def wh(tmp_path: Path) -> Path:
    return tiny.warehouse(tmp_path)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_compute_writes_the_file_and_stores_the_rows(wh: Path, tmp_path: Path,
                                                     suffix: str) -> None:
    out = tmp_path / f"ind{suffix}"
    result = runner.invoke(app, ["compute", "--year", "2026", "--warehouse", str(wh),
                                 "--metric", "chronic_absence", "--out", str(out)])
    assert result.exit_code == 0, result.output
    df = {".csv": pd.read_csv, ".parquet": pd.read_parquet, ".xlsx": pd.read_excel}[suffix](out)
    assert set(df.metric) == {"chronic_absence"}
    # every school has fewer than 10 students: all cells are suppressed, no number leaks
    assert df.suppressed.all() and df.numerator.isna().all() and df.value.isna().all()
    con = duckdb.connect(str(wh), read_only=True)
    stored = con.execute("SELECT count(*), count(numerator) FROM indicators").fetchone()
    con.close()
    assert stored == (len(df), 0)


def test_unsuppressed_output_is_explicit_and_not_stored(wh: Path, tmp_path: Path) -> None:
    out = tmp_path / "internal.csv"
    result = runner.invoke(app, ["compute", "--year", "2026", "--warehouse", str(wh),
                                 "--metric", "chronic_absence", "--no-suppress",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out, dtype={"school_id": str})
    row = df[(df.school_id == "1001") & (df.group_type == "all")].iloc[0]
    assert (row.numerator, row.denominator) == (2, 3)
    con = duckdb.connect(str(wh), read_only=True)
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    con.close()
    assert "indicators" not in tables


@pytest.mark.parametrize(("args", "message"), [
    (["--metric", "happiness"], "unknown metric 'happiness'; metrics are: attendance_rate"),
    (["--year", "2031"], "school year 2031 is not in the warehouse; it holds: 2026"),
    (["--engine", "oracle"], "unknown engine 'oracle'; engines are: duckdb, spark"),
    (["--metric", "graduation_4yr", "--period", "month"], "reported by school year only"),
    (["--period", "fortnight"], "unknown period 'fortnight'"),
])
def test_bad_requests_fail_clearly_and_write_nothing(wh: Path, tmp_path: Path,
                                                     args: list[str], message: str) -> None:
    before = file_digest(wh)
    out = tmp_path / "out.csv"
    argv = ["compute", "--warehouse", str(wh), "--out", str(out), *args]
    if "--year" not in args:
        argv += ["--year", "2026"]
    result = runner.invoke(app, argv)
    assert result.exit_code == 1
    assert message in words(result.stderr)
    assert not out.exists()
    assert file_digest(wh) == before


def test_an_empty_warehouse_says_to_load_first(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = runner.invoke(app, ["compute", "--year", "2026", "--warehouse", str(empty)])
    assert result.exit_code == 1
    assert "is empty or incomplete" in words(result.stderr)
    missing = runner.invoke(app, ["compute", "--year", "2026", "--warehouse",
                                  str(tmp_path / "none.duckdb")])
    assert "load an extract first" in words(missing.stderr)


def test_the_spark_engine_says_how_to_install_it(wh: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    result = runner.invoke(app, ["compute", "--year", "2026", "--warehouse", str(wh),
                                 "--engine", "spark"])
    assert result.exit_code == 1
    assert "pip install 'aimline[spark]'" in words(result.stderr)


def test_metrics_list_and_show(wh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aimline.cli.common import console

    # wide enough that no source wraps (the console may have been made before COLUMNS
    # was set, e.g. in a test worker process)
    monkeypatch.setattr(console, "width", 250)
    listed = runner.invoke(app, ["metrics", "list"], env={"COLUMNS": "250"})
    assert listed.exit_code == 0 and "EDFacts FS195" in listed.stdout
    shown = runner.invoke(app, ["metrics", "show", "ninth_grade_on_track"],
                          env={"COLUMNS": "250"})
    assert shown.exit_code == 0 and "UChicago Consortium" in shown.stdout
    assert runner.invoke(app, ["metrics", "show", "nope"]).exit_code == 1


def test_student_flags_list_each_student(wh: Path, tmp_path: Path) -> None:
    out = tmp_path / "flags.csv"
    result = runner.invoke(app, ["students", "flags", "--year", "2026", "--warehouse", str(wh),
                                 "--school", "1002", "--out", str(out)])
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out).set_index("student_id")
    assert list(df.index) == ["s4", "s5", "s6"]
    s5 = df.loc["s5"]  # 80% attendance and a suspension; no marks at B
    assert (s5.flag_attendance, s5.flag_behaviour, s5.flag_course, s5["flags"]) == (
        True, True, False, 2)


def test_scope_limits_the_rows_to_schools_or_the_district(wh: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    result = runner.invoke(app, ["compute", "--year", "2026", "--warehouse", str(wh),
                                 "--metric", "suspension", "--scope", "district",
                                 "--no-suppress", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(out).scope) == {"district"}
    bad = runner.invoke(app, ["compute", "--year", "2026", "--warehouse", str(wh),
                              "--scope", "state"])
    assert bad.exit_code == 1 and "scopes must be among school, district" in words(bad.stderr)
