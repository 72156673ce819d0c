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

from aimline.web.models import Network, Organisation, Role

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

    def may_see_student(self, student_id: str, school_ids: set[str]) -> bool:
        """A student is visible when any school they attended is a student school of the
        user's, or they are on the user's roster at a roster school."""
        if school_ids & self.student_schools:
            return True
        return student_id in self.roster and bool(school_ids & self.roster_schools)


def _codes(orgs: Any) -> set[str]:
    return {o.code for o in orgs if o.code}


def _district_schools(district: Organisation | None) -> set[str]:
    return _codes(district.schools.all()) if district else set()


def scope_for(user: Any) -> Scope:
    """The union of what each of the user's roles grants."""
    if not user.is_authenticated or not user.is_active:
        return Scope()
    agg: set[str] = set()
    dists: set[str] = set()
    students: set[str] = set()
    roster: set[str] = set()
    roster_schools: set[str] = set()
    staff: set[str] = set()
    admin: set[str] = set()
    load: set[str] = set()
    networks: set[int] = set()
    audits: set[str] = set()
    roles = (Role.objects.filter(user=user)
             .select_related("district", "network", "partnership__district")
             .prefetch_related("schools__district", "district__schools",
                               "network__schools__district",
                               "partnership__district__schools"))
    for r in roles:
        schools = list(r.schools.all())
        own = _codes(schools)
        own_districts = {s.district.code for s in schools if s.district}
        if r.role in (Role.DISTRICT_ADMIN, Role.ANALYST) and r.district:
            every = _district_schools(r.district)
            agg |= every
            students |= every
            dists.add(r.district.code)
            load.add(r.district.code)
            audits.add(r.district.code)
            if r.role == Role.DISTRICT_ADMIN:
                admin.add(r.district.code)
        elif r.role == Role.SUPERVISOR:
            these = own | _district_schools(r.district)
            agg |= these
            students |= these
            dists |= own_districts | ({r.district.code} if r.district else set())
        elif r.role == Role.PRINCIPAL:
            agg |= own
            students |= own
            staff |= own
            dists |= own_districts
        elif r.role == Role.TEACHER:
            agg |= own
            staff |= own
            dists |= own_districts
            roster |= {str(s) for s in r.roster}
            roster_schools |= own
        elif r.role in (Role.NETWORK_LEAD, Role.COACH) and r.network:
            net = list(r.network.schools.all())
            agg |= _codes(net)
            dists |= {s.district.code for s in net if s.district}
            networks.add(r.network.pk)
        elif r.role == Role.PARTNER and r.partnership:
            every = _district_schools(r.partnership.district)
            agg |= every
            dists.add(r.partnership.district.code)
            audits.add(r.partnership.district.code)
            if r.partnership.mou_student_data:
                students |= every
    return Scope(frozenset(agg), frozenset(dists), frozenset(students), frozenset(roster),
                 frozenset(roster_schools), frozenset(staff), frozenset(admin),
                 frozenset(load), frozenset(networks), tuple(sorted({r.role for r in roles})),
                 frozenset(audits))


class ScopeMiddleware:
    """Attach `request.scope`, computed on first use (static files never pay for it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope = SimpleLazyObject(lambda: scope_for(request.user))  # type: ignore
        return self.get_response(request)


# ----- networks: who reads and who writes --------------------------------------------------
# Anyone who may see a network school's aggregates sees the network's home (aims, phase,
# measures: all aggregates). PDSA cycles and team pages are for the network's lead and
# coaches, the staff of its schools, and district staff with student-level access to one
# of its schools, not for partners who see aggregates only. Leads and coaches edit the
# whole network; a school's staff edit their own team.


def readable_networks(scope: Scope) -> Any:
    return (Network.objects.filter(Q(pk__in=scope.networks)
                                   | Q(schools__code__in=scope.aggregate_schools))
            .distinct().order_by("name"))


def network(scope: Scope, pk: int) -> Network:
    """The network if the user may see it; 404 otherwise."""
    found = readable_networks(scope).filter(pk=pk).first()
    if found is None:
        raise Http404("no such network")
    return found


def _school_codes(net: Network) -> set[str]:
    return set(net.schools.values_list("code", flat=True))


def reads_teams(scope: Scope, net: Network) -> bool:
    return net.pk in scope.networks or bool(
        _school_codes(net) & (scope.staff_schools | scope.student_schools))


def leads(scope: Scope, net: Network) -> bool:
    return net.pk in scope.networks


def edits_team(scope: Scope, net: Network, school_code: str) -> bool:
    return leads(scope, net) or (school_code in scope.staff_schools
                                 and school_code in _school_codes(net))


def member(scope: Scope, net: Network) -> bool:
    """Leads the network or writes for one of its teams."""
    return leads(scope, net) or bool(_school_codes(net) & scope.staff_schools)
