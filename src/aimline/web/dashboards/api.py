"""API for dashboards: schools in scope, the metric catalog, suppressed indicators, a
school's chart. Mounted on the site's API (`web/api.py`); read through `Reader(scope)`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from aimline.metrics import catalog
from aimline.web.api_errors import answers
from aimline.web.dashboards import charts
from aimline.web.warehouse import Reader, records

router = Router(tags=["dashboards"])


class SchoolOut(Schema):
    school_id: str
    name: str
    level: str
    lea_id: str
    district: str


class MetricOut(Schema):
    id: str
    title: str
    unit: str
    higher_is_better: bool
    numerator: str
    denominator: str
    periods: list[str]
    source: str


class IndicatorOut(Schema):
    metric: str
    scope: str
    lea_id: str
    school_id: str | None
    school_year: int
    period: str
    period_end: dt.date
    group_type: str
    group_value: str
    numerator: float | None
    denominator: float | None
    value: float | None
    suppressed: bool
    suppression_reason: str | None
    display: str


class IndicatorFilter(Schema):
    metric: str | None = None
    school: str | None = None
    group_type: str | None = None
    group_value: str | None = None
    period: Literal["year", "month", "week"] = "year"
    year: int | None = None
    limit: int = Field(1000, ge=1, le=10000)
    offset: int = Field(0, ge=0, le=2**62)  # DuckDB's OFFSET is a signed 64-bit integer


class PointOut(Schema):
    x: str
    y: float | None
    n: float | None
    cl: float | None
    lcl: float | None
    ucl: float | None
    signal: bool


class ChartOut(Schema):
    chart: str | None
    reason: str
    rules: str | None
    signals: dict[str, int]
    points: list[PointOut]


@router.get("/schools", response=answers(list[SchoolOut]), summary="Schools in your scope")
def schools(request: HttpRequest) -> Any:
    return records(Reader(request.scope).schools())


@router.get("/metrics", response=answers(list[MetricOut]), summary="The metric catalog")
def metrics(request: HttpRequest) -> Any:
    return [{**{k: getattr(m, k) for k in ("id", "title", "unit", "higher_is_better",
                                           "numerator", "denominator", "source")},
             "periods": list(m.periods)} for m in catalog.all_metrics()]


@router.get("/indicators", response=answers(list[IndicatorOut]),
         summary="Suppressed indicators by school/district x group x period, in your scope")
def indicators(request: HttpRequest, f: Query[IndicatorFilter]) -> Any:
    df = Reader(request.scope).indicators(
        metric=f.metric, school=f.school, group_type=f.group_type, group_value=f.group_value,
        period=f.period, year=f.year, limit=f.limit, offset=f.offset)
    return records(df)


@router.get("/charts/{school_id}/{metric}", response=answers(ChartOut),
         summary="A school's metric over time: chart points, limits and signals")
def chart(request: HttpRequest, school_id: str, metric: str,
          period: Literal["year", "month", "week"] = "year", year: int | None = None,
          group_type: str = "all", group_value: str = "all") -> Any:
    request.scope.school(school_id)
    if metric not in {m.id for m in catalog.all_metrics()}:
        raise Http404(f"no metric {metric}")
    t = charts.school_trend(Reader(request.scope), school_id, metric, period, group_type,
                            group_value, year)
    if t.result is None:
        return {"chart": None, "reason": t.reason, "rules": None, "signals": {}, "points": []}
    p = t.result.points.assign(x=lambda d: d.x.astype(str))
    return {"chart": t.result.kind, "reason": t.reason, "rules": t.result.rule_set.name,
            "signals": t.result.signals, "points": records(
                p[["x", "y", "n", "cl", "lcl", "ucl", "signal"]])}
