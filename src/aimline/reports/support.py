"""The schools of one district that need support, read from the warehouse: indicators on
true counts for the year (`engine.compute(suppress=False)`), the district's schools, and
`aimline.equity.identify` over them. The minimum group size is never below the site's
suppression minimum, so every number in a reason may be shown."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from aimline.equity import criteria as criteria_sets
from aimline.equity import identify as rules
from aimline.metrics import engine
from aimline.metrics.policy import Policy
from aimline.reports.audit import district


def identification(warehouse: Path, year: int, *, lea: str | None = None,
                   index: Sequence[str] = rules.INDEX, share: float = 0.05,
                   graduation_cut: float = 67.0, min_n: int = 10,
                   criteria: criteria_sets.CriteriaSet | None = None,
                   policy: Policy | None = None) -> tuple[str, pd.DataFrame]:
    """(the district's name, one row per school as `identify.identify` gives it)."""
    if not 0 < share < 1:
        raise ValueError(f"the share identified is a fraction between 0 and 1 (got {share})")
    rules.check_index(index)  # before anything is read
    policy = policy or Policy.from_env()
    lea, name, schools = district(warehouse, lea)
    available = engine.years_in(warehouse)
    if year not in available:
        raise engine.MetricsError(f"school year {year} is not in the warehouse; it holds: "
                                  f"{', '.join(map(str, available))}")
    wanted = sorted({*index, rules.GRADUATION, *(criteria.check().metrics if criteria
                                                  else [])})
    years = [y for y in available if y <= year][-2:]  # criteria may look at two years
    ind = pd.concat([engine.compute(warehouse, y, metrics=wanted, suppress=False,
                                    scopes=("school",)) for y in years], ignore_index=True)
    ind = ind[ind.lea_id == lea]
    return name, rules.identify(ind, schools, year, index=index, share=share,
                                graduation_cut=graduation_cut,
                                min_n=max(min_n, policy.min_n), criteria=criteria)
