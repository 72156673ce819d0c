"""Where a target stands, from the warehouse's published counts: a pure function of rows,
so the rule is tested without a database and written once for every kind of target."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

State = Literal["attained", "not_attained", "not_yet_due", "insufficient_data"]
STATES: dict[str, str] = {"attained": "Attained", "not_attained": "Not attained",
                          "not_yet_due": "Not yet due", "insufficient_data": "Insufficient data"}


@dataclass(frozen=True)
class Measured:
    """The population's rate from its schools' counts, and the rows it came from."""

    value: float | None
    numerator: float | None
    denominator: float | None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    reason: str = ""  # why there is no value

    @property
    def ok(self) -> bool:
        return self.value is not None


def measure(rows: list[dict[str, Any]], schools: list[str], *, min_n: int) -> Measured:
    """Sum numerators and denominators over `schools` (counts first, the rate last; rates
    are never averaged), on true counts: a school whose own cell is suppressed is added in
    from its `hidden` counts, so a small school is not silently dropped. The total is
    published only when it stands on at least `min_n` students and cannot be subtracted
    back into a suppressed cell: a lone suppressed school is refused, several must hold at
    least `min_n` students between them.
    The evidence shows each school's published cell only."""
    by_school = {r["school_id"]: r for r in rows}
    evidence = [{"school_id": s, **{k: by_school.get(s, {}).get(k) for k in
                                    ("numerator", "denominator", "suppressed", "display")}}
                for s in schools]
    missing = [s for s in schools if s not in by_school or (
        by_school[s]["denominator"] is None and "hidden" not in by_school[s])]
    if missing:
        return Measured(None, None, None, evidence,
                        f"no count for school(s) {', '.join(missing)} (not computed)")
    counts = [by_school[s]["hidden"] if "hidden" in by_school[s] else
              (by_school[s]["numerator"], by_school[s]["denominator"],
               by_school[s].get("students")) for s in schools]
    num = sum(float(c[0]) for c in counts)
    den = sum(float(c[1]) for c in counts)
    people = sum(float(c[2] or 0) for c in counts)
    hidden = [s for s in schools if "hidden" in by_school[s]]
    hidden_people = sum(float(by_school[s]["hidden"][2] or 0) for s in hidden)
    if people < min_n:
        return Measured(None, None, None, evidence,
                        f"fewer than {min_n} students in the population")
    if len(hidden) == 1 or 0 < hidden_people < min_n:
        return Measured(None, None, None, evidence,
                        f"school(s) {', '.join(hidden)} have suppressed cells, and the "
                        "total would reveal them (more schools, or fewer than "
                        f"{min_n} students hidden between them)")
    return Measured(round(100 * num / den, 1), num, den, evidence)


PERIODS = {"year": "the school year", "to_date": "cumulative to the target date"}


def through(due: dt.date, school_year: int) -> dt.date:
    """For a target cumulative to a date: the end of the last whole month on or before the
    target date's day of the year (the month-to-date figure stored for it), in
    `school_year` (named by the year it ends: July–December fall in the year before)."""
    whole = due.day == calendar.monthrange(due.year, due.month)[1]
    end = due if whole else due.replace(day=1) - dt.timedelta(days=1)
    year = school_year - 1 if end.month >= 7 else school_year
    return dt.date(year, end.month, calendar.monthrange(year, end.month)[1])


def state(measured: Measured, *, target: float, higher_is_better: bool, due: dt.date,
          today: dt.date) -> State:
    """Not yet due before the target date; then attained when the value has reached the
    target in the metric's better direction, insufficient data when there is none."""
    if today < due:
        return "not_yet_due"
    if not measured.ok:
        return "insufficient_data"
    assert measured.value is not None
    met = measured.value >= target if higher_is_better else measured.value <= target
    return "attained" if met else "not_attained"
