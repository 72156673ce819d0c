"""A micro-credential submission on the site: started from the micro-credential's page,
its three parts written by the teacher, submitted, decided by a reviewer criterion by
criterion; a resubmission (where it fell short) is started from the same page. Each step
is one of `review.py`'s rules; the seat each needs is `access.WORK`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from aimline.web.access import At
from aimline.web.growth import review, seats
from aimline.web.growth.access import GROWTH, WORK
from aimline.web.growth.models import Artifact, MicroCredential, Submission
from aimline.web.growth.views import own_school
from aimline.web.steps import refusing, step_view


def find(request: HttpRequest, pk: int, action: str = "read") -> tuple[Submission, Any]:
    """The submission; 404 where the person has no seat at it, 403 without `action`."""
    sub = Submission.objects.select_related("credential__district", "teacher").filter(
        pk=pk).first()
    return seats.found(request, sub, seats.at_submission, action)


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    mc = get_object_or_404(MicroCredential, pk=pk)
    school = own_school(request, mc.district)
    if school is None:
        GROWTH.require(request.scope, "earn", At(mc.district.code))
        raise Http404("no school of yours in this district")
    got: list[Submission] = []

    def do() -> str:
        got.append(review.start(mc, request.user, school))
        return "Submission started" if got[0].previous_id is None else (
            "Resubmission started: revise what fell short")
    r = refusing(request, do, redirect("growth"))
    return redirect("growth_submission", pk=got[0].pk) if got else r


def _do(request: HttpRequest, sub: Submission, what: str) -> str:
    post = request.POST
    if what == "answers":
        review.answer(sub, {q: post.get(f"q{i}", "") for i, q in
                            enumerate(sub.credential.questions)})
        return "Answers saved"
    if what == "artifact":
        criterion = sub.credential.criteria.filter(pk=int(post.get("criterion") or 0)).first()
        if criterion is None:
            raise ValidationError("choose the rubric criterion the artifact shows")
        review.add_artifact(sub, criterion, post.get("title", ""), link=post.get("link", ""),
                            upload=request.FILES.get("upload"))
        return "Artifact added"
    if what == "remove":
        review.remove_artifact(sub, get_object_or_404(Artifact, pk=int(post.get("artifact")
                                                                       or 0)))
        return "Artifact removed"
    if what == "reflection":
        review.reflect(sub, post.get("reflection", ""))
        return "Reflection saved"
    if what == "submit":
        review.submit(sub)
        return "Submitted for review"
    decisions = {}
    for c in review.open_criteria(sub):
        choice = post.get(f"c{c.pk}", "")
        if choice not in ("demonstrated", "not_yet"):
            raise ValidationError(f"“{c.text}” has no decision")
        decisions[c.pk] = (choice == "demonstrated", post.get(f"f{c.pk}", ""))
    review.decide(sub, request.user, decisions)
    return ("Earned: the credential is issued" if sub.state == Submission.EARNED
            else "Decided: not yet — the teacher may resubmit what fell short")


STEPS = {"answers": "revise", "artifact": "revise", "remove": "revise",
         "reflection": "revise", "submit": "revise", "decide": "decide"}
step = step_view(STEPS, find, _do, "growth_submission")


@login_required
def page(request: HttpRequest, pk: int) -> HttpResponse:
    sub, seat = find(request, pk)
    decisions = {d.criterion_id: d for d in sub.decisions.select_related("reviewer")}
    artifacts = list(sub.artifacts.defer("content"))
    rows = [{"c": c, "decision": decisions.get(c.pk),
             "artifacts": [a for a in artifacts if a.criterion_id == c.pk],
             "carried": c.pk in decisions and decisions[c.pk].carried}
            for c in sub.credential.criteria.all()]
    return render(request, "growth/submission.html", {
        "sub": sub, "mc": sub.credential, "rows": rows, "may": WORK.may(request.scope, seat),
        "questions": [(i, q, sub.answers.get(q, "")) for i, q in
                      enumerate(sub.credential.questions)],
        "missing": review.missing(sub) if sub.state == Submission.DRAFT else [],
        "days": review.days(sub) if sub.submitted_at else None,
        "history": _attempts(sub)})


def _attempts(sub: Submission) -> list[Submission]:
    out, s = [], sub.previous
    while s is not None:
        out.append(s)
        s = s.previous
    return out


@login_required
def artifact(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    """An uploaded artifact, for the submission's readers only."""
    sub, _ = find(request, pk)
    a = get_object_or_404(Artifact, pk=aid, submission=sub, content__isnull=False)
    r = HttpResponse(bytes(a.content), content_type=a.content_type or
                     "application/octet-stream")
    r["Content-Disposition"] = f'attachment; filename="{a.filename.replace(chr(34), "")}"'
    r["X-Content-Type-Options"] = "nosniff"
    return r
