"""Centre lines and control limits, one small function per chart type.

Each function gets one part of an aggregated series and returns (y, cl, lcl, ucl) as
arrays: y can change (an MR chart plots moving ranges; an s chart plots subgroup SDs), and
limits are returned *before* clipping at 0 or 1, so rule zones (1 and 2 sigma) stay
symmetric; `clip` applies the chart's bounds afterwards. The formulas follow qicharts2
0.8.1 `R/helper.functions.R` line by line, with its citations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

Array = np.ndarray
D2 = 1.128  # d2 for moving ranges of two points (Montgomery, Table VI)
D4 = 3.267  # D4 for moving ranges of two points: the upper limit of an MR chart


@dataclass
class Part:
    """One part of an aggregated series (qicharts2: one split of `d` by part)."""

    y: Array  # plotted value per subgroup: rate, mean or value
    y_sum: Array  # sum of y in the subgroup (counts for c, p, u charts)
    y_len: Array  # number of non-missing values in the subgroup
    y_mean: Array
    y_sd: Array
    n: Array  # denominator (NaN when none was given)
    base: Array  # baseline & include: the points that set the centre line and limits
    screened: bool  # screen moving ranges above D4 * mean MR (Nelson 1982)


Limits = tuple[Array, Array, Array, Array]


def _full(value: float, like: Array) -> Array:
    return np.full(len(like), value, dtype=float)


def _nanmean(a: Array) -> float:
    a = a[~np.isnan(a)]
    return float(a.mean()) if len(a) else np.nan


def _nanmedian(a: Array) -> float:
    a = a[~np.isnan(a)]
    return float(np.median(a)) if len(a) else np.nan


def _mean_mr(mr: Array, screened: bool) -> float:
    """Average moving range; screened drops ranges >= D4 * average first (Nelson 1982)."""
    amr = _nanmean(mr)
    if screened:
        amr = _nanmean(mr[mr < D4 * amr])
    return amr


def run(p: Part) -> Limits:
    nan = _full(np.nan, p.y)
    return p.y, _full(_nanmedian(p.y[p.base]), p.y), nan, nan.copy()


def i(p: Part) -> Limits:
    cl = _nanmean(p.y[p.base])
    stdev = _mean_mr(np.abs(np.diff(p.y[p.base] - cl)), p.screened) / D2  # Montgomery 6.33
    return p.y, _full(cl, p.y), _full(cl - 3 * stdev, p.y), _full(cl + 3 * stdev, p.y)


def mr(p: Part) -> Limits:
    y = np.concatenate([[np.nan], np.abs(np.diff(p.y))])
    cl = _nanmean(y[p.base])
    return y, _full(cl, y), _full(0.0, y), _full(D4 * cl, y)


def c4(n: Array) -> Array:
    n = np.where(n <= 1, np.nan, n)
    return np.sqrt(2 / (n - 1)) * np.exp(gammaln(n / 2) - gammaln((n - 1) / 2))


def _pooled_sd(p: Part) -> float:
    """Pooled SD for unequal subgroups (Montgomery 6.31), else the mean SD (6.29)."""
    b = p.base
    if len(np.unique(p.y_len)) > 1:
        ok = ~np.isnan(p.y_sd[b])
        w = (p.y_len[b] - 1)[ok]
        return float(np.sqrt(np.sum(w * p.y_sd[b][ok] ** 2) / np.sum(w)))
    return _nanmean(p.y_sd[b])


def xbar(p: Part) -> Limits:
    b = p.base
    ok = ~np.isnan(p.y_mean[b])
    cl = np.sum((p.y_len[b] * p.y_mean[b])[ok]) / np.sum(p.y_len[b][ok])  # Montgomery 6.30
    a3 = 3 / (c4(p.y_len) * np.sqrt(np.where(p.y_len <= 1, np.nan, p.y_len)))
    width = a3 * _pooled_sd(p)
    return p.y, _full(cl, p.y), cl - width, cl + width


def s(p: Part) -> Limits:
    cl = _pooled_sd(p)
    c4n = c4(p.y_len)
    c5n = np.sqrt(1 - c4n**2)
    # B3/B4 before clipping: B3 = 1 - 3 c5/c4 (qicharts2 clips at 0 via pmax)
    return p.y_sd, _full(cl, p.y), (1 - 3 * c5n / c4n) * cl, (1 + 3 * c5n / c4n) * cl


def t(p: Part) -> Limits:
    """Time between rare events: an I chart of y^(1/3.6), back-transformed (Provost 2011)."""
    if np.nanmin(p.y) <= 0:
        raise ValueError("t chart: times between events must be greater than zero")
    tp = Part(p.y ** (1 / 3.6), p.y_sum, p.y_len, p.y_mean, p.y_sd, p.n, p.base, p.screened)
    _, cl, lcl, ucl = i(tp)
    with np.errstate(invalid="ignore"):
        return p.y, cl**3.6, np.where(lcl < 0, 0.0, lcl) ** 3.6, ucl**3.6


def p_chart(p: Part) -> Limits:
    b = p.base
    cl = np.nansum(p.y_sum[b]) / np.nansum(np.where(np.isnan(p.y_sum[b]), np.nan, p.n[b]))
    stdev = np.sqrt(cl * (1 - cl) / p.n)
    return p.y, _full(cl, p.y), cl - 3 * stdev, cl + 3 * stdev


def _laney(p: Part, cl: float, stdev: Array) -> Array:
    """Laney's prime-chart sigma: within-subgroup sigma times the between-subgroup sigma_z,
    estimated from moving ranges of z-scores (Laney 2002)."""
    z = (p.y[p.base] - cl) / stdev[p.base]
    sigma_z = _mean_mr(np.abs(np.diff(z)), p.screened) / D2
    return stdev * sigma_z


def pp(p: Part) -> Limits:
    y, cl, _, _ = p_chart(p)
    stdev = _laney(p, cl[0], np.sqrt(cl[0] * (1 - cl[0]) / p.n))
    return y, cl, cl - 3 * stdev, cl + 3 * stdev


def c(p: Part) -> Limits:
    cl = _nanmean(p.y_sum[p.base])
    stdev = np.sqrt(cl)  # Montgomery 7.17
    return p.y_sum, _full(cl, p.y), _full(cl - 3 * stdev, p.y), _full(cl + 3 * stdev, p.y)


def u(p: Part) -> Limits:
    b = p.base
    cl = np.nansum(p.y_sum[b]) / np.nansum(np.where(np.isnan(p.y_sum[b]), np.nan, p.n[b]))
    stdev = np.sqrt(cl / p.n)  # Montgomery 7.19
    return p.y, _full(cl, p.y), cl - 3 * stdev, cl + 3 * stdev


def up(p: Part) -> Limits:
    y, cl, _, _ = u(p)
    stdev = _laney(p, cl[0], np.sqrt(cl[0] / p.n))
    return y, cl, cl - 3 * stdev, cl + 3 * stdev


def g(p: Part) -> Limits:
    """Opportunities between rare events. Limits from the mean (Montgomery p. 319); the
    centre line is then the median, as qicharts2 draws it."""
    mean = _nanmean(p.y[p.base])
    stdev = np.sqrt(mean * (mean + 1))
    cl = _nanmedian(p.y[p.base])
    return p.y, _full(cl, p.y), _full(mean - 3 * stdev, p.y), _full(mean + 3 * stdev, p.y)


LIMITS: dict[str, Callable[[Part], Limits]] = {
    "run": run, "i": i, "mr": mr, "xbar": xbar, "s": s, "t": t,
    "p": p_chart, "pp": pp, "c": c, "u": u, "up": up, "g": g,
}
# Bounds a chart's limits cannot cross: proportions live in [0, 1], counts and rates >= 0.
CLIP: dict[str, tuple[float | None, float | None]] = {
    "p": (0, 1), "pp": (0, 1), "c": (0, None), "u": (0, None), "up": (0, None),
    "g": (0, None), "t": (0, None), "s": (0, None), "mr": (0, None),
}


def clip(kind: str, lcl: Array, ucl: Array) -> tuple[Array, Array]:
    lo, hi = CLIP.get(kind, (None, None))
    with np.errstate(invalid="ignore"):
        if lo is not None:
            lcl = np.where(np.isfinite(lcl) & (lcl < lo), lo, lcl)
        if hi is not None:
            ucl = np.where(np.isfinite(ucl) & (ucl > hi), hi, ucl)
    return lcl, ucl
