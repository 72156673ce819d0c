"""Principal networks: professional learning communities of principals, led by executive
coaches with district leaders. Each member's row shows their target (from their
candidacy, if any) and the aims of any improvement network their school is in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from aimline.web.access import Net
from aimline.web.leaders import goals, seats
from aimline.web.leaders.access import CIRCLES
from aimline.web.leaders.models import NetworkMeeting, Practice, SchoolVisit
from aimline.web.networks.access import NETWORKS
from aimline.web.networks.models import Aim
from aimline.web.orgs.models import Role


class MeetingForm(forms.ModelForm):
    class Meta:
        model = NetworkMeeting
        fields = ["date", "agenda", "problems", "notes", "actions"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class VisitForm(forms.ModelForm):
    class Meta:
        model = SchoolVisit
        fields = ["host", "date", "focus", "observed", "feedback"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class PracticeForm(forms.ModelForm):
    link = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Practice
        fields = ["title", "description", "link"]


def member_rows(n: Any, scope: Any) -> list[dict[str, Any]]:
    rows = []
    for u in n.members.order_by("last_name", "username"):
        schools = [s for r in Role.objects.filter(user=u, role=Role.PRINCIPAL)
                   for s in r.schools.all()]
        cand = u.candidacies.order_by("-cohort__starts").first()
        g = goals.approved(cand) if cand else None
        rows.append({"user": u, "schools": schools,
                     "target": goals.statement(g) if g else "",
                     "aims": [a for a in Aim.objects.filter(school__in=schools)
                              .select_related("network")
                              if NETWORKS.allows(scope, "read", Net.of(a.network))]})
    return rows


@login_required
def circle(request: HttpRequest, pk: int) -> HttpResponse:
    n, seat = seats.network(request, pk)
    may = CIRCLES.may(request.scope, seat)
    return render(request, "leaders/circle.html", {
        "n": n, "may": may, "members": member_rows(n, request.scope),
        "meetings": n.meetings.prefetch_related("attended"), "visits": n.visits.all(),
        "practices": n.practices.select_related("added_by"),
        "meeting_form": MeetingForm(), "visit_form": VisitForm(),
        "practice_form": PracticeForm()})


@login_required
@require_POST
def add(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Record a meeting or a visit (leads), or share a practice (anyone in the network)."""
    forms_ = {"meeting": (MeetingForm, "lead"), "visit": (VisitForm, "lead"),
              "practice": (PracticeForm, "share")}
    if what not in forms_:
        return HttpResponse("nothing of that kind", status=404)
    form_class, action = forms_[what]
    n, _ = seats.network(request, pk, action)
    form = form_class(request.POST)
    if not form.is_valid():
        return HttpResponse("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()),
                            status=400)
    obj = form.save(commit=False)
    obj.network = n
    if what == "practice":
        obj.added_by = request.user
    obj.save()
    if what == "meeting":
        obj.attended.set(n.members.filter(pk__in=request.POST.getlist("attended")))
    return redirect("leaders_circle", pk=n.pk)
