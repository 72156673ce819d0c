"""Network pages: home (aims, phase, schools, measures across schools), a team's page
(aim, driver diagram, PDSA log, measures), the spread matrix, learning sessions, the
status report (HTML and PDF)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from aimline.metrics import catalog
from aimline.web.access import Net, Team
from aimline.web.dashboards.charts import fired
from aimline.web.networks import diagram, measures
from aimline.web.networks.access import NETWORKS, TEAMS
from aimline.web.networks.models import PHASES, ChangeIdea, Measure, Network, PDSACycle
from aimline.web.orgs.models import Organisation
from aimline.web.orgs.scope import Scope, network, readable_networks
from aimline.web.pdf import pdf
from aimline.web.warehouse import Reader


def team_school(scope: Scope, net: Network, code: str) -> Organisation:
    """A school of the network whose team pages the user may read; 404 otherwise."""
    school = net.schools.filter(code=code).first()
    if school is None or not NETWORKS.allows(scope, "read_cycles", Net.of(net)):
        raise Http404("no such team")
    return school


def current_phase(net: Network) -> Any:
    return net.phases.order_by("-began").first()


@login_required
def network_list(request: HttpRequest) -> HttpResponse:
    return render(request, "networks/networks.html",
                  {"networks": readable_networks(request.scope)})


def _small_multiples(net: Network, measure: Measure | None, reader: Reader, *,
                     cycles: bool) -> list[dict[str, Any]]:
    if measure is None:
        return []
    out = []
    for school in net.schools.order_by("name"):
        svg, t = measures.svg(measure, school, reader, cycles=cycles, width=300,
                              height=140)
        out.append({"school": school, "svg": mark_safe(svg), "reason": t.reason,
                    "signals": t.result.signals if t.result else {}})
    return out


@login_required
def network_home(request: HttpRequest, pk: int) -> HttpResponse:
    net = network(request.scope, pk)
    may = NETWORKS.may(request.scope, Net.of(net))
    family = list(net.measures.all())
    chosen = next((m for m in family if str(m.pk) == request.GET.get("measure")),
                  family[0] if family else None)
    aim = net.aims.filter(school__isnull=True).first()
    return render(request, "networks/network.html", {
        "net": net, "aim": aim, "now": current(aim, Reader(request.scope)) if aim else None,
        "team_aims": net.aims.filter(school__isnull=False),
        "phase": current_phase(net), "phases": net.phases.all(), "all_phases": PHASES,
        "schools": net.schools.order_by("name"), "measures": family, "measure": chosen,
        "multiples": _small_multiples(net, chosen, Reader(request.scope),
                                      cycles=may["read_cycles"]),
        "sessions": net.sessions.all(),
        "may": may,
        "metrics": catalog.all_metrics()})


def current(aim: Any, reader: Reader) -> dict[str, Any]:
    """Where the network stands against its aim in the latest school year loaded: the
    aim's metric and group for its schools, counts summed (`targets.evaluation.measure`),
    and whether the aim's date has passed."""
    import datetime as dt

    from aimline.web.targets import service

    years = reader.years()
    out: dict[str, Any] = {"past_due": aim.by_date < dt.date.today(), "value": None,
                           "reason": "No indicators in the warehouse yet"}
    if not years:
        return out
    try:
        got = service.population(reader, metric=aim.metric, schools=aim.population(),
                                 year=years[-1], group_type=aim.group_type,
                                 group_value=aim.group_value)
    except Http404:  # the viewer does not see every school the aim sums
        out["reason"] = "The current value sums schools outside your view"
        return out
    better = catalog.get(aim.metric).higher_is_better
    out.update(year=years[-1], value=got.value, denominator=got.denominator,
               reason=got.reason)
    if got.value is not None:
        gap = (aim.target - got.value) * (1 if better else -1)
        out.update(met=gap <= 0, gap=abs(gap))
    return out


