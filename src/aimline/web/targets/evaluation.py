"""Where a target stands, from the warehouse's published counts: a pure function of rows,
so the rule is tested without a database and written once for every kind of target."""

from __future__ import annotations

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
    are never averaged). Every school needs a published cell: a suppressed or missing one
    cannot be added in, so the population has no value (insufficient data)."""
    by_school = {r["school_id"]: r for r in rows}
    evidence = [{"school_id": s, **{k: by_school.get(s, {}).get(k) for k in
                                    ("numerator", "denominator", "suppressed", "display")}}
                for s in schools]
    hidden = [e["school_id"] for e in evidence if e["denominator"] is None]
    if hidden:
        return Measured(None, None, None, evidence,
                        f"no published count for school(s) {', '.join(hidden)} (suppressed "
                        "or not computed)")
    num = sum(float(e["numerator"]) for e in evidence)
    den = sum(float(e["denominator"]) for e in evidence)
    if den < min_n:
        return Measured(None, num, den, evidence, f"fewer than {min_n} in the population")
    return Measured(round(100 * num / den, 1), num, den, evidence)


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
