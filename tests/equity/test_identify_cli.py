"""`aimline district identify` on a synthetic district: the lowest school of each level by
the index (checked from the catalog's indicator rows, not through `identify`), the
table written, and bad input refused with a clear message and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from aimline.cli import app
from aimline.metrics import engine

runner = CliRunner()


@pytest.fixture
def wh(story_warehouse: Path) -> Path:
    return story_warehouse


def test_the_lowest_school_of_each_level_is_identified_for_comprehensive_support(
        wh: Path, tmp_path: Path) -> None:
    year = max(engine.years_in(wh))
    out = tmp_path / "identified.csv"
    r = runner.invoke(app, ["district", "identify", "--year", str(year), "-w", str(wh),
                            "--out", str(out)])
    assert r.exit_code == 0, r.output
    got = pd.read_csv(out, dtype={"school_id": str, "mentor": str})
    ind = engine.compute(wh, year, metrics=["proficiency_ela", "proficiency_math"],
                         suppress=False, scopes=("school",))
    alls = ind[(ind.group_type == "all") & (ind.denominator >= 10)]
    index = alls.groupby("school_id").value.mean()
    with duckdb.connect(str(wh), read_only=True) as con:
        levels = dict(con.execute("SELECT school_id, level FROM schools").fetchall())
    lowest = {min((index[s], s) for s in index.index if levels[s] == lv)[1]
              for lv in {levels[s] for s in index.index}}
    csi = set(got[got.csi].school_id)
    assert lowest <= csi  # at least ceil(5%) = 1 per level: the lowest
    assert all("among the lowest 5%" in r or "graduation" in r
               for r in got[got.csi].reasons)
    assert "schools identified" in r.output
    # each proposed mentor: same level, not itself in comprehensive support, stronger
    level = dict(zip(got.school_id, got.level, strict=True))
    by_index = dict(zip(got.school_id, got["index"], strict=True))
    paired = got.dropna(subset=["mentor"]).assign(mentor=lambda t: t.mentor.astype(str))
    assert len(paired) >= 1 and set(paired.school_id) <= csi
    for row in paired.itertuples():
        assert level[row.mentor] == row.level and row.mentor not in csi
        assert by_index[row.mentor] > row.index
    assert paired.mentor.value_counts().max() <= 2  # the default capacity


def test_bad_input_is_refused_and_nothing_is_written(wh: Path, tmp_path: Path) -> None:
    year = str(max(engine.years_in(wh)))
    bad_set = tmp_path / "ours.json"
    bad_set.write_text(json.dumps({"name": "ours", "criteria": [
        {"id": "x", "metrics": ["attendence_rate"], "op": ">=", "threshold": 90}]}))
    out = tmp_path / "t.csv"
    for args, said in (
            (["--index", "proficiency_reading"], "proficiency_reading"),
            (["--criteria", str(bad_set)], "unknown metric 'attendence_rate'"),
            (["--district", "NOPE"], "no district NOPE"),
            (["--share", "5"], "between 0 and 1"),
            (["--mentor-capacity", "0"], "at least one school"),
            (["--keep", "1001"], "SCHOOL:MENTOR pairs"),
            (["--keep", "1001:1001"], "cannot mentor itself"),
            (["--year", "1999"], "1999")):
        r = runner.invoke(app, ["district", "identify", "--year", year, "-w", str(wh),
                                "--out", str(out), *args])
        assert r.exit_code == 1 and said in " ".join(r.output.split()), (args, r.output)
        assert not out.exists()
    r = runner.invoke(app, ["district", "identify", "--year", year, "-w", str(wh), "--out",
                            str(tmp_path / "t.txt")])
    assert r.exit_code == 1 and ".csv or .xlsx" in r.output
