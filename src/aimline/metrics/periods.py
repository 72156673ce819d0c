"""Reporting periods within a school year.

- `year`: 1 July to 30 June.
- `month`, `week`: each month's (or week's) own days, so a chart of them has independent
  points: chronic absence in October is the share of students absent on >= 10% of
  October's instructional days.
- `month_to_date`, `week_to_date`: cumulative, 1 July to the end of each month or week,
  the year-to-date figure a principal watches move during the year.

Weeks end on Sunday; the last one is cut at 30 June.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import ibis
import ibis.expr.types as ir
import pandas as pd

Period = Literal["year", "month", "week", "month_to_date", "week_to_date"]
PERIODS: tuple[str, ...] = ("year", "month", "week", "month_to_date", "week_to_date")
LABELS = {"year": "school year", "month": "by month", "week": "by week",
          "month_to_date": "year to date, by month", "week_to_date": "year to date, by week"}


def to_date(period: str) -> bool:
    """Cumulative from 1 July (each point includes every earlier one)?"""
    return period.endswith("_to_date")


def _step(period: str) -> str:
    return period.removesuffix("_to_date")


def period_table(year: int, period: Period) -> pd.DataFrame:
    """period_no, period_start, period_end; in order. period_start is 1 July for the year
    and the to-date periods, else the first day of the month or week."""
    start, end = dt.date(year - 1, 7, 1), dt.date(year, 6, 30)
    step = _step(period)
    if step == "year":
        ends = [end]
    elif step == "month":
        ends = [d.date() for d in pd.date_range(start, end, freq="ME")]
    elif step == "week":
        ends = [d.date() for d in pd.date_range(start, end, freq="W-SUN")]
        if ends[-1] != end:
            ends.append(end)
    else:
        raise ValueError(f"unknown period {period!r}; periods are: {', '.join(PERIODS)}")
    if step == "year" or to_date(period):
        starts = [start] * len(ends)
    else:
        starts = [start] + [e + dt.timedelta(days=1) for e in ends[:-1]]
    return pd.DataFrame({"period_no": range(1, len(ends) + 1), "period_start": starts,
                         "period_end": ends})


def bucket(date: ir.DateValue, year: int, period: Period) -> ir.IntegerValue:
    """The number of the month or week that holds `date` (1 for the year)."""
    step = _step(period)
    if step == "year":
        return ibis.literal(1)
    if step == "month":
        return (date.year() - (year - 1)) * 12 + date.month() - 6
    ends = period_table(year, "week").period_end
    first_sunday = ends.iloc[0]
    # days after the first Sunday, in whole weeks, + 1 (dates up to that Sunday are week 1)
    days = date.delta(ibis.literal(first_sunday), unit="day")
    return ibis.ifelse(days <= 0, 1, (days + 6) // 7 + 1)
