"""NHS Making Data Count rule primitives, as NHSRplotthedots computes them.

Source: nhs-r-community/NHSRplotthedots R/ptd_calculate_point_type.R. Each works on one
part; arrays are index-aligned with the points. Vectorised without a window per point
(run lengths and shifted slices), since a district dashboard runs them on tens of
thousands of charts: each gives what a sliding window over the points would
(`tests/improve/test_mdc_windows.py` checks that on random series).
"""

from __future__ import annotations

import numpy as np

RUN = 7  # points in a shift or trend


def _ends(cond: np.ndarray, size: int, length: int) -> np.ndarray:
    """Place window results (one per window) at the index of each window's last point."""
    out = np.zeros(size, dtype=int)
    if len(cond):
        out[length - 1:] = cond
    return out


def _run_lengths(v: np.ndarray) -> np.ndarray:
    """At each point, how many consecutive points up to it hold its value (NaN equals
    nothing, not even NaN)."""
    i = np.arange(len(v))
    starts = np.ones(len(v), dtype=bool)
    starts[1:] = v[1:] != v[:-1]
    return i - np.maximum.accumulate(np.where(starts, i, 0)) + 1


def spread(ends: np.ndarray, length: int) -> np.ndarray:
    """1 at every point covered by a window of `length` ending at a non-zero flag."""
    hits = (np.asarray(ends) != 0).astype(int)
    csum = np.concatenate([[0], np.cumsum(hits)])
    j = np.arange(len(hits))
    # point j is covered when some window ends in [j, j + length - 1]
    return (csum[np.minimum(j + length, len(hits))] - csum[j] > 0).astype(int)


def seven_point_one_side_mean(side: np.ndarray, length: int = RUN) -> np.ndarray:
    """1 at each point that closes `length` consecutive identical non-zero signs, else 0."""
    side = np.asarray(side, dtype=float)
    if len(side) < length:
        return np.zeros(len(side), dtype=int)
    hit = (side != 0) & ~np.isnan(side) & (_run_lengths(side) >= length)
    return _ends(hit[length - 1:], len(side), length)


def part_of_seven(flags: np.ndarray, length: int = RUN) -> np.ndarray:
    """Spread end-of-window flags (1 or -1) back over the `length` points of the window."""
    return spread(flags, length)


def seven_point_trend(y: np.ndarray, length: int = RUN) -> np.ndarray:
    """1 / -1 at the point closing `length` strictly increasing / decreasing values
    (length - 1 successive rises or falls); ties break a trend."""
    y = np.asarray(y, dtype=float)
    if len(y) < length:
        return np.zeros(len(y), dtype=int)
    d = np.sign(np.diff(y))
    long = (_run_lengths(d) >= length - 1)[length - 2:]  # windows of length - 1 steps
    ends = d[length - 2:]
    return _ends((long & (ends == 1)).astype(int) - (long & (ends == -1)).astype(int),
                 len(y), length)


def two_in_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """1 at every point of a 3-point window with >= 2 points close to the limits (beyond
    2 sigma, inside the limits) and all 3 on the same side of the centre line."""
    close = np.asarray(close, dtype=int)
    side = np.asarray(side, dtype=float)
    if len(close) < 3:
        return np.zeros(len(close), dtype=int)
    a, b, c = side[:-2], side[1:-1], side[2:]
    hit = ((close[:-2] + close[1:-1] + close[2:] >= 2) & (a != 0) & (a == b) & (b == c))
    return spread(_ends(hit, len(close), 3), 3)


def two_in_three_highlight(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Only the close points of a two-in-three pattern are highlighted."""
    return two_in_three(close, side) * np.asarray(close, dtype=int)
