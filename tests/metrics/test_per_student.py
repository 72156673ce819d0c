"""The attendance metrics count a cell's students without de-duplicating them
(`Metric.per_student`): their units hold one row per unit, student and period, so both
counts agree row for row — checked here for every such metric, scope and period on a
small district, against the distinct count."""

from __future__ import annotations

from pathlib import Path

import ibis
import pytest

from aimline.metrics import catalog, engine, groups, tables
from tests.conftest import synthetic_warehouse

PER_STUDENT = [m for m in catalog.all_metrics() if m.per_student]


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_warehouse(tmp_path_factory.mktemp("per_student"), students=400,
                               seed=3, years=1)


def test_the_attendance_metrics_are_declared_per_student() -> None:
    assert {m.id for m in PER_STUDENT} >= {"chronic_absence", "attendance_rate",
                                          "attendance_tier_severe"}


@pytest.mark.parametrize("metric", PER_STUDENT, ids=[m.id for m in PER_STUDENT])
def test_counted_students_equal_distinct_students(wh: Path, metric: catalog.Metric) -> None:
    year = max(engine.years_in(wh))
    t = tables.for_year(year)
    con = ibis.duckdb.connect(str(wh), read_only=True)
    try:
        for period in metric.periods:
            for grain in engine.SCOPES:
                units = metric.build(t, grain, period)
                keys = ["unit_id", "student_id", "period_no"]
                dupes = con.execute(units.group_by(keys).aggregate(n=units.count())
                                    .filter(ibis._.n > 1).count())
                assert dupes == 0, (period, grain)  # the declaration holds
                got, want = (con.execute(groups.aggregate(units, t, per_student=p))
                             .sort_values(["unit_id", "period_no", "group_type",
                                           "group_value"]).reset_index(drop=True)
                             for p in (True, False))
                assert len(got) and got.equals(want), (period, grain)
    finally:
        con.disconnect()
