"""Writing to a network: aims (and approving them), drivers, change ideas and their status
per school, PDSA cycles, hand-entered measure values (one by one or a CSV), baseline
freezes and new chart parts, phase changes. Leads and coaches write anywhere in their
network; a school's staff write for their own team (`access.TEAMS`)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pandas as pd
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from aimline.metrics import catalog, groups
from aimline.web.access import Net, Team
from aimline.web.networks.access import NETWORKS, TEAMS
from aimline.web.networks.models import (
    Aim,
    ChangeIdea,
    ChartChange,
    Driver,
    Measure,
    MeasureValue,
    Network,
    PDSACycle,
    PhaseChange,
)
from aimline.web.networks.views import team_school
from aimline.web.orgs.models import Organisation
from aimline.web.orgs.scope import network
from aimline.web.targets import service
from aimline.web.targets.models import Target
from aimline.web.warehouse import Reader


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """To the page the form came from (same site only), else `default`."""
    nxt = request.POST.get("next", "")
    ok = url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()})
    return redirect(nxt if nxt and ok else default)


def must_edit(request: HttpRequest, net: Network, school: Organisation | None) -> None:
    if school is None:
        NETWORKS.require(request.scope, "lead", Net.of(net))
    else:
        TEAMS.require(request.scope, "write", Team(Net.of(net), school.code))


def team_to_edit(request: HttpRequest, pk: int, school: str) -> tuple[Network, Organisation]:
    """The network and the team's school, if the user may write for that team."""
    net = network(request.scope, pk)
    org = team_school(request.scope, net, school)
    must_edit(request, net, org)
    return net, org


def _date(raw: object) -> dt.date | None:
    """A YYYY-MM-DD date, or None if it is not one."""
    try:
        return pd.to_datetime(str(raw), format="%Y-%m-%d").date()
    except (ValueError, TypeError):
        return None


def freeze_target(aim: Aim, reader: Reader, user: Any) -> Target:
    """The aim's measured target: its metric for its population in the baseline year, the
    schools' published counts summed, frozen with the rows it came from."""
    return service.freeze(reader, user, metric=aim.metric, schools=aim.population(),
                          baseline_year=aim.baseline_year, target=aim.target,
                          due=aim.by_date, group_type=aim.group_type,
                          group_value=aim.group_value,
                          network=None if aim.school else aim.network)


