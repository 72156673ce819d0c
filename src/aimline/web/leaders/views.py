"""Leadership pages: the person's own list, a candidate's page (target and approvals,
progress, evaluation, certificate, courses, coaching), the target proposal, and the steps
that move a target. Who may do each is `access.LEADERS`, asked through `seats`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from aimline.metrics import catalog
from aimline.web.coaching import subjects
from aimline.web.credentials import issuing
from aimline.web.leaders import goals, seats
from aimline.web.leaders.access import LEADERS
from aimline.web.leaders.forms import GoalForm
from aimline.web.leaders.models import (
    Candidate,
    ExceptionRequest,
    Goal,
    Programme,
)
from aimline.web.targets import progress, service
from aimline.web.targets.evaluation import STATES
from aimline.web.targets.variation import by_chance
from aimline.web.warehouse import Reader


@login_required
def home(request: HttpRequest) -> HttpResponse:
    me = request.user
    waiting = Goal.objects.filter(
        Q(status=Goal.SUBMITTED, candidate__approver=me)
        | Q(status=Goal.DISTRICT, candidate__cohort__programme__staff=me)).distinct()
    rows = []
    for c in seats.candidates(me):
        g, cur = goals.approved(c), goals.current(c)
        e = goals.latest(g)
        rows.append({"c": c, "state": STATES[e.state] if e else (
            cur.get_status_display() if cur else "No target yet"),
            "value": e.value if e else None})
    return render(request, "leaders/home.html", {
        "candidacies": rows, "waiting": waiting.select_related("candidate"),
        "programmes": Programme.objects.filter(staff=me),
        "circles": seats.networks(me)})


def courses(c: Candidate) -> list[dict[str, Any]]:
    out = []
    for course in c.cohort.programme.courses.all():
        sessions = course.sessions.filter(cohort=c.cohort)
        marks = c.attendance.filter(session__in=sessions)
        out.append({"course": course, "sessions": sessions.count(),
                    "present": marks.filter(present=True).count(),
                    "completed": c.completions.filter(course=course).first()})
    return out


def candidate_context(request: HttpRequest, c: Candidate, seat: Any) -> dict[str, Any]:
    may = LEADERS.may(request.scope, seat)
    g = goals.current(c)
    ok = goals.approved(c)
    shown = ok or g
    chart = None
    period = "week" if request.GET.get("by") == "week" else "month"
    if shown is not None:
        chart = progress.chart(service.target_reader(shown.schools), request.scope,
                               metric=shown.metric, schools=shown.schools,
                               group_type=shown.group_type, group_value=shown.group_value,
                               target=shown.target_value, period=period)
    evaluation = goals.latest(ok)
    return {"c": c, "may": may, "goal": g, "approved": ok, "chart": chart, "by": period,
            "versions": c.goals.prefetch_related("decisions__by").select_related("target"),
            "evaluation": evaluation, "result": goals.result(evaluation, ok) if ok else "",
            "statement": goals.statement(ok) if ok else "",
            "pending": goals.statement(g) if g and g.target and g.status in (
                Goal.SUBMITTED, Goal.DISTRICT) else "",
            "certificate": getattr(ok, "certificate", None) if ok else None,
            "exceptions": ok.exceptions.all() if ok else [],
            "coaching": subjects.panel(request, seats.COACHING, c, seat),
            "courses": courses(c)}


@login_required
def candidate(request: HttpRequest, pk: int) -> HttpResponse:
    c, seat = seats.candidate(request, pk)
    return render(request, "leaders/candidate.html", candidate_context(request, c, seat))


def _refused(request: HttpRequest, c: Candidate, seat: Any, e: ValidationError) -> HttpResponse:
    """The candidate's page again with what was refused; nothing was changed."""
    ctx = candidate_context(request, c, seat)
    ctx["error"] = " ".join(e.messages)
    return render(request, "leaders/candidate.html", ctx, status=400)


