"""Run and Shewhart charts with runs analysis and named rule sets (qicharts2 semantics).

    from aimline.improve import spc
    res = spc.chart("p", y=absent, n=enrolled, x=weeks, freeze=12, rules="nhs_mdc")
    res.points    # one row per x: x, y, n, cl, lcl, ucl, include, baseline, part,
                  # sigma_signal, runs_signal, target, one bool column per rule, signal
    res.runs      # one row per part: part, n_obs, n_useful, longest_run, longest_run_max,
                  # n_crossings, n_crossings_min, runs_signal
    res.spec()    # Vega-Lite; res.save("chart.html" | ".svg" | ".png")

Semantics follow qicharts2 0.8.1 `qic()`: repeated x values are aggregated (counts and
denominators summed, subgroup mean and SD for xbar/s); `freeze=k` takes the first k points
as the baseline for centre line and limits; `part=[k]` starts a new part after the first k
points; `exclude` (0-based positions) leaves points out of limits and runs analysis but
plots them and tests them against the limits; y is multiplied by `multiply` last.
References: Montgomery 2009; Anhøj & Olesen 2014; Laney 2002; Provost & Murray 2011.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from aimline.improve import limits as lim
from aimline.improve import rules as rl
from aimline.improve.runs import analyse

Chart = Literal["run", "i", "mr", "xbar", "s", "t", "p", "pp", "c", "u", "up", "g"]
CHARTS: tuple[str, ...] = tuple(lim.LIMITS)
NEEDS_N = {"p", "pp", "u", "up"}
COUNTS = {"p", "pp", "c", "u", "up", "g"}  # y is a count: never negative
TITLES = {"run": "Run chart", "i": "I chart", "mr": "MR chart", "xbar": "Xbar chart",
          "s": "S chart", "t": "T chart (time between events)", "p": "P chart",
          "pp": "P′ chart (Laney)", "c": "C chart", "u": "U chart", "up": "U′ chart (Laney)",
          "g": "G chart (cases between events)"}


@dataclass(frozen=True)
class Annotation:
    x: Any
    label: str
    kind: str = "note"  # e.g. "pdsa", "change", "phase"


@dataclass
class ChartResult:
    kind: str
    points: pd.DataFrame
    runs: pd.DataFrame
    rule_set: rl.RuleSet
    annotations: list[Annotation] = field(default_factory=list)
    title: str = ""
    notes: list[str] = field(default_factory=list)  # what the function did to the data

    @property
    def signals(self) -> dict[str, int]:
        """Points flagged by each rule of the rule set."""
        return {r.name: int(self.points[r.name].sum()) for r in self.rule_set.rules}

    def spec(self, **kwargs: Any) -> dict[str, Any]:
        from aimline.improve.vega import spec
        return spec(self, **kwargs)

    def save(self, path: str | Path, **kwargs: Any) -> Path:
        from aimline.improve.vega import save
        return save(self, Path(path), **kwargs)


def _as_float(name: str, values: Any) -> np.ndarray:
    try:  # the common case: already numbers (None and pd.NA become NaN below)
        out = np.asarray(values, dtype=float).ravel()
        if out.dtype == float:
            return out
    except (TypeError, ValueError):
        pass
    arr = np.asarray(values, dtype=object).ravel()
    out = np.empty(len(arr), dtype=float)
    for k, v in enumerate(arr):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
            out[k] = np.nan
            continue
        try:
            out[k] = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be numbers: position {k} is {v!r}") from None
    return out


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _check(kind: str, y: np.ndarray, n: np.ndarray | None) -> None:
    if kind not in lim.LIMITS:
        raise ValueError(f"unknown chart {kind!r}; charts are: {', '.join(CHARTS)}")
    if np.isinf(y).any():
        k = _first(np.isinf(y))
        raise ValueError(f"y is infinite at position {k}")
    if kind in NEEDS_N and n is None:
        raise ValueError(f"a {kind} chart needs n, the denominator of each point")
    if kind in COUNTS and (y < 0).any():
        k = _first(y < 0)
        raise ValueError(f"y must not be negative on a {kind} chart: position {k} is {y[k]:g}")
    if kind == "t" and (y <= 0).any():
        k = _first(y <= 0)
        raise ValueError(f"times between events must be > 0: position {k} is {y[k]:g}")
    if n is not None:
        has_y = ~np.isnan(y)
        if (np.isnan(n) & has_y).any():
            k = _first(np.isnan(n) & has_y)
            raise ValueError(f"n is missing at position {k}, where y has a value")
        if (n[has_y] <= 0).any() or np.isinf(n).any():
            k = _first(has_y & ((n <= 0) | np.isinf(n)))
            raise ValueError(f"n must be a positive number: position {k} is {n[k]:g}")
        if kind in ("p", "pp") and (y > n).any():
            k = _first(y > n)
            raise ValueError(f"y exceeds n at position {k} ({y[k]:g} > {n[k]:g}): "
                             "a proportion cannot be above 1")
    if (~np.isnan(y)).sum() < 2:
        raise ValueError(f"a chart needs at least 2 points with a value "
                         f"(got {(~np.isnan(y)).sum()})")


@dataclass
class _Series:
    x: np.ndarray
    y: np.ndarray
    y_sum: np.ndarray
    y_len: np.ndarray
    y_mean: np.ndarray
    y_sd: np.ndarray
    n: np.ndarray
    aggregated: bool


def _aggregate(x: Any, y: np.ndarray, n: np.ndarray | None) -> _Series:
    """One point per distinct x, sorted by x, as qicharts2 splits by x."""
    nn = np.full(len(y), np.nan) if n is None else n
    ok = ~np.isnan(y) & (~np.isnan(nn) if n is not None else True)
    y = np.where(ok, y, np.nan)
    xa = None if x is None else np.asarray(x)
    if x is None or (xa is not None and xa.dtype.kind in "iufM" and np.all(xa[1:] > xa[:-1])):
        # already one point per x, in order: nothing to aggregate (the common case)
        xs = np.arange(1, len(y) + 1) if x is None else xa
        nan = np.full(len(y), np.nan)
        return _Series(xs, y / nn if n is not None else y, y, ok.astype(float), y, nan,
                       np.where(ok, nn, np.nan), False)
    else:
        xv = pd.Index(x)
        if xv.dtype == object and len(xv) and all(hasattr(v, "year") for v in xv):
            xv = pd.DatetimeIndex(pd.to_datetime(xv))
        codes, uniques = pd.factorize(xv, sort=True)
        if (codes < 0).any():
            raise ValueError(f"x is missing at position {_first(codes < 0)}")
        xs, inv, groups = np.asarray(uniques), codes, len(uniques)
    y0 = np.where(ok, y, 0.0)
    y_len = np.bincount(inv, weights=ok.astype(float), minlength=groups)
    y_sum = np.bincount(inv, weights=y0, minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        y_mean = y_sum / y_len
        dev = np.where(ok, (y - y_mean[inv]) ** 2, 0.0)
        y_sd = np.sqrt(np.bincount(inv, weights=dev, minlength=groups) / (y_len - 1))
    y_sd[y_len <= 1] = np.nan
    y_sum[y_len == 0] = np.nan
    if n is not None:
        n_sum = np.bincount(inv, weights=np.where(ok, nn, 0.0), minlength=groups)
        n_sum[y_len == 0] = np.nan
        with np.errstate(invalid="ignore", divide="ignore"):
            yy = y_sum / n_sum
    else:
        n_sum, yy = np.full(groups, np.nan), y_mean
    return _Series(xs, yy, y_sum, y_len, y_mean, y_sd, n_sum, groups < len(y))


def _parts(part: Sequence[int] | None, size: int) -> np.ndarray:
    """qicharts2 `makeparts`: part=[k] starts part 2 after the first k points."""
    breaks = sorted({0, *(int(p) for p in (part or []))})
    for b in breaks:
        if not 0 <= b < size:
            raise ValueError(f"part breaks must be between 1 and {size - 1} (got {b})")
    return np.repeat(np.arange(1, len(breaks) + 1), np.diff([*breaks, size]))


def _positions(exclude: Sequence[int] | None, size: int) -> np.ndarray:
    ex = np.asarray(list(exclude or []), dtype=int)
    if ((ex < 0) | (ex >= size)).any():
        bad = ex[(ex < 0) | (ex >= size)][0]
        raise ValueError(f"exclude holds 0-based positions 0..{size - 1}; got {bad}")
    return ex


def compute(kind: str, y: Any, n: Any = None, x: Any = None, *, freeze: int | None = None,
            part: Sequence[int] | None = None, exclude: Sequence[int] | None = None,
            multiply: float = 1, screened_mr: bool = True, rules: Any = "anhoej",
            target: Any = None) -> tuple[dict[str, np.ndarray], list[dict[str, Any]], bool]:
    """The arrays behind a chart: (columns, runs rows, aggregated?). `chart` wraps this."""
    yv = _as_float("y", y)
    nv = None if n is None else _as_float("n", n)
    for name, other in (("n", nv), ("x", x)):
        if other is not None and len(other) != len(yv):
            raise ValueError(f"y has {len(yv)} values but {name} has {len(other)}")
    _check(kind, yv, nv)
    rule_set = rl.resolve(rules)
    s = _aggregate(x, yv, nv)
    size = len(s.y)
    part_no = _parts(part, size)
    if freeze is not None and not 1 <= freeze <= size:
        raise ValueError(f"freeze must be between 1 and {size} points (got {freeze})")
    idx = np.arange(1, size + 1)
    baseline = idx <= (freeze if freeze is not None else size)
    include = np.ones(size, dtype=bool)
    include[_positions(exclude, size)] = False
    out = {k: np.full(size, np.nan) for k in ("y", "cl", "lcl", "ucl")}
    flags = {r.name: np.zeros(size, dtype=bool) for r in rule_set.rules}
    runs_signal = np.zeros(size, dtype=bool)
    runs_rows = []
    for p in np.unique(part_no):
        m = part_no == p
        piece = lim.Part(s.y[m], s.y_sum[m], s.y_len[m], s.y_mean[m], s.y_sd[m], s.n[m],
                         (baseline & include)[m], screened_mr)
        yp, cl, lcl_raw, ucl_raw = (np.asarray(a, dtype=float) for a in lim.LIMITS[kind](piece))
        runs = analyse(yp[include[m]], cl[include[m]])
        if kind == "mr":  # qicharts2: moving ranges are not independent; no runs signal
            runs = replace(runs, analysed=False)
        lcl, ucl = lim.clip(kind, lcl_raw, ucl_raw)
        yp, cl, lcl, ucl = (a * multiply for a in (yp, cl, lcl, ucl))
        with np.errstate(invalid="ignore"):
            sig_up, sig_down = (ucl_raw * multiply - cl) / 3, (cl - lcl_raw * multiply) / 3
        lcl, ucl = (np.where(np.isfinite(a), a, np.nan) for a in (lcl, ucl))
        view = rl.PartView(yp, cl, lcl, ucl, sig_up, sig_down, include[m] & ~np.isnan(yp), runs)
        for r in rule_set.rules:
            flags[r.name][m] = rl.apply(r, view)
        out["y"][m], out["cl"][m], out["lcl"][m], out["ucl"][m] = yp, cl, lcl, ucl
        runs_signal[m] = runs.signal
        runs_rows.append({"part": int(p), "n_obs": runs.n_obs, "n_useful": runs.n_useful,
                          "longest_run": runs.longest_run, "longest_run_max": runs.longest_run_max,
                          "n_crossings": runs.n_crossings, "n_crossings_min": runs.n_crossings_min,
                          "runs_signal": runs.signal})
    with np.errstate(invalid="ignore"):
        sigma = (out["y"] > out["ucl"]) | (out["y"] < out["lcl"])
    cols: dict[str, np.ndarray] = {
        "x": s.x, "y": out["y"], "n": s.n, "cl": out["cl"],
        "lcl": out["lcl"], "ucl": out["ucl"], "include": include, "baseline": baseline,
        "part": part_no, "sigma_signal": sigma, "runs_signal": runs_signal,
        "target": np.broadcast_to(np.asarray(np.nan if target is None else target, dtype=float),
                                  (size,)).copy(),
        **flags,
    }
    cols["signal"] = np.any([flags[r.name] for r in rule_set.rules], axis=0) \
        if rule_set.rules else np.zeros(size, dtype=bool)
    return cols, runs_rows, s.aggregated


def chart(kind: Chart, y: Any, n: Any = None, x: Any = None, *, freeze: int | None = None,
          part: Sequence[int] | None = None, exclude: Sequence[int] | None = None,
          multiply: float = 1, screened_mr: bool = True,
          rules: str | rl.RuleSet | dict[str, Any] = "anhoej", target: Any = None,
          annotations: Sequence[Annotation | tuple] | None = None,
          title: str | None = None) -> ChartResult:
    """Run or Shewhart chart with runs analysis and the signals of a rule set.

    kind: run, i, mr, xbar, s, t, p, pp, c, u, up, g. y: values (or counts when n is
    given); n: denominators; x: subgroups, dates or labels (repeats are aggregated).
    Missing y values are kept as points without a value, as qicharts2 does.
    Raises ValueError naming the position and the problem for bad input.
    """
    cols, runs_rows, aggregated = compute(kind, y, n, x, freeze=freeze, part=part,
                                          exclude=exclude, multiply=multiply,
                                          screened_mr=screened_mr, rules=rules, target=target)
    notes = []
    if aggregated:
        notes.append(f"Data were aggregated by x: {len(np.asarray(y))} values into "
                     f"{len(cols['x'])} subgroups ({'sums' if n is not None else 'means'}).")
    if multiply != 1:
        notes.append(f"y, centre line and limits were multiplied by {multiply:g}.")
    anns = [a if isinstance(a, Annotation) else Annotation(*a) for a in annotations or []]
    return ChartResult(kind, pd.DataFrame(cols), pd.DataFrame(runs_rows), rl.resolve(rules),
                       anns, title or TITLES[kind], notes)


def chart_many(df: pd.DataFrame, by: Sequence[str], *, kind: Chart, y: str, n: str | None = None,
               x: str | None = None, **options: Any) -> pd.DataFrame:
    """One chart per group of `by`, as one tidy table: the `by` columns, then the columns of
    ChartResult.points. Identical to calling `chart` per group, without building a
    DataFrame per chart (the per-call overhead that matters for 10,000 charts)."""
    pieces: dict[str, list[np.ndarray]] = {}
    keys: list[tuple] = []
    codes = df.groupby(list(by), sort=True, observed=True).ngroup().to_numpy()
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    cols_in = {c: df[c].to_numpy()[order] for c in (y, n, x) if c is not None}
    key_cols = [df[b].to_numpy()[order] for b in by]
    for rows in np.split(np.arange(len(df)), bounds) if len(df) else []:
        cols, _, _ = compute(kind, cols_in[y][rows], None if n is None else cols_in[n][rows],
                             None if x is None else cols_in[x][rows], **options)
        size = len(cols["y"])
        keys.append((tuple(k[rows[0]] for k in key_cols), size))
        for k, v in cols.items():
            pieces.setdefault(k, []).append(v)
    if not keys:
        return pd.DataFrame()
    out = {b: np.concatenate([np.repeat(np.array([k[i]], dtype=object), size)
                              for k, size in keys]) for i, b in enumerate(by)}
    out.update({k: np.concatenate(v) for k, v in pieces.items()})
    return pd.DataFrame(out)


@dataclass(frozen=True)
class Suggestion:
    kind: str
    reason: str


def suggest(y: Any, n: Any = None, *, kind: str | None = None) -> Suggestion:
    """Which chart fits these data, and why.

    kind: what y is, when known: "count" (events), "proportion" (y of n), "rate" (events
    per n), "measurement" (continuous), "time_between" or "cases_between" (rare events).
    """
    yv = _as_float("y", y)
    if kind == "time_between":
        return Suggestion("t", "Times between rare events: a T chart (Provost & Murray 2011).")
    if kind == "cases_between":
        return Suggestion("g", "Cases between rare events: a G chart (Benneyan 2001).")
    vals = yv[~np.isnan(yv)]
    whole = bool(np.all(vals == np.round(vals)) and np.all(vals >= 0))
    if n is not None:
        nv = _as_float("n", n)
        prop = kind == "proportion" or (kind != "rate" and whole and np.all(yv <= nv))
        base = "p" if prop else "u"
        what = "proportions (y of n)" if prop else "rates (events per n)"
        cols, _, _ = compute(base + "p", yv, nv)
        p_cols, _, _ = compute(base, yv, nv)
        outside = float(np.mean(p_cols["sigma_signal"]))
        # Laney's sigma_z: the ratio of prime-chart to classic limits at any point
        ratio = float(np.nanmedian((cols["ucl"] - cols["cl"]) / (p_cols["ucl"] - p_cols["cl"])))
        if np.nanmean(nv) >= 1000 and (ratio > 1.5 or outside > 0.2):
            return Suggestion(base + "p", f"Large denominators (mean n = {np.nanmean(nv):,.0f}) "
                              f"and over-dispersion (sigma_z = {ratio:.1f}, {outside:.0%} of "
                              f"points outside {base} limits): Laney's {base}′ chart "
                              "(Laney 2002) avoids false alarms.")
        return Suggestion(base, f"Counts with denominators are {what}: a {base} chart.")
    if kind == "measurement" or not whole:
        return Suggestion("i", "Continuous measurements, one per period: an I chart "
                          "(Montgomery 6.4).")
    if kind == "count" or whole:
        if np.mean(vals) < 1 or np.mean(vals == 0) > 0.5:
            return Suggestion("g", "Rare events (mostly zeros): chart the cases or days between "
                              "events with a G or T chart instead of counts.")
        return Suggestion("c", "Counts of events with an equal area of opportunity: a C chart; "
                          "give n for a U chart when opportunity varies.")
    return Suggestion("run", "A run chart makes no assumption about the distribution.")
