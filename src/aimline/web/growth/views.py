"""Teachers' growth on the site: the district's programme page (micro-credentials, one's
submissions and ladder place, the library), a micro-credential's public page, and the
career ladder for those who may read it. Submissions are `submissions.py`, action
research `research.py`; who may do what is `access.py`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from aimline.web.access import At
from aimline.web.growth import ladder, review
from aimline.web.growth.access import GROWTH
from aimline.web.growth.models import LadderStep, MicroCredential, Project, Submission
from aimline.web.orgs.models import Organisation, Role


def own_school(request: Any, district: Organisation) -> Organisation | None:
    """The school of the district where the person earns (a teacher's or principal's)."""
    for s in district.schools.filter(code__in=request.scope.aggregate_schools).order_by(
            "code"):
        if GROWTH.allows(request.scope, "earn", At(district.code, s.code)):
            return s
    return None


def _district(request: Any, action: str = "read") -> Organisation:
    return get_object_or_404(Organisation, kind=Organisation.DISTRICT,
                             code=GROWTH.district(request.scope, action))


def my_place(user: Any, district: Organisation, lad: ladder.Ladder, got: ladder.Earned
             ) -> ladder.Place | None:
    """A person's own place on the ladder, where their teacher role has a staff id."""
    role = Role.objects.filter(user=user, role=Role.TEACHER).exclude(staff_id="").first()
    if role is None:
        return None
    found = ladder.teachers(district.code, staff_ids=[role.staff_id])
    return lad.place_of(found[0] if found else None, got)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    facts = At(district.code)
    credentials = list(MicroCredential.objects.filter(district=district)
                       .prefetch_related("criteria"))
    mine = Submission.objects.filter(teacher=request.user, credential__district=district,
                                     resubmission__isnull=True).select_related("credential")
    keeps = GROWTH.allows(request.scope, "keep", facts)
    lad, got = ladder.Ladder.of(district), ladder.earned([request.user])[request.user.pk]
    hours = got[1]
    return render(request, "growth/index.html", {
        "district": district, "credentials": credentials, "mine": mine,
        "school": own_school(request, district),
        "place": my_place(request.user, district, lad, got), "steps": lad.steps,
        "keeps": keeps,
        "evaluations": LadderStep.EVALUATIONS,
        "hours": ladder.hours(hours) if hours else "",
        "turnaround": [(mc, review.turnaround(mc)) for mc in credentials] if keeps else [],
        "reviewing": Submission.objects.filter(
            state=Submission.SUBMITTED, credential__in=[
                mc for mc in credentials if review.reviews(request.user, mc)]
        ).exclude(teacher=request.user).select_related("credential", "teacher"),
        "projects": Project.objects.filter(district=district, authors=request.user),
        "may_ladder": any(GROWTH.allows(request.scope, "read_ladder", At(district.code, s))
                          for s in request.scope.aggregate_schools)})


def credential(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: the competency, the method, the research, resources and the rubric."""
    mc = get_object_or_404(MicroCredential.objects.select_related("district"), pk=pk)
    school = (own_school(request, mc.district) if request.user.is_authenticated else None)
    return render(request, "growth/credential.html", {
        "mc": mc, "criteria": mc.criteria.all(), "school": school,
        "earned": mc.submissions.filter(state=Submission.EARNED).count()})


@login_required
def ladder_page(request: HttpRequest) -> HttpResponse:
    """Every teacher of the district's latest staff year at the schools where the person
    reads the ladder, with their place; site users' micro-credentials join by staff id."""
    scope = request.scope
    district = _district(request)
    schools = {s for s in scope.aggregate_schools
               if GROWTH.allows(scope, "read_ladder", At(district.code, s))}
    if not schools:
        GROWTH.require(scope, "read_ladder", At(district.code))
    staff = [t for t in ladder.teachers(district.code) if t.current and t.school in schools]
    roles = {r.staff_id: r.user for r in Role.objects.filter(
        role=Role.TEACHER, staff_id__in=[t.staff_id for t in staff]).select_related("user")}
    got = ladder.earned(list(roles.values()))
    lad = ladder.Ladder.of(district)
    rows, counts = [], {s.pk: 0 for s in lad.steps}
    for t in staff:
        user = roles.get(t.staff_id)
        p = lad.place_of(t, got[user.pk] if user else ladder.NONE_EARNED)
        if p.step is not None:
            counts[p.step.pk] += 1
        rows.append({"t": t, "user": user, "place": p})
    return render(request, "growth/ladder.html", {
        "district": district, "rows": rows,
        "steps": [(s, counts[s.pk]) for s in lad.steps]})
