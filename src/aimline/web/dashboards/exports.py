"""Exports as CSV or XLSX: indicators (suppressed, in scope) and the watch list
(student-level: each student exported is written to the audit log)."""

from __future__ import annotations

import io

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from aimline.web.dashboards.views import choice, year_of
from aimline.web.orgs.models import AuditEntry
from aimline.web.orgs.studentlog import log_students
from aimline.web.students.views import require_students
from aimline.web.warehouse import Reader

FORMATS = {"csv": "text/csv",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
WATCH_COLUMNS = ["school_id", "school", "student_id", "first_name", "last_name", "grade_level",
                 "attendance_rate", "suspensions", "failing_marks", "flag_attendance",
                 "flag_behaviour", "flag_course", "flags"]


def _check(fmt: str) -> None:
    """Before any work: an unknown format is a 404 (and a watch list is not logged)."""
    if fmt not in FORMATS:
        raise Http404("formats are csv and xlsx")


def _file(df: pd.DataFrame, name: str, fmt: str) -> HttpResponse:
    if fmt == "csv":
        body = df.to_csv(index=False).encode()
    else:
        buf = io.BytesIO()
        df.to_excel(buf, index=False, sheet_name=name[:31], engine="xlsxwriter")
        body = buf.getvalue()
    resp = HttpResponse(body, content_type=FORMATS[fmt])
    resp["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return resp


@login_required
def indicators(request: HttpRequest, fmt: str) -> HttpResponse:
    _check(fmt)
    reader = Reader(request.scope)
    year, _years = year_of(request, reader)
    df = reader.indicators(year=year, metric=request.GET.get("metric") or None,
                           school=request.GET.get("school") or None,
                           period=choice(request, "period", ["year", "month", "week"], "year"))
    return _file(df, f"indicators-{year}", fmt)


@login_required
def watchlist(request: HttpRequest, fmt: str) -> HttpResponse:
    require_students(request.scope)
    _check(fmt)
    reader = Reader(request.scope)
    year, _ = year_of(request, reader)
    df = reader.watchlist(year, school=request.GET.get("school") or None,
                          min_flags=choice(request, "min_flags", [0, 1, 2, 3], 1))
    log_students(request, AuditEntry.EXPORT, zip(df.student_id, df.school_id),
                 what=f"watch list export ({fmt}, {len(df)} students)")
    return _file(df[WATCH_COLUMNS], f"watchlist-{year}", fmt)
