"""Who reads and writes a district's equity audits."""

from __future__ import annotations

from aimline.web.access import Action, Audit, Rules
from aimline.web.orgs.scope import Scope


def _reads_audit(s: Scope, a: Audit) -> bool:
    return a.district in s.districts and a.schools <= s.aggregate_schools


def _reads_some_findings(s: Scope, a: Audit) -> bool:
    return a.district in s.districts and bool(a.schools & s.aggregate_schools)


def _writes_audit(s: Scope, a: Audit) -> bool:
    return a.district in s.audit_districts


AUDITS = Rules("audits", "Equity audits of a district (not the student-view audit log).", [
    Action("read", "Read the audit's overview and downloads (every school of it in scope)",
           _reads_audit),
    Action("read_findings", "Read the findings of the audit's schools that are in scope",
           _reads_some_findings),
    Action("write", "Start, refresh, review, publish and annotate the district's audits",
           _writes_audit),
])
