"""Changing and deleting what a network made: aims (before approval), drivers, change
ideas, PDSA cycles, measures, learning sessions (date, agenda, attendance by team) and the
network's schools. Who may is the same as who may add (`networks.access`): a team's
things by the team (and the network's lead), the network's by its lead."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from aimline.metrics import catalog
from aimline.web.access import Net
from aimline.web.networks.access import NETWORKS
from aimline.web.networks.models import (
    Aim,
    ChangeIdea,
    ChartChange,
    Driver,
    LearningSession,
    Measure,
    MeasureValue,
    Network,
    PDSACycle,
)
from aimline.web.networks.writes import AimForm, must_edit, team_to_edit
from aimline.web.orgs.models import Organisation
from aimline.web.orgs.scope import network


def _page(request: HttpRequest, form: forms.BaseForm, net: Network, title: str,
          back: str, delete: str | None = None) -> HttpResponse | None:
    """Save a valid POSTed form and go `back`; else the form's page (None = saved)."""
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        return None
    return render(request, "networks/edit.html", {
        "form": form, "net": net, "title": title, "back": back, "delete": delete},
        status=400 if request.method == "POST" else 200)


# ----- aims and drivers -----------------------------------------------------------------
def _aim(request: HttpRequest, pk: int, aim_id: int) -> tuple[Network, Aim]:
    net = network(request.scope, pk)
    aim = get_object_or_404(Aim, pk=aim_id, network=net)
    must_edit(request, net, aim.school)  # a team's aim by the team, the network's by the lead
    return net, aim


@login_required
def aim_edit(request: HttpRequest, pk: int, aim_id: int) -> HttpResponse:
    net, aim = _aim(request, pk, aim_id)
    back = f"/networks/{net.pk}/"
    if aim.approved:
        return render(request, "networks/edit.html", {
            "net": net, "title": "This aim is approved", "back": back, "refusal":
            "An approved aim's baseline and target are frozen with their evidence: propose "
            "a new aim instead (the lead may delete this one)."}, status=409)
    form = AimForm(request.POST or None, instance=aim, net=net)
    return _page(request, form, net, "Edit the aim", back,
                 delete=f"/networks/{net.pk}/aims/{aim.pk}/delete/") or redirect(back)


@login_required
@require_POST
def aim_delete(request: HttpRequest, pk: int, aim_id: int) -> HttpResponse:
    net, aim = _aim(request, pk, aim_id)
    if aim.approved:  # frozen: only the lead removes it (its measured target is kept)
        NETWORKS.require(request.scope, "lead", Net.of(net))
    aim.delete()
    return redirect("network", pk=net.pk)


class DriverForm(forms.ModelForm):
    class Meta:
        model = Driver
        fields = ["text", "parent", "order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Driver.objects.filter(
            aim=self.instance.aim, parent__isnull=True).exclude(pk=self.instance.pk)
        self.fields["parent"].required = False


def _driver(request: HttpRequest, pk: int, driver_id: int) -> tuple[Network, Driver, str]:
    net = network(request.scope, pk)
    d = get_object_or_404(Driver, pk=driver_id, aim__network=net)
    must_edit(request, net, d.aim.school)
    back = (f"/networks/{net.pk}/teams/{d.aim.school.code}/" if d.aim.school
            else f"/networks/{net.pk}/")
    return net, d, back


@login_required
def driver_edit(request: HttpRequest, pk: int, driver_id: int) -> HttpResponse:
    net, d, back = _driver(request, pk, driver_id)
    form = DriverForm(request.POST or None, instance=d)
    return _page(request, form, net, "Edit the driver", back,
                 delete=f"/networks/{net.pk}/drivers/{d.pk}/delete/") or redirect(back)


@login_required
@require_POST
def driver_delete(request: HttpRequest, pk: int, driver_id: int) -> HttpResponse:
    _, d, back = _driver(request, pk, driver_id)
    d.delete()  # its secondary drivers with it; change ideas keep their other drivers
    return redirect(back)


