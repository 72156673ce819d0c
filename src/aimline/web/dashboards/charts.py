"""A school's indicator over time as a run or control chart from `aimline.improve`.

Points come from the stored (suppressed) indicators: a suppressed point is a gap, never a
value. Every point is its own period's count (a school year, or a month's or week's own
days, `metrics.periods`), so the chart is the one `spc.suggest` picks for counts of n (P
chart for a percentage of students or days, U chart for events per 100) with the Anhøj
rules. A year-to-date period is not independent from one point to the next: it is drawn as
a run chart with no rules at all, and the chart says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from aimline.improve import spc, vega
from aimline.metrics import catalog, periods
from aimline.web.warehouse import Reader

NO_TESTS = {"name": "none", "label": "none: year-to-date values are not independent",
            "rules": []}


@dataclass(frozen=True)
class Trend:
    result: spc.ChartResult | None
    reason: str  # why this chart, or why there is none


def trend(rows: pd.DataFrame, metric_id: str, period: str, **options: Any) -> Trend:
    """rows: one school's (or district's) indicator rows for one metric and group, any
    number of school years. `options` go to `spc.chart` (annotations, freeze, part)."""
    m = catalog.get(metric_id)
    rows = rows.sort_values(["school_year", "period_end"])
    x = _x(rows, period)
    num, den = rows.numerator.to_numpy(float), rows.denominator.to_numpy(float)
    visible = ~np.isnan(num) & ~np.isnan(den)
    if visible.sum() < 2:
        return Trend(None, "Fewer than two periods with a published value (others suppressed "
                           "or not computed).")
    if periods.to_date(period):
        res = spc.chart("run", y=rows.value.to_numpy(float), x=x, rules=NO_TESTS,
                        title=f"{m.short_title}, year to date", **options)
        return Trend(res, "Year-to-date values include every earlier period, so points are "
                          "not independent: read the trend; no runs tests are applied.")
    kind = spc.suggest(num, den, kind="proportion" if m.unit == "percent" else "rate")
    res = spc.chart(kind.kind, y=num, n=den, x=x, multiply=100, rules="anhoej",
                    title=f"{m.short_title} — {spc.TITLES[kind.kind]}", **options)
    return Trend(res, kind.reason)


def _x(rows: pd.DataFrame, period: str) -> np.ndarray:
    if period == "year":
        return rows.school_year.astype(int).astype(str).to_numpy()
    return pd.to_datetime(rows.period_end).to_numpy()


def series(rows: pd.DataFrame, period: str) -> pd.DataFrame:
    """Another population's published values on the same x as `trend` draws them (x, y),
    to draw beside a chart: a suppressed value is a gap."""
    rows = rows.sort_values(["school_year", "period_end"])
    return pd.DataFrame({"x": _x(rows, period), "y": rows.value.to_numpy(float)})


def fired(res: spc.ChartResult) -> list[tuple[str, int]]:
    """(the rule's words, points) for each rule of the chart's set that flagged a point."""
    return [(r.label or r.name, int(res.points[r.name].sum()))
            for r in res.rule_set.rules if res.points[r.name].any()]


def school_trend(reader: Reader, school_id: str, metric_id: str, period: str,
                 group_type: str, group_value: str, year: int | None) -> Trend:
    """A school's metric for one group over school years (period "year") or over one
    year's months or weeks; 404 outside the reader's scope, then drawn once per warehouse
    version for everyone who may see the school (`Reader.shared`)."""
    def draw() -> Trend:
        rows = reader.school_series(school_id, metric=metric_id, period=period,
                                    group_type=group_type, group_value=group_value,
                                    year=year)
        if not len(rows):
            return Trend(None, "No values for this metric, group and period.")
        return trend(rows, metric_id, period)

    return reader.shared(school_id, ("trend", metric_id, period, group_type, group_value,
                                     year), draw)


@lru_cache(maxsize=512)
def _svg(spec_json: str) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec_json)


def svg(res: spc.ChartResult, *, y_title: str, width: int = 560, height: int = 220,
        compare: pd.DataFrame | None = None, compare_label: str = "") -> str:
    import json

    return _svg(json.dumps(vega.spec(res, width=width, height=height, y_title=y_title,
                                     compare=compare, compare_label=compare_label)))
