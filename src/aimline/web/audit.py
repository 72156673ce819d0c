"""Writing the student-view audit log: every view or export of a student's record."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from aimline.web.models import AuditEntry


def log_students(request: HttpRequest, action: str, students: Iterable[tuple[str, str]],
                 what: str = "") -> int:
    """One entry per (student_id, school_id); `what` defaults to the request path."""
    entries = [AuditEntry(user=request.user, action=action, student_id=sid, school_id=school,
                          what=(what or request.get_full_path())[:300],
                          reason=request.GET.get("reason", "")[:300])
               for sid, school in students]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)
