"""A candidate's two years on their page: the induction plan each year (goals on the CPSEL,
employer input, hours against 60–90 with a warning, progress notes, revisions, a chart for
each goal's catalog metric at the school), professional-learning hours, evidence on the
rubric, the portfolio scores, completion and retention; and the steps that add to them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from aimline.metrics import catalog
from aimline.web.induction import outcomes, plans, seats
from aimline.web.induction.access import COACH, COORDINATOR, STAFF
from aimline.web.induction.models import (
    GENDERS,
    RACES,
    Candidate,
    Completion,
    Evidence,
    Learning,
    PortfolioScore,
    ProgressNote,
    Standard,
)
from aimline.web.steps import step_view
from aimline.web.targets import progress, service
from aimline.web.warehouse import staff_years


def context(request: HttpRequest, c: Candidate) -> dict[str, Any]:
    p = c.partnership
    school = [c.school.code] if c.school is not None else []
    reader = service.target_reader(school) if school else None
    shown = []
    for plan in c.plans.prefetch_related("goals__elements", "notes", "revisions__by"):
        goals = []
        for g in plan.goals.all():
            chart = None
            if g.metric and reader is not None:
                chart = progress.chart(reader, request.scope, metric=g.metric, schools=school,
                                       group_type="all", group_value="all")
            goals.append({"g": g, "chart": chart,
                          "metric": catalog.get(g.metric).title if g.metric else ""})
        shown.append({"plan": plan, "goals": goals, "hours": plan.hours(),
                      "warning": plans.warning(plan)})
    through = outcomes.school_year(dt.date.today())
    loaded = staff_years(c.district.code, [c.staff_id] if c.staff_id else [])
    return {"plans": shown, "pd": outcomes.against(outcomes.pd_hours(c), p.pd_hours),
            "learning": c.learning.select_related("host"),
            "evidence": c.evidence.select_related("element").order_by("element__code"),
            "rubric": p.rubric, "portfolio": c.portfolio.select_related("by"),
            "completion": getattr(c, "completion", None),
            "retention": outcomes.retention(c, through, loaded),
            "elements": Standard.objects.filter(framework="CPSEL", parent__isnull=False),
            "metrics": catalog.all_metrics(), "kinds": Learning.KINDS,
            "hosts": p.host_schools.all(), "genders": GENDERS, "races": RACES}


STEPS = {"goal": "plan", "note": "plan", "employer": "supervisor_input",
         "learning": "assess", "evidence": "assess", "retention": "record_retention",
         "portfolio": "score_portfolio", "complete": "complete", "credential": "complete",
         "describe": "describe_self"}
# who scores the portfolio for which seat, when a person holds more than one
SCORING = ((COACH, PortfolioScore.COACH), (COORDINATOR, PortfolioScore.DESIGNEE),
           (STAFF, PortfolioScore.COORDINATOR))


def _do(request: HttpRequest, c: Candidate, what: str) -> str:
    post, me = request.POST, request.user
    if what in ("goal", "note", "employer"):
        plan = plans.plan_for(c, int(post.get("year", "1")) if post.get("year") in ("1", "2")
                              else 1)
    if what == "goal":
        plans.add_goal(plan, me, post.get("note", ""), statement=post["statement"].strip(),
                       elements=post.getlist("elements"), outcome=post.get("outcome", ""),
                       evidence=post.get("evidence", ""), hours=float(post["hours"]),
                       metric=post.get("metric", ""))
        warned = plans.warning(plan)
        return "Goal added; the plan before it is kept" + (f". {warned}" if warned else "")
    if what == "note":
        if not post.get("text", "").strip():
            raise ValidationError("write the note first")
        ProgressNote.objects.create(plan=plan, by=me, text=post["text"].strip(),
                                    on=dt.date.fromisoformat(post["on"]))
        return "Progress note added"
    if what == "employer":
        plans.revise(plan, me, "The supervisor's input",
                     supervisor_goals=post.get("supervisor_goals", "").strip())
        return "Your input is in the plan"
    if what == "learning":
        host = c.partnership.host_schools.filter(pk=post.get("host") or 0).first()
        Learning.objects.create(candidate=c, on=dt.date.fromisoformat(post["on"]),
                                kind=post.get("kind", ""), title=post.get("title", "").strip(),
                                hours=post.get("hours") or 0, host=host)
        return "Professional learning recorded"
    if what == "evidence":
        element = Standard.objects.filter(framework="CPSEL", code=post.get("element")).first()
        if element is None:
            raise ValidationError("choose a CPSEL element")
        Evidence.objects.create(candidate=c, element=element, level=int(post["level"]),
                                note=post.get("note", "")[:400], by=me,
                                on=dt.date.fromisoformat(post["on"]))
        return "Evidence recorded"
    if what == "describe":
        gender, race = post.get("gender", ""), post.get("race_ethnicity", "")
        if gender not in {"", *dict(GENDERS)} or race not in {"", *dict(RACES)}:
            raise ValidationError("choose from the lists (or leave it blank)")
        c.gender, c.race_ethnicity = gender, race
        c.save(update_fields=["gender", "race_ethnicity"])
        return "Saved: the report counts it only in suppressed totals"
    if what in ("portfolio", "complete", "credential"):
        return _assessment(c, what, post, me)
    outcomes.record(c, int(post["school_year"]), post.get("in_district") == "yes", me)
    return "Retention recorded"


def _assessment(c: Candidate, what: str, post: Any, me: Any) -> str:
    """The portfolio scored by each seat; completion, with the district designee's comment
    as the district's input; then the credential recommendation."""
    done = getattr(c, "completion", None)
    if what == "portfolio":
        if done is not None:
            raise ValidationError("the candidate has completed: the portfolio scores stand")
        held = seats.at_candidate(me, c).seats
        seat = next(s for name, s in SCORING if name in held)
        level, comment = int(post["level"]), post.get("comment", "").strip()
        if seat == PortfolioScore.DESIGNEE and not comment:
            raise ValidationError("the district designee's comment is the district's input: "
                                  "write it")
        PortfolioScore.objects.update_or_create(
            candidate=c, seat=seat, defaults={"by": me, "level": level, "comment": comment,
                                              "on": dt.date.fromisoformat(post["on"])})
        return f"Portfolio scored for the {dict(PortfolioScore.SEATS)[seat].lower()}"
    on = dt.date.fromisoformat(post["on"])
    if what == "credential":
        if done is None:
            raise ValidationError("recommend completion first")
        done.credential_recommended_on = on
        done.save()
        return "Recommended for the credential"
    if done is not None:
        raise ValidationError(f"completion was recommended on {done.recommended_on}")
    designee = c.portfolio.filter(seat=PortfolioScore.DESIGNEE).first()
    Completion.objects.create(candidate=c, recommended_on=on, recommended_by=me,
                              district_input=designee.comment if designee else "",
                              district_by=designee.by if designee else me)
    c.status = Candidate.COMPLETED
    c.save(update_fields=["status"])
    return "Completion recommended, with the district's input"


step = step_view(STEPS, seats.candidate, _do, "induction_candidate")
