"""Staffing for equity: quartiles of schools and of students on hand-made schools, and
`aimline staffing` on a synthetic district checked against the staff assignments read
with pandas."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from aimline.cli import app
from aimline.equity import educators
from aimline.reports.staffing import staffing

runner = CliRunner()


def test_quartiles_of_schools_and_of_students_on_hand_made_schools() -> None:
    # eight schools by poverty; one big school (800) among small ones (100 each)
    s = pd.DataFrame({"pct_ed": [10, 20, 30, 40, 50, 60, 70, 80],
                      "students": [100, 100, 100, 800, 100, 100, 100, 100]},
                     index=list("abcdefgh"))
    by_schools = educators.quartiles_of(s, "pct_ed", basis="schools")
    assert by_schools.tolist() == [1, 1, 2, 2, 3, 3, 4, 4]  # two schools each
    # 1,500 students: the middle students of a..h sit at 50, 150, 250, 700, 1150, 1250,
    # 1350, 1450 of them; quarters end at 375, 750, 1125
    by_students = educators.quartiles_of(s, "pct_ed", basis="students")
    assert by_students.tolist() == [1, 1, 1, 2, 4, 4, 4, 4]
    with pytest.raises(ValueError, match="not 'student'"):
        educators.quartiles_of(s, "pct_ed", basis="student")


@pytest.fixture
def wh(story_warehouse: Path) -> Path:
    return story_warehouse


def test_the_shares_by_quartile_are_the_assignments_counted(wh: Path) -> None:
    with duckdb.connect(str(wh), read_only=True) as con:
        year = con.execute("SELECT max(school_year) FROM staff_assignments").fetchone()[0]
        a = con.execute("SELECT * FROM staff_assignments WHERE school_year = ?",
                        [year]).df()
    d = staffing(wh, year)
    t = a[a.role == "teacher"]
    q = educators.quartiles(d["schools"].pct_ed)
    for quart in (1, 4):
        mine = t[t.school_id.isin(q[q == quart].index)]
        row = d["poverty"]["by_quartile"].loc[quart]
        assert row.teachers == len(mine)
        assert row.inexperienced_pct == pytest.approx(
            100 * (mine.years_experience <= 2).mean())
        assert row.ineffective_pct == pytest.approx(
            100 * (mine.effectiveness == "ineffective").mean())
        heads = a[(a.role == "principal") & a.school_id.isin(q[q == quart].index)]
        assert row.principal_years == pytest.approx(heads.years_experience.mean())
    gap = d["poverty"]["gaps"].set_index("measure").loc["inexperienced", "gap_pp"]
    rows = d["poverty"]["by_quartile"]
    assert gap == pytest.approx(rows.loc[4, "inexperienced_pct"]
                                - rows.loc[1, "inexperienced_pct"])


def test_the_command_writes_the_tables_and_refuses_a_misspelled_option(
        wh: Path, tmp_path: Path) -> None:
    out = tmp_path / "staffing.xlsx"
    with duckdb.connect(str(wh), read_only=True) as con:
        year = str(con.execute("SELECT max(school_year) FROM staff_assignments").fetchone()[0])
    r = runner.invoke(app, ["staffing", "--year", year, "-w", str(wh), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "Highest versus lowest poverty quartile" in r.output
    assert set(pd.read_excel(out, sheet_name=None)) >= {"Schools", "By poverty quartile",
                                                        "Minority gaps"}
    bad = tmp_path / "bad.xlsx"
    for args, said in ((["--quartiles", "student"], "not 'student'"),
                       (["--inexperienced-years", "-1"], "0 or more")):
        r = runner.invoke(app, ["staffing", "--year", year, "-w", str(wh), "--out",
                                str(bad), *args])
        assert r.exit_code == 1 and said in r.output and not bad.exists()


def test_the_scenario_arithmetic_on_hand_made_schools() -> None:
    s = pd.DataFrame({"teachers": [12, 8, 10, 10, 6, 4], "inexperienced": [1, 1, 2, 2, 3, 1],
                      "out_of_field": [0, 2, 1, 1, 1, 1], "movable": [9, 6, 5, 5, 1, 1]},
                     index=list("abcdef"))
    q = pd.Series([1, 1, 2, 3, 4, 4], index=s.index)
    got = educators.scenario(s, q, 5, measures=["inexperienced", "out_of_field"]
                             ).set_index("measure")
    # lowest: 20 teachers, 2 inexperienced; highest: 10 teachers, 4 inexperienced
    row = got.loc["inexperienced"]
    assert (row.high_before, row.low_before, row.gap_before_pp) == pytest.approx((40, 10, 30))
    assert row.high_after == pytest.approx(100 * 4 / 15)  # five more teachers, none new
    assert row.low_after == pytest.approx(100 * 2 / 15)   # five fewer, none inexperienced
    assert row.gap_after_pp == pytest.approx(100 * (4 / 15 - 2 / 15))
    with pytest.raises(ValueError, match="15 experienced, in-field, effective"):
        educators.scenario(s, q, 16)


def test_retention_of_effective_and_less_effective_teachers_on_hand_made_teachers() -> None:
    from aimline.reports.staffing import retention_by_effectiveness

    # quartile 1: 10 effective (8 stay), 10 less effective (5 stay); quartile 4: 10
    # effective (6 stay) and only 3 less effective (all stay: too few to show)
    rows = ([(1, True, 1)] * 8 + [(1, True, 0)] * 2 + [(1, False, 1)] * 5
            + [(1, False, 0)] * 5 + [(4, True, 1)] * 6 + [(4, True, 0)] * 4
            + [(4, False, 1)] * 3)
    status = pd.DataFrame(rows, columns=["quartile", "effective", "stay"])
    t = retention_by_effectiveness(status, status.quartile, min_n=10)
    assert t.loc[1, "stay_effective_pct"] == 80 and t.loc[1, "stay_less_effective_pct"] == 50
    assert t.loc[4, "stay_effective_pct"] == 60 and t.loc[4, "less_effective_followed"] == 3
    assert pd.isna(t.loc[4, "stay_less_effective_pct"])
    # a teacher with no rating last year counts in neither
    more = pd.concat([status, pd.DataFrame([(1, None, 1)], columns=status.columns)])
    t2 = retention_by_effectiveness(more, more.quartile, min_n=10)
    assert t2.loc[1, "effective_followed"] == 10 and t2.loc[1, "less_effective_followed"] == 10
