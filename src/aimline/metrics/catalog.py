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
    # record tables the metric reads as "none" where they have no row (no absences, no
    # suspensions): for a district and year whose table was never loaded it has no rows,
    # rather than a 0% it never measured (`engine.covered`)
    needs: tuple[str, ...] = ()
    # its units hold one row per unit, student and period (attendance, from `membership`):
    # a cell's students are then its rows with a denominator, counted rather than
    # de-duplicated (a distinct count over every group's rows is most of the query's time)
    per_student: bool = False

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


class UnknownMetric(KeyError, ValueError):
    """A metric id that is not in the catalog. A KeyError for lookups, a ValueError for
    input checks: callers may catch either (a measure naming a removed metric is a 404 or a
    form error, never a 500)."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


_CATALOG: dict[str, Metric] = {}


def _collect() -> dict[str, Metric]:
    """Every module's METRICS, in catalog order; imported here, not at module top, since
    the definitions import this module for `Metric`."""
    if not _CATALOG:
        from aimline.metrics import attendance, ews, outcomes

        for m in (*attendance.METRICS, *ews.METRICS, *outcomes.METRICS):
            if m.id in _CATALOG:
                raise ValueError(f"metric {m.id!r} is defined twice")
            _CATALOG[m.id] = m
    return _CATALOG


def get(metric_id: str) -> Metric:
    catalog = _collect()
    try:
        return catalog[metric_id]
    except KeyError:
        raise UnknownMetric(f"unknown metric {metric_id!r}; metrics are: "
                            f"{', '.join(catalog)}") from None


def all_metrics() -> list[Metric]:
    return list(_collect().values())
