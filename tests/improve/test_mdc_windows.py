"""The NHS Making Data Count primitives give, on random series with ties, zeros and gaps,
exactly what a sliding window over the points gives (the definition in
NHSRplotthedots' ptd_calculate_point_type.R, written here the direct way)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view as windows

from aimline.improve import mdc


def _at_ends(hit: np.ndarray, size: int, length: int) -> np.ndarray:
    out = np.zeros(size, dtype=int)
    out[length - 1:] = hit
    return out


def one_side(side: np.ndarray, length: int) -> np.ndarray:
    if len(side) < length:
        return np.zeros(len(side), dtype=int)
    w = windows(side, length)
    return _at_ends((w[:, 0] != 0) & np.all(w == w[:, :1], axis=1), len(side), length)


def trend(y: np.ndarray, length: int) -> np.ndarray:
    if len(y) < length:
        return np.zeros(len(y), dtype=int)
    w = windows(np.sign(np.diff(y)), length - 1)
    return _at_ends(np.all(w == 1, axis=1).astype(int) - np.all(w == -1, axis=1),
                    len(y), length)


def two_of_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    if len(close) < 3:
        return np.zeros(len(close), dtype=int)
    c, s = windows(close, 3), windows(side, 3)
    hit = (c.sum(axis=1) >= 2) & (s[:, 0] != 0) & np.all(s == s[:, :1], axis=1)
    return mdc.spread(_at_ends(hit, len(close), 3), 3)


values = st.lists(st.sampled_from([-1.0, 0.0, 1.0, np.nan]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(values, st.integers(1, 9))
def test_one_side_of_the_mean(side: list[float], length: int) -> None:
    a = np.array(side, dtype=float)
    assert mdc.seven_point_one_side_mean(a, length).tolist() == one_side(a, length).tolist()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([1.0, 2.0, 3.0, 4.0, np.nan]), max_size=40),
       st.integers(2, 9))
def test_trend(y: list[float], length: int) -> None:
    a = np.array(y, dtype=float)
    assert mdc.seven_point_trend(a, length).tolist() == trend(a, length).tolist()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.sampled_from([-1.0, 0.0, 1.0, np.nan])),
                max_size=40))
def test_two_in_three(points: list[tuple[int, float]]) -> None:
    close = np.array([c for c, _ in points], dtype=int)
    side = np.array([s for _, s in points], dtype=float)
    assert mdc.two_in_three(close, side).tolist() == two_of_three(close, side).tolist()