# ----- change ideas and PDSA cycles -------------------------------------------------------
class IdeaForm(forms.ModelForm):
    class Meta:
        model = ChangeIdea
        fields = ["title", "description", "drivers"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["drivers"].queryset = Driver.objects.filter(
            aim__network=self.instance.network)
        self.fields["drivers"].required = False


@login_required
def idea_edit(request: HttpRequest, pk: int, idea_id: int) -> HttpResponse:
    net = network(request.scope, pk)
    ci = get_object_or_404(ChangeIdea, pk=idea_id, network=net)
    NETWORKS.require(request.scope, "add_idea", Net.of(net))
    back = f"/networks/{net.pk}/spread/"
    form = IdeaForm(request.POST or None, instance=ci)
    return _page(request, form, net, "Edit the change idea", back,
                 delete=f"/networks/{net.pk}/ideas/{ci.pk}/delete/") or redirect(back)


@login_required
@require_POST
def idea_delete(request: HttpRequest, pk: int, idea_id: int) -> HttpResponse:
    net = network(request.scope, pk)
    ci = get_object_or_404(ChangeIdea, pk=idea_id, network=net)
    NETWORKS.require(request.scope, "lead", Net.of(net))
    tested = ci.cycles.count()
    if tested:
        return HttpResponse(f"{tested} PDSA cycle(s) test “{ci.title}”: the teams' record "
                            "is kept, so delete those cycles first", status=409)
    ci.delete()
    return redirect("spread", pk=net.pk)


@login_required
@require_POST
def pdsa_delete(request: HttpRequest, pk: int, school: str, cycle_id: int) -> HttpResponse:
    """The cycle goes from the log, the charts' annotations (drawn from the cycles) and the
    spread matrix together; a cycle that built on it keeps its own record."""
    net, org = team_to_edit(request, pk, school)
    get_object_or_404(PDSACycle, pk=cycle_id, network=net, school=org).delete()
    return redirect("team", pk=net.pk, school=org.code)


# ----- measures, learning sessions, schools (the lead's) ---------------------------------
class MeasureForm(forms.ModelForm):
    metric = forms.ChoiceField(required=False, choices=[])

    class Meta:
        model = Measure
        fields = ["name", "kind", "metric", "unit", "higher_is_better"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", "— entered by hand —")] + [
            (m.id, f"{m.title} (from the warehouse, by month)")
            for m in catalog.all_metrics() if "month" in m.periods]


class SessionForm(forms.ModelForm):
    class Meta:
        model = LearningSession
        fields = ["title", "date", "agenda", "attended"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}),
                   "agenda": forms.Textarea(attrs={"rows": 6}),
                   "attended": forms.CheckboxSelectMultiple}
        labels = {"attended": "Teams that attended"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = self.instance.network.schools.order_by("name")
        self.fields["attended"].required = False


class SchoolsForm(forms.Form):
    schools = forms.ModelMultipleChoiceField(queryset=Organisation.objects.none(),
                                             widget=forms.CheckboxSelectMultiple,
                                             required=False)

    def __init__(self, *args: Any, net: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the schools of the districts already in the network: adding a school gives the
        # network's members its aggregates, so no new district joins this way
        districts = net.schools.values_list("district", flat=True)
        self.fields["schools"].queryset = Organisation.objects.filter(
            kind=Organisation.SCHOOL, district__in=districts).order_by("name")
        self.net = net

    def save(self) -> None:
        self.net.schools.set(self.cleaned_data["schools"])


def _lead(request: HttpRequest, pk: int) -> Network:
    net = network(request.scope, pk)
    NETWORKS.require(request.scope, "lead", Net.of(net))
    return net


@login_required
def measure_edit(request: HttpRequest, pk: int, measure_id: int | None = None
                 ) -> HttpResponse:
    net = _lead(request, pk)
    m = get_object_or_404(Measure, pk=measure_id, network=net) if measure_id else \
        Measure(network=net)
    back = f"/networks/{net.pk}/"
    form = MeasureForm(request.POST or None, instance=m)
    return _page(request, form, net, "Edit the measure" if measure_id else "A new measure",
                 back, delete=f"/networks/{net.pk}/measures/{m.pk}/delete/" if measure_id
                 else None) or redirect(back)


def _lead_deletes(model: type[Measure] | type[LearningSession], key: str) -> Any:
    """A view deleting one of the network's `model` rows (the lead's), by the URL's `key`."""
    @login_required
    @require_POST
    def delete(request: HttpRequest, pk: int, **ids: int) -> HttpResponse:
        net = _lead(request, pk)
        get_object_or_404(model, pk=ids[key], network=net).delete()
        return redirect("network", pk=net.pk)
    return delete


measure_delete = _lead_deletes(Measure, "measure_id")
session_delete = _lead_deletes(LearningSession, "session_id")


@login_required
def session_edit(request: HttpRequest, pk: int, session_id: int | None = None
                 ) -> HttpResponse:
    net = _lead(request, pk)
    s = get_object_or_404(LearningSession, pk=session_id, network=net) if session_id else \
        LearningSession(network=net)
    form = SessionForm(request.POST or None, instance=s)
    saved = _page(request, form, net, "Edit the learning session" if session_id
                  else "A new learning session", f"/networks/{net.pk}/",
                  delete=f"/networks/{net.pk}/sessions/{s.pk}/delete/" if session_id
                  else None)
    return saved or redirect("session", pk=net.pk, session_id=form.instance.pk)


@login_required
def schools_edit(request: HttpRequest, pk: int) -> HttpResponse:
    net = _lead(request, pk)
    form = SchoolsForm(request.POST or None, net=net,
                       initial={"schools": net.schools.all()})
    back = f"/networks/{net.pk}/"
    return _page(request, form, net, "The network's schools", back) or redirect(back)


@login_required
@require_POST
def team_record_delete(request: HttpRequest, pk: int, school: str, what: str, row: int
                       ) -> HttpResponse:
    """A team removes one of its chart changes (a freeze or a new part) or one hand-entered
    measure value; the chart is drawn again without it."""
    net, org = team_to_edit(request, pk, school)
    model = {"changes": ChartChange, "values": MeasureValue}.get(what)
    if model is None:
        raise Http404("no such record")
    get_object_or_404(model, pk=row, school=org, measure__network=net).delete()
    return redirect("team", pk=net.pk, school=org.code)
