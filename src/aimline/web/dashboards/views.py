"""Home, school dashboard, chart panel and district view: suppressed aggregates only."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from aimline.metrics import catalog, groups
from aimline.web.audits.models import EquityAudit
from aimline.web.dashboards import charts
from aimline.web.orgs.scope import readable_networks
from aimline.web.warehouse import Reader

HEADLINE = ("attendance_rate", "chronic_absence")
GROUP_LABELS = {"all": "All students", "true": "yes", "false": "no"}


def choice(request: HttpRequest, name: str, allowed: list[Any], default: Any) -> Any:
    """A query parameter that must be one of `allowed` (a clear 404 otherwise)."""
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    for a in allowed:
        if str(a) == raw:
            return a
    raise Http404(f"{name} must be one of {', '.join(map(str, allowed))}")


def default_period(metric: catalog.Metric) -> str:
    """Monthly for a sum over days (a P chart of each month's own rate); otherwise by
    school year, since year-to-date shares of students are not independent points."""
    return "month" if metric.additive and "month" in metric.periods else "year"


def year_of(request: HttpRequest, reader: Reader) -> tuple[int | None, list[int]]:
    years = reader.years()
    return choice(request, "year", years, years[-1] if years else None), years


def sparkline(values: list[float], width: int = 120, height: int = 28) -> str:
    """A tiny inline SVG line (no axes) for a trend beside a number."""
    v = np.array([x for x in values if x is not None and not np.isnan(x)], float)
    if len(v) < 2:
        return ""
    lo, hi = v.min(), v.max()
    span = hi - lo or 1.0
    xs = np.linspace(2, width - 2, len(v))
    ys = height - 2 - (v - lo) / span * (height - 4)
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    return mark_safe(f'<svg class="spark" width="{width}" height="{height}" role="img" '
                     f'aria-label="trend"><polyline points="{pts}" fill="none" '
                     f'stroke="currentColor" stroke-width="1.5"/></svg>')


@login_required
def home(request: HttpRequest) -> HttpResponse:
    reader = Reader(request.scope)
    year, _ = year_of(request, reader)
    schools = reader.schools()
    cards = []
    if year is not None and len(schools):
        ind = reader.indicators(group_type="all", year=year, district=False)
        months = reader.indicators(metric="chronic_absence", group_type="all", year=year,
                                   period="month", district=False)
        for s in schools.itertuples():
            mine = ind[ind.school_id == s.school_id].set_index("metric")
            trend = months[months.school_id == s.school_id].value.tolist()
            cards.append({"school": s, "trend": sparkline(trend),
                          "values": [(catalog.get(m).short_title,
                                      mine.display.get(m, "—")) for m in HEADLINE]})
    return render(request, "dashboards/home.html", {
        "cards": cards, "year": year, "networks": readable_networks(request.scope)})


def _gap(a: float, b: float) -> float | None:
    return None if pd.isna(a) or pd.isna(b) else round(a - b, 1)


@login_required
def school(request: HttpRequest, school_id: str) -> HttpResponse:
    scope = request.scope
    scope.school(school_id)  # 404 outside scope
    reader = Reader(scope)
    year, years = year_of(request, reader)
    metrics = catalog.all_metrics()
    metric = choice(request, "metric", [m.id for m in metrics], "chronic_absence")
    period = choice(request, "period", list(catalog.get(metric).periods),
                    default_period(catalog.get(metric)))
    info = reader.school_info(school_id)
    lea = info["lea_id"]
    rows, table = _dashboard(reader, school_id, lea, year, metric)
    # links only: the findings snapshot (megabytes with its charts) is not read here
    audits = [a for a in EquityAudit.objects.filter(district__code=lea, findings__isnull=False)
              .only("pk", "title", "schools") if not a.schools or school_id in a.schools]
    return render(request, "dashboards/school.html", {
        "audits": audits,
        "school": info, "school_id": school_id, "rows": rows, "groups": table,
        "metric": catalog.get(metric), "metrics": metrics, "period": period, "year": year,
        "years": years, "sees_students": scope.sees_students})


def _dashboard(reader: Reader, school_id: str, lea: str, year: int | None, metric: str
               ) -> tuple[list, list]:
    """Every metric at the school beside its district (where the user sees the district's
    rows), and one metric by student group; shared by everyone who sees the same."""
    shown = lea if lea in reader.scope.districts else None
    return reader.shared(school_id, ("dashboard", shown, year, metric),
                         lambda: _assemble(reader, school_id, lea, year, metric))


def _assemble(reader: Reader, school_id: str, lea: str, year: int | None, metric: str
              ) -> tuple[list, list]:
    here = reader.indicators(school=school_id, year=year) if year else pd.DataFrame()
    if not len(here):
        return [], []
    dist = reader.district_rows(lea, year)
    mine = here[here.group_type == "all"].set_index("metric")
    theirs = dist[dist.group_type == "all"].set_index("metric")
    rows = []
    for m in catalog.all_metrics():
        if m.id not in mine.index:
            continue
        a = mine.loc[m.id]
        d = theirs.loc[m.id] if m.id in theirs.index else None
        rows.append({"metric": m, "display": a.display,
                     "n": None if pd.isna(a.denominator) else a.denominator,
                     "reason": a.suppression_reason, "suppressed": a.suppressed,
                     "district": d.display if d is not None else "—",
                     "gap": _gap(a.value, d.value) if d is not None else None})
    return rows, _groups(here[here.metric == metric], dist[dist.metric == metric])


def _groups(here: pd.DataFrame, dist: pd.DataFrame) -> list[dict[str, Any]]:
    """One row per student group: the school's value, gap to its all-students rate and to
    the district's rate for the same group."""
    if not len(here):
        return []
    all_value = here[here.group_type == "all"].value.iloc[0]
    d = dist.set_index(["group_type", "group_value"]).value.to_dict()
    out = []
    for g in here.itertuples():
        out.append({"type": g.group_type, "value_label": GROUP_LABELS.get(g.group_value,
                                                                          g.group_value),
                    "display": g.display, "n": None if pd.isna(g.denominator) else g.denominator,
                    "suppressed": g.suppressed,
                    "reason": g.suppression_reason,
                    "gap_all": None if g.group_type == "all" else _gap(g.value, all_value),
                    "gap_district": _gap(g.value, d.get((g.group_type, g.group_value)))})
    order = {t: i for i, t in enumerate(groups.GROUP_TYPES)}
    return sorted(out, key=lambda r: order.get(r["type"], 99))


@login_required
def school_chart(request: HttpRequest, school_id: str) -> HttpResponse:
    """The chart panel (an HTMX fragment, or a page of its own without HTMX)."""
    request.scope.school(school_id)
    reader = Reader(request.scope)
    year, _years = year_of(request, reader)
    metric = catalog.get(choice(request, "metric", [m.id for m in catalog.all_metrics()],
                                "chronic_absence"))
    period = choice(request, "period", list(metric.periods), default_period(metric))
    group_type = request.GET.get("group_type", "all")
    group_value = request.GET.get("group_value", "all")
    svg, reason, signals, kind = _panel(reader, school_id, metric.id, period, group_type,
                                        group_value, year)
    return render(request, "dashboards/chart_panel.html", {
        "svg": mark_safe(svg), "reason": reason, "metric": metric, "period": period,
        "signals": signals, "kind": kind})


def _panel(reader: Reader, school_id: str, metric_id: str, period: str, group_type: str,
           group_value: str, year: int | None) -> tuple[str, str, dict[str, int], str]:
    """The drawn chart: SVG, why this chart, its signals, its title (drawn once per
    warehouse version for everyone who may see the school)."""
    def draw() -> tuple[str, str, dict[str, int], str]:
        t = charts.school_trend(reader, school_id, metric_id, period, group_type,
                                group_value, year)
        if t.result is None:
            return "", t.reason, {}, ""
        svg = charts.svg(t.result, y_title=catalog.get(metric_id).title)
        return svg, t.reason, t.result.signals, t.result.title

    return reader.shared(school_id, ("panel", metric_id, period, group_type, group_value,
                                     year), draw)


@login_required
def district(request: HttpRequest) -> HttpResponse:
    reader = Reader(request.scope)
    year, years = year_of(request, reader)
    metric = catalog.get(choice(request, "metric", [m.id for m in catalog.all_metrics()],
                                "chronic_absence"))
    schools = reader.schools()
    level = choice(request, "level", sorted(schools.level.unique()) if len(schools) else [],
                   None)
    ind = reader.indicators(metric=metric.id, year=year) if year else pd.DataFrame()
    group_options = (ind[["group_type", "group_value"]].drop_duplicates()
                     .itertuples(index=False) if len(ind) else [])
    group_options = [f"{t}:{v}" for t, v in group_options]
    group = choice(request, "group", group_options, "all:all")
    gt, gv = group.split(":", 1)
    table = []
    if len(ind):
        sel = ind[(ind.group_type == gt) & (ind.group_value == gv) & (ind.scope == "school")]
        sel = sel.merge(schools, on="school_id", suffixes=("", "_s"))
        if level:
            sel = sel[sel.level == level]
        sort = choice(request, "sort", ["name", "-name", "value", "-value", "n", "-n"],
                      "-value" if not metric.higher_is_better else "value")
        key = {"name": "name", "value": "value", "n": "denominator"}[sort.lstrip("-")]
        sel = sel.sort_values(key, ascending=not sort.startswith("-"), na_position="last")
        table = sel.to_dict("records")
        if "month" in metric.periods:
            months = reader.indicators(metric=metric.id, year=year, period="month",
                                       group_type=gt, group_value=gv, district=False)
            for r in table:
                r["trend"] = sparkline(months[months.school_id == r["school_id"]].value.tolist())
    else:
        sort = ""
    return render(request, "dashboards/district.html", {
        "metric": metric, "metrics": catalog.all_metrics(), "rows": table, "year": year,
        "years": years, "levels": sorted(schools.level.unique()) if len(schools) else [],
        "level": level, "groups": group_options, "group": group, "sort": sort})
