"""The individual induction plan (IIP): goals on the CPSEL with the employer's input, the
performance outcomes and the data to collect, planned hours, progress notes, and every
revision kept (the plan as it was, who changed it, why). An hour total outside the
programme's 60–90 is warned, not refused: the plan is a working document."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from aimline.metrics import catalog
from aimline.web.induction.models import Candidate, Plan, PlanGoal, PlanRevision, Standard


def snapshot(plan: Plan) -> dict[str, Any]:
    """The plan as it stands, as plain data (what a revision keeps)."""
    return {"supervisor_goals": plan.supervisor_goals,
            "evaluation_shared": plan.evaluation_shared.isoformat()
            if plan.evaluation_shared else None,
            "transitional": plan.transitional,
            "goals": [{"statement": g.statement, "outcome": g.outcome, "evidence": g.evidence,
                       "metric": g.metric, "hours": float(g.hours),
                       "elements": sorted(g.elements.values_list("code", flat=True))}
                      for g in plan.goals.order_by("pk")]}


def warning(plan: Plan) -> str | None:
    low, high = plan.candidate.partnership.iip_hours
    total = plan.hours()
    if not low <= total <= high:
        return (f"The plan's goals add up to {total:g} clock hours; the programme asks for "
                f"{low}–{high} a year.")
    return None


@transaction.atomic
def add_goal(plan: Plan, by: Any, note: str, *, statement: str, elements: list[str],
             outcome: str, evidence: str, hours: float, metric: str = "") -> PlanGoal:
    """A goal on one or more CPSEL elements; the plan before it is kept as a revision."""
    found = list(Standard.objects.filter(framework="CPSEL", parent__isnull=False,
                                         code__in=elements))
    if not found or len(found) != len(set(elements)):
        missing = sorted(set(elements) - {s.code for s in found}) or ["(none given)"]
        raise ValidationError(f"a goal maps to CPSEL elements; not elements: "
                              f"{', '.join(missing)}")
    if metric and metric not in {m.id for m in catalog.all_metrics()}:
        raise ValidationError(f"{metric!r} is not a catalog metric")
    if hours <= 0:
        raise ValidationError("planned hours are more than zero")
    _keep(plan, by, note or f"Added the goal: {statement[:80]}")
    g = PlanGoal.objects.create(plan=plan, statement=statement, outcome=outcome,
                                evidence=evidence, hours=hours, metric=metric)
    g.elements.set(found)
    return g


@transaction.atomic
def revise(plan: Plan, by: Any, note: str, **fields: Any) -> Plan:
    """Change the plan's own fields (employer input, the transitional plan), keeping the
    plan as it was."""
    allowed = {"supervisor_goals", "evaluation_shared", "transitional"}
    if set(fields) - allowed:
        raise ValidationError(f"not a field of the plan: {', '.join(set(fields) - allowed)}")
    if not note.strip():
        raise ValidationError("a revision says why")
    _keep(plan, by, note)
    for k, v in fields.items():
        setattr(plan, k, v)
    plan.save()
    return plan


def _keep(plan: Plan, by: Any, note: str) -> None:
    PlanRevision.objects.create(plan=plan, by=by, note=note[:300], before=snapshot(plan))


def plan_for(c: Candidate, year: int) -> Plan:
    return Plan.objects.get_or_create(candidate=c, year=year)[0]


def coverage(candidates: list[Candidate]) -> tuple[list[Standard], list[dict[str, Any]]]:
    """The CPSEL coverage matrix: for each candidate, per element, how many goals map to
    it and the best evidence level recorded."""
    elements = list(Standard.objects.filter(framework="CPSEL", parent__isnull=False))
    rows = []
    for c in candidates:
        goals: dict[int, int] = {}
        for g in PlanGoal.objects.filter(plan__candidate=c).prefetch_related("elements"):
            for e in g.elements.all():
                goals[e.pk] = goals.get(e.pk, 0) + 1
        best: dict[int, int] = {}
        for ev in c.evidence.all():
            best[ev.element_id] = max(best.get(ev.element_id, 0), ev.level)
        rows.append({"c": c, "cells": [(goals.get(e.pk, 0), best.get(e.pk)) for e in elements]})
    return elements, rows
