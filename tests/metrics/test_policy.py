"""The suppression policy on computed indicators: cells count people, the policy is stored
with every indicator set, and true counts of suppressed cells stay in the warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from aimline import data
from aimline.data.warehouse import WarehouseError
from aimline.metrics import engine
from aimline.metrics.policy import Policy


@pytest.fixture(scope="module")
def wh(district: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("policy") / "w.duckdb"
    data.load(district, path)
    return path


FLAGS = ("foster_care", "homeless", "english_learner", "disability")


def people(wh: Path, year: int) -> pd.DataFrame:
    """Students enrolled on at least one instructional day, per school and student flag
    (foster care, homeless, ...), counted here straight from the canonical tables."""
    with duckdb.connect(str(wh), read_only=True) as con:
        return pd.concat([con.execute(f"""
            SELECT '{flag}' AS group_type, e.school_id,
                   lower(CAST(s.{flag} AS VARCHAR)) AS group_value,
                   count(DISTINCT e.student_id) AS n
            FROM enrollments e JOIN students s USING (student_id)
            WHERE e.school_year = ? AND EXISTS (
                SELECT 1 FROM calendar_days c WHERE c.school_id = e.school_id
                AND c.instructional AND c.date BETWEEN e.entry_date
                AND coalesce(e.exit_date, make_date(e.school_year, 6, 30)))
            GROUP BY ALL""", [year]).df() for flag in FLAGS])


def test_an_attendance_rate_of_a_few_students_is_suppressed_however_many_days(wh: Path
                                                                                ) -> None:
    year = engine.years_in(wh)[-1]
    raw = engine.compute(wh, year, metrics=["attendance_rate"], suppress=False)
    out = engine.compute(wh, year, metrics=["attendance_rate"], policy=Policy(10))
    counted = people(wh, year)
    on = ["group_type", "school_id", "group_value"]
    cells = out[out.scope == "school"].merge(counted, on=on)
    truth = raw[raw.scope == "school"].merge(counted, on=on)
    assert len(truth) == len(counted)
    assert (truth.students == truth.n).all()  # the engine's people are the students
    few = cells[cells.n < 10]
    # the defect: these cells have hundreds of student-days, so counting the denominator
    # published them
    assert len(few) and (truth.set_index(on).loc[few.set_index(on).index].denominator
                         >= 10).all()
    assert few.suppressed.all() and few.value.isna().all() and few.students.isna().all()


def test_the_policy_is_stored_with_the_indicators_and_true_counts_kept_apart(
        wh: Path, tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    path.write_bytes(wh.read_bytes())
    year = engine.years_in(path)[-1]
    raw = engine.compute(path, year, metrics=["chronic_absence"], suppress=False)
    shown = engine.store(raw, path, Policy(12, coding="nm"))
    with pytest.raises(WarehouseError, match="unsuppressed"):
        engine.store(shown, path, Policy())
    with duckdb.connect(str(path), read_only=True) as con:
        assert engine.stored_policies(con) == [("chronic_absence", year, "year",
                                                Policy(12, True, "nm"))]
        hidden = con.execute("SELECT count(*) FROM indicators WHERE suppressed AND "
                             "(numerator IS NOT NULL OR students IS NOT NULL)").fetchone()[0]
        kept = con.execute("SELECT numerator, students FROM suppressed_counts").df()
    assert hidden == 0
    assert len(kept) == int(shown.suppressed.sum()) and kept.students.notna().all()
