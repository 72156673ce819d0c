"""The partnership's evaluation questions, each answered by the measures linked to it,
computed now from what Aimline holds: a survey item's agreement (suppressed as on the
survey's page), completion, retention, days from admission to a confirmed coach, or a
catalog metric across the candidates' schools (the published, suppressed aggregate)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

from aimline.metrics import catalog
from aimline.web.induction import deadlines, outcomes
from aimline.web.induction.models import Candidate, Partnership, Question
from aimline.web.surveys import service as surveys
from aimline.web.surveys.models import Item
from aimline.web.targets import service


@dataclass(frozen=True)
class Answer:
    measure: str
    label: str
    value: str


def completion(p: Partnership) -> Answer:
    total = p.candidates.exclude(status=Candidate.WITHDRAWN).count()
    done = p.candidates.filter(completion__isnull=False).count()
    return Answer("completion", "Completed induction", f"{done} of {total}")


def retention(p: Partnership) -> Answer:
    rows = outcomes.by_cohort(p, outcomes.school_year(dt.date.today()))
    known = sum(r.known for r in rows)
    stayed = sum(r.stayed for r in rows)
    shown = f"{round(100 * stayed / known)}% ({stayed} of {known})" if known else "not known"
    return Answer("retention", "Completers still in the district", shown)


def time_to_coach(p: Partnership) -> Answer:
    days = [d for c in p.candidates.all() if (d := deadlines.days_to_coach(c)) is not None]
    within = sum(d <= p.coach_within_days for d in days)
    shown = (f"median {statistics.median(days):g} days; {within} of {len(days)} within "
             f"{p.coach_within_days}") if days else "no coach assigned yet"
    return Answer("time_to_coach", "Days from admission to a confirmed coach", shown)


def survey_item(p: Partnership, pk: int) -> Answer:
    item = Item.objects.filter(pk=pk, survey__in=p.surveys.all()).first()
    if item is None:
        return Answer(f"survey:{pk}", "A survey item", "not one of the partnership's surveys")
    rows = next(r for r in surveys.results(item.survey) if r["item"].pk == item.pk)["rows"]
    shown = "; ".join("suppressed" if r["suppressed"] else
                      f"{r['group']} {round(100 * r['share'])}% (n={r['n']:g})"
                      for r in rows if item.agreeing())
    return Answer(f"survey:{pk}", f"“{item.text}” (agree or strongly agree)",
                  shown or "no answers yet")


def metric(p: Partnership, metric_id: str) -> Answer:
    """The catalog metric over the candidates' schools, in the warehouse's latest year."""
    m = catalog.get(metric_id)
    schools = sorted({c.school.code for c in p.candidates.select_related("school")
                      if c.school is not None})
    reader = service.target_reader(schools)
    years = sorted(reader.years())
    if not schools or not years:
        return Answer(f"metric:{metric_id}", m.title, "no data")
    got = service.population(reader, metric=metric_id, schools=schools, year=years[-1],
                             group_type="all", group_value="all")
    shown = (f"{got.value:.1f} in {years[-1] - 1}–{years[-1]} at the candidates' "
             f"{len(schools)} schools") if got.ok and got.value is not None else got.reason
    return Answer(f"metric:{metric_id}", m.title, shown)


def answer(p: Partnership, measure: str) -> Answer:
    fixed = {"completion": completion, "retention": retention, "time_to_coach": time_to_coach}
    if measure in fixed:
        return fixed[measure](p)
    kind, _, arg = measure.partition(":")
    if kind == "survey" and arg.isdigit():
        return survey_item(p, int(arg))
    if kind == "metric" and arg in {m.id for m in catalog.all_metrics()}:
        return metric(p, arg)
    return Answer(measure, measure, "not a measure Aimline knows")


def answers(p: Partnership) -> list[dict[str, Any]]:
    return [{"q": q, "answers": [answer(p, m) for m in q.measures]}
            for q in Question.objects.filter(partnership=p)]
