"""NHS Making Data Count rule primitives, as NHSRplotthedots computes them.

Source: nhs-r-community/NHSRplotthedots R/ptd_calculate_point_type.R. Each works on one
part; arrays are index-aligned with the points.
"""

from __future__ import annotations

import numpy as np

RUN = 7  # points in a shift or trend


def seven_point_one_side_mean(side: np.ndarray, length: int = RUN) -> np.ndarray:
    """1 at each point that closes `length` consecutive identical non-zero signs, else 0."""
    side = np.asarray(side, dtype=float)
    out = np.zeros(len(side), dtype=int)
    for k in range(length - 1, len(side)):
        window = side[k - length + 1: k + 1]
        if window[0] != 0 and np.all(window == window[0]):
            out[k] = 1
    return out


def part_of_seven(flags: np.ndarray, length: int = RUN) -> np.ndarray:
    """Spread end-of-window flags (1 or -1) back over the `length` points of the window."""
    flags = np.asarray(flags)
    out = np.zeros(len(flags), dtype=int)
    for k in np.flatnonzero(flags != 0):
        out[max(0, k - length + 1): k + 1] = 1
    return out


def seven_point_trend(y: np.ndarray, length: int = RUN) -> np.ndarray:
    """1 / -1 at the point closing `length` strictly increasing / decreasing values
    (length - 1 successive rises or falls); ties break a trend."""
    y = np.asarray(y, dtype=float)
    step = np.sign(np.diff(y))
    out = np.zeros(len(y), dtype=int)
    for k in range(length - 1, len(y)):
        steps = step[k - length + 1: k]
        if np.all(steps == 1):
            out[k] = 1
        elif np.all(steps == -1):
            out[k] = -1
    return out


def two_in_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """1 at every point of a 3-point window with >= 2 points close to the limits (beyond
    2 sigma, inside the limits) and all 3 on the same side of the centre line."""
    close = np.asarray(close, dtype=int)
    side = np.asarray(side, dtype=float)
    out = np.zeros(len(close), dtype=int)
    for k in range(len(close) - 2):
        c, s = close[k: k + 3], side[k: k + 3]
        if c.sum() >= 2 and s[0] != 0 and np.all(s == s[0]):
            out[k: k + 3] = 1
    return out


def two_in_three_highlight(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Only the close points of a two-in-three pattern are highlighted."""
    return two_in_three(close, side) * np.asarray(close, dtype=int)
