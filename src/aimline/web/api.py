"""The HTTP API at /api/ (django-ninja; OpenAPI at /api/openapi.json).

Personal tokens (`Authorization: Bearer aim_…`, created on the Tokens page) or the browser
session. Same scope as the pages: every endpoint reads through `Reader(scope)`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from aimline.metrics import catalog
from aimline.web.api_errors import answers
from aimline.web.dashboards import charts
from aimline.web.networks.api import router as networks_router
from aimline.web.orgs.models import ApiToken, AuditEntry
from aimline.web.orgs.scope import scope_for
from aimline.web.orgs.studentlog import log_students
from aimline.web.students.models import Intervention
from aimline.web.students.views import author_school, note_visible, require_students
from aimline.web.warehouse import Reader, records


class Token(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        t = (ApiToken.objects.select_related("user")
             .filter(digest=ApiToken.hash(token), user__is_active=True).first())
        if t is None:
            return None
        ApiToken.objects.filter(pk=t.pk).update(last_used=timezone.now())
        request.user = t.user
        request.scope = scope_for(t.user)
        return t.user


api = NinjaAPI(title="Aimline API", version="1", auth=[Token(), django_auth],
               urls_namespace="api", docs_url="/docs")


api.add_router("/", networks_router)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> Any:
    return api.create_response(request, {"detail": str(exc) or "not found"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> Any:
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


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
    offset: int = Field(0, ge=0)


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


class WatchOut(Schema):
    student_id: str
    first_name: str | None
    last_name: str | None
    school_id: str
    grade_level: str
    attendance_rate: float
    suspensions: int
    failing_marks: int
    flag_attendance: bool
    flag_behaviour: bool
    flag_course: bool
    flags: int


class InterventionIn(Schema):
    kind: Literal["attendance", "behaviour", "academic", "mentoring", "family", "health",
                  "other"]
    start: dt.date
    end: dt.date | None = None
    owner: str = Field(..., min_length=1, max_length=200)
    note: str = Field("", max_length=4000)
    restricted: bool = False


class InterventionOut(Schema):
    id: int
    student_id: str
    school_id: str
    kind: str
    start: dt.date
    end: dt.date | None
    owner: str
    note: str | None
    restricted: bool


@api.get("/schools", response=answers(list[SchoolOut]), summary="Schools in your scope")
def schools(request: HttpRequest) -> Any:
    return records(Reader(request.scope).schools())


@api.get("/metrics", response=answers(list[MetricOut]), summary="The metric catalog")
def metrics(request: HttpRequest) -> Any:
    return [{**{k: getattr(m, k) for k in ("id", "title", "unit", "higher_is_better",
                                           "numerator", "denominator", "source")},
             "periods": list(m.periods)} for m in catalog.all_metrics()]


@api.get("/indicators", response=answers(list[IndicatorOut]),
         summary="Suppressed indicators by school/district x group x period, in your scope")
def indicators(request: HttpRequest, f: Query[IndicatorFilter]) -> Any:
    df = Reader(request.scope).indicators(
        metric=f.metric, school=f.school, group_type=f.group_type, group_value=f.group_value,
        period=f.period, year=f.year, limit=f.limit, offset=f.offset)
    return records(df)


@api.get("/charts/{school_id}/{metric}", response=answers(ChartOut),
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


@api.get("/watchlist", response=answers(list[WatchOut]),
         summary="Students with early-warning flags in your scope (logged)")
def watchlist(request: HttpRequest, year: int | None = None, school: str | None = None,
              min_flags: int = Query(1, ge=0, le=3)) -> Any:
    require_students(request.scope)
    reader = Reader(request.scope)
    years = reader.years()
    if not years:
        return []
    if year is not None and year not in years:
        raise Http404(f"no school year {year}")
    df = reader.watchlist(year or years[-1], school=school, min_flags=min_flags)
    log_students(request, AuditEntry.EXPORT, zip(df.student_id, df.school_id),
                 what=f"API watch list ({len(df)} students)")
    return records(df)


def _iv_out(request: HttpRequest, iv: Intervention) -> dict[str, Any]:
    out = {k: getattr(iv, k) for k in ("id", "student_id", "school_id", "kind", "start", "end",
                                       "owner", "note", "restricted")}
    if not note_visible(request.scope, request.user.pk, iv):
        out["note"] = None
    return out


@api.get("/students/{student_id}/interventions", response=answers(list[InterventionOut]),
         summary="A student's interventions (logged as a view of the student)")
def interventions(request: HttpRequest, student_id: str) -> Any:
    require_students(request.scope)
    schools = Reader(request.scope).check_student(student_id)
    log_students(request, AuditEntry.VIEW,
                 [(student_id, author_school(request.scope, schools))])
    return [_iv_out(request, iv) for iv in Intervention.objects.filter(student_id=student_id)]


@api.post("/students/{student_id}/interventions", response=answers(InterventionOut, 201),
          summary="Record an intervention for a student")
def add_intervention(request: HttpRequest, student_id: str, body: InterventionIn) -> Any:
    require_students(request.scope)
    schools = Reader(request.scope).check_student(student_id)
    if body.end and body.end < body.start:
        raise HttpError(422, "end is before start")
    iv = Intervention.objects.create(student_id=student_id, created_by=request.user,
                                     school_id=author_school(request.scope, schools),
                                     **body.dict())
    return Status(201, _iv_out(request, iv))

