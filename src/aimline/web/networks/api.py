"""API for networks: the network, its aims, phases, measures and charts (aggregates, for
anyone who sees one of its schools), PDSA cycles (for its lead, coaches and teams), spread.
Mounted on the main API in `api.py`; same scope rules as the pages (`scope.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from aimline.web.access import Net, Team
from aimline.web.api_errors import answers
from aimline.web.networks import measures
from aimline.web.networks.access import NETWORKS, TEAMS
from aimline.web.networks.models import ChangeIdea, Measure, PDSACycle
from aimline.web.networks.views import current_phase, spread_matrix, team_school
from aimline.web.orgs.scope import network, readable_networks
from aimline.web.warehouse import Reader, records

router = Router(tags=["networks"])


class NetworkOut(Schema):
    id: int
    name: str
    problem_of_practice: str
    phase: str | None
    schools: list[str]


class DriverOut(Schema):
    id: int
    text: str
    parent: int | None
    change_ideas: list[int]


class AimOut(Schema):
    id: int
    school: str | None
    statement: str
    metric: str
    group_type: str
    group_value: str
    baseline_year: int
    baseline: float | None
    target: float
    by_date: dt.date
    approved: bool
    drivers: list[DriverOut]


class MeasureOut(Schema):
    id: int
    name: str
    kind: str
    metric: str
    unit: str


class NetworkDetail(NetworkOut):
    aims: list[AimOut]
    phases: list[dict[str, Any]]
    measures: list[MeasureOut]
    change_ideas: list[dict[str, Any]]
    sessions: list[dict[str, Any]]


class CycleIn(Schema):
    school: str
    change_idea: int
    title: str = Field(..., min_length=1, max_length=200)
    question: str = Field(..., min_length=1)
    prediction: str = ""
    plan: str = ""
    data_to_collect: str = ""
    start: dt.date
    end: dt.date | None = None
    do_notes: str = ""
    study_notes: str = ""
    act: Literal["", "adapt", "adopt", "abandon"] = ""
    stage: Literal["plan", "do", "study", "closed"] = "plan"
    previous: int | None = None


class CycleOut(Schema):
    id: int
    school: str
    change_idea: str
    title: str
    question: str
    prediction: str
    start: dt.date
    end: dt.date | None
    stage: str
    act: str
    study_notes: str
    previous: int | None


class ChartPoint(Schema):
    x: str
    y: float | None
    cl: float | None
    lcl: float | None
    ucl: float | None
    signal: bool


class MeasureChartOut(Schema):
    chart: str | None
    reason: str
    signals: dict[str, int]
    annotations: list[dict[str, str]]
    points: list[ChartPoint]


def _net_out(net: Any) -> dict[str, Any]:
    p = current_phase(net)
    return {"id": net.pk, "name": net.name, "problem_of_practice": net.problem_of_practice,
            "phase": p.phase if p else None,
            "schools": list(net.schools.order_by("code").values_list("code", flat=True))}


def _cycle_out(c: PDSACycle) -> dict[str, Any]:
    return {"id": c.pk, "school": c.school.code, "change_idea": c.change_idea.title,
            "title": c.title, "question": c.question, "prediction": c.prediction,
            "start": c.start, "end": c.end, "stage": c.stage, "act": c.act,
            "study_notes": c.study_notes, "previous": c.previous_id}


@router.get("/networks", response=answers(list[NetworkOut]), summary="Networks you can see")
def networks(request: HttpRequest) -> Any:
    return [_net_out(n) for n in readable_networks(request.scope)]


@router.get("/networks/{pk}", response=answers(NetworkDetail), summary="A network: aims, phases, "
            "measures, change ideas")
def network_detail(request: HttpRequest, pk: int) -> Any:
    net = network(request.scope, pk)
    # each aim with its driver diagram, as data
    aims = [{"id": a.pk, "school": a.school.code if a.school else None,
             "statement": a.statement(), "approved": a.approved,
             "drivers": [{"id": d.pk, "text": d.text, "parent": d.parent_id,
                          "change_ideas": [c.pk for c in d.change_ideas.all()]}
                         for d in a.drivers.all()],
             **{k: getattr(a, k) for k in ("metric", "group_type", "group_value",
                                           "baseline_year", "baseline", "target", "by_date")}}
            for a in net.aims.select_related("school", "network").prefetch_related(
                "drivers__change_ideas")]
    return {**_net_out(net), "aims": aims,
            "phases": [{"phase": p.phase, "began": p.began.isoformat()}
                       for p in net.phases.all()],
            "measures": [{"id": m.pk, "name": m.name, "kind": m.kind, "metric": m.metric,
                          "unit": m.unit} for m in net.measures.all()],
            "change_ideas": [{"id": c.pk, "title": c.title} for c in net.change_ideas.all()],
            "sessions": [{"id": x.pk, "date": x.date.isoformat(), "title": x.title,
                          "agenda": x.agenda,
                          "attended": [o.code for o in x.attended.all()]}
                         for x in net.sessions.prefetch_related("attended")]}


@router.get("/networks/{pk}/cycles", response=answers(list[CycleOut]),
            summary="PDSA cycles (network lead, coaches and teams only)")
def cycles(request: HttpRequest, pk: int, school: str | None = None) -> Any:
    net = network(request.scope, pk)
    NETWORKS.require(request.scope, "read_cycles", Net.of(net))
    qs = PDSACycle.objects.filter(network=net).select_related("school", "change_idea")
    if school:
        qs = qs.filter(school__code=school)
    return [_cycle_out(c) for c in qs]


@router.post("/networks/{pk}/cycles", response=answers(CycleOut, 201),
             summary="Log a PDSA cycle for a school team")
def add_cycle(request: HttpRequest, pk: int, body: CycleIn) -> Any:
    net = network(request.scope, pk)
    org = team_school(request.scope, net, body.school)
    TEAMS.require(request.scope, "write", Team(Net.of(net), org.code))
    idea = ChangeIdea.objects.filter(network=net, pk=body.change_idea).first()
    if idea is None:
        raise HttpError(422, f"no change idea {body.change_idea} in this network")
    prev = None
    if body.previous is not None:
        prev = PDSACycle.objects.filter(network=net, school=org, pk=body.previous).first()
        if prev is None:
            raise HttpError(422, f"no earlier cycle {body.previous} for this team")
    data = body.dict(exclude={"school", "change_idea", "previous"})
    c = PDSACycle(network=net, school=org, change_idea=idea, previous=prev,
                  created_by=request.user, **data)
    try:
        c.save()
    except ValidationError as e:
        raise HttpError(422, "; ".join(f"{k}: {' '.join(v)}" for k, v in
                                       e.message_dict.items())) from None
    return Status(201, _cycle_out(c))


@router.get("/networks/{pk}/measures/{measure_id}/chart", response=answers(MeasureChartOut),
            summary="A measure at one school: chart points, signals, PDSA and phase notes")
def measure_chart(request: HttpRequest, pk: int, measure_id: int, school: str) -> Any:
    net = network(request.scope, pk)
    org = net.schools.filter(code=school).first()
    m = Measure.objects.filter(network=net, pk=measure_id).first()
    if org is None or m is None:
        raise Http404("no such measure or school in this network")
    cycles = NETWORKS.allows(request.scope, "read_cycles", Net.of(net))
    t = measures.chart(m, org, Reader(request.scope), cycles=cycles)
    if t.result is None:
        return {"chart": None, "reason": t.reason, "signals": {}, "annotations": [],
                "points": []}
    pts = t.result.points.assign(x=lambda d: d.x.astype(str))
    rows = records(pts[["x", "y", "cl", "lcl", "ucl", "signal"]])
    return {"chart": t.result.kind, "reason": t.reason, "signals": t.result.signals,
            "annotations": [{"x": str(a.x.date()), "label": a.label, "kind": a.kind}
                            for a in t.result.annotations], "points": rows}


class SpreadOut(Schema):
    schools: list[str]
    change_ideas: list[dict[str, Any]]


@router.get("/networks/{pk}/spread", response=answers(SpreadOut),
            summary="Each change idea's status at each school")
def spread(request: HttpRequest, pk: int) -> Any:
    s = spread_matrix(network(request.scope, pk), Reader(request.scope))
    return {"schools": [x.code for x in s["schools"]],
            "change_ideas": [{"title": r["idea"].title,
                              "status": {c["school"].code: c["status"] for c in r["cells"]},
                              "cycles": {c["school"].code: c["cycles"] for c in r["cells"]}}
                             for r in s["rows"]]}
