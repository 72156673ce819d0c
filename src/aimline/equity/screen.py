"""Award-style screens: which schools meet each criterion, and by how much others miss.

The default is NCUST's America's Best Urban Schools eligibility: low income >= 60% /
50% / 40% (elementary / middle / high) in the prior and current year; every racial/ethnic
group's proficiency above the State average in at least two subjects; attendance above 92%
in each of the past two years.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Criteria:
    low_income_min: Mapping[str, float] = field(default_factory=lambda: {
        "elementary": 60, "middle": 50, "high": 40})
    subjects_required: int = 2
    attendance_above: float = 92
    source: str = ("NCUST, America's Best Urban Schools Award eligibility criteria; "
                   "'at least 60%' read as >=, 'exceeded 92%' as >")


def screen(level: str, frl: Sequence[float], groups_by_subject: Mapping[str, Mapping[str, float]],
           state_avg: Mapping[str, float], attendance: Sequence[float],
           criteria: Criteria = Criteria()) -> dict[str, Any]:
    """Each criterion's verdict and, where it fails, the shortfall."""
    minimum = criteria.low_income_min[level]
    low_income_ok = all(v >= minimum for v in frl)
    subjects = [s for s, groups in groups_by_subject.items()
                if groups and all(v > state_avg[s] for v in groups.values())]
    shortfalls = {s: {g: state_avg[s] - v for g, v in groups.items() if v <= state_avg[s]}
                  for s, groups in groups_by_subject.items() if s not in subjects}
    attendance_ok = all(a > criteria.attendance_above for a in attendance)
    proficiency_ok = len(subjects) >= criteria.subjects_required
    return {
        "low_income_ok": low_income_ok,
        "low_income_shortfall": max(0.0, minimum - min(frl)),
        "subjects_where_every_group_exceeds_state_avg": subjects,
        "proficiency_ok": proficiency_ok, "proficiency_shortfall_pp": shortfalls,
        "attendance_ok": attendance_ok,
        "attendance_shortfall": max(0.0, criteria.attendance_above - min(attendance)),
        "eligible": low_income_ok and proficiency_ok and attendance_ok,
    }
