"""Action research on the site: a teacher's or team's project (question, method, data,
findings) linked to a PDSA cycle or a network measure at their school, whose chart is the
evidence; published to the district's library (searchable by the district's people) and,
where the district chooses, to everyone. Who may do what is `access.py`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from aimline.web.access import At, Seat
from aimline.web.growth import seats
from aimline.web.growth.access import GROWTH, WORK
from aimline.web.growth.models import Project
from aimline.web.growth.views import own_school
from aimline.web.networks import measures
from aimline.web.networks.models import Measure, PDSACycle
from aimline.web.orgs.models import Organisation
from aimline.web.orgs.scope import population_scope
from aimline.web.steps import refusing, step_view
from aimline.web.warehouse import Reader

TEXT = ("title", "question", "method", "data", "findings")


def search(projects: QuerySet[Project], q: str) -> QuerySet[Project]:
    """Every word somewhere in the project's words (title, question, method, data,
    findings)."""
    for word in q.split()[:10]:
        projects = projects.filter(Q(*[Q(**{f"{f}__icontains": word}) for f in TEXT],
                                     _connector=Q.OR))
    return projects


@login_required
def library(request: HttpRequest) -> HttpResponse:
    code = GROWTH.district(request.scope, "read")
    district = get_object_or_404(Organisation, kind=Organisation.DISTRICT, code=code)
    q = request.GET.get("q", "")[:200]
    found = search(Project.objects.filter(district=district, published_at__isnull=False), q)
    return render(request, "growth/library.html", {
        "district": district, "projects": found.select_related("school"), "q": q,
        "public": False, "school": own_school(request, district)})


def public_library(request: HttpRequest, code: str) -> HttpResponse:
    """What a district has made public, for everyone."""
    district = get_object_or_404(Organisation, kind=Organisation.DISTRICT, code=code)
    q = request.GET.get("q", "")[:200]
    found = search(Project.objects.filter(district=district, public=True), q)
    return render(request, "growth/library.html", {
        "district": district, "projects": found.select_related("school"), "q": q,
        "public": True})


def find(request: HttpRequest, pk: int, action: str = "read") -> tuple[Project, Seat]:
    p = Project.objects.select_related("district", "school", "cycle", "measure").filter(
        pk=pk).first()
    return seats.found(request, p, seats.at_project, action)


@login_required
@require_POST
def new(request: HttpRequest) -> HttpResponse:
    code = GROWTH.district(request.scope, "read")
    district = get_object_or_404(Organisation, kind=Organisation.DISTRICT, code=code)
    school = own_school(request, district)
    if school is None:
        GROWTH.require(request.scope, "earn", At(code))
    assert school is not None
    made: list[Project] = []

    def do() -> str:
        if not request.POST.get("title", "").strip():
            raise ValidationError("give the project a title")
        p = Project(district=district, school=school, created_by=request.user,
                    **_words(request.POST, required=True))
        p.save()
        p.authors.add(request.user)
        made.append(p)
        return "Project started"
    r = refusing(request, do, redirect("growth_library"))
    return redirect("growth_project", pk=made[0].pk) if made else r


def _words(post: Any, *, required: bool) -> dict[str, str]:
    words = {f: post.get(f, "").strip() for f in TEXT}
    lacking = [f for f in ("question", "method", "data") if not words[f]]
    if required and lacking:
        raise ValidationError("write the project's " + ", ".join(lacking))
    return words


def _do(request: HttpRequest, p: Project, what: str) -> str:
    post = request.POST
    if what == "write":
        for f, v in _words(post, required=True).items():
            setattr(p, f, v)
        p.cycle = _mine(PDSACycle, post.get("cycle"), p)
        p.measure = _mine(Measure, post.get("measure"), p)
        p.save()
        return "Project saved"
    if what == "publish":
        if not p.findings.strip() or p.evidence() is None:
            raise ValidationError("a published project has its findings and its evidence "
                                  "(a PDSA cycle with a measure, or a network measure)")
        p.published_at = timezone.now()
        p.save()
        return "Published to the district's library"
    p.public = what == "public"
    p.save()
    return "Public: anyone may read it" if p.public else "No longer public"


def _mine(model: Any, pk: str | None, p: Project) -> Any:
    """A cycle of the project's school, or a measure of a network it belongs to."""
    if not pk:
        return None
    found = (model.objects.filter(pk=int(pk), school=p.school) if model is PDSACycle else
             model.objects.filter(pk=int(pk), network__schools=p.school)).first()
    if found is None:
        raise ValidationError("link a PDSA cycle or measure of your school's networks")
    return found


STEPS = {"write": "revise", "publish": "publish", "public": "make_public",
         "private": "make_public"}
step = step_view(STEPS, find, _do, "growth_project")


def page(request: HttpRequest, pk: int) -> HttpResponse:
    p, seat = find(request, pk)
    m = p.evidence()
    # the evidence is the measure's chart at the project's school: published aggregates
    # of that one school only, whoever reads it
    svg, trend = (measures.svg(m, p.school, Reader(population_scope(
        frozenset({p.school.code}))), cycles=False) if m is not None else ("", None))
    may = WORK.may(request.scope, seat)
    return render(request, "growth/project.html", {
        "p": p, "may": may, "evidence": m, "svg": svg, "trend": trend,
        "authors": p.authors.all(),
        "cycles": PDSACycle.objects.filter(school=p.school) if may["revise"] else [],
        "measures": Measure.objects.filter(network__schools=p.school).distinct()
        if may["revise"] else []})
