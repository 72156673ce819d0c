"""Who manages people and roles, and reads the people log and the student-view audit log."""

from __future__ import annotations

from aimline.web.access import Action, Rules

ORGS = Rules("orgs", "People, roles and the student-view audit log.", [
    Action("read_audit_log", "Read who viewed, listed or exported the district's students",
           lambda s, _=None: bool(s.admin_districts)),
    Action("manage_people", "Invite people to the district's roles; grant, change and "
           "remove roles; deactivate a person; read the people log",
           lambda s, district=None: district in s.admin_districts if district
           else bool(s.admin_districts)),
])
