"""Watch list, a student's history and interventions: student-level, scoped and logged."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render

from aimline.data.schema import ABSENCE_CATEGORIES
from aimline.web.dashboards.views import choice, year_of
from aimline.web.orgs.models import AuditEntry
from aimline.web.orgs.scope import Scope
from aimline.web.orgs.studentlog import log_list, log_students
from aimline.web.students.access import STUDENTS
from aimline.web.students.models import Intervention
from aimline.web.warehouse import Reader

PAGE = 100  # students a page
SORTS = {"flags": (["flags", "attendance_rate"], [False, True]),
         "attendance": (["attendance_rate"], [True]),
         "name": (["last_name", "first_name"], [True, True]),
         "suspensions": (["suspensions"], [False]),
         "failing": (["failing_marks"], [False])}


def require_students(scope: Scope) -> None:
    STUDENTS.require(scope, "read")


@login_required
def watchlist(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    require_students(scope)
    reader = Reader(scope)
    year, years = year_of(request, reader)
    schools = reader.schools()
    visible = sorted(scope.student_schools | scope.roster_schools)
    schools = schools[schools.school_id.isin(visible)]
    school = choice(request, "school", list(schools.school_id), None)
    min_flags = choice(request, "min_flags", [0, 1, 2, 3], 1)
    sort = choice(request, "sort", list(SORTS), "flags")
    df = reader.watchlist(year, school=school, min_flags=min_flags) if year else None
    rows, total = [], 0 if df is None else len(df)
    pages = max(1, -(-total // PAGE))
    page = choice(request, "page", list(range(1, pages + 1)), 1)
    if df is not None:
        by, asc = SORTS[sort]
        df = df.sort_values(by, ascending=asc, ignore_index=True, kind="stable")
        rows = df.iloc[(page - 1) * PAGE:page * PAGE].to_dict("records")
        # only the page's students are shown, so only they are logged as seen
        log_list(request, [(r["student_id"], r["school_id"]) for r in rows],
                 what=f"watch list {year} (page {page}: {len(rows)} of {total} students)")
    query = QueryDict(mutable=True)
    query.update({k: v for k, v in (("year", year), ("school", school),
                                    ("min_flags", min_flags), ("sort", sort)) if v is not None})
    return render(request, "students/watchlist.html", {
        "rows": rows, "total": total, "schools": schools, "page": page, "pages": pages,
        "first": (page - 1) * PAGE + 1, "last": (page - 1) * PAGE + len(rows),
        "query": query.urlencode(), "school": school, "min_flags": min_flags, "sort": sort,
        "sorts": list(SORTS), "year": year, "years": years})


class InterventionForm(forms.ModelForm):
    class Meta:
        model = Intervention
        fields = ["kind", "start", "end", "owner", "note", "restricted"]
        widgets = {"start": forms.DateInput(attrs={"type": "date"}),
                   "end": forms.DateInput(attrs={"type": "date"}),
                   "note": forms.Textarea(attrs={"rows": 3})}


def interventions_for(student_id: str) -> QuerySet[Intervention]:
    return Intervention.objects.filter(student_id=student_id).select_related("created_by")


def note_visible(scope: Scope, user_id: int, iv: Intervention) -> bool:
    """A restricted note is for the author and the staff of the author's school only."""
    return not iv.restricted or iv.created_by_id == user_id or iv.school_id in scope.staff_schools


def author_school(scope: Scope, schools: set[str]) -> str:
    """The school an intervention is recorded at: the user's own school where they are
    staff, otherwise the student's (latest) school in the user's scope."""
    own = sorted(schools & scope.staff_schools) or sorted(
        schools & (scope.student_schools | scope.roster_schools))
    return own[-1]


@login_required
def student(request: HttpRequest, student_id: str) -> HttpResponse:
    scope = request.scope
    require_students(scope)
    reader = Reader(scope)
    schools = reader.check_student(student_id)  # 404 outside scope, before anything else
    # its author corrects an intervention (dates, owner, note); nobody else changes it
    editing = request.POST.get("intervention_id") or request.GET.get("edit")
    mine = get_object_or_404(Intervention, pk=editing, student_id=student_id,
                             created_by=request.user) if editing else None
    form = InterventionForm(request.POST or None, instance=mine)
    if request.method == "POST" and form.is_valid():
        iv = form.save(commit=False)
        if mine is None:
            iv.student_id, iv.created_by = student_id, request.user
            iv.school_id = author_school(scope, schools)
        iv.full_clean()
        iv.save()
        return redirect("student", student_id=student_id)
    record = reader.student(student_id)
    log_students(request, AuditEntry.VIEW, [(student_id, author_school(scope, schools))])
    ivs = [(iv, note_visible(scope, request.user.pk, iv))
           for iv in interventions_for(student_id)]
    att = record["attendance"]
    # days missed by month: absences only (a tardy is not a share of a day missed)
    missed = att[att.category.isin(ABSENCE_CATEGORIES)]
    by_month = (missed.assign(
        month=missed.date.astype("datetime64[ns]").dt.to_period("M").astype(str))
        .groupby("month").day_fraction.sum().reset_index() if len(missed) else missed)
    return render(request, "students/student.html", {
        "student_id": student_id, "r": record, "p": record["profile"], "form": form,
        "editing": mine,
        "interventions": ivs, "absence_by_month": by_month.to_dict("records")},
        status=400 if request.method == "POST" else 200)
