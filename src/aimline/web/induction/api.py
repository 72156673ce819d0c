"""API under /api/induction/: the partnerships and candidates where you have a seat, a
candidate's clocks, coach, hours against the programme's settings and completion, and the
coaching log as the seat allows. Same rules as the pages (`access.INDUCTION`,
`access.PARTNERSHIPS`, through `seats`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from aimline.web.api_errors import answers
from aimline.web.coaching.api import CoachingOut
from aimline.web.coaching.subjects import listing
from aimline.web.induction import deadlines, outcomes, seats
from aimline.web.induction.access import INDUCTION
from aimline.web.induction.models import Candidate

router = Router(tags=["induction"])


class PartnershipOut(Schema):
    id: int
    name: str
    provider: str
    districts: list[str]
    settings: dict[str, Any]
    seats: list[str]


class ClockOut(Schema):
    rule: str
    due: dt.date
    done: dt.date | None
    state: str


class HoursOut(Schema):
    school_year: int  # named by the year it ends (July–June)
    hours: float
    within: bool  # within the programme's [least, most]


class InductionCandidateOut(Schema):
    id: int
    name: str
    partnership: int
    district: str
    cohort: str
    position: str
    school: str | None
    hired_on: dt.date
    admitted_on: dt.date
    status: str
    coach: str | None
    days_to_coach: int | None
    seats: list[str]


class InductionCandidateDetailOut(InductionCandidateOut):
    clocks: list[ClockOut]
    iip_hours: dict[int, float]  # plan year (1, 2) -> planned clock hours
    pd_hours: list[HoursOut]
    coaching_hours: list[HoursOut] | None  # None: this seat sees no coaching counts
    completed: dt.date | None  # completion recommended by the programme
    credential_recommended: dt.date | None


def _hours(hours: dict[int, float], band: list[int]) -> list[dict[str, Any]]:
    return [{"school_year": r["year"], "hours": r["hours"], "within": r["ok"]}
            for r in outcomes.against(hours, band)]


def _candidate(c: Candidate, user: Any) -> dict[str, Any]:
    m = c.coach()
    return {"id": c.pk, "name": c.name, "partnership": c.partnership_id,
            "district": c.district.code, "cohort": c.cohort, "position": c.position,
            "school": c.school.code if c.school else None, "hired_on": c.hired_on,
            "admitted_on": c.admitted_on, "status": c.status,
            "coach": m.coach.user.username if m else None,
            "days_to_coach": deadlines.days_to_coach(c),
            "seats": sorted(seats.at_candidate(user, c).seats)}


@router.get("/partnerships", response=answers(list[PartnershipOut]),
            summary="Partnerships where you have a seat (staff, coordinator, signer)")
def partnerships(request: HttpRequest) -> Any:
    return [{"id": p.pk, "name": p.name, "provider": p.provider.name,
             "districts": [d.code for d in p.districts.all()],
             "settings": {k: getattr(p, k) for k in (
                 "enrol_within_days", "coach_within_days", "iip_hours", "pd_hours",
                 "coaching_hours")},
             "seats": sorted(seats.at_partnership(request.user, p).seats)}
            for p in seats.partnerships(request.user).select_related("provider")]


@router.get("/candidates", response=answers(list[InductionCandidateOut]),
            summary="Candidates where you have a seat: yourself, your coachees, those you "
                    "supervise, your district's (coordinator), your programme's (staff)")
def candidates(request: HttpRequest) -> Any:
    return [_candidate(c, request.user) for c in
            seats.candidates(request.user).select_related("district").order_by("pk")]


@router.get("/candidates/{pk}", response=answers(InductionCandidateDetailOut),
            summary="A candidate: the CTC clocks, coach, IIP, coaching and PD hours "
                    "against the programme's settings, completion")
def candidate(request: HttpRequest, pk: int) -> Any:
    c, seat = seats.candidate(request, pk)
    p = c.partnership
    done = getattr(c, "completion", None)
    counts = INDUCTION.allows(request.scope, "read_log_summary", seat)
    return {**_candidate(c, request.user),
            "clocks": [vars(k) for k in deadlines.clocks(c, dt.date.today())],
            "iip_hours": {pl.year: pl.hours() for pl in c.plans.all()},
            "pd_hours": _hours(outcomes.pd_hours(c), p.pd_hours),
            "coaching_hours": _hours(outcomes.coaching_hours(c), p.coaching_hours)
            if counts else None,
            "completed": done.recommended_on if done else None,
            "credential_recommended": done.credential_recommended_on if done else None}


@router.get("/candidates/{pk}/coaching", response=answers(CoachingOut),
            summary="The coaching log: entries for the candidate and coach (and those the "
                    "candidate shares, for the supervisor); sessions and hours for the "
                    "coordinator and staff")
def coaching(request: HttpRequest, pk: int) -> Any:
    c, seat = seats.candidate(request, pk)
    return listing(request, seats.COACHING, c, seat)
