"""The district's pages and their API: which schools need support, each with its reasons
(`aimline.reports.support`), for the schools in the person's scope; staffing for equity
(`aimline.reports.staffing`), district-wide. Each table is computed once per district,
year and warehouse version, then cached."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import Query, Router, Schema

from aimline.metrics import engine
from aimline.reports.staffing import as_text
from aimline.reports.support import identification
from aimline.web.access import At
from aimline.web.api_errors import answers
from aimline.web.district.access import DISTRICT
from aimline.web.orgs.models import Organisation


def cached(what: str, compute: Callable[[Path], Any]) -> Any:
    """`compute(warehouse)` once per warehouse version (its file's modification time)."""
    path = Path(settings.WAREHOUSE)
    key = f"district-{what}:{path.stat().st_mtime_ns}"
    found = cache.get(key)
    if found is None:
        found = compute(path)
        cache.set(key, found, 3600)
    return found


def support_table(lea: str, year: int) -> tuple[str, list[dict[str, Any]]]:
    """Identification for the district and year; the mentor schools its active plans of
    that year have agreed are kept (where still allowed) and count against capacity."""
    from aimline.web.district.models import SupportPlan

    keep = sorted(SupportPlan.objects.filter(
        district__code=lea, school_year=year, status=SupportPlan.ACTIVE,
        mentor__isnull=False).values_list("school__code", "mentor__code"))

    def compute(path: Path) -> tuple[str, list[dict[str, Any]]]:
        name, t = identification(path, year, lea=lea, keep=keep)
        return name, t.to_dict("records")
    kept = ",".join(f"{a}-{b}" for a, b in keep)
    return cached(f"support:{lea}:{year}:{kept}", compute)


def support(request: Any, year: int | None) -> dict[str, Any]:
    """The person's district, the years held, the year shown, and its rows in scope."""
    scope = request.scope
    lea = _mine(request, "read_support")
    year, years = held_year(year)
    name, rows = support_table(lea, year)
    names = {r["school_id"]: r["name"] for r in rows}
    shown = [{**r, "mentor_name": names.get(r["mentor"]) if isinstance(r["mentor"], str)
              else None} for r in rows if r["school_id"] in scope.aggregate_schools]
    org = Organisation.objects.filter(kind=Organisation.DISTRICT, code=lea).first()
    return {"district": org.name if org else name, "lea": lea, "year": year, "years": years,
            "rows": shown, "identified": sum(r["identified"] for r in shown)}


@login_required
def page(request: HttpRequest) -> HttpResponse:
    from aimline.web.audits.views import readable
    from aimline.web.district.plans import plans_of

    y = request.GET.get("year", "")
    d = support(request, int(y) if y.isdigit() else None)
    plans = plans_of(request.scope, d["lea"])
    # the equity audit of the same year, for each school whose findings the person reads
    audit, schools = next(((a, s) for a, s in readable(request.scope)
                           if a.year == d["year"] and a.district.code == d["lea"]),
                          (None, None))
    for r in d["rows"]:
        r["plan"] = plans.get(r["school_id"])
        r["audit"] = audit if audit is not None and (
            schools is None or r["school_id"] in {c for c, _ in schools}) else None
    return render(request, "district/support.html", {
        **d, "may_keep": DISTRICT.allows(request.scope, "keep_plans", At(d["lea"]))})


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
    mentor: str | None  # the proposed mentor school (comprehensive support only)
    similarity: float | None  # 1 / (1 + the standardised distance of their students)
    strength: float | None  # the mentor's percentile by the index at its level


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
    def num(v: Any) -> Any:
        return None if isinstance(v, float) and v != v else v
    rows = [{**r, **{k: num(r[k]) for k in ("index", "mentor", "similarity", "strength")}}
            for r in d["rows"]]
    return {"district": d["district"], "year": d["year"], "rows": rows}


def held_year(year: int | None) -> tuple[int, list[int]]:
    """The year asked (default: the latest) and the years the warehouse holds; 404 for a
    year it does not."""
    path = Path(settings.WAREHOUSE)
    years = engine.years_in(path) if path.exists() else []
    if not years:
        raise Http404("the warehouse holds no school year yet")
    year = year or max(years)
    if year not in years:
        raise Http404(f"school year {year} is not in the warehouse")
    return year, years


def _mine(request: Any, action: str) -> str:
    return DISTRICT.district(request.scope, action)


def staffing_data(request: Any, year: int | None, basis: str) -> dict[str, Any]:
    from aimline.reports.staffing import staffing

    lea = _mine(request, "read_staffing")
    year, years = held_year(year)
    try:
        d = cached(f"staffing:{lea}:{year}:{basis}",
                    lambda path: staffing(path, year, lea=lea, basis=basis))
    except ValueError as e:
        raise Http404(str(e)) from None
    return {**d, "years": years}


@login_required
def staffing_page(request: HttpRequest) -> HttpResponse:
    y = request.GET.get("year", "")
    basis = "students" if request.GET.get("quartiles") == "students" else "schools"
    d = staffing_data(request, int(y) if y.isdigit() else None, basis)
    return render(request, "district/staffing.html", {
        **{k: d[k] for k in ("district", "year", "years", "basis", "inexperienced_years")},
        "dims": [(dim, as_text(d[dim])) for dim in ("poverty", "minority")]})


class Quartile(Schema):
    quartile: int
    values: dict[str, Any]


class Gap(Schema):
    measure: str
    highest_pct: float
    lowest_pct: float
    gap_pp: float


class StaffingOut(Schema):
    district: str
    year: int
    quartiles_of: str
    poverty: list[Quartile]
    minority: list[Quartile]
    poverty_gaps: list[Gap]
    minority_gaps: list[Gap]


class StaffingIn(Schema):
    year: int | None = None
    quartiles: str = "schools"  # or "students"


@router.get("/district/staffing", response=answers(StaffingOut),
            summary="Staffing for equity: teachers by poverty and minority quartile, the "
                    "highest-versus-lowest gaps (ESSA 1111(g)(1)(B))")
def api_staffing(request: HttpRequest, q: Query[StaffingIn]) -> Any:
    from ninja.errors import HttpError

    from aimline.equity.educators import check_basis

    try:
        check_basis(q.quartiles)
    except ValueError as e:
        raise HttpError(422, str(e)) from None
    d = staffing_data(request, q.year, q.quartiles)

    def rows(t: Any) -> list[dict[str, Any]]:
        def plain(v: Any) -> Any:
            v = v.item() if hasattr(v, "item") else v
            return None if isinstance(v, float) and v != v else v  # not shown: too few
        return [{"quartile": int(i), "values": {k: plain(v) for k, v in r.items()}}
                for i, r in t.iterrows()]

    def gaps(g: Any) -> list[dict[str, Any]]:
        return [{"measure": r.measure, "highest_pct": 100 * r.high_poverty_rate,
                 "lowest_pct": 100 * r.low_poverty_rate, "gap_pp": r.gap_pp}
                for r in g.itertuples()]
    return {"district": d["district"], "year": d["year"], "quartiles_of": d["basis"],
            "poverty": rows(d["poverty"]["by_quartile"]),
            "minority": rows(d["minority"]["by_quartile"]),
            "poverty_gaps": gaps(d["poverty"]["gaps"]),
            "minority_gaps": gaps(d["minority"]["gaps"])}
