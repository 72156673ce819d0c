"""Rule sets: which patterns on a chart count as a signal. A rule set is data.

    RuleSet("district", "Our rules", rules=(Rule("shift", "shift", {"length": 8}), ...))
    RuleSet.from_dict(json.load(f))      # a district's saved rule set

A rule names a *test* (a detector below) and its parameters. Each detector looks at one
part of a chart and returns, per point, whether the point belongs to the pattern. Only
included points with a value take part; excluded points are never flagged by a pattern
(they are by `beyond_limits`, as qicharts2 tests them against the limits).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from math import comb
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from aimline.improve import mdc
from aimline.improve.runs import Runs

Array = np.ndarray


@dataclass(frozen=True)
class Rule:
    name: str  # the column name in ChartResult.points
    test: str  # a key of DETECTORS
    params: dict[str, Any] = field(default_factory=dict)
    label: str = ""  # the legend text

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "test": self.test, "params": dict(self.params),
                "label": self.label}


@dataclass(frozen=True)
class RuleSet:
    name: str
    label: str
    rules: tuple[Rule, ...]
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "source": self.source,
                "rules": [r.to_dict() for r in self.rules]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RuleSet:
        rules = tuple(Rule(r["name"], r["test"], dict(r.get("params", {})), r.get("label", ""))
                      for r in d["rules"])
        for r in rules:
            if r.test not in DETECTORS:
                raise ValueError(f"rule {r.name!r}: unknown test {r.test!r}; tests are: "
                                 f"{', '.join(sorted(DETECTORS))}")
        return cls(d["name"], d.get("label", d["name"]), rules, d.get("source", ""))


@dataclass
class PartView:
    """What a detector sees of one part: values, centre, limits and sigma per side."""

    y: Array
    cl: Array
    lcl: Array  # clipped, as drawn
    ucl: Array
    sigma_up: Array  # (raw ucl - cl) / 3: zones stay symmetric where limits are clipped
    sigma_down: Array
    use: Array  # included and not missing: the points patterns are read from
    runs: Runs


def _on_used(v: PartView, fn: Callable[[Array], Array], values: Array) -> Array:
    """Apply `fn` to the used points only and scatter its flags back."""
    out = np.zeros(len(v.y), dtype=bool)
    idx = np.flatnonzero(v.use)
    if len(idx):
        out[idx] = np.asarray(fn(values[idx]), dtype=bool)
    return out


def _side(v: PartView) -> Array:
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(np.sign(v.y - v.cl))


def beyond_limits(v: PartView) -> Array:
    with np.errstate(invalid="ignore"):
        return (v.y > v.ucl) | (v.y < v.lcl)


def shift(v: PartView, length: int, on_centre: str = "break") -> Array:
    """`length` or more points in a row on one side of the centre line. Points on the line
    break the run ("break") or neither make nor break it ("skip", the IHI convention)."""
    def flag(side: Array) -> Array:
        if on_centre == "skip":
            keep = np.flatnonzero(side != 0)
            out = np.zeros(len(side), dtype=int)
            out[keep] = mdc.part_of_seven(mdc.seven_point_one_side_mean(side[keep], length),
                                          length)
            return out
        return mdc.part_of_seven(mdc.seven_point_one_side_mean(side, length), length)
    return _on_used(v, flag, _side(v))


def trend(v: PartView, length: int, ties: str = "break") -> Array:
    """`length` or more points in a row each higher (or each lower) than the one before.
    Equal neighbours break a trend ("break") or are skipped ("skip", IHI)."""
    def flag(y: Array) -> Array:
        if ties == "skip":
            # each run of equal values counts once; a flagged stretch of runs marks its
            # inner runs whole and, of its end runs, the point next to the trend, so a
            # series read backwards is marked as the mirror image
            first = np.concatenate([[0], np.flatnonzero(np.diff(y) != 0) + 1])
            last = np.concatenate([first[1:] - 1, [len(y) - 1]])
            hit = mdc.part_of_seven(mdc.seven_point_trend(y[first], length), length) > 0
            edges = np.diff(np.concatenate([[0], hit.astype(int), [0]]))
            out = np.zeros(len(y), dtype=int)
            for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1):
                out[last[a]:first[b] + 1] = 1
            return out
        return mdc.part_of_seven(mdc.seven_point_trend(y, length), length)
    return _on_used(v, flag, v.y)


def _beyond_zone(v: PartView, zone: float) -> tuple[Array, Array]:
    with np.errstate(invalid="ignore"):
        up = v.y > v.cl + zone * v.sigma_up
        down = v.y < v.cl - zone * v.sigma_down
    return up, down


def zone_count(v: PartView, k: int, m: int, zone: float, same_side_window: bool = False,
               inside_limits: bool = False) -> Array:
    """k of m points in a row beyond `zone` sigma on the same side (Western Electric 2, 3).
    Flags the points beyond the zone. `same_side_window`: all m points on that side (NHS);
    `inside_limits`: points outside the limits do not count (NHS "close to limits")."""
    up, down = _beyond_zone(v, zone)
    if inside_limits:
        out_lim = beyond_limits(v)
        up, down = up & ~out_lim, down & ~out_lim
    side = _side(v)
    idx = np.flatnonzero(v.use)
    out = np.zeros(len(v.y), dtype=bool)
    if len(idx) < m:
        return out
    sides = sliding_window_view(side[idx], m)
    for s, beyond in ((1, up[idx]), (-1, down[idx])):
        hit = sliding_window_view(beyond, m).sum(axis=1) >= k
        if same_side_window:
            hit &= np.all(sides == s, axis=1)
        covered = mdc.spread(np.concatenate([np.zeros(m - 1, dtype=int), hit]), m)
        out[idx[(covered > 0) & beyond]] = True
    return out


def nhs_two_in_three(v: PartView) -> Array:
    """NHS MDC: two of three points close to a limit, all three on one side."""
    up, down = _beyond_zone(v, 2)
    close = (up | down) & ~beyond_limits(v)
    out = np.zeros(len(v.y), dtype=bool)
    idx = np.flatnonzero(v.use)
    out[idx] = mdc.two_in_three_highlight(close[idx], _side(v)[idx]).astype(bool)
    return out


def alternating(v: PartView, length: int = 14) -> Array:
    """`length` points in a row alternating up and down (Nelson rule 4)."""
    def flag(y: Array) -> Array:
        if len(y) < length:
            return np.zeros(len(y), dtype=bool)
        step = np.sign(np.diff(y))
        flips = (step[1:] == -step[:-1]) & (step[1:] != 0)  # step k+1 reverses step k
        # `length` points need length - 2 reversals in a row among their length - 1 steps
        hit = np.all(sliding_window_view(flips, length - 2), axis=1)
        return mdc.spread(np.concatenate([np.zeros(length - 1, dtype=int), hit]),
                          length).astype(bool)
    return _on_used(v, flag, v.y)


def _consecutive(cond: Array, use: Array, length: int) -> Array:
    idx = np.flatnonzero(use)
    out = np.zeros(len(cond), dtype=bool)
    if len(idx) < length:
        return out
    hit = np.all(sliding_window_view(cond[idx], length), axis=1)
    covered = mdc.spread(np.concatenate([np.zeros(length - 1, dtype=int), hit]), length)
    out[idx[covered > 0]] = True
    return out


def within_zone(v: PartView, length: int = 15, zone: float = 1) -> Array:
    """`length` points in a row within `zone` sigma of the centre line (Nelson rule 7).
    Points on the centre line carry no side and are skipped, as in the runs rules, so a
    constant series is not read as stratified."""
    up, down = _beyond_zone(v, zone)
    finite = np.isfinite(v.sigma_up) & np.isfinite(v.sigma_down)
    return _consecutive(~up & ~down & finite, v.use & (_side(v) != 0), length)


def outside_zone(v: PartView, length: int = 8, zone: float = 1) -> Array:
    """`length` points in a row beyond `zone` sigma, either side (Nelson rule 8)."""
    up, down = _beyond_zone(v, zone)
    return _consecutive(up | down, v.use & (_side(v) != 0), length)


def anhoej_long_run(v: PartView) -> Array:
    return np.where(v.use, v.runs.long_run, False)


def anhoej_few_crossings(v: PartView) -> Array:
    return np.where(v.use, v.runs.few_crossings, False)


@lru_cache(maxsize=4096)
def runs_bounds(n1: int, n2: int, alpha: float = 0.05) -> tuple[int, int]:
    """Fewest and most runs not unusual for n1 points above and n2 below the centre:
    exact Swed-Eisenhart (1943) distribution, one-sided `alpha` in each tail."""
    total = comb(n1 + n2, n1)
    probs: dict[int, float] = {}
    for r in range(2, n1 + n2 + 1):
        k = r // 2
        if r % 2 == 0:
            ways = 2 * comb(n1 - 1, k - 1) * comb(n2 - 1, k - 1)
        else:
            ways = comb(n1 - 1, k - 1) * comb(n2 - 1, k) + comb(n1 - 1, k) * comb(n2 - 1, k - 1)
        probs[r] = ways / total
    lo, cum = 2, 0.0
    for r in sorted(probs):
        cum += probs[r]
        if cum >= alpha:
            lo = r
            break
    hi, cum = n1 + n2, 0.0
    for r in sorted(probs, reverse=True):
        cum += probs[r]
        if cum >= alpha:
            hi = r
            break
    return lo, hi


def runs_count(v: PartView, alpha: float = 0.05) -> Array:
    """Too few or too many runs for the number of useful points (IHI run-chart rule)."""
    side = _side(v)[v.use]
    side = side[side != 0]
    n1, n2 = int((side > 0).sum()), int((side < 0).sum())
    if n1 == 0 or n2 == 0 or n1 + n2 < 10:
        return np.zeros(len(v.y), dtype=bool)
    n_runs = 1 + int(np.sum(side[1:] != side[:-1]))
    lo, hi = runs_bounds(n1, n2, alpha)
    return np.where(v.use, n_runs < lo or n_runs > hi, False)


DETECTORS: dict[str, Callable[..., Array]] = {
    "beyond_limits": beyond_limits, "shift": shift, "trend": trend, "zone_count": zone_count,
    "nhs_two_in_three": nhs_two_in_three, "alternating": alternating,
    "within_zone": within_zone, "outside_zone": outside_zone,
    "anhoej_long_run": anhoej_long_run, "anhoej_few_crossings": anhoej_few_crossings,
    "runs_count": runs_count,
}

_LIMITS = Rule("beyond_limits", "beyond_limits", {}, "Point outside the control limits")

RULE_SETS: dict[str, RuleSet] = {s.name: s for s in (
    RuleSet("anhoej", "Anhøj runs rules", (
        _LIMITS,
        Rule("long_run", "anhoej_long_run", {}, "Unusually long run"),
        Rule("few_crossings", "anhoej_few_crossings", {}, "Too few crossings"),
    ), "Anhøj & Olesen 2014, doi:10.1371/journal.pone.0113825"),
    RuleSet("ihi", "IHI run chart rules", (
        Rule("astronomical", "beyond_limits", {}, "Astronomical point (outside limits)"),
        Rule("shift", "shift", {"length": 6, "on_centre": "skip"}, "Shift: 6+ on one side"),
        Rule("trend", "trend", {"length": 5, "ties": "skip"}, "Trend: 5+ rising or falling"),
        Rule("runs", "runs_count", {"alpha": 0.05}, "Too many or too few runs"),
    ), "Perla, Provost & Murray 2011, BMJ Qual Saf 20:46-51; Provost & Murray 2011"),
    RuleSet("nhs_mdc", "NHS Making Data Count", (
        _LIMITS,
        Rule("shift", "shift", {"length": 7}, "Shift: 7 on one side of the mean"),
        Rule("trend", "trend", {"length": 7}, "Trend: 7 rising or falling"),
        Rule("two_of_three", "nhs_two_in_three", {}, "2 of 3 close to a limit"),
    ), "NHS England Making Data Count; NHSRplotthedots ptd_calculate_point_type.R"),
    RuleSet("western_electric", "Western Electric rules", (
        _LIMITS,
        Rule("two_of_three", "zone_count", {"k": 2, "m": 3, "zone": 2}, "2 of 3 beyond 2σ"),
        Rule("four_of_five", "zone_count", {"k": 4, "m": 5, "zone": 1}, "4 of 5 beyond 1σ"),
        Rule("shift", "shift", {"length": 8}, "8 in a row on one side"),
    ), "Western Electric Statistical Quality Control Handbook, 1956"),
    RuleSet("nelson", "Nelson rules", (
        _LIMITS,
        Rule("shift", "shift", {"length": 9}, "9 in a row on one side"),
        Rule("trend", "trend", {"length": 6}, "6 in a row rising or falling"),
        Rule("alternating", "alternating", {"length": 14}, "14 in a row alternating"),
        Rule("two_of_three", "zone_count", {"k": 2, "m": 3, "zone": 2}, "2 of 3 beyond 2σ"),
        Rule("four_of_five", "zone_count", {"k": 4, "m": 5, "zone": 1}, "4 of 5 beyond 1σ"),
        Rule("stratification", "within_zone", {"length": 15, "zone": 1}, "15 within 1σ"),
        Rule("mixture", "outside_zone", {"length": 8, "zone": 1}, "8 beyond 1σ, either side"),
    ), "Nelson LS (1984), J Qual Technol 16(4):237-239"),
)}


def resolve(rules: str | RuleSet | dict[str, Any]) -> RuleSet:
    if isinstance(rules, RuleSet):
        return rules
    if isinstance(rules, dict):
        return RuleSet.from_dict(rules)
    try:
        return RULE_SETS[rules]
    except KeyError:
        raise ValueError(f"unknown rule set {rules!r}; choose one of "
                         f"{', '.join(RULE_SETS)} or pass a RuleSet") from None


def apply(rule: Rule, view: PartView) -> Array:
    return np.asarray(DETECTORS[rule.test](view, **rule.params), dtype=bool)
