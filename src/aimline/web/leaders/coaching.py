"""The coaching log and the courses. An entry's content is the candidate's and the
coach's (`access.LEADERS` read_log); programme staff see counts, hours and tags on the
candidate and cohort pages. A draft is kept while it is typed (the form saves itself); a
submitted entry is corrected only by its author, each change kept (`CoachingCorrection`)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from aimline.web.leaders import seats
from aimline.web.leaders.models import Attendance, CoachingEntry, Completion, Course


class EntryForm(forms.ModelForm):
    focus = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                      label="Leadership challenges")

    class Meta:
        model = CoachingEntry
        fields = ["date", "minutes", "mode", "focus", "notes", "next_steps", "evidence"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}),
                   "notes": forms.Textarea(attrs={"rows": 5}),
                   "next_steps": forms.Textarea(attrs={"rows": 3}),
                   "evidence": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: object, challenges: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["focus"].choices = [(t, t) for t in challenges]


@login_required
@require_POST
def new_entry(request: HttpRequest, pk: int) -> HttpResponse:
    c, _ = seats.candidate(request, pk, "write_log")
    e = CoachingEntry.objects.create(candidate=c, author=request.user, date=dt.date.today())
    return redirect("leaders_entry", pk=e.pk)


def _entry(request: HttpRequest, pk: int) -> CoachingEntry:
    e = get_object_or_404(CoachingEntry.objects.select_related("candidate__cohort__programme"),
                          pk=pk)
    seats.candidate(request, e.candidate_id, "read_log")
    if e.status == CoachingEntry.DRAFT and e.author_id != request.user.pk:
        raise Http404("no such entry")  # another's draft is not there yet
    return e


@login_required
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Read an entry; its author edits it (a draft: save or submit; submitted: correct)."""
    e = _entry(request, pk)
    mine = e.author_id == request.user.pk
    form = EntryForm(request.POST or None, instance=e,
                     challenges=e.candidate.cohort.programme.challenges)
    status, error = 200, ""
    if request.method == "POST":
        if not mine:
            return HttpResponse("an entry is written and corrected by its author only",
                                status=403)
        if form.is_valid():
            try:
                with transaction.atomic():
                    e = form.save(commit=False)
                    e._corrected_by = request.user
                    if request.POST.get("do") == "submit":
                        e.status = CoachingEntry.SUBMITTED
                    e.save()
                if request.headers.get("HX-Request"):  # the draft saving itself
                    return HttpResponse(f"Draft saved {dt.datetime.now():%H:%M:%S}")
                return redirect("leaders_candidate", pk=e.candidate_id)
            except ValidationError as err:
                error, status = " ".join(err.messages), 400
                e = CoachingEntry.objects.get(pk=pk)
        else:
            status = 400
    return render(request, "leaders/entry.html",
                  {"e": e, "form": form, "mine": mine, "error": error,
                   "corrections": e.corrections.select_related("by")}, status=status)


@login_required
def course(request: HttpRequest, pk: int) -> HttpResponse:
    """A course's sessions per cohort with attendance and completion (programme staff)."""
    co = get_object_or_404(Course.objects.select_related("programme"), pk=pk)
    seats.programme(request, co.programme_id)
    cohorts = co.programme.cohorts.prefetch_related("candidates__user")
    if request.method == "POST":
        with transaction.atomic():
            for cohort in cohorts:
                for s in co.sessions.filter(cohort=cohort):
                    for cand in cohort.candidates.all():
                        Attendance.objects.update_or_create(
                            session=s, candidate=cand,
                            defaults={"present": f"p-{s.pk}-{cand.pk}" in request.POST})
                for cand in cohort.candidates.all():
                    done = f"done-{cand.pk}" in request.POST
                    if done:
                        Completion.objects.get_or_create(
                            course=co, candidate=cand,
                            defaults={"on": dt.date.today(), "by": request.user})
                    else:
                        Completion.objects.filter(course=co, candidate=cand).delete()
        return redirect("leaders_course", pk=co.pk)
    rows = []
    for cohort in cohorts:
        sessions = list(co.sessions.filter(cohort=cohort))
        marks = {(a.session_id, a.candidate_id): a.present
                 for a in Attendance.objects.filter(session__in=sessions)}
        done = set(co.completions.values_list("candidate_id", flat=True))
        rows.append({"cohort": cohort, "sessions": sessions, "candidates": [
            {"c": cand, "marks": [(s, marks.get((s.pk, cand.pk))) for s in sessions],
             "done": cand.pk in done} for cand in cohort.candidates.all()]})
    return render(request, "leaders/course.html", {"course": co, "cohorts": rows})
