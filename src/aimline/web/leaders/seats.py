"""A person's seats, from the site database: the facts `access.py` rules over, and the
lists of what a person may open (as queries that agree with the rules)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from aimline.web.coaching.subjects import Subject
from aimline.web.leaders.access import (
    APPROVER,
    CANDIDATE,
    CIRCLES,
    COACH,
    DISTRICT_LEADER,
    LEAD,
    LEADERS,
    MEMBER,
    STAFF,
    Seat,
)
from aimline.web.leaders.models import Candidate, PrincipalNetwork, Programme


def at_candidate(user: Any, c: Candidate) -> Seat:
    if not user.is_authenticated:
        return Seat()
    seats = {name for name, uid in ((CANDIDATE, c.user_id), (COACH, c.coach_id),
                                    (APPROVER, c.approver_id)) if uid == user.pk}
    if c.cohort.programme.staff.filter(pk=user.pk).exists():
        seats.add(STAFF)
    return Seat(frozenset(seats))


# the shared coaching log at a candidate: tags are the programme's leadership challenges
COACHING = Subject(Candidate, LEADERS, at_candidate,
                   focus=lambda c: [(t, t) for t in c.cohort.programme.challenges],
                   focus_label="Leadership challenges",
                   page=lambda c: reverse("leaders_candidate", args=[c.pk]),
                   name=lambda c: c.name)


def at_programme(user: Any, p: Programme) -> Seat:
    staff = user.is_authenticated and p.staff.filter(pk=user.pk).exists()
    return Seat(frozenset({STAFF}) if staff else frozenset())


def in_network(user: Any, n: PrincipalNetwork) -> Seat:
    if not user.is_authenticated:
        return Seat()
    seats = {name for name, rel in ((MEMBER, n.members), (LEAD, n.leads),
                                    (DISTRICT_LEADER, n.district_leaders))
             if rel.filter(pk=user.pk).exists()}
    return Seat(frozenset(seats))


def candidates(user: Any) -> QuerySet[Candidate]:
    """Every candidacy the user has a seat at (LEADERS "read")."""
    return (Candidate.objects.filter(Q(user=user) | Q(coach=user) | Q(approver=user)
                                     | Q(cohort__programme__staff=user))
            .distinct().select_related("user", "cohort__programme", "coach", "approver")
            .order_by("cohort__programme__name", "user__last_name", "user__username"))


def candidate(request: Any, pk: int, action: str = "read") -> tuple[Candidate, Seat]:
    """The candidacy and the user's seat; 404 without any seat, 403 when the seat does not
    allow `action`."""
    found = Candidate.objects.select_related("cohort__programme", "user").filter(pk=pk).first()
    seat = at_candidate(request.user, found) if found else Seat()
    LEADERS.require(request.scope, "read", seat, hidden=True)
    LEADERS.require(request.scope, action, seat)
    assert found is not None
    return found, seat


def programme(request: Any, pk: int, action: str = "manage") -> Programme:
    found = Programme.objects.filter(pk=pk).first()
    seat = at_programme(request.user, found) if found else Seat()
    LEADERS.require(request.scope, action, seat, hidden=True)
    assert found is not None
    return found


def network(request: Any, pk: int, action: str = "read") -> tuple[PrincipalNetwork, Seat]:
    found = PrincipalNetwork.objects.filter(pk=pk).first()
    seat = in_network(request.user, found) if found else Seat()
    CIRCLES.require(request.scope, "read", seat, hidden=True)
    CIRCLES.require(request.scope, action, seat)
    assert found is not None
    return found, seat


def networks(user: Any) -> QuerySet[PrincipalNetwork]:
    return (PrincipalNetwork.objects.filter(Q(members=user) | Q(leads=user)
                                            | Q(district_leaders=user))
            .distinct().order_by("name"))

