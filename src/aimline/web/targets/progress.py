"""A measured target's chart (for every practice with targets: leadership, induction, the
district's support plans): the population's metric for its group by month from the warehouse,
with the target line, the chart's signals and, where the viewer may read the school's
network team, its PDSA cycles."""

from __future__ import annotations

from typing import Any

import pandas as pd

from aimline.improve import spc
from aimline.metrics import catalog
from aimline.web.access import Net
from aimline.web.dashboards import charts
from aimline.web.networks.access import NETWORKS
from aimline.web.networks.models import PDSACycle
from aimline.web.targets import service
from aimline.web.warehouse import Reader


def cycles(scope: Any, schools: list[str]) -> list[spc.Annotation]:
    """PDSA cycles of the schools' network teams, where the viewer may read them."""
    out = []
    for c in (PDSACycle.objects.filter(school__code__in=schools)
              .select_related("network").order_by("start")):
        if NETWORKS.allows(scope, "read_cycles", Net.of(c.network)):
            out.append(spc.Annotation(pd.Timestamp(c.start), f"PDSA: {c.title}"[:40], "pdsa"))
    return out


def chart(reader: Reader, scope: Any, *, metric: str, schools: list[str], group_type: str,
          group_value: str, target: float | None = None, period: str = "month",
          compare: list[str] | None = None, compare_label: str = "") -> dict[str, Any]:
    """{"svg", "reason", "fired", "tested"} for a template. A metric measured once a year
    (course marks, graduation) is drawn by school year. `compare`: other schools (read
    through the same reader) whose values for the same group are drawn beside, in grey."""
    m = catalog.get(metric)
    if period not in m.periods and "month" in m.periods:
        return {"svg": "", "reason": f"{m.short_title} is not reported by {period}: see it "
                                     "by month.", "fired": [], "tested": False}
    if period not in m.periods:
        period = "year"
    rows = service.population_series(reader, metric=metric, schools=schools,
                                     group_type=group_type, group_value=group_value,
                                     period=period)
    if not len(rows):
        how = {"week": " by week (`aimline compute --period week`)"}.get(period, "")
        return {"svg": "", "reason": f"No values in the warehouse for this group{how} yet.",
                "fired": [], "tested": False}
    trend = charts.trend(rows, metric, period, target=target,
                         annotations=cycles(scope, schools))
    if trend.result is None:
        return {"svg": "", "reason": trend.reason, "fired": [], "tested": False}
    beside = charts.series(service.population_series(
        reader, metric=metric, schools=compare, group_type=group_type,
        group_value=group_value, period=period), period) if compare else None
    return {"svg": charts.svg(trend.result, y_title=m.title, compare=beside,
                              compare_label=compare_label), "reason": trend.reason,
            "fired": charts.fired(trend.result), "tested": bool(trend.result.rule_set.rules)}
