"""NHS Making Data Count rule primitives, as NHSRplotthedots computes them.

Source: nhs-r-community/NHSRplotthedots R/ptd_calculate_point_type.R. Each works on one
part; arrays are index-aligned with the points. Vectorised with sliding windows, since a
district dashboard runs them on tens of thousands of charts.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

RUN = 7  # points in a shift or trend


def _ends(cond: np.ndarray, size: int, length: int) -> np.ndarray:
    """Place window results (one per window) at the index of each window's last point."""
    out = np.zeros(size, dtype=int)
    if len(cond):
        out[length - 1:] = cond
    return out


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
    w = sliding_window_view(side, length)
    return _ends((w[:, 0] != 0) & np.all(w == w[:, :1], axis=1), len(side), length)


def part_of_seven(flags: np.ndarray, length: int = RUN) -> np.ndarray:
    """Spread end-of-window flags (1 or -1) back over the `length` points of the window."""
    return spread(flags, length)


def seven_point_trend(y: np.ndarray, length: int = RUN) -> np.ndarray:
    """1 / -1 at the point closing `length` strictly increasing / decreasing values
    (length - 1 successive rises or falls); ties break a trend."""
    y = np.asarray(y, dtype=float)
    if len(y) < length:
        return np.zeros(len(y), dtype=int)
    w = sliding_window_view(np.sign(np.diff(y)), length - 1)
    up, down = np.all(w == 1, axis=1), np.all(w == -1, axis=1)
    return _ends(up.astype(int) - down.astype(int), len(y), length)


def two_in_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """1 at every point of a 3-point window with >= 2 points close to the limits (beyond
    2 sigma, inside the limits) and all 3 on the same side of the centre line."""
    close = np.asarray(close, dtype=int)
    side = np.asarray(side, dtype=float)
    if len(close) < 3:
        return np.zeros(len(close), dtype=int)
    c, s = sliding_window_view(close, 3), sliding_window_view(side, 3)
    hit = (c.sum(axis=1) >= 2) & (s[:, 0] != 0) & np.all(s == s[:, :1], axis=1)
    return spread(_ends(hit, len(close), 3), 3)


def two_in_three_highlight(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Only the close points of a two-in-three pattern are highlighted."""
    return two_in_three(close, side) * np.asarray(close, dtype=int)
