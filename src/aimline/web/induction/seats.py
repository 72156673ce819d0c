"""A person's seats in induction, from the site database: the facts `access.py` rules
over, and the lists of what a person may open (queries that agree with the rules)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet
from django.urls import reverse

from aimline.web.access import Seat
from aimline.web.coaching.subjects import Subject
from aimline.web.induction import mou
from aimline.web.induction.access import (
    CANDIDATE,
    COACH,
    COORDINATOR,
    INDUCTION,
    PARTNER,
    PARTNERSHIPS,
    SIGNER,
    STAFF,
    SUPERVISOR,
)
from aimline.web.induction.models import Candidate, Grant, Match, Partnership, Standard
from aimline.web.orgs.models import Role


def at_candidate(user: Any, c: Candidate) -> Seat:
    if not user.is_authenticated:
        return Seat()
    seats = {name for name, uid in ((CANDIDATE, c.user_id), (SUPERVISOR, c.supervisor_id))
             if uid == user.pk}
    if c.matches.filter(status=Match.CONFIRMED, coach__user=user).exists():
        seats.add(COACH)
    if c.partnership.coordinators.filter(user=user, district=c.district_id).exists():
        seats.add(COORDINATOR)
    if c.partnership.staff.filter(pk=user.pk).exists():
        seats.add(STAFF)
    return Seat(frozenset(seats))


def _elements(_c: Candidate) -> list[tuple[str, str]]:
    return [(e.code, f"{e.code} {e.title}") for e in
            Standard.objects.filter(framework="CPSEL", parent__isnull=False)]


# the shared coaching log at a candidate: tags are the CPSEL elements
COACHING = Subject(Candidate, INDUCTION, at_candidate, focus=_elements,
                   focus_label="CPSEL elements",
                   page=lambda c: reverse("induction_candidate", args=[c.pk]),
                   name=lambda c: c.name)


def at_partnership(user: Any, p: Partnership) -> Seat:
    if not user.is_authenticated:
        return Seat()
    seats = set()
    if p.staff.filter(pk=user.pk).exists():
        seats.add(STAFF)
    if p.coordinators.filter(user=user).exists():
        seats.add(COORDINATOR)
    if p.signers.filter(user=user).exists():
        seats.add(SIGNER)
    if granted(user, p):
        seats.add(PARTNER)
    return Seat(frozenset(seats))


def granted(user: Any, p: Partnership) -> set[str]:
    """What the MOU in force grants the user's partner organisations (`Grant.WHAT`): a
    partner role under one of the partnership's districts' data agreements, for an
    organisation that agreement names. A draft grants nothing."""
    signed = mou.current(p) if user.is_authenticated else None
    if signed is None:
        return set()
    orgs = Role.objects.filter(user=user, role=Role.PARTNER,
                               partnership__district__in=p.districts.all()
                               ).values("partnership__partners")
    return set(Grant.objects.filter(mou=signed, partner__in=orgs)
               .values_list("what", flat=True))


def candidates(user: Any) -> QuerySet[Candidate]:
    """Every candidate the user has a seat at (INDUCTION "read")."""
    return (Candidate.objects.filter(
        Q(user=user) | Q(supervisor=user)
        | Q(matches__status=Match.CONFIRMED, matches__coach__user=user)
        | Q(partnership__staff=user)
        | Q(partnership__coordinators__user=user,
            district=F("partnership__coordinators__district")))
        .distinct().select_related("user", "partnership", "school"))


def partnerships(user: Any) -> QuerySet[Partnership]:
    return Partnership.objects.filter(Q(staff=user) | Q(coordinators__user=user)
                                      | Q(signers__user=user)).distinct()


def candidate(request: Any, pk: int, action: str = "read") -> tuple[Candidate, Seat]:
    """The candidate and the user's seat; 404 without any seat, 403 when the seat does not
    allow `action`."""
    found = Candidate.objects.select_related("partnership", "user").filter(pk=pk).first()
    seat = at_candidate(request.user, found) if found else Seat()
    INDUCTION.require(request.scope, "read", seat, hidden=True)
    INDUCTION.require(request.scope, action, seat)
    assert found is not None
    return found, seat


def partnership(request: Any, pk: int, action: str = "read") -> tuple[Partnership, Seat]:
    """The partnership and the user's seat; 404 where the seat does not even read it
    (`report`, the one thing a partner opens, is its own door), 403 without `action`."""
    found = Partnership.objects.filter(pk=pk).first()
    seat = at_partnership(request.user, found) if found else Seat()
    PARTNERSHIPS.require(request.scope, "report" if action == "report" else "read", seat,
                         hidden=True)
    PARTNERSHIPS.require(request.scope, action, seat)
    assert found is not None
    return found, seat
