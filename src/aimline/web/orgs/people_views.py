"""The people-and-roles pages of a district (its admins only), the people log, and the
invitation link a new person follows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from aimline.web.orgs import people
from aimline.web.orgs.access import ORGS
from aimline.web.orgs.models import Invitation, Organisation, PeopleChange, Role


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Invitation.ROLES)
    schools = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(), required=False,
        help_text="A principal or teacher: one school. A supervisor: their schools, or none "
                  "for the whole district. Admins and analysts: none (the whole district).")

    def __init__(self, *args: Any, district: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = district.schools.order_by("name")


class InviteForm(RoleForm):
    email = forms.EmailField()
    field_order = ["email", "role", "schools"]


def _district(request: HttpRequest) -> Organisation:
    """The district whose people the page shows (?district=, else the admin's first)."""
    codes = sorted(request.scope.admin_districts)
    code = request.GET.get("district") or request.POST.get("district") or (
        codes[0] if codes else None)
    ORGS.require(request.scope, "manage_people", code)
    return get_object_or_404(Organisation, kind=Organisation.DISTRICT, code=code)


def _done(request: HttpRequest, district: Organisation, to: str = "people",
          **kw: Any) -> HttpResponse:
    return redirect(reverse(to, kwargs=kw) + f"?district={district.code}")


@login_required
def people_page(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    form = InviteForm(request.POST or None, district=district)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            f = form.cleaned_data
            try:
                people.invite(request.user, district, f["email"], f["role"], f["schools"],
                              request.build_absolute_uri("/invite/"))
            except ValidationError as e:
                form.add_error(None, e)
            else:
                return _done(request, district)
        status = 400
    roles = people.roles_in(district).select_related("user", "district").prefetch_related(
        "schools")
    by_person: dict[int, dict[str, Any]] = {}
    for r in roles:
        p = by_person.setdefault(r.user_id, {"user": r.user, "roles": []})
        p["roles"].append(f"{r.get_role_display()} · {people.where(r)}")
    return render(request, "orgs/people.html", {
        "district": district, "people": sorted(by_person.values(),
                                               key=lambda p: p["user"].username),
        "invitations": Invitation.objects.filter(
            district=district, accepted_at__isnull=True, revoked=False,
            expires_at__gt=timezone.now()),
        "form": form, "districts": sorted(request.scope.admin_districts)}, status=status)


@login_required
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    district = _district(request)
    user = get_object_or_404(get_user_model(), pk=user_id)
    mine = list(people.roles_in(district).filter(user=user).prefetch_related("schools"))
    if not mine:
        raise Http404("no such person in this district")
    form = RoleForm(request.POST or None, district=district)
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "grant" and form.is_valid():
                people.grant(request.user, district, user, form.cleaned_data["role"],
                             form.cleaned_data["schools"])
            elif action in ("change", "remove"):
                r = get_object_or_404(Role, pk=request.POST.get("role_id"), user=user)
                if action == "remove":
                    people.remove(request.user, district, r)
                elif form.is_valid():
                    people.change(request.user, district, r, form.cleaned_data["role"],
                                  form.cleaned_data["schools"])
                else:
                    raise ValidationError("choose the new role and its schools")
            elif action in ("deactivate", "reactivate"):
                people.set_active(request.user, district, user, action == "reactivate")
            else:
                raise ValidationError(f"cannot {action}")
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            return _done(request, district, "person", user_id=user.pk)
    return render(request, "orgs/person.html", {
        "district": district, "person": user, "roles": [(r, people.where(r)) for r in mine],
        "form": form, "error": error,
        "log": PeopleChange.objects.filter(district=district, person=user.username)[:50]},
        status=400 if error else 200)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    district = _district(request)
    inv = get_object_or_404(Invitation, pk=pk, district=district)
    inv.revoked = True
    inv.save(update_fields=["revoked"])
    people._log(request.user, district, inv.email, "withdrawn",
                f"the invitation of {inv.created_at:%Y-%m-%d}")
    return _done(request, district)


@login_required
def people_log(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    page = Paginator(PeopleChange.objects.filter(district=district).select_related("by"),
                     100).get_page(request.GET.get("page"))
    return render(request, "orgs/people_log.html", {"district": district, "page": page})


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email: valid and unused, it opens sign-up for that email (with a
    password, or the district's single sign-on); a signed-in person with that email gets
    the role at once."""
    inv = Invitation.find(token)
    why = "this link is not a valid invitation" if inv is None else inv.usable(
        timezone.now())
    if why:
        return render(request, "orgs/invitation.html", {"why": why}, status=410)
    assert inv is not None
    if request.user.is_authenticated:
        try:
            people.accept(inv, request.user)
        except ValidationError as e:
            return render(request, "orgs/invitation.html", {"why": " ".join(e.messages)},
                          status=403)
        return redirect("home")
    request.session[people.SESSION_KEY] = inv.pk
    # the email is proven by the link: allauth need not send a confirmation
    request.session["account_verified_email"] = inv.email
    return redirect(reverse("account_signup") + f"?email={inv.email}")
