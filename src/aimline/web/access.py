"""Who may do what: every rule of the site, stated once as data.

Each practice has a table of named actions, each a one-line description and a rule over
the user's `Scope` and the object acted on (a `Net` or an `Audit` of plain facts, so a rule
is a pure function a unit test calls in microseconds). Pages, templates (`may`) and API
endpoints all ask the same table; `docs/access.md` is generated from it
(`python -m aimline.web.access_docs`) by running every rule for a typical person of each role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from aimline.web.scope import Scope


@dataclass(frozen=True)
class Net:
    """A network as the rules see it: its id and its schools' codes."""

    pk: int
    schools: frozenset[str]

    @classmethod
    def of(cls, net: Any) -> Net:
        """The facts of a Network row, read once per row (a request asks several rules)."""
        if getattr(net, "_access_facts", None) is None:
            net._access_facts = cls(net.pk, frozenset(net.schools.values_list("code",
                                                                             flat=True)))
        return net._access_facts


@dataclass(frozen=True)
class Team:
    """One school's team in a network."""

    net: Net
    school: str


@dataclass(frozen=True)
class Audit:
    """An equity audit as the rules see it: its district and the schools it covers."""

    district: str
    schools: frozenset[str]


@dataclass(frozen=True)
class Action:
    name: str
    description: str
    rule: Callable[[Scope, Any], bool]


class Rules:
    """One practice's actions. `allows` answers; `require` refuses with 403, or with 404
    where the object itself is out of sight (`hidden`), so ids cannot be probed."""

    def __init__(self, practice: str, about: str, actions: Iterable[Action]) -> None:
        self.practice, self.about = practice, about
        self.actions = {a.name: a for a in actions}

    def allows(self, scope: Scope, action: str, obj: Any = None) -> bool:
        return self.actions[action].rule(scope, obj)

    def require(self, scope: Scope, action: str, obj: Any = None, *,
                hidden: bool = False) -> None:
        if not self.allows(scope, action, obj):
            a = self.actions[action]
            if hidden:
                raise Http404(f"not found ({a.name})")
            raise PermissionDenied(f"not allowed: {a.description[0].lower()}"
                                   f"{a.description[1:]}")

    def may(self, scope: Scope, obj: Any = None) -> dict[str, bool]:
        """Every action's answer, for a template: `{% if may.approve_aim %}`."""
        return {name: a.rule(scope, obj) for name, a in self.actions.items()}


# ----- networks -----------------------------------------------------------------------
def _sees_network(s: Scope, n: Net) -> bool:
    return n.pk in s.networks or bool(n.schools & s.aggregate_schools)


def _reads_teams(s: Scope, n: Net) -> bool:
    return n.pk in s.networks or bool(n.schools & (s.staff_schools | s.student_schools))


def _leads(s: Scope, n: Net) -> bool:
    return n.pk in s.networks


def _member(s: Scope, n: Net) -> bool:
    return _leads(s, n) or bool(n.schools & s.staff_schools)


def _edits_team(s: Scope, t: Team) -> bool:
    return _leads(s, t.net) or (t.school in s.staff_schools and t.school in t.net.schools)


NETWORKS = Rules("networks", "A network of schools: its aims, drivers, change ideas, "
                 "PDSA cycles, measures, phases and learning sessions.", [
    Action("read", "See the network: aims, phase, measures on charts (aggregates)",
           _sees_network),
    Action("read_cycles", "Read the teams' PDSA cycles, team pages and the status report, "
           "and see cycles drawn on charts", _reads_teams),
    Action("lead", "Change the network as a whole: phases, the network aim, approving aims",
           _leads),
    Action("approve_aim", "Approve an aim, freezing its baseline", _leads),
    Action("create_aim", "Propose an aim (for the network, or for one's own team)", _member),
    Action("add_idea", "Add a change idea", _member),
])
TEAMS = Rules("teams", "One school's team in a network.", [
    Action("write", "Log PDSA cycles, enter measure values, set change-idea status, freeze "
           "or split a chart, add drivers to the team's aim", _edits_team),
])


# ----- equity audits --------------------------------------------------------------------
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


# ----- students, loads, people -------------------------------------------------------------
STUDENTS = Rules("students", "Student-level records: every view is logged.", [
    Action("read", "Open student pages, the watch list and its exports (within scope)",
           lambda s, _=None: s.sees_students),
])
LOADS = Rules("loads", "Data loads into the warehouse.", [
    Action("load", "Load a district's data and read its load jobs",
           lambda s, district=None: (district in s.load_districts) if district
           else bool(s.load_districts)),
])
ORGS = Rules("orgs", "People, roles and the student-view audit log.", [
    Action("read_audit_log", "Read who viewed, listed or exported the district's students",
           lambda s, _=None: bool(s.admin_districts)),
])

TABLES = (NETWORKS, TEAMS, AUDITS, STUDENTS, LOADS, ORGS)


# ----- the table in docs/access.md ------------------------------------------------------
# A typical person of each role, as the roles' grants make them (`scope.grant`): district
# D holds schools A (in network N) and B; the objects asked about are network N, the team
# of school A, an audit of D, district D.
def cast() -> dict[str, Scope]:
    from aimline.web.models import Role
    from aimline.web.scope import Grant, grant

    a, b, d = frozenset({"A"}), frozenset({"A", "B"}), "D"
    own = {"schools": a, "school_districts": frozenset({d})}
    people = {
        "District admin": Grant(Role.DISTRICT_ADMIN, district=d, district_schools=b),
        "District analyst": Grant(Role.ANALYST, district=d, district_schools=b),
        "Supervisor (of A)": Grant(Role.SUPERVISOR, **own),
        "Principal (of A)": Grant(Role.PRINCIPAL, **own),
        "Teacher (at A, a roster)": Grant(Role.TEACHER, roster=frozenset({"s1"}), **own),
        "Network lead (of N)": Grant(Role.NETWORK_LEAD, network=1, network_schools=a,
                                     network_districts=frozenset({d})),
        "Coach (of N)": Grant(Role.COACH, network=1, network_schools=a,
                              network_districts=frozenset({d})),
        "Partner (MOU, aggregates)": Grant(Role.PARTNER, district=d, district_schools=b),
        "Partner (MOU with student data)": Grant(Role.PARTNER, district=d,
                                                 district_schools=b, mou_student_data=True),
    }
    return {who: grant(g) for who, g in people.items()}


NET = Net(1, frozenset({"A"}))
OBJECTS = {"networks": NET, "teams": Team(NET, "A"),
           "audits": Audit("D", frozenset({"A", "B"})), "students": None, "loads": "D",
           "orgs": None}


def markdown() -> str:
    people = cast()
    out = ["# Who may do what", "",
           "Generated from `src/aimline/web/access.py` (`python -m aimline.web.access_docs > "
           "docs/access.md`; a test keeps it equal). Each cell runs the rule for a typical "
           "person of the role. District D has schools A and B; network N holds school A; "
           "the team is school A's team in N; the audit is of district D. Outside a "
           "person's scope every answer is no, and a page or record out of sight is a 404, "
           "the same as one that does not exist.", ""]
    for t in TABLES:
        out += [f"## {t.practice}", "", t.about, "",
                "| action | " + " | ".join(people) + " |",
                "|---|" + "---|" * len(people)]
        for a in t.actions.values():
            cells = ["yes" if a.rule(s, OBJECTS[t.practice]) else "·" for s in people.values()]
            out.append(f"| **{a.name}**: {a.description} | " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)

