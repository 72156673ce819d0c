"""A person's seats at a submission or a project (the facts `access.WORK` rules over)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aimline.web.access import At, Seat
from aimline.web.growth.access import (
    ANYONE,
    COLLEAGUE,
    GROWTH,
    KEEPER,
    REVIEWER,
    TEACHER,
    WORK,
)
from aimline.web.growth.models import MicroCredential, Project, Submission
from aimline.web.orgs.scope import Scope


def reviews(user: Any, mc: MicroCredential) -> bool:
    """An expert the district named, or someone who has earned it."""
    return (mc.reviewers.filter(pk=user.pk).exists()
            or mc.submissions.filter(teacher=user, state=Submission.EARNED).exists())


def at_submission(user: Any, scope: Scope, sub: Submission) -> Seat:
    if not user.is_authenticated:
        return Seat()
    seats = set()
    if sub.teacher_id == user.pk:
        seats.add(TEACHER)  # and never a reviewer of one's own
    elif reviews(user, sub.credential):
        seats.add(REVIEWER)
    if sub.credential.district.code in scope.admin_districts:
        seats.add(KEEPER)
    return Seat(frozenset(seats))


def at_project(user: Any, scope: Scope, p: Project) -> Seat:
    seats = {ANYONE} if p.public else set()
    if not user.is_authenticated:
        return Seat(frozenset(seats))
    if p.authors.filter(pk=user.pk).exists():
        seats.add(TEACHER)
    if p.district.code in scope.admin_districts:
        seats.add(KEEPER)
    if p.published_at is not None and GROWTH.allows(scope, "read", At(p.district.code)):
        seats.add(COLLEAGUE)
    return Seat(frozenset(seats))


T = TypeVar("T")


def found(request: Any, obj: T | None, seat_of: Callable[[Any, Scope, T], Seat],
          action: str) -> tuple[T, Seat]:
    """The object and the person's seat at it: 404 where they have no seat that reads it
    (the same as no such object), 403 where their seat does not allow `action`."""
    seat = seat_of(request.user, request.scope, obj) if obj is not None else Seat()
    WORK.require(request.scope, "read", seat, hidden=True)
    WORK.require(request.scope, action, seat)
    assert obj is not None
    return obj, seat
