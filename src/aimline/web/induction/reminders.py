"""E-mailed reminders of MOU commitments coming due (`aimline site reminders --send`, e.g.
from cron each morning): one message per partnership to its staff, coordinators and
signers, listing each occurrence due within the window or overdue that was not reminded
of before; each occurrence is reminded once (`Reminded`)."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.db import transaction

from aimline.web.induction import mou
from aimline.web.induction.models import Partnership, Reminded


def recipients(p: Partnership) -> list[str]:
    people = ([*p.staff.all()] + [c.user for c in p.coordinators.select_related("user")]
              + [s.user for s in p.signers.select_related("user")])
    return sorted({u.email for u in people if u.email})


def pending(p: Partnership, today: dt.date, within: int = 30) -> list[mou.Reminder]:
    sent = set(Reminded.objects.filter(commitment__mou__partnership=p)
               .values_list("commitment_id", "due"))
    return [r for r in mou.reminders(p, today, within)
            if (r.commitment.pk, r.due) not in sent]


def send(today: dt.date, within: int = 30) -> list[tuple[Partnership, int, list[str]]]:
    """Send what is pending; returns (partnership, reminders sent, to whom)."""
    out = []
    for p in Partnership.objects.all():
        due, to = pending(p, today, within), recipients(p)
        if not due or not to:
            continue
        lines = [f"- {r.due:%d %b %Y}{' (overdue)' if r.overdue else ''}: "
                 f"{r.commitment.what} — {r.commitment.party}, {r.commitment.owner}"
                 for r in due]
        with transaction.atomic():
            Reminded.objects.bulk_create(Reminded(commitment=r.commitment, due=r.due)
                                         for r in due)
            send_mail(f"{p}: {len(due)} MOU commitment(s) coming due",
                      "Commitments of the MOU in force:\n\n" + "\n".join(lines)
                      + "\n\nRecord each as done on the partnership's page.", None, to)
        out.append((p, len(due), to))
    return out
