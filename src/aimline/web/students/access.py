"""Who opens student-level records."""

from __future__ import annotations

from aimline.web.access import Action, Rules

STUDENTS = Rules("students", "Student-level records: every view is logged.", [
    Action("read", "Open student pages, the watch list and its exports (within scope)",
           lambda s, _=None: s.sees_students),
])
