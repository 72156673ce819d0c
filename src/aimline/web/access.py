"""Who may do what: the machinery every app's `access.py` states its rules with.

Each practice (app) has a table of named actions, each a one-line description and a rule over
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

from aimline.web.orgs.scope import NOBODY, Scope


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
class At:
    """A district, or one school's record in it (a support plan), as the rules see it."""

    district: str
    school: str = ""


@dataclass(frozen=True)
class Audit:
    """An equity audit as the rules see it: its district and the schools it covers."""

    district: str
    schools: frozenset[str]


@dataclass(frozen=True)
class Seat:
    """A person's seats at one object (a candidate, a programme, a survey): the facts
    that seat-based rules turn on, worked out by each app's `seats.py`."""

    seats: frozenset[str] = frozenset()


def seated(*seats: str) -> Callable[[Scope, Seat], bool]:
    """A rule: the person holds any of these seats."""
    def rule(_s: Scope, seat: Seat) -> bool:
        return bool(seat.seats & set(seats))
    return rule


@dataclass(frozen=True)
class Action:
    name: str
    description: str
    rule: Callable[[Scope, Any], bool]


class Rules:
    """One practice's actions. `allows` answers; `require` refuses with 403, or with 404
    where the object itself is out of sight (`hidden`), so ids cannot be probed."""

    def __init__(self, practice: str, about: str, actions: Iterable[Action], *,
                 people: dict[str, Any] | None = None) -> None:
        self.practice, self.about = practice, about
        self.actions = {a.name: a for a in actions}
        # where the rules turn on a person's seat at the object rather than their role
        # (a candidate's coach, a programme's staff): the facts of each seat, for the docs
        self.people = people

    def allows(self, scope: Scope, action: str, obj: Any = None) -> bool:
        return self.actions[action].rule(scope, obj)

    def require(self, scope: Scope, action: str, obj: Any = None, *,
                hidden: bool = False) -> None:
        if not self.allows(scope, action, obj):
            if hidden:
                raise Http404(f"not found ({action})")
            raise PermissionDenied(f"not allowed: {self._words(action)}")

    def _words(self, action: str) -> str:
        d = self.actions[action].description
        return d[0].lower() + d[1:]

    def districts(self, scope: Scope, action: str) -> list[str]:
        """The person's districts where they may take `action` (a table ruling at `At`)."""
        return [d for d in sorted(scope.districts) if self.allows(scope, action, At(d))]

    def district(self, scope: Scope, action: str) -> str:
        """The first of them; 403 where there is none."""
        mine = self.districts(scope, action)
        if not mine:
            raise PermissionDenied(f"not allowed in a district of yours: "
                                   f"{self._words(action)}")
        return mine[0]

    def may(self, scope: Scope, obj: Any = None) -> dict[str, bool]:
        """Every action's answer, for a template: `{% if may.approve_aim %}`."""
        return {name: a.rule(scope, obj) for name, a in self.actions.items()}


def tables() -> tuple[Rules, ...]:
    """Every practice's table, in the order docs/access.md shows them."""
    from aimline.web.audits.access import AUDITS
    from aimline.web.district.access import DISTRICT
    from aimline.web.growth.access import GROWTH, WORK
    from aimline.web.induction.access import INDUCTION, PARTNERSHIPS
    from aimline.web.leaders.access import CIRCLES, LEADERS
    from aimline.web.loads.access import LOADS
    from aimline.web.networks.access import NETWORKS, TEAMS
    from aimline.web.orgs.access import ORGS
    from aimline.web.students.access import STUDENTS
    from aimline.web.surveys.access import SURVEYS

    return (NETWORKS, TEAMS, AUDITS, STUDENTS, LOADS, ORGS, DISTRICT, GROWTH, WORK,
            LEADERS, CIRCLES, INDUCTION, PARTNERSHIPS, SURVEYS)


# ----- the table in docs/access.md ------------------------------------------------------
# A typical person of each role, as the roles' grants make them (`scope.grant`): district
# D holds schools A (in network N) and B; the objects asked about are network N, the team
# of school A, an audit of D, district D.
def cast() -> dict[str, Scope]:
    from aimline.web.orgs.models import Role
    from aimline.web.orgs.scope import Grant, grant

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
           "orgs": "D", "district": At("D", "A"), "growth": At("D", "A")}


def markdown() -> str:
    people = cast()
    out = ["# Who may do what", "",
           "Generated from `src/aimline/web/access.py` (`python -m aimline.web.access_docs > "
           "docs/access.md`; a test keeps it equal). Each cell runs the rule for a typical "
           "person of the role. District D has schools A and B; network N holds school A; "
           "the team is school A's team in N; the audit is of district D. Outside a "
           "person's scope every answer is no, and a page or record out of sight is a 404, "
           "the same as one that does not exist.", ""]
    for t in tables():
        # (scope, object) per column: a role's scope and the practice's typical object, or
        # for seat-based rules, each seat's facts
        columns = ({who: (NOBODY, seat) for who, seat in t.people.items()} if t.people
                   else {who: (s, OBJECTS[t.practice]) for who, s in people.items()})
        out += [f"## {t.practice}", "", t.about, "",
                "| action | " + " | ".join(columns) + " |",
                "|---|" + "---|" * len(columns)]
        for a in t.actions.values():
            cells = ["yes" if a.rule(s, obj) else "·" for s, obj in columns.values()]
            out.append(f"| **{a.name}**: {a.description} | " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)

