"""The CTC's clocks for each candidate: enrolment and the start of coaching within 120 days
of the first administrative job; a coach assigned within 30 days of admission (both
partnership settings). Each rule is met on time, met late, open, at risk (due within two
weeks) or overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aimline.web.induction.models import Candidate

AT_RISK_DAYS = 14
ON_TIME, LATE, OPEN, AT_RISK, OVERDUE = "on time", "late", "open", "at risk", "overdue"


@dataclass(frozen=True)
class Clock:
    rule: str
    due: dt.date
    done: dt.date | None
    state: str

    @property
    def trouble(self) -> bool:
        return self.state in (LATE, AT_RISK, OVERDUE)


def state(due: dt.date, done: dt.date | None, today: dt.date) -> str:
    if done is not None:
        return ON_TIME if done <= due else LATE
    if today > due:
        return OVERDUE
    return AT_RISK if (due - today).days <= AT_RISK_DAYS else OPEN


def coach_assigned(c: Candidate) -> dt.date | None:
    """The day the first coach was confirmed (a later reassignment does not restart it)."""
    return (c.matches.filter(confirmed_on__isnull=False).order_by("confirmed_on")
            .values_list("confirmed_on", flat=True).first())


def coaching_started(c: Candidate) -> dt.date | None:
    """The first coaching session: as recorded, else the first one in the coaching log."""
    return c.coaching_from or (c.coaching.filter(status="submitted").order_by("date")
                               .values_list("date", flat=True).first())


def clocks(c: Candidate, today: dt.date) -> list[Clock]:
    p = c.partnership
    enrol_due = c.hired_on + dt.timedelta(days=p.enrol_within_days)
    coach_due = c.admitted_on + dt.timedelta(days=p.coach_within_days)
    rules = [(f"Enrolled within {p.enrol_within_days} days of the first administrative job",
              enrol_due, c.enrolled_on),
             (f"Coaching started within {p.enrol_within_days} days of the first "
              "administrative job", enrol_due, coaching_started(c)),
             (f"Coach assigned within {p.coach_within_days} days of admission", coach_due,
              coach_assigned(c))]
    return [Clock(rule, due, done, state(due, done, today)) for rule, due, done in rules]


def days_to_coach(c: Candidate) -> int | None:
    done = coach_assigned(c)
    return (done - c.admitted_on).days if done else None