@login_required
def target(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose or change the draft; "check" shows the group's history and whether the
    change is beyond chance; "submit" freezes the baseline and sends it for approval."""
    c, _seat = seats.candidate(request, pk, "propose")
    reader = Reader(request.scope)
    names = dict(c.schools.values_list("code", "name"))
    form_args = {"schools": sorted(names.items(), key=lambda kv: kv[1]),
                 "years": sorted(reader.years(), reverse=True)}
    g = goals.current(c)
    draft = g if g is not None and g.status == Goal.DRAFT else None
    base = g if g is not None and g.status in (Goal.DRAFT, Goal.APPROVED) else None
    form = GoalForm(request.POST or None, initial=GoalForm.initial_of(base) if base else
                    {"schools": list(names)}, **form_args)
    ctx: dict[str, Any] = {"c": c, "form": form, "goal": g, "draft": draft}
    status = 200
    if request.method == "POST" and form.is_valid():
        p = form.proposal()
        ctx.update(check(request, reader, p))
        try:
            draft = goals.propose(c, request.user, **p)
            if request.POST.get("do") == "submit":
                goals.submit(draft, request.user)
                return redirect("leaders_candidate", pk=c.pk)
            ctx["saved"] = True
        except ValidationError as e:
            ctx["error"], status = " ".join(e.messages), 400
    elif request.method == "POST":
        status = 400
    elif base is not None:
        ctx.update(check(request, reader, {f: getattr(base, f) for f in Goal.PROPOSAL}))
    return render(request, "leaders/target.html", ctx, status=status)


def check(request: HttpRequest, reader: Reader, p: dict[str, Any]) -> dict[str, Any]:
    """The guard rails shown beside the form: the baseline the warehouse would freeze, the
    direction, and whether the proposed change is inside the natural variation."""
    out: dict[str, Any] = {"history": progress.chart(
        reader, request.scope, metric=p["metric"], schools=p["schools"],
        group_type=p["group_type"], group_value=p["group_value"],
        target=p["target_value"])}
    m = catalog.get(p["metric"])
    got = service.population(reader, metric=p["metric"], schools=p["schools"],
                             year=p["baseline_year"], group_type=p["group_type"],
                             group_value=p["group_value"], period=p.get("period", "year"),
                             due=p.get("due"))
    out["baseline"], out["year"] = got, p["baseline_year"]
    if got.ok:
        assert got.numerator is not None and got.denominator is not None
        better = (p["target_value"] > got.value) if m.higher_is_better else (
            p["target_value"] < got.value)
        out["wrong_way"] = not better
        out["variation"] = by_chance(p["metric"], numerator=got.numerator,
                                     denominator=got.denominator, target=p["target_value"])
    out["better"] = "higher" if m.higher_is_better else "lower"
    return out


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    g = get_object_or_404(Goal, pk=pk)
    action = "decide_district" if g.status == Goal.SUBMITTED else "decide_programme"
    c, seat = seats.candidate(request, g.candidate_id, action)
    try:
        goals.decide(g, request.user, approve=request.POST.get("outcome") == "approve",
                     comment=request.POST.get("comment", ""))
    except ValidationError as e:
        return _refused(request, c, seat, e)
    return redirect("leaders_candidate", pk=c.pk)


def _on_approved(request: HttpRequest, pk: int, action: str,
                 do: Callable[[Goal], object]) -> HttpResponse:
    """Run one step on the candidate's approved target: the candidate's page again, or
    the page with what was refused (nothing changed)."""
    c, seat = seats.candidate(request, pk, action)
    try:
        g = goals.approved(c)
        if g is None:
            raise ValidationError("there is no approved target")
        with transaction.atomic():
            do(g)
    except ValidationError as e:
        return _refused(request, c, seat, e)
    return redirect("leaders_candidate", pk=c.pk)


@login_required
@require_POST
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_approved(request, pk, "evaluate", goals.evaluate)


@login_required
@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    def run(g: Goal) -> object:
        x = (get_object_or_404(ExceptionRequest, pk=request.POST["exception"], goal=g)
             if request.POST.get("exception") else None)
        return goals.issue(g, request.user, exception=x)
    return _on_approved(request, pk, "issue", run)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    def run(g: Goal) -> object:
        cert = getattr(g, "certificate", None)
        if cert is None:
            raise ValidationError("there is no certificate to revoke")
        return issuing.revoke(cert.credential, by=request.user,
                              reason=request.POST.get("reason", ""))
    return _on_approved(request, pk, "issue", run)


@login_required
@require_POST
def exception(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for an exception (staff) or sign one (the approver, then staff)."""
    sign = request.POST.get("sign")

    def run(g: Goal) -> object:
        if sign:
            return goals.sign_exception(
                get_object_or_404(ExceptionRequest, pk=sign, goal=g), request.user)
        return goals.ask_exception(g, request.user, request.POST.get("reason", ""))
    return _on_approved(request, pk, "sign_exception" if sign else "issue", run)


def achievement(request: HttpRequest, pk: int) -> JsonResponse:
    """The programme as an OB 3.0 Achievement (public: a credential links here)."""
    p = get_object_or_404(Programme, pk=pk)
    return JsonResponse({"@context": ["https://www.w3.org/ns/credentials/v2",
                                      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                         "id": issuing.url("leaders_achievement", p.pk),
                         "type": ["Achievement"], "achievementType": "Certificate",
                         "name": p.name, "description": p.description or p.get_kind_display(),
                         "creator": {"id": issuing.url("verify_issuer", p.provider_id),
                                     "type": ["Profile"], "name": p.provider.name}})
