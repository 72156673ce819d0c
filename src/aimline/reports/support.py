"""The schools of one district that need support, read from the warehouse: indicators on
true counts for the year (`engine.compute(suppress=False)`), the district's schools, and
`aimline.equity.identify` over them; then a proposed mentor school for each
(`aimline.equity.mentors`, on the shares of students from chronic absence's true counts,
as the audit's profile). The minimum group size is never below the site's suppression
minimum, so every number in a reason may be shown."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from aimline.equity import criteria as criteria_sets
from aimline.equity import identify as rules
from aimline.equity import mentors
from aimline.metrics import engine
from aimline.metrics.policy import Policy
from aimline.reports.audit import district, student_profile


def identification(warehouse: Path, year: int, *, lea: str | None = None,
                   index: Sequence[str] = rules.INDEX, share: float = 0.05,
                   graduation_cut: float = 67.0, min_n: int = 10,
                   criteria: criteria_sets.CriteriaSet | None = None,
                   policy: Policy | None = None, mentor_capacity: int = 2,
                   keep: Sequence[tuple[str, str]] = ()) -> tuple[str, pd.DataFrame]:
    """(the district's name, one row per school as `identify.identify` gives it, with the
    proposed `mentor`, its `similarity` and `strength`; each mentor school takes at most
    `mentor_capacity` schools; `keep`: (school, mentor) pairs already agreed, kept where
    still allowed)."""
    if mentor_capacity < 1:
        raise ValueError("a mentor school takes at least one school (--mentor-capacity)")
    if not 0 < share < 1:
        raise ValueError(f"the share identified is a fraction between 0 and 1 (got {share})")
    rules.check_index(index)  # before anything is read
    policy = policy or Policy.from_env()
    lea, name, schools = district(warehouse, lea)
    available = engine.held(warehouse, year)
    wanted = sorted({*index, rules.GRADUATION, "chronic_absence",
                     *(criteria.check().metrics if criteria else [])})
    years = [y for y in available if y <= year][-2:]  # criteria may look at two years
    ind = pd.concat([engine.compute(warehouse, y, metrics=wanted, suppress=False,
                                    scopes=("school",)) for y in years], ignore_index=True)
    ind = ind[ind.lea_id == lea]
    table = rules.identify(ind, schools, year, index=index, share=share,
                           graduation_cut=graduation_cut, min_n=max(min_n, policy.min_n),
                           criteria=criteria)
    profile = student_profile(ind, year)[list(mentors.FEATURES)]
    # a mentor school is for the schools in comprehensive support; any school not in it,
    # stronger and alike, may mentor (one with a group in targeted support included)
    pairs = mentors.pair(table.join(profile, on="school_id").assign(identified=table.csi),
                         capacity=mentor_capacity, keep=keep)
    pairs = pairs.rename(columns={"seeker": "school_id", "provider": "mentor"})
    return name, table.merge(pairs[["school_id", "mentor", "similarity", "strength"]],
                             on="school_id", how="left")
