"""The district's support page and its API: which schools need support, each with its
reasons (`aimline.reports.support`), for the schools in the person's scope. The table is
computed once per district, year and warehouse version, then cached."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import Query, Router, Schema

from aimline.metrics import engine
from aimline.reports.support import identification
from aimline.web.api_errors import answers
from aimline.web.district.access import DISTRICT
from aimline.web.orgs.models import Organisation


def _table(lea: str, year: int) -> tuple[str, list[dict[str, Any]]]:
    path = Path(settings.WAREHOUSE)
    key = f"district-support:{lea}:{year}:{path.stat().st_mtime_ns}"
    found = cache.get(key)
    if found is None:
        name, t = identification(path, year, lea=lea)
        found = (name, t.to_dict("records"))
        cache.set(key, found, 3600)
    return found


def support(request: Any, year: int | None) -> dict[str, Any]:
    """The person's district, the years held, the year shown, and its rows in scope."""
    scope = request.scope
    mine = [d for d in sorted(scope.districts) if DISTRICT.allows(scope, "read_support", d)]
    if not mine:
        DISTRICT.require(scope, "read_support", "")  # 403: no district of one's own
    lea = mine[0]
    path = Path(settings.WAREHOUSE)
    years = engine.years_in(path) if path.exists() else []
    if not years:
        raise Http404("the warehouse holds no school year yet")
    year = year or max(years)
    if year not in years:
        raise Http404(f"school year {year} is not in the warehouse")
    name, rows = _table(lea, year)
    shown = [r for r in rows if r["school_id"] in scope.aggregate_schools]
    org = Organisation.objects.filter(kind=Organisation.DISTRICT, code=lea).first()
    return {"district": org.name if org else name, "lea": lea, "year": year, "years": years,
            "rows": shown, "identified": sum(r["identified"] for r in shown)}


@login_required
def page(request: HttpRequest) -> HttpResponse:
    y = request.GET.get("year", "")
    return render(request, "district/support.html",
                  support(request, int(y) if y.isdigit() else None))


router = Router(tags=["district"])


class SupportRow(Schema):
    school_id: str
    name: str
    level: str
    index: float | None  # the mean of the index metrics, all students
    identified: bool
    support: str  # CSI, ATSI, district criteria, or ""
    atsi_groups: list[str]
    criteria_unmet: list[str]
    reasons: list[str]


class SupportOut(Schema):
    district: str
    year: int
    rows: list[SupportRow]


class YearIn(Schema):
    year: int | None = None  # default: the latest in the warehouse


@router.get("/district/support", response=answers(SupportOut),
            summary="Schools that need support (ESSA CSI, ATSI, the district's criteria), "
                    "those in your scope")
def api_support(request: HttpRequest, q: Query[YearIn]) -> Any:
    d = support(request, q.year)
    rows = [{**r, "index": None if r["index"] != r["index"] else r["index"]}
            for r in d["rows"]]
    return {"district": d["district"], "year": d["year"], "rows": rows}
