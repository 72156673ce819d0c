"""API for student records: the watch list and a student's interventions, scoped and
logged. Mounted on the site's API (`web/api.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from aimline.web.api_errors import answers
from aimline.web.orgs.models import AuditEntry
from aimline.web.orgs.studentlog import log_students
from aimline.web.students.models import Intervention
from aimline.web.students.views import author_school, note_visible, require_students
from aimline.web.warehouse import Reader, records

router = Router(tags=["students"])


class WatchOut(Schema):
    student_id: str
    first_name: str | None
    last_name: str | None
    school_id: str
    grade_level: str
    attendance_rate: float
    suspensions: int
    failing_marks: int
    flag_attendance: bool
    flag_behaviour: bool
    flag_course: bool
    flags: int


class InterventionIn(Schema):
    kind: Literal["attendance", "behaviour", "academic", "mentoring", "family", "health",
                  "other"]
    start: dt.date
    end: dt.date | None = None
    owner: str = Field(..., min_length=1, max_length=200)
    note: str = Field("", max_length=4000)
    restricted: bool = False


class InterventionOut(Schema):
    id: int
    student_id: str
    school_id: str
    kind: str
    start: dt.date
    end: dt.date | None
    owner: str
    note: str | None
    restricted: bool


@router.get("/watchlist", response=answers(list[WatchOut]),
         summary="Students with early-warning flags in your scope (logged)")
def watchlist(request: HttpRequest, year: int | None = None, school: str | None = None,
              min_flags: int = Query(1, ge=0, le=3)) -> Any:
    require_students(request.scope)
    reader = Reader(request.scope)
    years = reader.years()
    if not years:
        return []
    if year is not None and year not in years:
        raise Http404(f"no school year {year}")
    df = reader.watchlist(year or years[-1], school=school, min_flags=min_flags)
    log_students(request, AuditEntry.EXPORT, zip(df.student_id, df.school_id),
                 what=f"API watch list ({len(df)} students)")
    return records(df)


def _iv_out(request: HttpRequest, iv: Intervention) -> dict[str, Any]:
    out = {k: getattr(iv, k) for k in ("id", "student_id", "school_id", "kind", "start", "end",
                                       "owner", "note", "restricted")}
    if not note_visible(request.scope, request.user.pk, iv):
        out["note"] = None
    return out


@router.get("/students/{student_id}/interventions", response=answers(list[InterventionOut]),
         summary="A student's interventions (logged as a view of the student)")
def interventions(request: HttpRequest, student_id: str) -> Any:
    require_students(request.scope)
    schools = Reader(request.scope).check_student(student_id)
    log_students(request, AuditEntry.VIEW,
                 [(student_id, author_school(request.scope, schools))])
    return [_iv_out(request, iv) for iv in Intervention.objects.filter(student_id=student_id)]


@router.post("/students/{student_id}/interventions", response=answers(InterventionOut, 201),
          summary="Record an intervention for a student")
def add_intervention(request: HttpRequest, student_id: str, body: InterventionIn) -> Any:
    require_students(request.scope)
    schools = Reader(request.scope).check_student(student_id)
    if body.end and body.end < body.start:
        raise HttpError(422, "end is before start")
    iv = Intervention.objects.create(student_id=student_id, created_by=request.user,
                                     school_id=author_school(request.scope, schools),
                                     **body.dict())
    return Status(201, _iv_out(request, iv))
