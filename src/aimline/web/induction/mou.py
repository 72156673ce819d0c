"""The MOU's life: a first draft, amendments as new versions, signatures by each party's
authorised signer, and the reminders of commitments coming due. Every step refuses with
a message and changes nothing when it does not apply."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from aimline.web.induction.models import (
    Commitment,
    CommitmentDone,
    Grant,
    Mou,
    Partnership,
    Signature,
)

STEP_MONTHS = {Commitment.MONTHLY: 1, Commitment.QUARTERLY: 3, Commitment.YEARLY: 12}


def current(p: Partnership) -> Mou | None:
    """The version in force: the latest signed one."""
    return p.mous.filter(status=Mou.SIGNED).order_by("-version").first()


def latest(p: Partnership) -> Mou | None:
    return p.mous.order_by("-version").first()


def draft(p: Partnership, by: Any, starts: dt.date, ends: dt.date) -> Mou:
    if p.mous.exists():
        raise ValidationError("this partnership has an MOU: amend it as a new version")
    return Mou.objects.create(partnership=p, version=1, starts=starts, ends=ends,
                              created_by=by)


@transaction.atomic
def amend(mou: Mou, by: Any, changes: str, *, starts: dt.date | None = None,
          ends: dt.date | None = None) -> Mou:
    """Version n+1, a draft with the commitments of the signed version n, to change and
    sign again; version n stays in force until the amendment is signed."""
    mou = Mou.objects.select_for_update().get(pk=mou.pk)
    if mou.status != Mou.SIGNED or latest(mou.partnership) != mou:
        raise ValidationError(f"only the signed version in force is amended; version "
                              f"{mou.version} is {mou.get_status_display().lower()}")
    if not changes.strip():
        raise ValidationError("an amendment says what it changes")
    new = Mou.objects.create(partnership=mou.partnership, version=mou.version + 1,
                             starts=starts or mou.starts, ends=ends or mou.ends,
                             changes=changes, created_by=by)
    for c in mou.commitments.all():
        copy = Commitment.objects.create(mou=new, category=c.category, party=c.party,
                                         what=c.what, owner=c.owner, due=c.due,
                                         recurrence=c.recurrence)
        # what was done stays done under the amendment
        CommitmentDone.objects.bulk_create(
            CommitmentDone(commitment=copy, on=d.on, note=d.note, by_id=d.by_id)
            for d in c.done.all())
    for g in mou.grants.all():
        Grant.objects.create(mou=new, partner=g.partner, what=g.what)
    return new


@transaction.atomic
def sign(mou: Mou, user: Any, party: Any, typed_name: str) -> Signature:
    """The party's signature on the current version. When every party has signed, the
    version is signed and the one it amends is superseded."""
    mou = Mou.objects.select_for_update().get(pk=mou.pk)
    newest = latest(mou.partnership)
    if mou.status == Mou.SUPERSEDED or newest != mou:
        raise ValidationError(f"version {mou.version} is superseded by version "
                              f"{newest.version if newest else '?'}: sign the current one")
    if mou.status == Mou.SIGNED:
        raise ValidationError(f"version {mou.version} is already signed by every party")
    signer = mou.partnership.signers.filter(party=party, user=user).first()
    if signer is None:
        raise ValidationError(f"{user} is not an authorised signer for {party}")
    if mou.signatures.filter(party=party).exists():
        raise ValidationError(f"{party} has already signed version {mou.version}")
    if not typed_name.strip():
        raise ValidationError("type your full name to sign")
    if not mou.commitments.exists():
        raise ValidationError("a version without commitments is not signed")
    s = Signature.objects.create(mou=mou, party=party, signer=user,
                                 typed_name=typed_name.strip(), title=signer.title)
    if not mou.missing():
        mou.partnership.mous.filter(status=Mou.SIGNED).update(status=Mou.SUPERSEDED)
        mou.status = Mou.SIGNED
        mou.save()
    return s


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return d.replace(year=year, month=month,
                     day=min(d.day, calendar.monthrange(year, month)[1]))


def occurrences(c: Commitment) -> list[dt.date]:
    """The dates a commitment falls due, from its first date to the end of the term."""
    if c.due is None:
        return []
    if c.recurrence == Commitment.ONCE:
        return [c.due]
    out, k = [], 0
    while (d := add_months(c.due, STEP_MONTHS[c.recurrence] * k)) <= c.mou.ends:
        out.append(d)
        k += 1
    return out


@dataclass(frozen=True)
class Reminder:
    commitment: Commitment
    due: dt.date
    overdue: bool


def reminders(p: Partnership, today: dt.date, within: int = 30) -> list[Reminder]:
    """Commitments of the MOU in force whose next occurrence is overdue or due within
    `within` days. Each record of a commitment done covers its earliest open occurrence."""
    mou = current(p)
    if mou is None:
        return []
    out = []
    for c in mou.commitments.select_related("party"):
        dates = occurrences(c)
        done = c.done.count()
        if done < len(dates):
            due = dates[done]
            if due <= today + dt.timedelta(days=within):
                out.append(Reminder(c, due, due < today))
    return sorted(out, key=lambda r: r.due)