class AimForm(forms.ModelForm):
    metric = forms.ChoiceField(choices=[])
    group = forms.ChoiceField(choices=[], initial="all:all",
                              help_text="The students the aim is for")

    class Meta:
        model = Aim
        fields = ["school", "metric", "baseline_year", "by_date", "target"]
        widgets = {"by_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: object, net: Network, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [(m.id, m.title) for m in catalog.all_metrics()]
        self.fields["group"].choices = [(f"{t}:{v}", groups.title(t, v))
                                        for t, v in groups.catalog()]
        self.fields["school"].queryset = net.schools.all()
        self.fields["school"].required = False
        if self.instance.pk:
            self.initial["group"] = f"{self.instance.group_type}:{self.instance.group_value}"
        elif "group_type" in self.initial:  # an audit finding's link names the group
            self.initial["group"] = (f"{self.initial.pop('group_type')}:"
                                     f"{self.initial.pop('group_value', '')}")
        self.order_fields(["school", "metric", "group", "baseline_year", "by_date", "target"])

    def save(self, commit: bool = True) -> Aim:
        self.instance.group_type, self.instance.group_value = \
            self.cleaned_data["group"].split(":", 1)
        return super().save(commit)


@login_required
def aim_new(request: HttpRequest, pk: int) -> HttpResponse:
    net = network(request.scope, pk)
    NETWORKS.require(request.scope, "create_aim", Net.of(net))
    # an audit finding links here with the metric, school, group and year filled in
    initial = {k: v for k, v in request.GET.items()
               if k in (*AimForm.Meta.fields, "group_type", "group_value")}
    form = AimForm(request.POST or None, initial=initial, net=net)
    if request.method == "POST" and form.is_valid():
        must_edit(request, net, form.cleaned_data["school"])
        aim = form.save(commit=False)
        aim.network = net
        aim.save()
        return redirect("network", pk=net.pk)
    return render(request, "aimline/form.html", {"form": form, "net": net,
                                                 "title": "A new aim"},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def aim_approve(request: HttpRequest, pk: int, aim_id: int) -> HttpResponse:
    net = network(request.scope, pk)
    aim = get_object_or_404(Aim, pk=aim_id, network=net)
    NETWORKS.require(request.scope, "approve_aim", Net.of(net))
    try:
        with transaction.atomic():
            aim.approve(request.user, freeze_target(aim, Reader(request.scope), request.user))
    except ValidationError as e:
        return HttpResponse(" ".join(e.messages), status=400)
    return redirect("network", pk=net.pk)


@login_required
@require_POST
def aim_evaluate(request: HttpRequest, pk: int, aim_id: int) -> HttpResponse:
    """Where an approved aim's measured target stands in the warehouse now."""
    net = network(request.scope, pk)
    aim = get_object_or_404(Aim, pk=aim_id, network=net, frozen_target__isnull=False)
    NETWORKS.require(request.scope, "evaluate_aim", Net.of(net))
    service.evaluate(aim.frozen_target, Reader(request.scope))
    return _back(request, f"/networks/{net.pk}/")


@login_required
@require_POST
def driver_add(request: HttpRequest, pk: int, aim_id: int) -> HttpResponse:
    net = network(request.scope, pk)
    aim = get_object_or_404(Aim, pk=aim_id, network=net)
    must_edit(request, net, aim.school)
    text = request.POST.get("text", "").strip()
    parent = request.POST.get("parent") or None
    if not text or len(text) > 300:
        return HttpResponse("a driver needs a text of at most 300 characters", status=400)
    d = Driver(aim=aim, text=text,
               parent=get_object_or_404(Driver, pk=parent, aim=aim) if parent else None)
    try:
        d.full_clean()
    except ValidationError as e:
        return HttpResponse(" ".join(e.messages), status=400)
    d.save()
    return _back(request, f"/networks/{net.pk}/")


@login_required
@require_POST
def idea_add(request: HttpRequest, pk: int) -> HttpResponse:
    net = network(request.scope, pk)
    NETWORKS.require(request.scope, "add_idea", Net.of(net))
    title = request.POST.get("title", "").strip()
    if not title or len(title) > 200:
        return HttpResponse("a change idea needs a title of at most 200 characters", status=400)
    drivers = Driver.objects.filter(aim__network=net, pk__in=request.POST.getlist("drivers"))
    ci = ChangeIdea.objects.create(network=net, title=title,
                                   description=request.POST.get("description", ""))
    ci.drivers.set(drivers)
    return _back(request, f"/networks/{net.pk}/")


class PDSAForm(forms.ModelForm):
    class Meta:
        model = PDSACycle
        fields = ["title", "change_idea", "previous", "question", "prediction", "plan",
                  "data_to_collect", "start", "end", "do_notes", "study_notes", "act",
                  "stage", "measures"]
        widgets = {"start": forms.DateInput(attrs={"type": "date"}),
                   "end": forms.DateInput(attrs={"type": "date"}),
                   **{f: forms.Textarea(attrs={"rows": 2}) for f in
                      ("question", "prediction", "plan", "data_to_collect", "do_notes",
                       "study_notes")}}

    def __init__(self, *args: object, net: Network, school: Organisation,
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["change_idea"].queryset = net.change_ideas.all()
        self.fields["previous"].queryset = PDSACycle.objects.filter(network=net, school=school)
        self.fields["measures"].queryset = net.measures.all()
        self.fields["measures"].required = False


@login_required
def pdsa(request: HttpRequest, pk: int, school: str, cycle_id: int | None = None
         ) -> HttpResponse:
    """New cycle, or one cycle's page (editable by the team: plan, do, study, act)."""
    net = network(request.scope, pk)
    org = team_school(request.scope, net, school)
    cycle = get_object_or_404(PDSACycle, pk=cycle_id, network=net, school=org) \
        if cycle_id else None
    if request.method == "POST" or cycle is None:
        must_edit(request, net, org)
    initial = {"change_idea": request.GET.get("change_idea")} if cycle is None else None
    form = PDSAForm(request.POST or None, instance=cycle, net=net, school=org,
                    initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.save(commit=False)
        c.network, c.school = net, org
        if c.pk is None:
            c.created_by = request.user
        try:
            with transaction.atomic():
                c.save()
                form.save_m2m()
        except ValidationError as e:
            for field, msgs in e.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
        else:
            return redirect("team", pk=net.pk, school=org.code)
    return render(request, "networks/pdsa.html", {
        "form": form, "net": net, "school": org, "cycle": cycle,
        "edits": TEAMS.allows(request.scope, "write", Team(Net.of(net), org.code))},
        status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def measure_values(request: HttpRequest, pk: int, measure_id: int, school: str
                   ) -> HttpResponse:
    """Add one value (date, value, n) or upload a CSV with columns date,value[,n]; the
    whole upload is refused, with the row and the problem, if any row is bad."""
    net, org = team_to_edit(request, pk, school)
    m = get_object_or_404(Measure, pk=measure_id, network=net)
    if m.metric:
        return HttpResponse(f"{m.name} comes from the warehouse; values cannot be typed in",
                            status=400)
    if request.FILES.get("csv"):
        try:
            df = pd.read_csv(io.BytesIO(request.FILES["csv"].read()), dtype=str)
        except (ValueError, UnicodeDecodeError) as e:
            return HttpResponse(f"not a CSV file: {e}", status=400)
    else:
        df = pd.DataFrame([{k: request.POST.get(k, "") for k in ("date", "value", "n")}])
    missing = {"date", "value"} - set(df.columns)
    if missing:
        return HttpResponse(f"the CSV needs columns date and value (missing: "
                            f"{', '.join(sorted(missing))})", status=400)
    rows = []
    for i, r in enumerate(df.to_dict("records"), start=2):
        date = _date(r["date"])
        try:
            value = float(r["value"])
            n = float(r["n"]) if str(r.get("n") or "").strip() not in ("", "nan") else None
            if date is None:
                raise ValueError(r["date"])
        except (ValueError, TypeError):
            return HttpResponse(f"row {i}: date must be YYYY-MM-DD and value (and n) numbers "
                                f"(got {r})", status=400)
        if n is not None and not 0 <= value <= n:
            return HttpResponse(f"row {i}: value {value:g} is not between 0 and n = {n:g}",
                                status=400)
        rows.append((date, value, n))
    with transaction.atomic():
        for date, value, n in rows:
            MeasureValue.objects.update_or_create(
                measure=m, school=org, date=date,
                defaults={"value": value, "n": n, "entered_by": request.user})
    return redirect("team", pk=net.pk, school=org.code)


@login_required
@require_POST
def chart_change(request: HttpRequest, pk: int, measure_id: int, school: str) -> HttpResponse:
    net, org = team_to_edit(request, pk, school)
    m = get_object_or_404(Measure, pk=measure_id, network=net)
    kind, why = request.POST.get("kind"), request.POST.get("why", "").strip()
    date = _date(request.POST.get("date"))
    if date is None:
        return HttpResponse("date must be YYYY-MM-DD", status=400)
    if kind not in (ChartChange.FREEZE, ChartChange.PART) or not why:
        return HttpResponse("say what (freeze or part) and why", status=400)
    ChartChange.objects.create(measure=m, school=org, kind=kind, date=date, why=why[:300],
                               by=request.user)
    return redirect("team", pk=net.pk, school=org.code)


@login_required
@require_POST
def phase_add(request: HttpRequest, pk: int) -> HttpResponse:
    net = network(request.scope, pk)
    must_edit(request, net, None)
    phase = request.POST.get("phase")
    began = _date(request.POST.get("began"))
    if began is None:
        return HttpResponse("began must be YYYY-MM-DD", status=400)
    if phase not in {"learning", "testing", "spreading", "sustaining"}:
        raise Http404("no such phase")
    PhaseChange.objects.create(network=net, phase=phase, began=began)
    return redirect("network", pk=net.pk)
