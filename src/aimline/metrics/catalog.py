"""The metric catalog: every indicator Aimline shows is defined here once.

A `Metric` is a record of facts (title, unit, better direction, numerator and denominator in
words, published source) plus one function that builds an Ibis expression of *units*: one
row per reporting unit (school or district) x student x period, with the student's `num`
and `den`. Aggregation by student group, the rate and suppression are shared
(`aimline.metrics.engine`), so counts are summed first and the rate taken last; rates
are never averaged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import ibis.expr.types as ir

from aimline.metrics.periods import Period
from aimline.metrics.tables import Tables

Grain = Literal["school", "district"]
Unit = Literal["percent", "per_100"]
# units(t, grain, period, **options) -> columns: unit_id, student_id, period_no,
# grade_level, num, den
UnitsFn = Callable[..., ir.Table]


@dataclass(frozen=True)
class Metric:
    id: str
    title: str
    unit: Unit
    higher_is_better: bool
    numerator: str
    denominator: str
    definition: str
    source: str
    units: UnitsFn
    periods: tuple[Period, ...] = ("year",)
    options: dict[str, Any] = field(default_factory=dict)
    # numerator and denominator are sums over days, so one month's (or week's) own rate is
    # the difference of the cumulative counts; other metrics count students year-to-date
    additive: bool = False

    @property
    def short_title(self) -> str:
        """The title without its unit, for sentences: 'Chronically absent'."""
        return self.title.replace(" (%)", "")

    def build(self, t: Tables, grain: Grain, period: Period, **options: Any) -> ir.Table:
        unknown = set(options) - set(self.options)
        if unknown:
            raise ValueError(f"{self.id} has no option {sorted(unknown)[0]!r}; options: "
                             f"{', '.join(self.options) or 'none'}")
        return self.units(t, grain, period, **{**self.options, **options})


CATALOG: dict[str, Metric] = {}


def register(*metrics: Metric) -> None:
    for m in metrics:
        if m.id in CATALOG:
            raise ValueError(f"metric {m.id!r} is defined twice")
        CATALOG[m.id] = m


def get(metric_id: str) -> Metric:
    _load()
    try:
        return CATALOG[metric_id]
    except KeyError:
        raise ValueError(f"unknown metric {metric_id!r}; metrics are: "
                         f"{', '.join(CATALOG)}") from None


def all_metrics() -> list[Metric]:
    _load()
    return list(CATALOG.values())


def _load() -> None:
    # the definitions register themselves on import; imported here to avoid a cycle
    from aimline.metrics import attendance, ews, outcomes  # noqa: F401
