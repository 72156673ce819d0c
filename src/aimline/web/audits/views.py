"""Equity audit pages: the list, an audit's overview (summary, schools, status), a school's
findings (indicators by group with the gap chart, peers, beating the odds, sentences,
recommendations, and each gap turned into an aim in one click), downloads.

Reading an audit needs every one of its schools in the user's aggregate scope (a school's
findings page: that school); writing needs the district in `scope.audit_districts`."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from aimline.metrics import catalog, engine
from aimline.web.access import Audit, Net, Team
from aimline.web.audits import builds as audits
from aimline.web.audits import jobs
from aimline.web.audits.access import AUDITS
from aimline.web.audits.models import AuditJob, EquityAudit, Recommendation
from aimline.web.networks.access import TEAMS
from aimline.web.networks.models import Network
from aimline.web.orgs.models import Organisation
from aimline.web.orgs.scope import Scope, readable_networks


def _facts(a: EquityAudit, every: set[str] | None = None) -> Audit:
    """The audit as the access rules see it, read once per row; `every`: the district's
    schools, if known."""
    if getattr(a, "_access_facts", None) is None:
        if every is None and not a.schools:
            every = set(a.district.schools.values_list("code", flat=True))
        a._access_facts = Audit(a.district.code, frozenset(a.schools or every or ()))
    return a._access_facts


def readable(scope: Scope) -> list[tuple[EquityAudit, list[tuple[str, str]] | None]]:
    """The audits a user may read, each with None (the whole audit) or the schools whose
    findings they may read (a principal: their school). One query for the audits, one per
    district for its schools."""
    mine = EquityAudit.objects.filter(district__code__in=scope.districts).select_related(
        "district", "created_by")
    every: dict[int, set[str]] = {}
    out: list[tuple[EquityAudit, list[tuple[str, str]] | None]] = []
    for a in mine:
        if a.district_id not in every:
            every[a.district_id] = set(a.district.schools.values_list("code", flat=True))
        facts = _facts(a, every[a.district_id])
        if AUDITS.allows(scope, "read", facts):
            out.append((a, None))
        elif AUDITS.allows(scope, "read_findings", facts):
            names = a.findings.get("schools", {})
            out.append((a, [(c, names.get(c, {}).get("name", c))
                            for c in sorted(facts.schools & scope.aggregate_schools)]))
    return out


def get_audit(scope: Scope, pk: int, *, school: str | None = None) -> EquityAudit:
    """The audit if the user may read it (or, with `school`, that school's findings)."""
    a = EquityAudit.objects.select_related("district").filter(pk=pk).first()
    if a is None:
        raise Http404("no such audit")
    facts = _facts(a)
    if school is None:
        AUDITS.require(scope, "read", facts, hidden=True)
    elif school not in facts.schools or school not in scope.aggregate_schools:
        raise Http404("no such school in this audit")
    else:
        AUDITS.require(scope, "read_findings", facts, hidden=True)
    return a


def _must_write(scope: Scope, a: EquityAudit) -> None:
    AUDITS.require(scope, "write", _facts(a))


class AuditForm(forms.ModelForm):
    class Meta:
        model = EquityAudit
        fields = ["district", "title", "year", "criteria"]

    def __init__(self, *args: object, districts: frozenset[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = Organisation.objects.filter(
            kind=Organisation.DISTRICT, code__in=districts)

    def clean_year(self) -> int:
        """Refused here, at once, rather than by the build job minutes later."""
        year = self.cleaned_data["year"]
        held = engine.years_in(Path(settings.WAREHOUSE)) if Path(
            settings.WAREHOUSE).exists() else []
        if year not in held:
            raise forms.ValidationError(
                f"school year {year} is not in the warehouse; it holds: "
                f"{', '.join(map(str, held)) or 'no years'}")
        return year


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    form = AuditForm(request.POST or None, districts=scope.audit_districts)
    if request.method == "POST":
        if not scope.audit_districts:
            raise PermissionDenied("equity audits are written by district staff and partners")
        if form.is_valid():
            a = form.save(commit=False)
            a.created_by = request.user
            a.save()
            jobs.enqueue(a, AuditJob.BUILD, request.user)  # the page shows its progress
            return redirect("audit", pk=a.pk)
    return render(request, "audits/audits.html", {
        "audits": readable(scope), "form": form if scope.audit_districts else None},
        status=400 if request.method == "POST" else 200)


@login_required
def audit(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_audit(request.scope, pk)
    f = a.findings
    return render(request, "audits/audit.html", {
        "a": a, "f": f, "odds_svg": mark_safe(f.get("odds_svg", "")),
        "job": a.jobs.first(), "ready": {fmt: jobs.current_file(a, fmt) is not None
                                         for fmt in jobs.FORMATS},
        "schools": sorted(f.get("schools", {}).items(), key=lambda kv: kv[1]["name"]),
        "titles": {m.id: m.short_title for m in catalog.all_metrics()},
        "writes": AUDITS.allows(request.scope, "write", _facts(a)),
        "district_recs": a.recommendations.filter(school_id=""),
        "publications": a.publications.all()})


def _aim_links(scope: Scope, school: str, year: int, finding: dict[str, Any]
               ) -> list[tuple[Network, str]]:
    """For each network the user writes aims in that includes the school: a link to the
    new-aim form filled in from the finding."""
    org = Organisation.objects.filter(kind=Organisation.SCHOOL, code=school).first()
    out = []
    for net in readable_networks(scope).filter(schools=org):
        if TEAMS.allows(scope, "write", Team(Net.of(net), school)):
            q = urlencode({"school": org.pk, "metric": finding["metric"],
                           "group_type": finding["group_type"],
                           "group_value": finding["group_value"], "baseline_year": year})
            out.append((net, f"/networks/{net.pk}/aims/new/?{q}"))
    return out


@login_required
def findings(request: HttpRequest, pk: int, school: str) -> HttpResponse:
    a = get_audit(request.scope, pk, school=school)
    s = a.findings.get("schools", {}).get(school)
    if s is None:
        raise Http404("this school has no findings in the audit")
    for f in s["findings"]:
        f["aims"] = _aim_links(request.scope, school, a.year, f)
    headline_cols = [m for m in a.findings.get("metrics", []) if any(m in r for r in
                                                                      s["headline"])]
    return render(request, "audits/findings.html", {
        "a": a, "s": s, "school_id": school, "gaps_svg": mark_safe(s["gaps_svg"]),
        "odds_svg": mark_safe(a.findings.get("odds_svg", "")), "cols": headline_cols,
        "titles": {m.id: m.short_title for m in catalog.all_metrics()},
        "recs": a.recommendations.filter(school_id=school),
        "reads_overview": AUDITS.allows(request.scope, "read", _facts(a)),
        "writes": a.editable and AUDITS.allows(request.scope, "write", _facts(a))})


@login_required
@require_POST
def recommend(request: HttpRequest, pk: int) -> HttpResponse:
    school = request.POST.get("school_id", "")
    a = get_audit(request.scope, pk, school=school or None)
    _must_write(request.scope, a)
    text = request.POST.get("text", "").strip()
    if not text or len(text) > 5000:
        return HttpResponse("a recommendation needs a text of at most 5,000 characters",
                            status=400)
    try:
        Recommendation.objects.create(audit=a, school_id=school, text=text,
                                      finding=request.POST.get("finding", "")[:400],
                                      author=request.user)
    except ValidationError as e:
        return HttpResponse(" ".join(e.messages), status=400)
    return redirect("findings", pk=a.pk, school=school) if school else redirect("audit", pk=a.pk)


@login_required
@require_POST
def unrecommend(request: HttpRequest, pk: int, rec_id: int) -> HttpResponse:
    """Its author withdraws a recommendation while the audit is a draft."""
    a = get_audit(request.scope, pk)
    _must_write(request.scope, a)
    rec = a.recommendations.filter(pk=rec_id, author=request.user).first()
    if rec is None:
        raise Http404("no such recommendation of yours")
    if not a.editable:
        return HttpResponse("a published audit is read-only: start a new version", status=400)
    school = rec.school_id
    rec.delete()
    return redirect("findings", pk=a.pk, school=school) if school else redirect("audit", pk=a.pk)


@login_required
@require_POST
def status(request: HttpRequest, pk: int) -> HttpResponse:
    """refresh (draft), review, publish (reviewed), new_version (published)."""
    a = get_audit(request.scope, pk)
    _must_write(request.scope, a)
    action = request.POST.get("action")
    busy = jobs.active(a)
    if busy and action in ("refresh", "review", "publish", "new_version"):
        return HttpResponse(f"the audit is busy ({busy.get_action_display().lower()}: "
                            f"{busy.step or 'queued'}); try again when it is done",
                            status=409)
    try:
        if action == "refresh" and a.status == EquityAudit.DRAFT:
            jobs.enqueue(a, AuditJob.BUILD, request.user)
        elif action == "review" and a.status == EquityAudit.DRAFT:
            a.status = EquityAudit.REVIEWED
            a.save(update_fields=["status"])
            jobs.enqueue(a, AuditJob.BUILD, request.user)  # files that say "reviewed"
        elif action == "publish" and a.status == EquityAudit.REVIEWED:
            jobs.enqueue(a, AuditJob.PUBLISH, request.user)
        elif action == "new_version":
            audits.new_version(a)
            jobs.enqueue(a, AuditJob.BUILD, request.user)
        else:
            why = {"publish": "an audit is reviewed before it is published",
                   "refresh": "a published audit is read-only: start a new version"}
            return HttpResponse(why.get(action or "", f"cannot {action} an audit that is "
                                                      f"{a.status}"), status=400)
    except ValidationError as e:
        return HttpResponse(" ".join(e.messages), status=400)
    return redirect("audit", pk=a.pk)


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """The audit's latest job: its step and progress (the audit page polls this)."""
    a = get_audit(request.scope, pk)
    return render(request, "audits/job.html", {"a": a, "job": a.jobs.first()})


@login_required
def download(request: HttpRequest, pk: int, fmt: str, version: int | None = None
             ) -> HttpResponse:
    """A published version's frozen PDF, or the current draft as PDF, HTML or XLSX."""
    a = get_audit(request.scope, pk)
    if version is not None:
        pub = a.publications.filter(version=version).first()
        if pub is None or fmt != "pdf":
            raise Http404("no such published version")
        body, kind = bytes(pub.pdf), "application/pdf"
    else:
        if fmt not in jobs.FORMATS:
            raise Http404("formats are pdf, html and xlsx")
        ready = jobs.current_file(a, fmt)
        if ready is None:  # never rendered on request: the job makes it, the page waits
            job = jobs.enqueue(a, AuditJob.BUILD, request.user)
            return render(request, "audits/preparing.html", {"a": a, "job": job,
                                                             "fmt": fmt}, status=202)
        body, kind = bytes(ready.body), jobs.FORMATS[fmt]
    resp = HttpResponse(body, content_type=kind)
    name = f"audit-{a.pk}-v{version or a.version}{'' if version else '-draft'}.{fmt}"
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp
