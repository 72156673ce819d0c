"""What a user may see: the one place where roles become a scope.

Every page and API endpoint reads the warehouse through `reader.Reader(scope)` and the site
database through the helpers here, so a view cannot forget a check:

- `aggregate_schools`: schools whose suppressed indicators the user may see;
- `districts`: districts whose district-level (suppressed) indicators the user may see;
- `student_schools`: schools all of whose students the user may see;
- `roster`: single students (a teacher's roster) the user may see, with their school;
- `staff_schools`: schools where the user is staff (sees restricted intervention notes);
- `admin_districts` / `load_districts`: who manages people and reads the audit log / loads data;
- `audit_districts`: whose equity audits the user writes (district staff and partners).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from aimline.web.networks.models import Network
from aimline.web.orgs.models import Organisation, Role

EMPTY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Scope:
    aggregate_schools: frozenset[str] = EMPTY
    districts: frozenset[str] = EMPTY
    student_schools: frozenset[str] = EMPTY
    roster: frozenset[str] = EMPTY
    roster_schools: frozenset[str] = EMPTY
    staff_schools: frozenset[str] = EMPTY
    admin_districts: frozenset[str] = EMPTY
    load_districts: frozenset[str] = EMPTY
    networks: frozenset[int] = frozenset()
    roles: tuple[str, ...] = field(default=())
    audit_districts: frozenset[str] = EMPTY  # runs equity audits: district staff, partners

    @property
    def sees_students(self) -> bool:
        return bool(self.student_schools or self.roster)

    def school(self, school_id: str) -> str:
        """The school id if its aggregates are in scope; 404 otherwise (no existence leak)."""
        if school_id not in self.aggregate_schools:
            raise Http404("no such school")
        return school_id

    def student_visible_at(self, student_id: str, school_ids: set[str]) -> set[str]:
        """Of the schools a student attended, those where the user sees them: the user's
        student schools, and roster schools when the student is on the user's roster."""
        mine = school_ids & self.student_schools
        if student_id in self.roster:
            mine |= school_ids & self.roster_schools
        return mine

    def may_see_student(self, student_id: str, school_ids: set[str]) -> bool:
        return bool(self.student_visible_at(student_id, school_ids))


NOBODY = Scope()  # what an account with no role sees: nothing


def population_scope(schools: frozenset[str]) -> Scope:
    """The published aggregates of exactly a measured target's schools, for the people a
    leadership rule gives a seat at that target who hold no role there (programme staff,
    an executive coach): `leaders.access` LEADERS "read". Nothing student-level, no other
    school, no district row."""
    return Scope(aggregate_schools=frozenset(schools))


def _codes(orgs: Any) -> set[str]:
    return {o.code for o in orgs if o.code}


def _district_schools(district: Organisation | None) -> set[str]:
    return _codes(district.schools.all()) if district else set()


@dataclass(frozen=True)
class Grant:
    """What one role row says, as plain facts: its kind and the codes it covers."""

    role: str
    schools: frozenset[str] = EMPTY            # the role's own schools
    school_districts: frozenset[str] = EMPTY   # their districts
    district: str | None = None                # a district role's district
    district_schools: frozenset[str] = EMPTY   # ...its schools
    network: int | None = None
    network_schools: frozenset[str] = EMPTY
    network_districts: frozenset[str] = EMPTY
    mou_student_data: bool = False             # partners: the MOU grants student records
    roster: frozenset[str] = EMPTY


def grant(g: Grant) -> Scope:
    """The scope one role grants: the table of the site issue, in one place."""
    d = frozenset([g.district]) if g.district else EMPTY
    if g.role in (Role.DISTRICT_ADMIN, Role.ANALYST) and g.district:
        every = g.district_schools
        return Scope(aggregate_schools=every, districts=d, student_schools=every,
                     load_districts=d, audit_districts=d,
                     admin_districts=d if g.role == Role.DISTRICT_ADMIN else EMPTY,
                     roles=(g.role,))
    if g.role == Role.SUPERVISOR:
        these = g.schools | g.district_schools
        return Scope(aggregate_schools=these, student_schools=these,
                     districts=g.school_districts | d, roles=(g.role,))
    if g.role == Role.PRINCIPAL:
        return Scope(aggregate_schools=g.schools, student_schools=g.schools,
                     staff_schools=g.schools, districts=g.school_districts, roles=(g.role,))
    if g.role == Role.TEACHER:
        return Scope(aggregate_schools=g.schools, staff_schools=g.schools,
                     districts=g.school_districts, roster=g.roster, roster_schools=g.schools,
                     roles=(g.role,))
    if g.role in (Role.NETWORK_LEAD, Role.COACH) and g.network is not None:
        return Scope(aggregate_schools=g.network_schools, districts=g.network_districts,
                     networks=frozenset([g.network]), roles=(g.role,))
    if g.role == Role.PARTNER and g.district:
        return Scope(aggregate_schools=g.district_schools, districts=d, audit_districts=d,
                     student_schools=g.district_schools if g.mou_student_data else EMPTY,
                     roles=(g.role,))
    return Scope(roles=(g.role,))


def union(scopes: list[Scope]) -> Scope:
    """What several roles grant together."""
    fields = [f for f in Scope.__dataclass_fields__ if f != "roles"]
    joined = {f: frozenset().union(*(getattr(s, f) for s in scopes)) for f in fields}
    return Scope(**joined, roles=tuple(sorted({r for s in scopes for r in s.roles})))


def _grant_of(r: Role) -> Grant:
    schools = list(r.schools.all())
    district = r.district or (r.partnership.district if r.partnership else None)
    net = list(r.network.schools.all()) if r.network else []
    return Grant(
        role=r.role, schools=frozenset(_codes(schools)),
        school_districts=frozenset(s.district.code for s in schools if s.district),
        district=district.code if district else None,
        district_schools=frozenset(_district_schools(district)),
        network=r.network.pk if r.network else None, network_schools=frozenset(_codes(net)),
        network_districts=frozenset(s.district.code for s in net if s.district),
        mou_student_data=bool(r.partnership and r.partnership.mou_student_data),
        roster=frozenset(str(x) for x in r.roster))


def scope_for(user: Any) -> Scope:
    """The union of what each of the user's roles grants."""
    if not user.is_authenticated or not user.is_active:
        return Scope()
    roles = (Role.objects.filter(user=user)
             .select_related("district", "network", "partnership__district")
             .prefetch_related("schools__district", "district__schools",
                               "network__schools__district",
                               "partnership__district__schools"))
    return union([grant(_grant_of(r)) for r in roles])


class ScopeMiddleware:
    """Attach `request.scope`, computed on first use (static files never pay for it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope = SimpleLazyObject(lambda: scope_for(request.user))  # type: ignore
        return self.get_response(request)


# ----- networks: the list a user sees, as a query (`access.NETWORKS` "read" as SQL; a test
# keeps the two equal) ------------------------------------------------------------------


def readable_networks(scope: Scope) -> Any:
    return (Network.objects.filter(Q(pk__in=scope.networks)
                                   | Q(schools__code__in=scope.aggregate_schools))
            .distinct().order_by("name"))


def network(scope: Scope, pk: int) -> Network:
    """The network if the user may see it (`access.NETWORKS` "read"); 404 otherwise."""
    from aimline.web.access import Net  # access builds on this module
    from aimline.web.networks.access import NETWORKS

    found = Network.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("no such network")
    NETWORKS.require(scope, "read", Net.of(found), hidden=True)
    return found
