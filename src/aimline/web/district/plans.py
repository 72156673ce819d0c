"""Support plans on the site: started from the support page for an identified school
(why, and the proposed mentor, kept as identified), then the steps that keep it — agree
the mentor school, add a support, a goal (a measured target frozen from the warehouse),
a quarterly review, and the exit check (every goal evaluated from the data; the plan
exits when all are attained). Who may do each is `access.DISTRICT`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from aimline.metrics import catalog
from aimline.web.access import At
from aimline.web.district.access import DISTRICT
from aimline.web.district.models import Agreement, Review, Support, SupportPlan, clause
from aimline.web.orgs.models import Organisation
from aimline.web.steps import decimal, step_view
from aimline.web.targets import progress, service
from aimline.web.targets.evaluation import STATES
from aimline.web.warehouse import Reader


def at(plan: SupportPlan) -> At:
    return At(plan.district.code, plan.school.code)


def find(request: HttpRequest, pk: int, action: str = "read_plan") -> tuple[SupportPlan, At]:
    """The plan; 404 where the person may not read it, 403 without `action`."""
    plan = SupportPlan.objects.select_related("school", "district", "mentor").filter(
        pk=pk).first()
    facts = at(plan) if plan else At("")
    DISTRICT.require(request.scope, "read_plan", facts, hidden=True)
    DISTRICT.require(request.scope, action, facts)
    assert plan is not None
    return plan, facts


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """A plan for an identified school of the support page's year, its reasons and the
    proposed mentor as the identification gives them now."""
    from aimline.web.district.views import support

    year = int(request.POST.get("year", 0) or 0)
    d = support(request, year or None)
    row = next((r for r in d["rows"] if r["school_id"] == request.POST.get("school")), None)
    if row is None or not row["identified"]:
        raise Http404("no identified school of yours by that id")
    DISTRICT.require(request.scope, "keep_plans", At(d["lea"], row["school_id"]))
    school = get_object_or_404(Organisation, kind=Organisation.SCHOOL, code=row["school_id"],
                               district__code=d["lea"])
    found = SupportPlan.objects.filter(school=school, school_year=d["year"]).first()
    if found is not None:
        return redirect("district_plan", pk=found.pk)

    today = dt.date.today()
    try:
        plan = SupportPlan.objects.create(
            school=school, district=school.district, school_year=d["year"],
            support=row["support"], reasons=row["reasons"], owner=request.user,
            starts=today, ends=today.replace(year=today.year + 2),
            proposed_mentor=row["mentor"] if isinstance(row["mentor"], str) else "",
            created_by=request.user)
    except ValidationError as e:
        return render(request, "aimline/not_done.html", {"message": "; ".join(e.messages)},
                      status=400)
    return redirect("district_plan", pk=plan.pk)


def _do(request: HttpRequest, plan: SupportPlan, what: str) -> str:
    post, me = request.POST, request.user
    if what == "mentor":
        school = Organisation.objects.filter(kind=Organisation.SCHOOL,
                                             code=post.get("mentor", "")).first()
        if school is None:
            raise ValidationError("name one of the district's schools as mentor")
        plan.mentor, plan.mentor_reason = school, post.get("reason", "").strip()
        plan.save()
        return f"{school.name} agreed as the mentor school"
    if what == "support":
        kinds = dict(Support.KINDS)
        if post.get("kind") not in kinds or not post.get("what", "").strip():
            raise ValidationError("choose the kind of support and say what it is")
        Support.objects.create(plan=plan, kind=post["kind"], what=post["what"].strip()[:300],
                               amount=decimal(post.get("amount", ""), "the amount"),
                               owner=post.get("owner", "")[:120])
        return "Support added"
    if what == "goal":
        t = service.freeze(Reader(request.scope), me, metric=post.get("metric", ""),
                           schools=[plan.school.code], baseline_year=plan.school_year,
                           target=float(post["target"]),
                           due=dt.date.fromisoformat(post["due"]),
                           group_type=post.get("group_type", "all") or "all",
                           group_value=post.get("group_value", "all") or "all")
        plan.targets.add(t)
        return f"Goal set: {catalog.get(t.metric).title} from {t.baseline:g} to {t.target:g}"
    if what == "agreement":
        if hasattr(plan, "agreement"):
            raise ValidationError("the plan has its agreement; it is kept as agreed")
        target = plan.targets.filter(pk=int(post.get("target") or 0)).first()
        if target is None:
            raise ValidationError("the results clause turns on one of the plan's goals")
        payment = decimal(post.get("payment", ""), "the payment")
        if payment is None:
            raise ValidationError("the payment: a sum of dollars (0 where none)")
        Agreement.objects.create(
            plan=plan, mentor_id=plan.mentor_id, areas_of_need=post.get("areas", ""),
            commitments=post.get("commitments", ""),
            starts=dt.date.fromisoformat(post["starts"]),
            ends=dt.date.fromisoformat(post["ends"]), payment=payment,
            results_target=target, agreed_by=me)
        return "Pairing agreement recorded"
    if what == "review":
        if not post.get("notes", "").strip():
            raise ValidationError("write what the review found")
        Review.objects.create(plan=plan, on=dt.date.fromisoformat(post["on"]),
                              notes=post["notes"].strip(), by=me)
        return "Review recorded"
    # the exit: every goal evaluated from the warehouse as it is now
    goals = list(plan.targets.all())
    if not goals:
        raise ValidationError("the plan has no goal to evaluate its exit by")
    states = [service.evaluate(t, Reader(request.scope)).state for t in goals]
    if all(s == "attained" for s in states):
        plan.status = SupportPlan.EXITED
        plan.save()
        return "Every goal attained: the school exits support"
    return "Not yet: " + "; ".join(f"{catalog.get(t.metric).short_title}: {STATES[s]}"
                                   for t, s in zip(goals, states, strict=True))


STEPS = {"mentor": "keep_plans", "support": "keep_plans", "goal": "keep_plans",
         "agreement": "keep_plans",
         "review": "review_plan", "exit": "keep_plans"}
step = step_view(STEPS, find, _do, "district_plan")


@login_required
def page(request: HttpRequest, pk: int) -> HttpResponse:
    plan, facts = find(request, pk)
    reader = Reader(request.scope)
    # the mentor school on the same charts, where the person sees its aggregates
    mentor = ([plan.mentor.code] if plan.mentor and plan.mentor.code in
              request.scope.aggregate_schools else None)
    goals = [{"t": t, "metric": catalog.get(t.metric), "latest": t.evaluations.first(),
              "chart": progress.chart(reader, request.scope, metric=t.metric,
                                      schools=t.schools, group_type=t.group_type,
                                      group_value=t.group_value, target=t.target,
                                      compare=mentor, compare_label=plan.mentor.name
                                      if mentor else "")}
             for t in plan.targets.all()]
    proposed = Organisation.objects.filter(kind=Organisation.SCHOOL,
                                           code=plan.proposed_mentor).first()
    agreement = getattr(plan, "agreement", None)
    if agreement is not None:
        last = agreement.results_target.evaluations.first()
        agreement.clause = clause(last.state if last else None, agreement.ends,
                                  dt.date.today())
        agreement.measure = catalog.get(agreement.results_target.metric).title
    return render(request, "district/plan.html", {
        "plan": plan, "may": DISTRICT.may(request.scope, facts), "goals": goals,
        "proposed": proposed, "agreement": agreement,
        "supports": plan.supports.all(), "kinds": Support.KINDS,
        "reviews": plan.reviews.select_related("by"),
        "schools": plan.district.schools.exclude(pk=plan.school_id).order_by("name"),
        "metrics": catalog.all_metrics()})


def plans_of(scope: Any, lea: str) -> dict[str, SupportPlan]:
    """The plans a person may read in their district, by school code (latest first)."""
    out: dict[str, SupportPlan] = {}
    for p in SupportPlan.objects.filter(district__code=lea).select_related("school",
                                                                           "district"):
        if p.school.code not in out and DISTRICT.allows(scope, "read_plan", at(p)):
            out[p.school.code] = p
    return out
