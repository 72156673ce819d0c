"""Personal API tokens and the audit log (district admins read it; nobody edits it)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from aimline.web.models import ApiToken, AuditEntry, Organisation


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for")


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new = None
    if request.method == "POST" and form.is_valid():
        _, new = ApiToken.issue(request.user, form.cleaned_data["name"])
        form = TokenForm()
    return render(request, "aimline/tokens.html", {
        "form": form, "new": new, "tokens": ApiToken.objects.filter(user=request.user)})


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(ApiToken, pk=pk, user=request.user).delete()
    return redirect("tokens")


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not request.scope.admin_districts:
        raise PermissionDenied("the audit log is for district admins")
    schools = Organisation.objects.filter(
        kind=Organisation.SCHOOL, district__code__in=request.scope.admin_districts
    ).values_list("code", flat=True)
    entries = AuditEntry.objects.filter(school_id__in=list(schools)).select_related("user")
    if request.GET.get("student"):
        entries = entries.filter(student_id=request.GET["student"])
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "aimline/audit_log.html", {"page": page})