@login_required
def team(request: HttpRequest, pk: int, school: str) -> HttpResponse:
    net = network(request.scope, pk)
    org = team_school(request.scope, net, school)
    aims = [*net.aims.filter(school=org), *net.aims.filter(school__isnull=True)]
    charts = []
    for m in net.measures.all():
        svg, t = measures.svg(m, org, Reader(request.scope), cycles=True)  # team readers
        charts.append({"measure": m, "svg": mark_safe(svg), "reason": t.reason,
                       "fired": fired(t.result) if t.result else [],
                       "changes": m.changes.filter(school=org),
                       "values": list(m.values.filter(school=org).order_by("date"))
                       if not m.metric else [],
                       "tested": bool(t.result and t.result.rule_set.rules)})
    return render(request, "networks/team.html", {
        "net": net, "school": org, "aims": aims,
        "diagrams": [(a, mark_safe(diagram.for_aim(a))) for a in aims],
        "cycles": PDSACycle.objects.filter(network=net, school=org).select_related(
            "change_idea", "previous"),
        "charts": charts,
        "edits": TEAMS.allows(request.scope, "write", Team(Net.of(net), org.code)),
        "change_ideas": net.change_ideas.all()})


def outcome_measure(family: list[Measure]) -> Measure | None:
    """The measure the spread and the report follow: the first outcome measure, else the
    first of the family."""
    return next((m for m in family if m.kind == "outcome"), family[0] if family else None)


def idea_status(cycles: list[dict[str, Any]]) -> str:
    """A change idea's status at a school, from its PDSA cycles there (in date order), so
    the status and the count of cycles never disagree: none is not tried; the last closed
    cycle's decision (adapt, adopt, abandon) once one has closed; testing before that."""
    closed = [c for c in cycles if c["stage"] == "closed" and c["act"]]
    if closed:
        return {"adapt": "adapting", "adopt": "adopted", "abandon": "abandoned"}[
            closed[-1]["act"]]
    return "testing" if cycles else "not_tried"


def spread_matrix(net: Network, reader: Reader, trends: dict[int, Any] | None = None
                  ) -> dict[str, Any]:
    """Each change idea's status (`idea_status`) and PDSA count at each school, and
    whether the outcome measure signals at each school lately. `trends`: outcome charts
    already drawn, by school pk (the status report draws them anyway), so none is
    computed twice."""
    schools = list(net.schools.order_by("name"))
    cycles: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for c in PDSACycle.objects.filter(network=net).order_by("start", "pk").values(
            "change_idea_id", "school_id", "stage", "act"):
        cycles.setdefault((c["change_idea_id"], c["school_id"]), []).append(c)
    labels = dict(ChangeIdea.STATUSES)
    rows = [{"idea": ci, "cells": [{"school": s, "status": labels[idea_status(
                cycles.get((ci.pk, s.pk), []))], "cycles": len(cycles.get((ci.pk, s.pk), []))}
                for s in schools]}
            for ci in net.change_ideas.all()]
    outcome = outcome_measure(list(net.measures.all()))
    signals = []
    for s in schools:
        t = (trends or {}).get(s.pk)
        if t is None and outcome:
            # signals only: the cycles' annotations change nothing here
            t = measures.chart(outcome, s, reader, cycles=False)
        pts = t.result.points if t and t.result is not None else None
        signals.append(bool(pts is not None and pts.signal.tail(6).any()))
    return {"schools": schools, "rows": rows, "outcome": outcome,
            "signals": list(zip(schools, signals))}


@login_required
def spread(request: HttpRequest, pk: int) -> HttpResponse:
    net = network(request.scope, pk)
    facts = Net.of(net)
    return render(request, "networks/spread.html", {
        "net": net, "phase": current_phase(net), **spread_matrix(net, Reader(request.scope)),
        "edits": {s.code for s in net.schools.all()
                  if TEAMS.allows(request.scope, "write", Team(facts, s.code))},
        "may_edit_ideas": NETWORKS.allows(request.scope, "add_idea", facts)})


