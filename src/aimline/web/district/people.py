"""The district's people where they are needed: principal assignments (each school's
principal, their experience, time in struggling schools, where the experienced ones are;
`aimline.reports.principals`), the rotations the district plans and whether the staff
data shows them carried out; incentive programmes and the retention of effective and
less effective teachers at their schools (`reports.staffing.retention_at`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from aimline.web.access import At
from aimline.web.district.access import DISTRICT
from aimline.web.district.models import Incentive, Rotation
from aimline.web.district.views import cached, held_year, support_table
from aimline.web.orgs.models import Organisation
from aimline.web.steps import decimal, refusing


def carried_out(r: Rotation, history: Any) -> bool | None:
    """Whether the staff assignments show the rotation: the principal at the new school
    in its school year (a move); None where the data cannot say (part-time, or a year not
    loaded yet)."""
    if r.kind != Rotation.MOVE or r.school_year not in set(history.school_year):
        return None
    return bool(((history.staff_id == r.staff_id) & (history.school_id == r.to_school.code)
                 & (history.school_year == r.school_year)).any())


@login_required
def principals_page(request: HttpRequest) -> HttpResponse:
    from aimline.reports.principals import principals
    from aimline.reports.staffing import retention_at, teacher_status

    lea = DISTRICT.district(request.scope, "read_staffing")
    y = request.GET.get("year", "")
    year, years = held_year(int(y) if y.isdigit() else None)
    _, rows = support_table(lea, year)
    support = {r["school_id"]: r["support"] for r in rows}
    try:
        d = cached(f"principals:{lea}:{year}",
                    lambda path: principals(path, year, lea=lea, support=support))
    except ValueError as e:
        raise Http404(str(e)) from None
    district = get_object_or_404(Organisation, kind=Organisation.DISTRICT, code=lea)
    rotations = list(Rotation.objects.filter(district=district).select_related(
        "from_school", "to_school"))
    for r in rotations:
        r.done = carried_out(r, d["history"])
    incentives = list(Incentive.objects.filter(district=district).prefetch_related("schools"))
    if incentives:  # the teachers' status read once, then each programme's schools
        status = cached(f"teacher-status:{lea}:{year}",
                        lambda path: teacher_status(path, year, lea))
        for i in incentives:
            i.retention = retention_at(status, [s.code for s in i.schools.all()])
    return render(request, "district/principals.html", {
        "district": district, "year": year, "years": years, "d": d,
        "by_support": d["by_support"].reset_index().to_dict("records"),
        "by_quartile": (d["by_poverty_quartile"].reset_index().to_dict("records")
                        if d["by_poverty_quartile"] is not None else []),
        "rotations": rotations, "incentives": incentives,
        "schools": district.schools.order_by("name"),
        "may_plan": DISTRICT.allows(request.scope, "plan_people", At(lea))})


def _school(district: Organisation, code: str) -> Organisation:
    s = district.schools.filter(code=code).first()
    if s is None:
        raise ValidationError(f"{code!r} is not one of the district's schools")
    return s


@login_required
@require_POST
def plan(request: HttpRequest, what: str) -> HttpResponse:
    """Record a rotation or an incentive programme (the district's admins)."""
    if what not in ("rotation", "incentive"):
        raise Http404("no such record")
    lea = DISTRICT.district(request.scope, "plan_people")
    district = get_object_or_404(Organisation, kind=Organisation.DISTRICT, code=lea)
    post = request.POST

    def do() -> str:
        if what == "rotation":
            frm = post.get("from_school", "")
            Rotation.objects.create(
                district=district, staff_id=post.get("staff_id", "").strip()[:64],
                from_school=_school(district, frm) if frm else None,
                to_school=_school(district, post.get("to_school", "")),
                kind=post.get("kind", Rotation.MOVE),
                days_a_week=decimal(post.get("days_a_week", ""), "days a week"),
                school_year=int(post.get("school_year", "0")), reason=post.get("reason", ""),
                recorded_by=request.user)
            return "Rotation recorded"
        codes = post.getlist("schools")
        if not codes or not post.get("name", "").strip() or not post.get("eligible",
                                                                           "").strip():
            raise ValidationError("name the programme, who is eligible and its schools")
        amount = decimal(post.get("amount", ""), "the amount")
        if amount is None or amount <= 0:
            raise ValidationError("the amount is dollars a year, more than 0")
        i = Incentive.objects.create(district=district, name=post["name"].strip()[:200],
                                     eligible=post["eligible"].strip(), amount=amount,
                                     starts=int(post.get("starts", "0")),
                                     recorded_by=request.user)
        i.schools.set([_school(district, c) for c in codes])
        return "Incentive programme recorded"
    return refusing(request, do, redirect("district_principals"))
