"""Who may do what in teachers' growth.

Two tables. `GROWTH` is by role, at a district (and, for a teacher's ladder place, their
school): the district's people read its micro-credentials, ladder and library; teachers
and principals earn and research at their own school; the district's admins define the
programme. `WORK` is by seat at one submission or project (`seats.py`): the teacher (or
an author), a reviewer (an expert the district named, or someone who has earned it;
never the teacher), the district's admin, a colleague (a project published to the
library), anyone (a project the district has made public). A micro-credential's page and
rubric are public; a submission never is.
"""

from __future__ import annotations

from aimline.web.access import Action, At, Rules, Seat, seated
from aimline.web.orgs.models import Role
from aimline.web.orgs.scope import Scope

PEOPLE = (Role.DISTRICT_ADMIN, Role.ANALYST, Role.SUPERVISOR, Role.PRINCIPAL, Role.TEACHER)


def _people(s: Scope, at: At) -> bool:
    return at.district in s.districts and any(r in PEOPLE for r in s.roles)


def _at_own_school(s: Scope, at: At, roles: tuple[str, ...]) -> bool:
    return _people(s, at) and at.school in s.aggregate_schools and any(
        r in roles for r in s.roles)


def _earns(s: Scope, at: At) -> bool:
    return _at_own_school(s, at, (Role.TEACHER, Role.PRINCIPAL))


def _reads_ladder(s: Scope, at: At) -> bool:
    return _at_own_school(s, at, PEOPLE[:4])


def _keeps(s: Scope, at: At) -> bool:
    return at.district in s.admin_districts


GROWTH = Rules("growth", "Teachers' growth in district D: micro-credentials, the career "
               "ladder, the action-research library. For a ladder place the object is a "
               "teacher at school A; a teacher always sees their own.", [
    Action("read", "See the district's micro-credentials, its career ladder and its "
           "action-research library", _people),
    Action("earn", "Start a micro-credential submission or an action-research project "
           "at one's own school", _earns),
    Action("read_ladder", "See a teacher's place and progress on the career ladder (a "
           "principal: their school's teachers)", _reads_ladder),
    Action("keep", "Define micro-credentials (rubric, reviewers, the days-to-decision "
           "target) and the ladder's steps; see the review turnaround", _keeps),
])

TEACHER, REVIEWER, KEEPER, COLLEAGUE, ANYONE = (
    "teacher", "reviewer", "keeper", "colleague", "anyone")

WORK = Rules("growth work", "A micro-credential submission or an action-research project. "
             "Columns are seats at one of them.", [
    Action("read", "Read the submission (answers, artifacts, reflection, decisions and "
           "feedback) or the project", seated(TEACHER, REVIEWER, KEEPER, COLLEAGUE, ANYONE)),
    Action("revise", "Write the parts of one's submission (in a resubmission, only what "
           "fell short) and submit it; write one's project's question, method, data, "
           "findings", seated(TEACHER)),
    Action("decide", "Decide each criterion of a submitted submission: demonstrated or "
           "not yet, with feedback", seated(REVIEWER)),
    Action("publish", "Publish one's project to the district's library", seated(TEACHER)),
    Action("make_public", "Make a published project public, or take it back",
           seated(KEEPER)),
], people={"The teacher (or an author)": Seat(frozenset({TEACHER})),
           "A reviewer of it": Seat(frozenset({REVIEWER})),
           "The district's admin": Seat(frozenset({KEEPER})),
           "A colleague (a published project)": Seat(frozenset({COLLEAGUE})),
           "Anyone (a public project)": Seat(frozenset({ANYONE})),
           "Anyone else": Seat()})
