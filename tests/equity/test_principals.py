"""Principal assignments: each principal's years, years at the school and in struggling
schools on hand-placed assignments, where the experienced principals are by support
status, and `aimline district principals` on the synthetic district."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from aimline.cli import app
from aimline.reports.principals import principals


@pytest.fixture
def placed(story_warehouse: Path, tmp_path: Path) -> tuple[Path, int, str, str]:
    """Two principals who swap schools between the last two years; no other."""
    wh = tmp_path / "w.duckdb"
    shutil.copy(story_warehouse, wh)
    with duckdb.connect(str(wh)) as con:
        y = con.execute("SELECT max(school_year) FROM staff_assignments").fetchone()[0]
        s1, s2 = (r[0] for r in con.execute(
            "SELECT school_id FROM schools ORDER BY school_id LIMIT 2").fetchall())
        con.execute("DELETE FROM staff_assignments WHERE role = 'principal'")
        for staff, school, year, years in (("P1", s1, y - 1, 4), ("P1", s2, y, 5),
                                           ("P2", s2, y - 1, 10), ("P2", s1, y, 11)):
            con.execute("INSERT INTO staff_assignments (staff_id, school_id, school_year, "
                        "role, years_experience) VALUES (?, ?, ?, 'principal', ?)",
                        [staff, school, year, years])
    return wh, y, s1, s2


def test_each_principals_years_and_time_in_struggling_schools(placed: tuple) -> None:
    wh, y, s1, s2 = placed
    d = principals(wh, y, support={s1: "CSI", s2: ""})
    p = d["principals"].set_index("staff_id")
    assert p.loc["P1", "school_id"] == s2 and p.loc["P2", "school_id"] == s1
    assert p.loc["P1", "years_at_school"] == p.loc["P2", "years_at_school"] == 1
    # P1 led s1 (now in support) last year; P2 leads it this year
    assert p.loc["P1", "years_in_struggling"] == p.loc["P2", "years_in_struggling"] == 1
    assert p.loc["P1", "support"] == "none" and p.loc["P2", "support"] == "CSI"
    assert bool(p.loc["P1", "experienced"]) and not principals(
        wh, y, experienced_years=6)["principals"].set_index("staff_id").loc["P1",
                                                                          "experienced"]
    s = d["by_support"]
    assert s.loc["CSI", "mean_years"] == 11 and s.loc["none", "mean_years"] == 5
    assert len(d["history"]) == 4
    assert d["by_poverty_quartile"].principals.sum() == 2


def test_bad_options_are_refused(placed: tuple) -> None:
    wh, y, *_ = placed
    with pytest.raises(ValueError, match="0 or more"):
        principals(wh, y, experienced_years=-1)
    with pytest.raises(ValueError, match="not 'school'"):
        principals(wh, y, basis="school")
    with pytest.raises(ValueError, match="no principal assignments in 1990"):
        principals(wh, 1990)


def test_the_command_prints_where_the_experienced_principals_are(story_warehouse: Path
                                                                 ) -> None:
    with duckdb.connect(str(story_warehouse), read_only=True) as con:
        y = con.execute("SELECT max(school_year) FROM staff_assignments").fetchone()[0]
    r = CliRunner().invoke(app, ["district", "principals", "--year", str(y),
                                 "--warehouse", str(story_warehouse)])
    assert r.exit_code == 0, r.output
    assert "by support status" in r.output and "by poverty quartile" in r.output
    bad = CliRunner().invoke(app, ["district", "principals", "--year", str(y),
                                   "--warehouse", str(story_warehouse),
                                   "--quartiles", "student"])
    assert bad.exit_code != 0 and "not 'student'" in bad.output
