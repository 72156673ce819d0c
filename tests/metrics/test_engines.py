"""The same catalog on DuckDB and on Spark gives identical indicators (runs in CI; Spark
needs Java 17+, which .ci/run installs)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from aimline.metrics import engine
from tests.conftest import synthetic_warehouse


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_warehouse(tmp_path_factory.mktemp("engines"), students=400, seed=9,
                               years=1)


@pytest.mark.slow
def test_every_metric_is_identical_on_duckdb_and_spark(wh: Path) -> None:
    duck = engine.compute(wh, 2026, suppress=False)
    spark = engine.compute(wh, 2026, suppress=False, engine="spark")
    assert len(duck) > 1000
    pd.testing.assert_frame_equal(duck, spark, check_dtype=False)


@pytest.mark.slow
@pytest.mark.parametrize("period", ["week_to_date", "month"])
def test_periods_are_identical_on_spark(wh: Path, period: str) -> None:
    kw = {"metrics": ["chronic_absence", "attendance_rate"], "period": period}
    duck = engine.compute(wh, 2026, **kw)
    spark = engine.compute(wh, 2026, engine="spark", **kw)
    pd.testing.assert_frame_equal(duck, spark, check_dtype=False)
