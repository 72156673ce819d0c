"""Instructional calendars: about 180 days, US holidays, and per-school PD days."""

from __future__ import annotations

import datetime as dt

import numpy as np

DAYS_PER_YEAR = 180


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th `weekday` (Mon=0) of a month; n=-1 for the last one."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def district_holidays(school_year: int) -> set[dt.date]:
    """Federal holidays and the usual breaks of a US district for one school year."""
    fall, spring = school_year - 1, school_year
    days: set[dt.date] = {
        _nth_weekday(fall, 9, 0, 1),  # Labor Day
        _nth_weekday(fall, 11, 1, 2) - dt.timedelta(days=1),  # Veterans Day observed (approx.)
        _nth_weekday(spring, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(spring, 2, 0, 3),  # Presidents' Day
        _nth_weekday(spring, 5, 0, -1),  # Memorial Day
    }
    thanksgiving = _nth_weekday(fall, 11, 3, 4)
    days |= {thanksgiving + dt.timedelta(days=d) for d in (-1, 0, 1)}
    winter = dt.date(fall, 12, 22)
    days |= {winter + dt.timedelta(days=d) for d in range(12)}
    spring_break = _nth_weekday(spring, 3, 0, 3)
    days |= {spring_break + dt.timedelta(days=d) for d in range(5)}
    return days


def school_calendar(school_year: int, pd_days: int, rng: np.random.Generator
                    ) -> tuple[np.ndarray, np.ndarray]:
    """All dates from the first to the last day of school, and which are instructional.

    The district calendar has DAYS_PER_YEAR instructional days; each school then loses
    `pd_days` of them to professional-development days, so calendars differ by school.
    """
    first = dt.date(school_year - 1, 8, 18)
    first += dt.timedelta(days=(7 - first.weekday()) % 7)  # the Monday on or after 18 August
    holidays = district_holidays(school_year)
    dates: list[dt.date] = []
    instructional: list[bool] = []
    day, count = first, 0
    while count < DAYS_PER_YEAR:
        teach = day.weekday() < 5 and day not in holidays
        dates.append(day)
        instructional.append(teach)
        count += teach
        day += dt.timedelta(days=1)
    instr = np.array(instructional)
    if pd_days:
        teaching = np.flatnonzero(instr)
        # PD days fall away from the first and last weeks, as districts schedule them.
        pd = rng.choice(teaching[10:-10], size=pd_days, replace=False)
        instr[pd] = False
    return np.array(dates, dtype="datetime64[D]"), instr
