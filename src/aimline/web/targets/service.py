"""Freezing a target's baseline and evaluating it, through the viewer's Reader (so a
target reads only what its author may see)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from aimline.data.schema import school_year_of
from aimline.metrics import catalog
from aimline.web.targets.evaluation import Measured, measure, state, through
from aimline.web.targets.models import Evaluation, Target
from aimline.web.warehouse import Reader


def population(reader: Reader, *, metric: str, schools: list[str], year: int,
               group_type: str = "all", group_value: str = "all", period: str = "year",
               due: dt.date | None = None) -> Measured:
    """The population's published rate for a school year (or, `period="to_date"`, the
    year to date through the same day as `due`), its schools' counts summed
    (`evaluation.measure`); 404 unless the reader sees every school."""
    end = None
    if period == "to_date":
        if due is None:
            raise ValueError("a to-date value needs its target date")
        end = through(due, year)
    rows = reader.population_rows(schools, metric=metric, year=year,
                                  group_type=group_type, group_value=group_value,
                                  period="month_to_date" if end else "year", period_end=end)
    return measure(rows, schools, min_n=settings.MIN_N)


def check_period(metric: str, period: str) -> None:
    """A target cumulative to a date needs a metric with a year-to-date figure."""
    m = catalog.get(metric)
    if period == "to_date" and "month_to_date" not in m.periods:
        raise ValidationError(f"{m.short_title} has no year-to-date figure: choose the "
                              "school year")


def freeze(reader: Reader, user: Any, *, metric: str, schools: list[str], baseline_year: int,
           target: float, due: dt.date, group_type: str = "all", group_value: str = "all",
           network: Any = None, period: str = "year") -> Target:
    """A new target with its baseline read now; refused when the population has no
    published value (a suppressed school, too few students) or the target does not move
    the metric in its better direction."""
    m = catalog.get(metric)
    top = 100 if m.unit == "percent" else float("inf")
    if not 0 <= target <= top:
        raise ValidationError(f"a target of {target:g} is not a possible value of "
                              f"{m.short_title.lower()} (" + ("0 to 100%)" if top == 100
                                                               else "0 or more)"))
    check_period(metric, period)
    got = population(reader, metric=metric, schools=schools, year=baseline_year,
                     group_type=group_type, group_value=group_value, period=period, due=due)
    if not got.ok:
        raise ValidationError(f"no baseline can be published for {baseline_year}: "
                              f"{got.reason}")
    assert got.value is not None and got.numerator is not None and got.denominator is not None
    if (target <= got.value) if m.higher_is_better else (target >= got.value):
        raise ValidationError(f"a target of {target:g} does not improve on the baseline "
                              f"{got.value:g} ({'higher' if m.higher_is_better else 'lower'} "
                              "is better)")
    return Target.objects.create(
        metric=metric, schools=list(schools), network=network, group_type=group_type,
        group_value=group_value, baseline_year=baseline_year, target=target, due=due,
        period=period,
        baseline=got.value, baseline_numerator=got.numerator,
        baseline_denominator=got.denominator, baseline_evidence=got.evidence,
        baseline_load=reader.last_load(), min_n=settings.MIN_N, frozen_by=user)


def evaluate(t: Target, reader: Reader, *, today: dt.date | None = None) -> Evaluation:
    """Where the target stands now, stored with its evidence."""
    today = today or dt.date.today()
    year = school_year_of(min(today, t.due))
    got = population(reader, metric=t.metric, schools=t.schools, year=year,
                     group_type=t.group_type, group_value=t.group_value, period=t.period,
                     due=t.due)
    return Evaluation.objects.create(
        target=t, school_year=year, value=got.value, numerator=got.numerator,
        denominator=got.denominator, evidence=got.evidence, reason=got.reason[:300],
        load=reader.last_load(), min_n=settings.MIN_N,
        state=state(got, target=t.target, higher_is_better=catalog.get(t.metric)
                    .higher_is_better, due=t.due, today=today))


def population_series(reader: Reader, *, metric: str, schools: list[str],
                      group_type: str, group_value: str, period: str = "month"
                      ) -> Any:
    """The population's published rows of one metric and group, every school year by
    month (or week): each school's counts summed per period. A period where any school's
    cell is suppressed (or missing) is a gap, never a partial sum. 404 unless the reader
    sees every school."""
    import pandas as pd

    parts = [reader.school_series(s, metric=metric, period=period, group_type=group_type,
                                  group_value=group_value) for s in schools]
    rows = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(
        len(p) for p in parts) else pd.DataFrame()
    if not len(rows):
        return rows
    keys = ["school_year", "period_end"]
    whole = rows.groupby(keys).agg(numerator=("numerator", lambda v: v.sum(min_count=len(v))),
                                   denominator=("denominator",
                                                lambda v: v.sum(min_count=len(v))),
                                   schools=("school_id", "nunique")).reset_index()
    short = whole.schools < len(schools)
    whole.loc[short, ["numerator", "denominator"]] = float("nan")
    whole["value"] = 100 * whole.numerator / whole.denominator
    return whole


def target_reader(schools: list[str], path: Any = None) -> Reader:
    """A Reader of exactly a target's population, for the people with a seat at it who are
    not district staff (programme staff, an executive coach): it reads the suppressed
    aggregates of those schools and nothing else."""
    from aimline.web.orgs.scope import population_scope

    return Reader(population_scope(frozenset(schools)), path)


def evaluate_due(path: Any = None, *, today: dt.date | None = None) -> list[Evaluation]:
    """After a load: every target past its date whose newest evaluation is not of the
    warehouse as it is now (or that has none) is evaluated again, so a certificate or a
    support plan can follow the final data without anyone pressing a button."""
    today = today or dt.date.today()
    now = target_reader([], path).last_load()
    return [evaluate(t, target_reader(t.schools, path), today=today)
            for t in Target.objects.filter(due__lte=today)
            if getattr(t.evaluations.first(), "load", None) != now]