@login_required
def session(request: HttpRequest, pk: int, session_id: int) -> HttpResponse:
    net = network(request.scope, pk)
    s = net.sessions.filter(pk=session_id).first()
    if s is None:
        raise Http404("no such learning session")
    earlier = net.sessions.filter(date__lt=s.date).order_by("-date").first()
    cycles = PDSACycle.objects.filter(network=net, start__lte=s.date)
    if earlier:
        cycles = cycles.filter(start__gt=earlier.date)
    return render(request, "networks/session.html", {
        "net": net, "s": s, "since": earlier, "attended": s.attended.all(),
        "cycles": cycles if NETWORKS.allows(request.scope, "read_cycles", Net.of(net))
        else None, "leads": NETWORKS.allows(request.scope, "lead", Net.of(net)),
        "cycle_count": cycles.count()})


def report_context(net: Network, reader: Reader) -> dict[str, Any]:
    aim = net.aims.filter(school__isnull=True).first()
    outcome = outcome_measure(list(net.measures.all()))
    charts, trends = [], {}
    schools = list(net.schools.order_by("name"))
    if outcome:
        for s in schools:
            svg, t = measures.svg(outcome, s, reader, cycles=True, width=320,
                                  height=150)  # the report is for team readers only
            trends[s.pk] = t
            charts.append({"school": s, "svg": mark_safe(svg),
                           "signals": sum(t.result.signals.values()) if t.result else 0})
    cycles = list(PDSACycle.objects.filter(network=net).values("school_id", "change_idea_id",
                                                               "stage"))
    by_school = {s.name: sum(c["school_id"] == s.pk for c in cycles) for s in schools}
    by_idea = {ci.title: sum(c["change_idea_id"] == ci.pk for c in cycles)
               for ci in net.change_ideas.all()}
    closed = sum(c["stage"] == "closed" for c in cycles)
    return {"net": net, "aim": aim, "phase": current_phase(net), "outcome": outcome,
            "charts": charts, "by_school": by_school, "by_idea": by_idea,
            "closed": closed, "open": len(cycles) - closed, **spread_matrix(net, reader, trends)}


@login_required
def report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    net = network(request.scope, pk)
    if fmt not in ("html", "pdf"):
        raise Http404("formats are html and pdf")
    NETWORKS.require(request.scope, "read_cycles", Net.of(net))  # it lists the cycles
    context = report_context(net, Reader(request.scope))
    html = render(request, "networks/network_report.html", context).content
    if fmt == "html":
        return HttpResponse(html)
    resp = HttpResponse(pdf(html.decode(), request), content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="network-{net.pk}-status.pdf"'
    return resp


@login_required
def diagram_file(request: HttpRequest, pk: int, aim_id: int, fmt: str) -> HttpResponse:
    """The driver diagram as SVG, PNG or PDF."""
    net = network(request.scope, pk)
    aim = net.aims.filter(pk=aim_id).first()
    if aim is None or fmt not in ("svg", "png", "pdf"):
        raise Http404("no such diagram")
    svg = diagram.for_aim(aim)
    if fmt == "svg":
        body, kind = svg.encode(), "image/svg+xml"
    elif fmt == "png":
        import vl_convert as vlc

        body, kind = vlc.svg_to_png(svg, scale=2), "image/png"
    else:
        from weasyprint import HTML

        page = (f"<html><head><style>@page {{ size: A4 landscape; margin: 1cm }} svg {{ width: "
                f"100% }}</style></head><body><h2>{net.name}</h2>{svg}</body></html>")
        body, kind = HTML(string=page).write_pdf(), "application/pdf"
    resp = HttpResponse(body, content_type=kind)
    resp["Content-Disposition"] = f'attachment; filename="driver-diagram-{aim.pk}.{fmt}"'
    return resp
