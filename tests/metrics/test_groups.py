"""Before suppression, the 'all' row equals the sum of any group dimension (every metric,
school, period), on a synthetic district."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aimline.metrics import engine
from aimline.metrics.groups import GROUP_TYPES
from tests.conftest import synthetic_warehouse


@pytest.fixture(scope="module")
def indicators(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    wh = synthetic_warehouse(tmp_path_factory.mktemp("groups"), students=800, seed=4, years=1)
    return engine.compute(wh, 2026, suppress=False)


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


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), students=st.integers(120, 400))
def test_all_is_the_sum_of_every_dimension_for_any_district(seed: int, students: int,
                                                            tmp_path_factory: pytest.TempPathFactory
                                                            ) -> None:
    wh = synthetic_warehouse(tmp_path_factory.mktemp("prop"), students=students, seed=seed,
                             years=1)
    df = engine.compute(wh, 2026, suppress=False,
                        metrics=["chronic_absence", "attendance_rate", "course_failure"])
    keys = ["metric", "scope", "school_id", "period_end"]
    total = df[df.group_type == "all"].groupby(keys, dropna=False)[
        ["numerator", "denominator"]].sum()
    for dim in GROUP_TYPES[1:]:
        parts = df[df.group_type == dim].groupby(keys, dropna=False)[
            ["numerator", "denominator"]].sum()
        pd.testing.assert_frame_equal(parts, total, check_dtype=False, obj=dim)
