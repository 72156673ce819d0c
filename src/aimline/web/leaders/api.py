"""API under /api/leadership/: programmes, cohorts, candidates, targets (propose, approve,
return), evaluations, certificates (issue: 201, or 409 with the evaluation when it is not
attained) and the coaching log as the seat allows. Same rules as the pages
(`access.LEADERS`, through `seats`); the public verification is GET /api/verify/{code}."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from aimline.web.api_errors import ErrorOut, answers
from aimline.web.coaching.api import CoachingOut
from aimline.web.coaching.subjects import listing
from aimline.web.leaders import goals, seats
from aimline.web.leaders.models import Certificate, Cohort, Goal, Programme

router = Router(tags=["leadership"])


class ProgrammeOut(Schema):
    id: int
    name: str
    kind: str
    provider: str


class CohortOut(Schema):
    id: int
    programme: int
    name: str
    starts: dt.date
    ends: dt.date


class CandidateOut(Schema):
    id: int
    name: str
    kind: str
    cohort: int
    schools: list[str]
    coach: str
    approver: str
    seats: list[str]


class DecisionOut(Schema):
    step: str
    outcome: str
    by: str
    at: dt.datetime
    comment: str


class TargetOut(Schema):
    id: int
    candidate: int
    version: int
    status: str
    metric: str
    schools: list[str]
    group_type: str
    group_value: str
    baseline_year: int
    period: str
    baseline: float | None
    target: float
    due: dt.date
    rationale: str
    decisions: list[DecisionOut]


class TargetIn(Schema):
    metric: str
    schools: list[str]
    group_type: str = "all"
    group_value: str = "all"
    baseline_year: int
    period: Literal["year", "to_date"] = "year"
    target_value: float
    due: dt.date
    rationale: str
    submit: bool = False


class DecisionIn(Schema):
    comment: str = ""


class EvaluationOut(Schema):
    id: int
    state: str
    school_year: int
    value: float | None
    numerator: float | None
    denominator: float | None
    reason: str
    load: str
    min_n: int
    at: dt.datetime


class CertificateOut(Schema):
    id: int
    candidate: int
    code: str
    issued_at: dt.datetime
    exception: bool
    revoked: bool
    verify_url: str


class RefusedOut(Schema):
    detail: str
    evaluation: EvaluationOut | None


def _target(g: Goal) -> dict[str, Any]:
    return {"id": g.pk, "candidate": g.candidate_id, "version": g.version, "status": g.status,
            "metric": g.metric, "schools": g.schools, "group_type": g.group_type,
            "group_value": g.group_value, "baseline_year": g.baseline_year,
            "period": g.period,
            "baseline": g.target.baseline if g.target else None, "target": g.target_value,
            "due": g.due, "rationale": g.rationale,
            "decisions": [{"step": d.step, "outcome": d.outcome, "by": d.by.username,
                           "at": d.at, "comment": d.comment} for d in g.decisions.all()]}


def _certificate(c: Certificate) -> dict[str, Any]:
    from aimline.web.credentials.issuing import url

    return {"id": c.pk, "candidate": c.candidate_id, "code": c.credential.code,
            "issued_at": c.issued_at, "exception": c.exception_id is not None,
            "revoked": c.credential.revoked, "verify_url": url("verify", c.credential.code)}


def _invalid(e: ValidationError) -> HttpError:
    return HttpError(422, " ".join(e.messages))


@router.get("/programmes", response=answers(list[ProgrammeOut]),
            summary="Programmes where you have a seat")
def programmes(request: HttpRequest) -> Any:
    mine = seats.candidates(request.user).values_list("cohort__programme", flat=True)
    return [{"id": p.pk, "name": p.name, "kind": p.kind, "provider": p.provider.name}
            for p in Programme.objects.filter(Q(pk__in=mine) | Q(staff=request.user))
            .distinct().select_related("provider")]


@router.get("/cohorts", response=answers(list[CohortOut]), summary="Cohorts of those")
def cohorts(request: HttpRequest) -> Any:
    mine = seats.candidates(request.user).values_list("cohort", flat=True)
    return [{"id": c.pk, "programme": c.programme_id, "name": c.name, "starts": c.starts,
             "ends": c.ends} for c in Cohort.objects.filter(
                 Q(pk__in=mine) | Q(programme__staff=request.user)).distinct()]


@router.get("/candidates", response=answers(list[CandidateOut]),
            summary="Candidates where you have a seat (yourself, coachees, approvals, "
                    "your programmes)")
def candidates(request: HttpRequest) -> Any:
    return [{"id": c.pk, "name": c.name, "kind": c.kind, "cohort": c.cohort_id,
             "schools": c.codes(), "coach": c.coach.username, "approver": c.approver.username,
             "seats": sorted(seats.at_candidate(request.user, c).seats)}
            for c in seats.candidates(request.user)]


@router.get("/targets", response=answers(list[TargetOut]), summary="Every version of the "
            "targets of candidates where you have a seat")
def targets(request: HttpRequest,
            candidate: int | None = Query(None, ge=1, le=2**63 - 1)) -> Any:
    qs = Goal.objects.filter(candidate__in=seats.candidates(request.user)).select_related(
        "target").prefetch_related("decisions__by")
    if candidate is not None:
        qs = qs.filter(candidate=candidate)
    return [_target(g) for g in qs]


@router.post("/candidates/{pk}/targets", response=answers(TargetOut, 201),
             summary="Propose (or change the draft of) your target; submit=true freezes "
                     "the baseline and sends it to your approver")
def propose(request: HttpRequest, pk: int, body: TargetIn) -> Any:
    c, _ = seats.candidate(request, pk, "propose")
    try:
        g = goals.propose(c, request.user, **body.dict(exclude={"submit"}))
        if body.submit:
            goals.submit(g, request.user)
    except (ValidationError, KeyError) as e:
        raise _invalid(e if isinstance(e, ValidationError) else ValidationError(str(e))) \
            from None
    return Status(201, _target(g))


def _decide(request: HttpRequest, pk: int, approve: bool, comment: str) -> Any:
    g = Goal.objects.filter(pk=pk).first()
    if g is None:
        raise HttpError(404, "no such target")
    action = "decide_district" if g.status == Goal.SUBMITTED else "decide_programme"
    seats.candidate(request, g.candidate_id, action)
    try:
        goals.decide(g, request.user, approve=approve, comment=comment)
    except ValidationError as e:
        raise _invalid(e) from None
    g.refresh_from_db()
    return _target(g)


@router.post("/targets/{pk}/approve", response=answers(TargetOut),
             summary="Approve for the district (the approver), then the programme (staff)")
def approve(request: HttpRequest, pk: int, body: DecisionIn) -> Any:
    return _decide(request, pk, True, body.comment)


@router.post("/targets/{pk}/return", response=answers(TargetOut),
             summary="Return to draft with a comment")
def give_back(request: HttpRequest, pk: int, body: DecisionIn) -> Any:
    return _decide(request, pk, False, body.comment)


@router.get("/candidates/{pk}/evaluations", response=answers(list[EvaluationOut]),
            summary="Evaluations of the approved target, newest first")
def evaluations(request: HttpRequest, pk: int) -> Any:
    c, _ = seats.candidate(request, pk)
    g = goals.approved(c)
    return list(g.target.evaluations.all()) if g and g.target else []


@router.post("/candidates/{pk}/evaluate", response=answers(EvaluationOut, 201),
             summary="Evaluate the approved target from the warehouse now")
def evaluate(request: HttpRequest, pk: int) -> Any:
    c, _ = seats.candidate(request, pk, "evaluate")
    g = goals.approved(c)
    if g is None:
        raise HttpError(422, "there is no approved target to evaluate")
    return Status(201, goals.evaluate(g))


@router.get("/certificates", response=answers(list[CertificateOut]),
            summary="Certificates of candidates where you have a seat")
def certificates(request: HttpRequest) -> Any:
    return [_certificate(c) for c in Certificate.objects.filter(
        candidate__in=seats.candidates(request.user)).select_related("credential")]


@router.post("/candidates/{pk}/certificate",
             response={201: CertificateOut, 409: RefusedOut, 401: ErrorOut, 403: ErrorOut,
                       404: ErrorOut, 422: ErrorOut},
             summary="Issue the certificate: 201, or 409 with the evaluation when the "
                     "target is not attained")
def issue(request: HttpRequest, pk: int) -> Any:
    c, _ = seats.candidate(request, pk, "issue")
    g = goals.approved(c)
    if g is None:
        raise HttpError(422, "there is no approved target")
    try:
        return Status(201, _certificate(goals.issue(g, request.user)))
    except ValidationError as e:
        return Status(409, {"detail": " ".join(e.messages), "evaluation": goals.latest(g)})


@router.get("/candidates/{pk}/coaching", response=answers(CoachingOut),
            summary="The coaching log: entries for the candidate and coach; counts, hours "
                    "and tags for programme staff")
def coaching(request: HttpRequest, pk: int) -> Any:
    c, seat = seats.candidate(request, pk, "read_log_summary")
    return listing(request, seats.COACHING, c, seat)
