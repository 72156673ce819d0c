"""Reporting periods within a school year: the year, or cumulative months or weeks.

A month or week period is *cumulative to date*: it runs from 1 July to the end of that
month or week, so a network can watch a year-to-date rate move during the year.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import ibis
import ibis.expr.types as ir
import pandas as pd

Period = Literal["year", "month", "week"]
PERIODS: tuple[str, ...] = ("year", "month", "week")


def period_table(year: int, period: Period) -> pd.DataFrame:
    """period_no, period_start (always 1 July), period_end; in order."""
    start, end = dt.date(year - 1, 7, 1), dt.date(year, 6, 30)
    if period == "year":
        ends = [end]
    elif period == "month":
        ends = [d.date() for d in pd.date_range(start, end, freq="ME")]
    elif period == "week":  # weeks end on Sunday; the last one is cut at 30 June
        ends = [d.date() for d in pd.date_range(start, end, freq="W-SUN")]
        if ends[-1] != end:
            ends.append(end)
    else:
        raise ValueError(f"unknown period {period!r}; periods are: {', '.join(PERIODS)}")
    return pd.DataFrame({"period_no": range(1, len(ends) + 1), "period_start": start,
                         "period_end": ends})


def bucket(date: ir.DateValue, year: int, period: Period) -> ir.IntegerValue:
    """The number of the first period whose end is on or after `date`."""
    if period == "year":
        return ibis.literal(1)
    if period == "month":
        return (date.year() - (year - 1)) * 12 + date.month() - 6
    ends = period_table(year, "week").period_end
    first_sunday = ends.iloc[0]
    # days after the first Sunday, in whole weeks, + 1 (dates up to that Sunday are week 1)
    days = date.delta(ibis.literal(first_sunday), unit="day")
    return ibis.ifelse(days <= 0, 1, (days + 6) // 7 + 1)
