"""The CLI beside a running site: the site keeps the warehouse open read-only (another
process's DuckDB lock), and `aimline compute` and `aimline load` still write, through a
copy swapped in; two writers take turns, and the second is told why it must wait."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from aimline.cli import app
from aimline.data import writer
from tests.data.helpers import file_digest
from tests.metrics import tiny

runner = CliRunner()


@pytest.fixture
def wh(tmp_path: Path) -> Path:
    return tiny.warehouse(tmp_path)


@pytest.fixture
def reader(wh: Path):
    """Another process holding the warehouse open read-only, as a running site does, and
    reading it again whenever asked (a line on its stdin), until it is told to stop."""
    code = textwrap.dedent(f"""
        import sys, duckdb
        con = duckdb.connect({str(wh)!r}, read_only=True)
        print(con.execute("SELECT count(*) FROM enrollments").fetchone()[0], flush=True)
        for line in sys.stdin:
            print(con.execute("SELECT count(*) FROM enrollments").fetchone()[0], flush=True)
    """)
    p = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None and int(p.stdout.readline()) > 0  # it has the file open
    yield p
    p.stdin.close()  # type: ignore[union-attr]
    p.wait(timeout=10)


def test_a_readers_lock_blocks_a_writer_in_place(wh: Path, reader: subprocess.Popen) -> None:
    """The defect: writing the file in place while the site holds it fails."""
    with pytest.raises(duckdb.IOException, match="lock"):
        duckdb.connect(str(wh))


def test_compute_stores_beside_a_running_site(wh: Path, reader: subprocess.Popen) -> None:
    result = runner.invoke(app, ["compute", "--year", "2026", "--warehouse", str(wh),
                                 "--metric", "chronic_absence"])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(wh), read_only=True)
    assert con.execute("SELECT count(*) FROM indicators WHERE metric = 'chronic_absence'"
                       ).fetchone()[0] > 0
    con.close()
    reader.stdin.write("again\n")  # type: ignore[union-attr]
    reader.stdin.flush()  # type: ignore[union-attr]
    assert int(reader.stdout.readline()) > 0  # type: ignore[union-attr]  # still reading
    assert not [p for p in wh.parent.glob(f".{wh.name}.*") if not p.name.endswith(".lock")]


def test_load_writes_beside_a_running_site(wh: Path, reader: subprocess.Popen,
                                           tmp_path: Path) -> None:
    folder = tiny.build(tmp_path / "again")  # the same district again: a reload
    result = runner.invoke(app, ["load", str(folder), "--warehouse", str(wh)])
    assert result.exit_code == 0, result.output


def test_a_second_writer_is_told_to_wait_and_changes_nothing(wh: Path) -> None:
    before = file_digest(wh)
    with writer.writing(wh):
        result = runner.invoke(app, ["compute", "--year", "2026", "--warehouse", str(wh),
                                     "--metric", "chronic_absence"])
        assert result.exit_code != 0
        said = " ".join(result.output.split())
        assert "is being written by process" in said and "run this command again" in said
        assert "--no-store" in said
    assert file_digest(wh) == before


def test_no_store_computes_without_writing(wh: Path, tmp_path: Path) -> None:
    before = file_digest(wh)
    out = tmp_path / "ca.csv"
    result = runner.invoke(app, ["compute", "--year", "2026", "--warehouse", str(wh),
                                 "--metric", "chronic_absence", "--no-store", "--out",
                                 str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and file_digest(wh) == before
    import pandas as pd

    assert pd.read_csv(out).suppressed.all()  # tiny's cells are all below 10 students


def test_a_failed_write_leaves_the_warehouse_as_it_was(wh: Path) -> None:
    before = file_digest(wh)
    with pytest.raises(RuntimeError), writer.writing(wh) as work:
        con = duckdb.connect(str(work))
        con.execute("DROP TABLE enrollments")
        con.close()
        raise RuntimeError("the load failed")
    assert file_digest(wh) == before
