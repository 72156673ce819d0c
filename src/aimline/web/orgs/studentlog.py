"""Writing the student-view audit log: every view or export of a student's record."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest

from aimline.web.orgs.models import AuditEntry, AuditStudent


def _entry(request: HttpRequest, action: str, what: str, **who: str) -> AuditEntry:
    """Who, what (default: the request path) and why (`?reason=`), as every entry has."""
    return AuditEntry(user=request.user, action=action,
                      what=(what or request.get_full_path())[:300],
                      reason=request.GET.get("reason", "")[:300], **who)


def log_students(request: HttpRequest, action: str, students: Iterable[tuple[str, str]],
                 what: str = "") -> int:
    """One entry per (student_id, school_id); `what` defaults to the request path."""
    entries = [_entry(request, action, what, student_id=sid, school_id=school)
               for sid, school in students]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)


@transaction.atomic
def log_list(request: HttpRequest, students: Iterable[tuple[str, str]], what: str = ""
             ) -> AuditEntry:
    """One entry for a page that listed students, with every (student_id, school_id) it
    showed: an admin finds it by any of them."""
    entry = _entry(request, AuditEntry.LIST, what)
    entry.save()
    AuditStudent.objects.bulk_create([AuditStudent(entry=entry, student_id=sid, school_id=school)
                                      for sid, school in students])
    return entry
