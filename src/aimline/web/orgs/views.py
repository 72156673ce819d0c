"""Personal API tokens and the audit log (district admins read it; nobody edits it)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from aimline.web.orgs.access import ORGS
from aimline.web.orgs.models import ApiToken, AuditEntry, AuditStudent, Organisation


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for")


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new = None
    if request.method == "POST" and form.is_valid():
        _, new = ApiToken.issue(request.user, form.cleaned_data["name"])
        form = TokenForm()
    return render(request, "orgs/tokens.html", {
        "form": form, "new": new, "tokens": ApiToken.objects.filter(user=request.user)})


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(ApiToken, pk=pk, user=request.user).delete()
    return redirect("tokens")


class AuditLogFilter(forms.Form):
    viewer = forms.CharField(required=False, max_length=150, help_text="username")
    student = forms.CharField(required=False, max_length=20)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Views, lists and exports of the district's students, newest first; filtered by
    viewer, student and dates. A list entry shows only the district's students it held."""
    ORGS.require(request.scope, "read_audit_log")
    schools = list(Organisation.objects.filter(
        kind=Organisation.SCHOOL, district__code__in=request.scope.admin_districts
    ).values_list("code", flat=True))
    entries = AuditEntry.objects.filter(
        Q(school_id__in=schools) | Q(shown__school_id__in=schools))
    form = AuditLogFilter(request.GET or None)
    if form.is_valid():
        f = form.cleaned_data
        if f["viewer"]:
            entries = entries.filter(user__username=f["viewer"])
        if f["student"]:
            entries = entries.filter(Q(student_id=f["student"]) | Q(shown__student_id=f["student"]))
        if f["since"]:
            entries = entries.filter(at__date__gte=f["since"])
        if f["until"]:
            entries = entries.filter(at__date__lte=f["until"])
    entries = entries.distinct().select_related("user").prefetch_related(
        Prefetch("shown", queryset=AuditStudent.objects.filter(school_id__in=schools),
                 to_attr="district_shown"))
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "orgs/audit_log.html", {"page": page, "form": form,
                                                      "query": query.urlencode()},
                  status=400 if form.errors else 200)
