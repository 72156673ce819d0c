"""Before suppression, the 'all' row equals the sum of any group dimension (every metric,
school, period), on a synthetic district."""

from __future__ import annotations

import pandas as pd
import pytest

from aimline import data
from aimline.data import synth
from aimline.metrics import engine
from aimline.metrics.groups import GROUP_TYPES


@pytest.fixture(scope="module")
def indicators(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    tmp = tmp_path_factory.mktemp("groups")
    synth.generate(tmp / "d", students=800, seed=4, years=1)
    data.load(tmp / "d", tmp / "w.duckdb")
    return engine.compute(tmp / "w.duckdb", 2026, suppress=False)


@pytest.mark.parametrize("dimension", [g for g in GROUP_TYPES if g != "all"])
def test_all_equals_the_sum_of_each_group_dimension(indicators: pd.DataFrame,
                                                    dimension: str) -> None:
    keys = ["metric", "scope", "lea_id", "school_id", "period_end"]
    total = indicators[indicators.group_type == "all"].set_index(keys)[
        ["numerator", "denominator"]]
    parts = indicators[indicators.group_type == dimension].groupby(
        keys, dropna=False)[["numerator", "denominator"]].sum()
    if dimension == "grade_level":  # graduation cohorts have no grade
        total = total.drop("graduation_4yr", level="metric")
    pd.testing.assert_frame_equal(parts.sort_index(), total.sort_index(), check_dtype=False)


def test_every_metric_has_school_and_district_rows(indicators: pd.DataFrame) -> None:
    from aimline.metrics import catalog

    for m in catalog.all_metrics():
        rows = indicators[indicators.metric == m.id]
        assert set(rows.scope) == {"school", "district"}, m.id
