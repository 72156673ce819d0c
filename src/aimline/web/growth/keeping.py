"""The district defines its programme on the site (the `keep` action): a micro-credential
with its rubric, and the career ladder's steps. Lists are written one item a line; a
rubric line is "criterion | what demonstrated looks like | what not yet looks like"."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from aimline.web.growth.access import GROWTH
from aimline.web.growth.models import Criterion, LadderStep, MicroCredential
from aimline.web.orgs.models import Organisation
from aimline.web.steps import decimal, refusing


def lines(text: str) -> list[str]:
    return [t.strip() for t in text.splitlines() if t.strip()]


def rubric(text: str) -> list[tuple[str, str, str]]:
    out = []
    for n, line in enumerate(lines(text), 1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not all(parts):
            raise ValidationError(f"rubric line {n}: write “criterion | demonstrated | not "
                                  f"yet” (got {line!r})")
        out.append((parts[0][:300], parts[1], parts[2]))
    if not out:
        raise ValidationError("a micro-credential has a rubric of at least one criterion")
    return out


def _reviewers(names: str, district: Organisation) -> list[Any]:
    """Usernames of the district's people (a reviewer need not be a teacher here)."""
    users = get_user_model().objects
    found = []
    for name in lines(names.replace(",", "\n")):
        u = users.filter(username=name, roles__district=district).first() or users.filter(
            username=name, roles__schools__district=district).first()
        if u is None:
            raise ValidationError(f"{name!r} is not one of the district's people")
        found.append(u)
    return found


def _credential(post: Any, district: Organisation) -> str:
    words = {f: post.get(f, "").strip() for f in ("name", "competency", "key_method",
                                                   "research")}
    lacking = [f.replace("_", " ") for f, v in words.items() if not v]
    if lacking:
        raise ValidationError("write the micro-credential's " + ", ".join(lacking))
    criteria, questions = rubric(post.get("rubric", "")), lines(post.get("questions", ""))
    if not questions:
        raise ValidationError("write at least one overview question")
    days = int(post.get("decision_days") or 14)
    if not 1 <= days <= 90:
        raise ValidationError("the days to a decision are 1 to 90")
    mc = MicroCredential.objects.create(
        district=district, **words, components=lines(post.get("components", "")),
        resources=post.get("resources", "").strip(), questions=questions,
        hours=decimal(post.get("hours", ""), "the hours") or 0, decision_days=days)
    mc.reviewers.set(_reviewers(post.get("reviewers", ""), district))
    Criterion.objects.bulk_create([Criterion(credential=mc, order=i, text=t,
                                             demonstrated=d, not_yet=n)
                                   for i, (t, d, n) in enumerate(criteria, 1)])
    return f"Micro-credential “{mc.name}” defined"


def _step(post: Any, district: Organisation) -> str:
    if not post.get("name", "").strip():
        raise ValidationError("name the step")
    evaluation = post.get("min_evaluation", "")
    if evaluation not in dict(LadderStep.EVALUATIONS):
        raise ValidationError(f"{evaluation!r} is not an evaluation the ladder knows")
    wanted = [int(pk) for pk in post.getlist("credentials")]
    credentials = list(MicroCredential.objects.filter(district=district, pk__in=wanted))
    if len(credentials) != len(set(wanted)):
        raise ValidationError("a step asks for the district's own micro-credentials")
    last = LadderStep.objects.filter(district=district).aggregate(m=Max("order"))["m"] or 0
    step = LadderStep.objects.create(
        district=district, order=last + 1, name=post["name"].strip()[:120],
        responsibilities=post.get("responsibilities", "").strip(),
        min_years=int(post.get("min_years") or 0), min_evaluation=evaluation,
        min_hours=decimal(post.get("min_hours", ""), "the hours") or 0)
    step.credentials.set(credentials)
    return f"Step {step.order}, “{step.name}”, added to the ladder"


@login_required
@require_POST
def define(request: HttpRequest, what: str) -> HttpResponse:
    if what not in ("credential", "step"):
        raise Http404("nothing of that kind to define")
    code = GROWTH.district(request.scope, "keep")
    district = get_object_or_404(Organisation, kind=Organisation.DISTRICT, code=code)
    do = _credential if what == "credential" else _step
    return refusing(request, lambda: do(request.POST, district), redirect("growth"))
