"""People and roles in a district: invitations, grants, changes, removals, deactivation.
Every change is one `PeopleChange` row in the district's log; who may make them is
`orgs.access` (manage_people: the district's admins)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from aimline.web.orgs.models import ApiToken, Invitation, Organisation, PeopleChange, Role

INVITE_DAYS = 7
SESSION_KEY = "aimline_invitation"


def roles_in(district: Organisation) -> QuerySet[Role]:
    """The roles a district's admins manage: the district's own, and those at its schools
    (a network's or a partnership's roles are managed there)."""
    return Role.objects.filter(
        Q(district=district) | Q(schools__district=district),
        network__isnull=True, partnership__isnull=True).distinct()


def within(role: Role, district: Organisation) -> bool:
    schools = list(role.schools.all())
    return role.network_id is None and role.partnership_id is None and (
        role.district_id == district.pk if role.district_id else bool(schools)) and all(
        s.district_id == district.pk for s in schools)


def where(role: Role) -> str:
    """'Aimline Unified', 'Lincoln High School', '4 schools': what a role covers."""
    schools = list(role.schools.all())
    if role.district_id and not schools:
        return role.district.name
    return schools[0].name if len(schools) == 1 else f"{len(schools)} schools"


def _check(district: Organisation, role: str, schools: Iterable[Organisation]) -> None:
    """A role the district may grant, with the schools it needs, all the district's."""
    schools = list(schools)
    if role not in dict(Invitation.ROLES):
        raise ValidationError(f"a district grants these roles: "
                              f"{', '.join(label for _, label in Invitation.ROLES)}")
    others = [s.name for s in schools if s.district_id != district.pk]
    if others:
        raise ValidationError(f"{others[0]} is not a school of {district.name}")
    need = Role.NEEDS[role]
    if need == "one school" and len(schools) != 1:
        raise ValidationError(f"a {dict(Role.ROLES)[role]} has exactly one school")
    if need == "district" and schools:
        raise ValidationError(f"a {dict(Role.ROLES)[role]} covers the whole district: "
                              "choose no schools")


def _log(by: Any, district: Organisation, person: str, action: str, detail: str) -> None:
    PeopleChange.objects.create(by=by, district=district, person=person, action=action,
                                detail=detail[:400])


def _label(role: str, district: Organisation, schools: list[Organisation]) -> str:
    at = district.name if not schools else (schools[0].name if len(schools) == 1
                                            else f"{len(schools)} schools")
    return f"{dict(Role.ROLES)[role]} at {at}"


@transaction.atomic
def invite(by: Any, district: Organisation, email: str, role: str,
           schools: Iterable[Organisation], link: str) -> tuple[Invitation, str]:
    """Create the invitation and email its link (`link`: the absolute URL prefix of
    /invite/<token>/); (invitation, token)."""
    schools = list(schools)
    _check(district, role, schools)
    email = email.strip().lower()
    token = secrets.token_urlsafe(32)
    inv = Invitation.objects.create(
        district=district, email=email, role=role, digest=ApiToken.hash(token),
        invited_by=by, expires_at=timezone.now() + dt.timedelta(days=INVITE_DAYS))
    inv.schools.set(schools)
    what = _label(role, district, schools)
    body = render_to_string("orgs/invitation_email.txt", {
        "inv": inv, "what": what, "url": f"{link}{token}/", "days": INVITE_DAYS,
        "by": by.get_full_name() or by.username})
    send_mail(f"You are invited to Aimline: {what}", body, settings.DEFAULT_FROM_EMAIL,
              [email])
    _log(by, district, email, "invited", f"{what}; the link expires in {INVITE_DAYS} days")
    return inv, token


@transaction.atomic
def accept(inv: Invitation, user: Any) -> Role:
    """The invited person signed up (or signed in) with the link: their role."""
    why = inv.usable(timezone.now())
    if why:
        raise ValidationError(why)
    if user.email.lower() != inv.email.lower():
        raise ValidationError(f"this invitation is for {inv.email}")
    schools = list(inv.schools.all())
    role = Role.objects.create(user=user, role=inv.role,
                               district=None if schools else inv.district)
    role.schools.set(schools)
    inv.accepted_at, inv.accepted_by = timezone.now(), user
    inv.save(update_fields=["accepted_at", "accepted_by"])
    _log(user, inv.district, user.username, "accepted",
         f"{_label(inv.role, inv.district, schools)} (invited as {inv.email})")
    return role


@transaction.atomic
def grant(by: Any, district: Organisation, user: Any, role: str,
          schools: Iterable[Organisation]) -> Role:
    schools = list(schools)
    _check(district, role, schools)
    r = Role.objects.create(user=user, role=role, district=None if schools else district)
    r.schools.set(schools)
    _log(by, district, user.username, "granted", _label(role, district, schools))
    return r


def _last_admin(district: Organisation, leaving: Role) -> bool:
    admins = Role.objects.filter(role=Role.DISTRICT_ADMIN, district=district,
                                 user__is_active=True).exclude(pk=leaving.pk)
    return leaving.role == Role.DISTRICT_ADMIN and not admins.exists()


@transaction.atomic
def change(by: Any, district: Organisation, r: Role, role: str,
           schools: Iterable[Organisation]) -> Role:
    if not within(r, district):
        raise ValidationError("this role is not the district's to change")
    schools = list(schools)
    _check(district, role, schools)
    if role != Role.DISTRICT_ADMIN and _last_admin(district, r):
        raise ValidationError(f"{r.user.username} is {district.name}'s last admin: grant "
                              "the role to someone else first")
    before = _label(r.role, district, list(r.schools.all()))
    r.role, r.district = role, None if schools else district
    r.save()
    r.schools.set(schools)
    _log(by, district, r.user.username, "changed",
         f"{before} → {_label(role, district, schools)}")
    return r


@transaction.atomic
def remove(by: Any, district: Organisation, r: Role) -> None:
    if not within(r, district):
        raise ValidationError("this role is not the district's to remove")
    if _last_admin(district, r):
        raise ValidationError(f"{r.user.username} is {district.name}'s last admin: grant "
                              "the role to someone else first")
    _log(by, district, r.user.username, "removed",
         _label(r.role, district, list(r.schools.all())))
    r.delete()


@transaction.atomic
def set_active(by: Any, district: Organisation, user: Any, active: bool) -> None:
    """Deactivate (no sign-in, no API tokens) or reactivate a person whose every role is
    the district's; someone with roles elsewhere loses their roles here instead."""
    roles = list(Role.objects.filter(user=user))
    if any(not within(r, district) for r in roles):
        raise ValidationError(f"{user.username} also holds roles outside {district.name}: "
                              "remove their roles here instead")
    if user.pk == by.pk:
        raise ValidationError("you cannot deactivate yourself")
    if not active and any(_last_admin(district, r) for r in roles):
        raise ValidationError(f"{user.username} is {district.name}'s last admin")
    user.is_active = active
    user.save(update_fields=["is_active"])
    _log(by, district, user.username, "reactivated" if active else "deactivated",
         ", ".join(_label(r.role, district, list(r.schools.all())) for r in roles)
         or "no roles")


def pending(request: Any) -> Invitation | None:
    """The usable invitation whose link this browser followed, if any."""
    pk = request.session.get(SESSION_KEY)
    inv = Invitation.objects.filter(pk=pk).first() if pk else None
    return inv if inv is not None and inv.usable(timezone.now()) is None else None

