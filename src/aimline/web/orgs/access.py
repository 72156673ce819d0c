"""Who reads the student-view audit log."""

from __future__ import annotations

from aimline.web.access import Action, Rules

ORGS = Rules("orgs", "People, roles and the student-view audit log.", [
    Action("read_audit_log", "Read who viewed, listed or exported the district's students",
           lambda s, _=None: bool(s.admin_districts)),
])
