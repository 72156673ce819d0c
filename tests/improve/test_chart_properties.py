"""Properties every chart must keep, whatever the data (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimline.improve import spc

values = st.lists(st.floats(min_value=1, max_value=1000, allow_nan=False), min_size=12,
                  max_size=60)


@settings(max_examples=60, deadline=None)
@given(y=values, factor=st.sampled_from([0.01, 100.0, 1000.0]), kind=st.sampled_from(["i", "run"]))
def test_limits_scale_with_multiply(y: list[float], factor: float, kind: str) -> None:
    a = spc.chart(kind, y)
    b = spc.chart(kind, y, multiply=factor)
    for col in ("y", "cl", "lcl", "ucl"):
        np.testing.assert_allclose(b.points[col], a.points[col] * factor, rtol=1e-9,
                                   equal_nan=True)
    assert (a.points["signal"] == b.points["signal"]).all()


@settings(max_examples=40, deadline=None)
@given(counts=st.lists(st.integers(0, 50), min_size=12, max_size=40), n=st.integers(50, 500))
def test_proportion_limits_scale_with_multiply(counts: list[int], n: int) -> None:
    a = spc.chart("p", counts, [n] * len(counts))
    b = spc.chart("p", counts, [n] * len(counts), multiply=100)
    np.testing.assert_allclose(b.points["ucl"], a.points["ucl"] * 100, equal_nan=True)


@pytest.mark.parametrize("rules", ["anhoej", "ihi", "nhs_mdc", "western_electric", "nelson"])
@pytest.mark.parametrize("kind", ["run", "i", "c"])
def test_a_constant_series_raises_no_signal(rules: str, kind: str) -> None:
    res = spc.chart(kind, [7.0] * 30, rules=rules)
    assert not res.points["signal"].any()
    assert not res.points["runs_signal"].any()


@settings(max_examples=60, deadline=None)
@given(y=values, rules=st.sampled_from(["nhs_mdc", "nelson", "ihi"]))
def test_reversing_a_series_mirrors_trend_signals(y: list[float], rules: str) -> None:
    fwd = spc.chart("i", y, rules=rules)
    back = spc.chart("i", y[::-1], rules=rules)
    assert fwd.points["trend"].tolist() == back.points["trend"].tolist()[::-1]


@settings(max_examples=40, deadline=None)
@given(a=values, b=values)
def test_parts_are_independent(a: list[float], b: list[float]) -> None:
    joined = spc.chart("i", a + b, part=[len(a)], rules="nelson")
    first, second = spc.chart("i", a, rules="nelson"), spc.chart("i", b, rules="nelson")
    pts = joined.points
    cols = ["y", "cl", "lcl", "ucl", "sigma_signal", "runs_signal", "signal"]
    for col in cols:
        np.testing.assert_array_equal(pts[col].to_numpy()[: len(a)], first.points[col])
        np.testing.assert_array_equal(pts[col].to_numpy()[len(a):], second.points[col])


@settings(max_examples=40, deadline=None)
@given(y=values, k=st.integers(3, 11))
def test_freeze_sets_limits_from_the_baseline_only(y: list[float], k: int) -> None:
    frozen = spc.chart("i", y, freeze=k)
    base = spc.chart("i", y[:k])
    assert frozen.points["cl"].iloc[-1] == pytest.approx(base.points["cl"].iloc[0])
    assert frozen.points["ucl"].iloc[-1] == pytest.approx(base.points["ucl"].iloc[0],
                                                           nan_ok=True)
