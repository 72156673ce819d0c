"""A programme's courses: sessions per cohort, attendance and completion. (The coaching
log is the shared `coaching` app's.)"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from aimline.web.leaders import seats
from aimline.web.leaders.models import Attendance, Completion, Course


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
