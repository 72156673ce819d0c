"""`aimline district disproportionality`: the counts read with pandas from the warehouse,
the risk ratio as 34 CFR 300.647(b) defines it, the regulation's minimums, bad input."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from aimline.cli import app
from aimline.reports.disproportionality import disproportionality
from tests.conftest import synthetic_warehouse

runner = CliRunner()


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_warehouse(tmp_path_factory.mktemp("dispro"), students=4000, seed=7,
                               years=2, story=True)


def test_the_risk_ratio_is_the_groups_risk_over_all_other_childrens(wh: Path) -> None:
    with duckdb.connect(str(wh), read_only=True) as con:
        year = con.execute("SELECT max(school_year) FROM enrollments").fetchone()[0]
        e = con.execute("SELECT DISTINCT e.student_id, st.race_ethnicity FROM enrollments e "
                        "JOIN students st USING (student_id) WHERE st.disability AND "
                        "e.school_year = ?", [year]).df()
        d = con.execute("SELECT DISTINCT student_id FROM discipline_actions WHERE "
                        "school_year = ? AND action IN ('oss', 'expulsion')", [year]).df()
    e["removed"] = e.student_id.isin(d.student_id)
    got = disproportionality(wh, year)
    table = got["table"][got["table"].school_year == year].set_index("group")
    by = e.groupby("race_ethnicity").agg(n=("student_id", "size"), c=("removed", "sum"))
    calculated = table[table.status == "risk_ratio"]
    assert len(calculated) >= 1
    for g, row in calculated.iterrows():
        n, c = by.loc[g, "n"], by.loc[g, "c"]
        rest_n, rest_c = by.n.sum() - n, by.c.sum() - c
        assert c >= 10 and n >= 30
        assert row.risk_ratio == pytest.approx((c / n) / (rest_c / rest_n))
    for g, row in table[table.status != "risk_ratio"].iterrows():
        assert row.risk_ratio is None or row.risk_ratio != row.risk_ratio
        assert by.loc[g, "c"] < 10 or by.loc[g, "n"] < 30 or (
            by.c.sum() - by.loc[g, "c"] < 10) or by.n.sum() - by.loc[g, "n"] < 30


def test_the_command_prints_the_groups_and_refuses_a_year_not_held(wh: Path) -> None:
    with duckdb.connect(str(wh), read_only=True) as con:
        year = str(con.execute("SELECT max(school_year) FROM enrollments").fetchone()[0])
    r = runner.invoke(app, ["district", "disproportionality", "--year", year, "-w", str(wh)])
    assert r.exit_code == 0 and "children with disabilities" in r.output, r.output
    r = runner.invoke(app, ["district", "disproportionality", "--year", "1999", "-w", str(wh)])
    assert r.exit_code == 1 and "1999 is not in the warehouse" in r.output
    r = runner.invoke(app, ["district", "disproportionality", "--year", year, "-w", str(wh),
                            "--threshold", "0"])
    assert r.exit_code == 1 and "threshold" in r.output
