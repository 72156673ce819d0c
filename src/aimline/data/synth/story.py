"""The demo's true story: at some high schools a change to attendance practice works.

From a school's adoption date its students' daily chance of missing school falls by a
share (`Effect.factor`), so the warehouse holds a real improvement for the demo network's
charts and spread matrix to find; nothing downstream is told the answer. The demo network
(`aimline.web.networks.demo`) logs its PDSA cycles so that the same schools adopt the
change idea just before these dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Effect:
    school_id: str
    start: dt.date  # the first day absences fall
    factor: float  # the daily absence chance is multiplied by this from `start`


def effects(schools: pd.DataFrame, end_year: int) -> list[Effect]:
    """Every other high school (by id: the first, third, ...) adopts in the last school
    year: the first from 1 November, the next a month later, and so on; absences fall
    by 45%."""
    high = sorted(schools.loc[schools.level == "high", "school_id"])
    return [Effect(sid, dt.date(end_year - 1, 11 + k, 1) if k < 2
                   else dt.date(end_year, k - 1, 1), 0.55)
            for k, sid in enumerate(high[::2])]
