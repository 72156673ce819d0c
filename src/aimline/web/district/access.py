"""Who sees the district's own view of its schools: which need support and why, their
plans, clusters, staffing and principals. The district's people (admins, analysts,
supervisors, principals), each the schools of their scope; not partners or network roles,
whose work the audits serve."""

from __future__ import annotations

from aimline.web.access import Action, At, Rules
from aimline.web.orgs.models import Role
from aimline.web.orgs.scope import Scope

DISTRICT_PEOPLE = (Role.DISTRICT_ADMIN, Role.ANALYST, Role.SUPERVISOR, Role.PRINCIPAL)


def _in(s: Scope, at: At, roles: tuple[str, ...]) -> bool:
    return at.district in s.districts and any(r in roles for r in s.roles)


def _districts_own(s: Scope, at: At) -> bool:
    return _in(s, at, DISTRICT_PEOPLE)


def _district_wide(s: Scope, at: At) -> bool:
    return _in(s, at, DISTRICT_PEOPLE[:3])


def _reads_plan(s: Scope, at: At) -> bool:
    return _districts_own(s, at) and at.school in s.aggregate_schools


def _reviews_plan(s: Scope, at: At) -> bool:
    return _reads_plan(s, at) and _district_wide(s, at)


def _keeps_plans(s: Scope, at: At) -> bool:
    return _in(s, at, DISTRICT_PEOPLE[:2])


def _plans_people(s: Scope, at: At) -> bool:
    return _in(s, at, DISTRICT_PEOPLE[:1])


DISTRICT = Rules("district", "The district's role: schools that need support, their support "
                 "plans, staffing for equity. The object is district D (for a plan, "
                 "school A's plan in D); rows are the schools in the person's scope.", [
    Action("read_support", "See which schools need support (ESSA CSI and ATSI, the "
           "district's criteria) with the reasons and numbers", _districts_own),
    Action("read_staffing", "See staffing for equity: teachers by poverty and minority "
           "quartile of the district's schools, the gaps, retention (district-wide "
           "aggregates of staff)", _district_wide),
    Action("read_plan", "Read a school's support plan: why, supports, goals and their "
           "charts, reviews, the exit (a principal: their school's)", _reads_plan),
    Action("review_plan", "Record a quarterly review of a school's plan", _reviews_plan),
    Action("keep_plans", "Start a support plan, agree the mentor school (another than "
           "proposed with a reason), add supports and goals, record the pairing "
           "agreement, check the exit", _keeps_plans),
    Action("plan_people", "Record a principal's rotation into a school that needs support, "
           "or an incentive programme (who is eligible, the amount, the schools)",
           _plans_people),
    Action("read_cluster", "Read a cluster of schools: its joint plan, shared resources and "
           "its measures over all its schools together (published aggregates; for a "
           "principal or supervisor, a cluster their school is in)", _reads_plan),
    Action("keep_clusters", "Form a cluster, add shared resources and measures",
           _keeps_plans),
])
