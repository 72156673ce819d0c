"""Who may do what in a network and in a school's team."""

from __future__ import annotations

from aimline.web.access import Action, Net, Rules, Team
from aimline.web.orgs.scope import Scope


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
    Action("evaluate_aim", "Evaluate an approved aim against the warehouse now (recorded with "
           "its evidence)", _member),
])
TEAMS = Rules("teams", "One school's team in a network.", [
    Action("write", "Log PDSA cycles, enter measure values, set change-idea status, freeze "
           "or split a chart, add drivers to the team's aim", _edits_team),
])
