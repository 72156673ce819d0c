"""Freezing a target's baseline and evaluating it, through the viewer's Reader (so a
target reads only what its author may see)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from aimline.data.schema import school_year_of
from aimline.metrics import catalog
from aimline.web.targets.evaluation import Measured, measure, state
from aimline.web.targets.models import Evaluation, Target
from aimline.web.warehouse import Reader


def population(reader: Reader, *, metric: str, schools: list[str], year: int,
               group_type: str = "all", group_value: str = "all") -> Measured:
    """The population's published rate for a school year, its schools' counts summed
    (`evaluation.measure`); 404 unless the reader sees every school."""
    rows = reader.population_rows(schools, metric=metric, year=year,
                                  group_type=group_type, group_value=group_value)
    return measure(rows, schools, min_n=settings.MIN_N)


def freeze(reader: Reader, user: Any, *, metric: str, schools: list[str], baseline_year: int,
           target: float, due: dt.date, group_type: str = "all", group_value: str = "all",
           network: Any = None) -> Target:
    """A new target with its baseline read now; refused when the population has no
    published value (a suppressed school, too few students) or the target does not move
    the metric in its better direction."""
    m = catalog.get(metric)
    got = population(reader, metric=metric, schools=schools, year=baseline_year,
                     group_type=group_type, group_value=group_value)
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
        baseline=got.value, baseline_numerator=got.numerator,
        baseline_denominator=got.denominator, baseline_evidence=got.evidence,
        baseline_load=reader.last_load(), min_n=settings.MIN_N, frozen_by=user)


def evaluate(t: Target, reader: Reader, *, today: dt.date | None = None) -> Evaluation:
    """Where the target stands now, stored with its evidence."""
    today = today or dt.date.today()
    year = school_year_of(min(today, t.due))
    got = population(reader, metric=t.metric, schools=t.schools, year=year,
                     group_type=t.group_type, group_value=t.group_value)
    return Evaluation.objects.create(
        target=t, school_year=year, value=got.value, numerator=got.numerator,
        denominator=got.denominator, evidence=got.evidence, reason=got.reason[:300],
        load=reader.last_load(), min_n=settings.MIN_N,
        state=state(got, target=t.target, higher_is_better=catalog.get(t.metric)
                    .higher_is_better, due=t.due, today=today))
