"""Home, school dashboard, chart panel and district view: suppressed aggregates only."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe

from aimline.metrics import catalog, groups, periods
from aimline.web.audits.models import EquityAudit
from aimline.web.dashboards import charts
from aimline.web.orgs.scope import readable_networks
from aimline.web.warehouse import Reader

HEADLINE = ("attendance_rate", "chronic_absence")


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
    """Monthly where the metric has months (a P chart of each month's own rate), else by
    school year."""
    return "month" if "month" in metric.periods else "year"


def year_of(request: HttpRequest, reader: Reader) -> tuple[int | None, list[int]]:
    years = reader.years()
    return choice(request, "year", years, years[-1] if years else None), years


def sparkline(rows: pd.DataFrame, metric: catalog.Metric, width: int = 120,
              height: int = 28) -> str:
    """A tiny inline SVG line of one school's monthly values, labelled with what it is
    and its first and last month ("Chronically absent by month: 14.2% Sep → 9.8% May");
    suppressed months are left out."""
    rows = rows.dropna(subset=["value"]).sort_values("period_end")
    if len(rows) < 2:
        return ""
    v = rows.value.to_numpy(float)
    lo, hi = v.min(), v.max()
    span = hi - lo or 1.0
    xs = np.linspace(2, width - 2, len(v))
    ys = height - 2 - (v - lo) / span * (height - 4)
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    first, last = rows.iloc[0], rows.iloc[-1]
    unit = "%" if metric.unit == "percent" else " per 100"
    words = (f"{metric.short_title} by month: {first.value:.1f}{unit} "
             f"{pd.Timestamp(first.period_end):%b} → {last.value:.1f}{unit} "
             f"{pd.Timestamp(last.period_end):%b}")
    return mark_safe(f'<svg class="spark" width="{width}" height="{height}" role="img" '
                     f'aria-label="{escape(words)}"><title>{escape(words)}</title>'
                     f'<polyline points="{pts}" fill="none" stroke="currentColor" '
                     f'stroke-width="1.5"/></svg><span class="spark-label">'
                     f'{escape(words)}</span>')


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
            trend = sparkline(months[months.school_id == s.school_id],
                              catalog.get("chronic_absence"))
            cards.append({"school": s, "trend": trend,
                          "values": [(catalog.get(m).short_title,
                                      mine.display.get(m, "—")) for m in HEADLINE]})
    return render(request, "dashboards/home.html", {
        "cards": cards, "year": year, "networks": readable_networks(request.scope)})


def exact(row: Any) -> float:
    """The unrounded rate of a published row (NaN where suppressed): gaps are taken
    between these, so a gap is never off by a rounding of the values shown."""
    return 100 * row.numerator / row.denominator if row.denominator else np.nan


def _gap(a: float, b: float, metric: catalog.Metric) -> dict[str, Any] | None:
    """The gap a - b in points, and whether it is better or worse in the metric's
    direction (for the page's colour and its words)."""
    if pd.isna(a) or pd.isna(b):
        return None
    d = a - b
    shown = round(d, 1)
    if shown == 0:
        return {"value": 0.0, "sense": "same"}
    better = (d > 0) == metric.higher_is_better
    return {"value": shown, "sense": "better" if better else "worse"}


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
        "period_labels": periods.LABELS,
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
        rows.append({"metric": m, "display": a.display, "n": _students(a),
                     "reason": a.suppression_reason, "suppressed": a.suppressed,
                     "district": d.display if d is not None else "—",
                     "gap": _gap(exact(a), exact(d), m) if d is not None else None})
    return rows, _groups(here[here.metric == metric], dist[dist.metric == metric],
                         catalog.get(metric))


def _students(row: Any) -> float | None:
    """n on a page is always students, whatever the denominator counts (days, events)."""
    return None if pd.isna(row.students) else row.students


def _groups(here: pd.DataFrame, dist: pd.DataFrame, metric: catalog.Metric
            ) -> list[dict[str, Any]]:
    """One row per student group: the school's value, gap to its all-students rate and to
    the district's rate for the same group (gaps from unrounded rates)."""
    if not len(here):
        return []
    all_value = exact(here[here.group_type == "all"].iloc[0])
    d = {(r.group_type, r.group_value): exact(r) for r in dist.itertuples()}
    out = []
    for g in here.itertuples():
        out.append({"type": g.group_type, "label": groups.title(g.group_type, g.group_value),
                    "display": g.display, "n": _students(g),
                    "suppressed": g.suppressed,
                    "reason": g.suppression_reason,
                    "gap_all": None if g.group_type == "all" else _gap(exact(g), all_value,
                                                                       metric),
                    "gap_district": _gap(exact(g), d.get((g.group_type, g.group_value),
                                                         np.nan), metric)})
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
    svg, reason, signals, kind, tested = _panel(reader, school_id, metric.id, period,
                                                group_type, group_value, year)
    return render(request, "dashboards/chart_panel.html", {
        "svg": mark_safe(svg), "reason": reason, "metric": metric, "period": period,
        "signals": signals, "kind": kind, "tested": tested})


Panel = tuple[str, str, list[tuple[str, int]], str, bool]


def _panel(reader: Reader, school_id: str, metric_id: str, period: str, group_type: str,
           group_value: str, year: int | None) -> Panel:
    """The drawn chart: SVG, why this chart, the rules that fired (their labels, points),
    its title, whether any rules were applied (drawn once per warehouse version for
    everyone who may see the school)."""
    def draw() -> Panel:
        t = charts.school_trend(reader, school_id, metric_id, period, group_type,
                                group_value, year)
        if t.result is None:
            return "", t.reason, [], "", False
        svg = charts.svg(t.result, y_title=catalog.get(metric_id).title)
        return svg, t.reason, charts.fired(t.result), t.result.title, \
            bool(t.result.rule_set.rules)

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
    codes = (ind[["group_type", "group_value"]].drop_duplicates().itertuples(index=False)
             if len(ind) else [])
    order = {t: i for i, t in enumerate(groups.GROUP_TYPES)}
    group_options = [(f"{t}:{v}", groups.title(t, v))
                     for t, v in sorted(codes, key=lambda c: (order.get(c[0], 99), c[1]))]
    group = choice(request, "group", [c for c, _ in group_options], "all:all")
    gt, gv = group.split(":", 1)
    table, districts = [], []
    if len(ind):
        sel = ind[(ind.group_type == gt) & (ind.group_value == gv)]
        # the district's own row above its schools, where the user sees the district
        districts = sel[sel.scope == "district"].to_dict("records")
        sel = sel[sel.scope == "school"].merge(schools, on="school_id", suffixes=("", "_s"))
        if level:
            sel = sel[sel.level == level]
        sort = choice(request, "sort", ["name", "-name", "value", "-value", "n", "-n"],
                      "-value" if not metric.higher_is_better else "value")
        key = {"name": "name", "value": "value", "n": "students"}[sort.lstrip("-")]
        sel = sel.sort_values(key, ascending=not sort.startswith("-"), na_position="last")
        table = sel.to_dict("records")
        if "month" in metric.periods:
            months = reader.indicators(metric=metric.id, year=year, period="month",
                                       group_type=gt, group_value=gv)
            for r in table:
                r["trend"] = sparkline(months[months.school_id == r["school_id"]], metric)
            for d in districts:
                d["trend"] = sparkline(months[(months.scope == "district")
                                              & (months.lea_id == d["lea_id"])], metric)
    else:
        sort = ""
    return render(request, "dashboards/district.html", {
        "metric": metric, "metrics": catalog.all_metrics(), "rows": table, "year": year,
        "years": years, "levels": sorted(schools.level.unique()) if len(schools) else [],
        "level": level, "groups": group_options, "group": group, "sort": sort,
        "districts": districts, "names": reader.district_names()})
