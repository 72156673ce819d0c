"""Programme staff keep their programme on the site: cohorts, candidates (with their
coach and approver), course sessions and the list of leadership challenges. People are
named by username or email, never picked from a list of everyone on the site."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from aimline.web.leaders import seats
from aimline.web.leaders.models import Candidate, Cohort, CourseSession, Programme
from aimline.web.orgs.models import Organisation


def person(named: str) -> Any:
    found = get_user_model().objects.filter(Q(username=named) | Q(email__iexact=named),
                                            is_active=True)
    if found.count() != 1:
        raise ValidationError(f"no one (or more than one) signs in as {named!r}")
    return found.get()


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "starts", "ends"]
        widgets = {"starts": forms.DateInput(attrs={"type": "date"}),
                   "ends": forms.DateInput(attrs={"type": "date"})}


class CandidateForm(forms.Form):
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.none())
    person = forms.CharField(label="Candidate (username or email)")
    kind = forms.ChoiceField(choices=Candidate.KINDS)
    schools = forms.CharField(label="School codes", help_text="Their school; for a "
                              "supervisor, the schools they supervise (comma-separated)")
    coach = forms.CharField(label="Executive coach (username or email)")
    approver = forms.CharField(label="Approver: the superintendent or delegate (username "
                                     "or email)")

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = programme.cohorts.all()


class SessionForm(forms.ModelForm):
    meeting_link = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = CourseSession
        fields = ["course", "cohort", "starts", "meeting_link"]
        widgets = {"starts": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = programme.courses.all()
        self.fields["cohort"].queryset = programme.cohorts.all()


def forms_for(p: Programme) -> dict[str, Any]:
    return {"cohort_form": CohortForm(), "candidate_form": CandidateForm(programme=p),
            "session_form": SessionForm(programme=p),
            "challenges": "\n".join(p.challenges)}


def _candidate(p: Programme, form: CandidateForm) -> Candidate:
    d = form.cleaned_data
    codes = [c.strip() for c in d["schools"].split(",") if c.strip()]
    schools = list(Organisation.objects.filter(kind=Organisation.SCHOOL, code__in=codes))
    missing = sorted(set(codes) - {s.code for s in schools})
    if missing or not schools:
        raise ValidationError(f"no school {', '.join(missing) or '(none given)'}")
    c = Candidate(cohort=d["cohort"], user=person(d["person"]), kind=d["kind"],
                  district=schools[0].district, coach=person(d["coach"]),
                  approver=person(d["approver"]))
    c.check_roles(schools)
    if Candidate.objects.filter(cohort=c.cohort, user=c.user).exists():
        raise ValidationError(f"{c.user} is already in this cohort")
    c.save()
    c.schools.set(schools)
    return c


@login_required
@require_POST
def add(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Add a cohort, a candidate or a course session, or replace the challenge list; a
    refusal says why and changes nothing."""
    p = seats.programme(request, pk)
    try:
        with transaction.atomic():
            if what == "challenges":
                tags = [t.strip() for t in request.POST.get("challenges", "").splitlines()
                        if t.strip()]
                if not tags:
                    raise ValidationError("name at least one leadership challenge")
                p.challenges = list(dict.fromkeys(tags))
                p.save()
            elif what in ("cohort", "candidate", "session"):
                form = {"cohort": lambda: CohortForm(request.POST),
                        "candidate": lambda: CandidateForm(request.POST, programme=p),
                        "session": lambda: SessionForm(request.POST, programme=p)}[what]()
                if not form.is_valid():
                    raise ValidationError("; ".join(f"{k}: {' '.join(v)}"
                                                    for k, v in form.errors.items()))
                if what == "candidate":
                    _candidate(p, form)
                else:
                    obj = form.save(commit=False)
                    if what == "cohort":
                        obj.programme = p
                        obj.full_clean()
                    obj.save()
            else:
                return HttpResponse("nothing of that kind", status=404)
    except ValidationError as e:
        return HttpResponse(" ".join(e.messages), status=400)
    return redirect("leaders_programme", pk=p.pk)
