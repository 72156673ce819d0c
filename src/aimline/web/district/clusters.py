"""Clusters of schools around a joint plan: the schools, the plan, shared resources
(teachers, PD funds, a coach) and the cluster's measures — targets over all its schools
together, frozen from the warehouse and charted. Who may do what is `access.DISTRICT`
(read_cluster, keep_clusters)."""

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
from aimline.web.district.models import Cluster, Shared
from aimline.web.district.views import held_year
from aimline.web.orgs.models import Organisation
from aimline.web.orgs.scope import population_scope
from aimline.web.steps import decimal, refusing, step_view
from aimline.web.targets import progress, service
from aimline.web.warehouse import Reader


def readable(scope: Any, c: Cluster) -> bool:
    codes = [s.code for s in c.schools.all()]
    return any(DISTRICT.allows(scope, "read_cluster", At(c.district.code, s)) for s in codes)


def find(request: HttpRequest, pk: int, action: str = "read_cluster"
         ) -> tuple[Cluster, At]:
    """The cluster; 404 unless the person reads it (a school of it in their scope), 403
    without `action`."""
    c = Cluster.objects.select_related("district").filter(pk=pk).first()
    if c is None or not readable(request.scope, c):
        raise Http404("no such cluster")
    if action != "read_cluster":
        DISTRICT.require(request.scope, action, At(c.district.code))
    return c, At(c.district.code)


def _reader(c: Cluster) -> Reader:
    """The cluster's published aggregates, over exactly its schools (as a measured
    target's seats read them)."""
    return Reader(population_scope(frozenset(s.code for s in c.schools.all())))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    lea = DISTRICT.district(request.scope, "read_support")
    district = get_object_or_404(Organisation, kind=Organisation.DISTRICT, code=lea)
    clusters = [c for c in Cluster.objects.filter(district=district).prefetch_related(
        "schools") if readable(request.scope, c)]
    return render(request, "district/clusters.html", {
        "district": district, "clusters": clusters,
        "schools": district.schools.order_by("name"),
        "may_keep": DISTRICT.allows(request.scope, "keep_clusters", At(lea))})


@login_required
@require_POST
def new(request: HttpRequest) -> HttpResponse:
    lea = DISTRICT.district(request.scope, "keep_clusters")
    district = get_object_or_404(Organisation, kind=Organisation.DISTRICT, code=lea)
    made: list[Cluster] = []

    def do() -> str:
        codes = request.POST.getlist("schools")
        schools = list(district.schools.filter(code__in=codes))
        if len(schools) < 2 or len(schools) != len(set(codes)):
            raise ValidationError("a cluster is two or more of the district's schools")
        if not request.POST.get("name", "").strip() or not request.POST.get("plan",
                                                                              "").strip():
            raise ValidationError("name the cluster and write its joint plan")
        c = Cluster.objects.create(district=district, name=request.POST["name"].strip()[:200],
                                   plan=request.POST["plan"].strip(), created_by=request.user)
        c.schools.set(schools)
        made.append(c)
        return "Cluster formed"
    r = refusing(request, do, redirect("district_clusters"))
    return redirect("district_cluster", pk=made[0].pk) if made else r


def _do(request: HttpRequest, c: Cluster, what: str) -> str:
    post = request.POST
    if what == "shared":
        if post.get("kind") not in dict(Shared.KINDS) or not post.get("what", "").strip():
            raise ValidationError("choose the kind of resource and say what it is")
        Shared.objects.create(cluster=c, kind=post["kind"], what=post["what"].strip()[:300],
                              amount=decimal(post.get("amount", ""), "the amount"))
        return "Shared resource added"
    codes = sorted(s.code for s in c.schools.all())
    t = service.freeze(_reader(c), request.user, metric=post.get("metric", ""),
                       schools=codes, baseline_year=int(post.get("year", "0")),
                       target=float(post["target"]), due=dt.date.fromisoformat(post["due"]))
    c.targets.add(t)
    return f"Measure set: {catalog.get(t.metric).title} from {t.baseline:g} to {t.target:g}"


step = step_view({"shared": "keep_clusters", "measure": "keep_clusters"}, find, _do,
                 "district_cluster")


@login_required
def page(request: HttpRequest, pk: int) -> HttpResponse:
    c, _ = find(request, pk)
    reader = _reader(c)
    measures = [{"t": t, "metric": catalog.get(t.metric), "chart": progress.chart(
        reader, request.scope, metric=t.metric, schools=t.schools, group_type=t.group_type,
        group_value=t.group_value, target=t.target)} for t in c.targets.all()]
    return render(request, "district/cluster.html", {
        "c": c, "schools": c.schools.order_by("name"), "shared": c.shared.all(),
        "measures": measures, "metrics": catalog.all_metrics(), "year": held_year(None)[0],
        "may_keep": DISTRICT.allows(request.scope, "keep_clusters", At(c.district.code))})
