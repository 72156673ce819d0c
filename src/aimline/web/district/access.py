"""Who sees the district's own view of its schools: which need support and why. The
district's people (admins, analysts, supervisors, principals), each the schools of their
scope; not partners or network roles, whose work the audits serve."""

from __future__ import annotations

from aimline.web.access import Action, Rules
from aimline.web.orgs.models import Role
from aimline.web.orgs.scope import Scope

DISTRICT_PEOPLE = (Role.DISTRICT_ADMIN, Role.ANALYST, Role.SUPERVISOR, Role.PRINCIPAL)


def _districts_own(s: Scope, district: str) -> bool:
    return district in s.districts and any(r in DISTRICT_PEOPLE for r in s.roles)


def _district_wide(s: Scope, district: str) -> bool:
    return district in s.districts and any(r in DISTRICT_PEOPLE[:3] for r in s.roles)


DISTRICT = Rules("district", "The district's role: schools that need support. Rows are the "
                 "schools in the person's scope.", [
    Action("read_support", "See which schools need support (ESSA CSI and ATSI, the "
           "district's criteria) with the reasons and numbers", _districts_own),
    Action("read_staffing", "See staffing for equity: teachers by poverty and minority "
           "quartile of the district's schools, the gaps, retention (district-wide "
           "aggregates of staff)", _district_wide),
])
