"""The access tables: docs/access.md is what the code says, and each rule answers as the
site's role table says, for a typical person of each role, inside and outside scope.
Pure functions over a Scope: no database, microseconds each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aimline.web import access
from aimline.web.access import At, Audit, Net, Team
from aimline.web.audits.access import AUDITS
from aimline.web.district.access import DISTRICT
from aimline.web.growth.access import GROWTH, WORK
from aimline.web.induction.access import INDUCTION, PARTNERSHIPS
from aimline.web.leaders.access import CIRCLES, LEADERS, Seat
from aimline.web.loads.access import LOADS
from aimline.web.networks.access import NETWORKS, TEAMS
from aimline.web.orgs.access import ORGS
from aimline.web.students.access import STUDENTS
from aimline.web.surveys.access import SURVEYS

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = access.cast()
ADMIN, ANALYST, SUPERVISOR, PRINCIPAL, TEACHER, LEAD, COACH, PARTNER, PARTNER_MOU = PEOPLE
N, ELSEWHERE = Net(1, frozenset({"A"})), Net(2, frozenset({"Z"}))

# (table, action, object, the people allowed), from the site issue's role table
EXPECTED = [
    (NETWORKS, "read", N, set(PEOPLE)),
    (NETWORKS, "read_cycles", N, set(PEOPLE) - {PARTNER}),
    (NETWORKS, "lead", N, {LEAD, COACH}),
    (NETWORKS, "approve_aim", N, {LEAD, COACH}),
    (NETWORKS, "create_aim", N, {LEAD, COACH, PRINCIPAL, TEACHER}),
    (NETWORKS, "add_idea", N, {LEAD, COACH, PRINCIPAL, TEACHER}),
    (NETWORKS, "evaluate_aim", N, {LEAD, COACH, PRINCIPAL, TEACHER}),
    (TEAMS, "write", Team(N, "A"), {LEAD, COACH, PRINCIPAL, TEACHER}),
    (TEAMS, "write", Team(N, "B"), {LEAD, COACH}),  # B is not in N: only N's leads
    (AUDITS, "read", Audit("D", frozenset({"A", "B"})),
     {ADMIN, ANALYST, PARTNER, PARTNER_MOU}),
    (AUDITS, "read_findings", Audit("D", frozenset({"A", "B"})),
     set(PEOPLE)),  # everyone sees school A's findings
    (AUDITS, "write", Audit("D", frozenset({"A", "B"})),
     {ADMIN, ANALYST, PARTNER, PARTNER_MOU}),
    (STUDENTS, "read", None, {ADMIN, ANALYST, SUPERVISOR, PRINCIPAL, TEACHER, PARTNER_MOU}),
    (LOADS, "load", "D", {ADMIN, ANALYST}),
    (ORGS, "read_audit_log", None, {ADMIN}),
    # the district's own view of its schools: its people, not partners or network roles
    (DISTRICT, "read_support", At("D"), {ADMIN, ANALYST, SUPERVISOR, PRINCIPAL}),
    (DISTRICT, "read_support", At("E"), set()),
    (DISTRICT, "read_staffing", At("D"), {ADMIN, ANALYST, SUPERVISOR}),
    (DISTRICT, "read_staffing", At("E"), set()),
    # a school's support plan: the district's people who see the school; a principal
    # their school's; reviews by supervisors up; kept by admins and analysts
    (DISTRICT, "read_plan", At("D", "A"), {ADMIN, ANALYST, SUPERVISOR, PRINCIPAL}),
    (DISTRICT, "read_plan", At("D", "B"), {ADMIN, ANALYST}),
    (DISTRICT, "review_plan", At("D", "A"), {ADMIN, ANALYST, SUPERVISOR}),
    (DISTRICT, "keep_plans", At("D", "A"), {ADMIN, ANALYST}),
    (DISTRICT, "keep_plans", At("E", "Z"), set()),
    (DISTRICT, "plan_people", At("D"), {ADMIN}),
    (DISTRICT, "plan_people", At("E"), set()),
    (DISTRICT, "read_cluster", At("D", "A"), {ADMIN, ANALYST, SUPERVISOR, PRINCIPAL}),
    (DISTRICT, "read_cluster", At("D", "B"), {ADMIN, ANALYST}),
    (DISTRICT, "keep_clusters", At("D", "A"), {ADMIN, ANALYST}),
    # teachers' growth (the district's issue): its people read the programme; teachers
    # and principals earn at their own school; the ladder for the district-wide roles and
    # a principal's school; the admins define it
    (GROWTH, "read", At("D"), {ADMIN, ANALYST, SUPERVISOR, PRINCIPAL, TEACHER}),
    (GROWTH, "read", At("E"), set()),
    (GROWTH, "earn", At("D", "A"), {PRINCIPAL, TEACHER}),
    (GROWTH, "earn", At("D", "B"), set()),
    (GROWTH, "read_ladder", At("D", "A"), {ADMIN, ANALYST, SUPERVISOR, PRINCIPAL}),
    (GROWTH, "read_ladder", At("D", "B"), {ADMIN, ANALYST}),
    (GROWTH, "keep", At("D"), {ADMIN}),
    (GROWTH, "keep", At("E"), set()),
    (ORGS, "manage_people", "D", {ADMIN}),
    # outside scope: nobody
    (ORGS, "manage_people", "E", set()),  # another district's people: nobody
    (NETWORKS, "read", ELSEWHERE, set()),
    (NETWORKS, "read_cycles", ELSEWHERE, set()),
    (TEAMS, "write", Team(ELSEWHERE, "Z"), set()),
    (AUDITS, "read_findings", Audit("E", frozenset({"Z"})), set()),
    (AUDITS, "write", Audit("E", frozenset({"Z"})), set()),
    (LOADS, "load", "E", set()),
]
# leadership rules turn on seats at a candidate or a principal network, not on roles:
# (table, action, the seats allowed), from the leadership issue
ALL_LEADERS = {"Candidate", "Their executive coach", "Their approver (superintendent)",
               "Programme staff"}
SEATED = [
    (LEADERS, "read", ALL_LEADERS),
    (LEADERS, "propose", {"Candidate"}),
    (LEADERS, "decide_district", {"Their approver (superintendent)"}),
    (LEADERS, "decide_programme", {"Programme staff"}),
    (LEADERS, "evaluate", ALL_LEADERS),
    (LEADERS, "issue", {"Programme staff"}),
    (LEADERS, "sign_exception", {"Their approver (superintendent)", "Programme staff"}),
    (LEADERS, "read_log", {"Candidate", "Their executive coach"}),  # never staff
    (LEADERS, "read_log_summary", {"Candidate", "Their executive coach", "Programme staff"}),
    (LEADERS, "write_log", {"Candidate", "Their executive coach"}),
    (LEADERS, "manage", {"Programme staff"}),
    (CIRCLES, "read", {"Member (principal)", "Executive-coach lead", "District leader"}),
    (CIRCLES, "share", {"Member (principal)", "Executive-coach lead", "District leader"}),
    (CIRCLES, "lead", {"Executive-coach lead", "District leader"}),
    # induction (from the induction issue): a district's coordinator takes part in
    # matching and hiring, the programme confirms; the supervisor reads triads and adds
    # input but does not record them
    (INDUCTION, "read", {"Candidate", "Their coach", "Their supervisor",
                         "Their district's coordinator", "Programme staff"}),
    (INDUCTION, "describe_self", {"Candidate"}),  # nobody else says who they are
    (INDUCTION, "record_triad", {"Their coach", "Programme staff"}),
    (INDUCTION, "supervisor_input", {"Their supervisor"}),
    # the coaching log (the same one as the leadership programmes'): notes for the
    # candidate and the coach, what the candidate shares for the supervisor, hours for
    # the coordinator and staff
    (INDUCTION, "read_log", {"Candidate", "Their coach"}),
    (INDUCTION, "read_log_summary", {"Candidate", "Their coach",
                                     "Their district's coordinator", "Programme staff"}),
    (INDUCTION, "write_log", {"Candidate", "Their coach"}),
    (INDUCTION, "share_log", {"Candidate"}),
    (INDUCTION, "read_shared_log", {"Their supervisor"}),
    (INDUCTION, "plan", {"Candidate", "Their coach"}),
    (INDUCTION, "assess", {"Their coach", "Programme staff"}),
    (INDUCTION, "score_portfolio", {"Their coach", "Programme staff",
                                    "Their district's coordinator"}),
    (INDUCTION, "complete", {"Programme staff"}),
    (INDUCTION, "record_retention", {"Their district's coordinator", "Programme staff"}),
    (INDUCTION, "decide_match", {"Their district's coordinator"}),
    (INDUCTION, "confirm_match", {"Programme staff"}),
    (PARTNERSHIPS, "read", {"Programme staff", "A district's coordinator",
                            "An authorised signer"}),
    (PARTNERSHIPS, "draft", {"Programme staff", "A district's coordinator"}),
    (PARTNERSHIPS, "sign", {"An authorised signer"}),
    # partners what the MOU grants: the report, in aggregates (views.report_file)
    (PARTNERSHIPS, "report", {"Programme staff", "A district's coordinator",
                              "An authorised signer",
                              "Partner staff the MOU grants the report"}),
    (PARTNERSHIPS, "manage", {"Programme staff"}),
    (PARTNERSHIPS, "hire", {"A district's coordinator"}),
    # a submission: the teacher's own, what reviewers review, the district's admin;
    # public only what the district publishes
    (WORK, "read", {"The teacher (or an author)", "A reviewer of it", "The district's admin",
                    "A colleague (a published project)", "Anyone (a public project)"}),
    (WORK, "revise", {"The teacher (or an author)"}),
    (WORK, "decide", {"A reviewer of it"}),
    (WORK, "publish", {"The teacher (or an author)"}),
    (WORK, "make_public", {"The district's admin"}),
    (SURVEYS, "results", {"Survey staff", "A reader (e.g. the district coordinator)"}),
    (SURVEYS, "manage", {"Survey staff"}),
    (SURVEYS, "answer", {"A person with a link"}),
]


@pytest.mark.parametrize(("table", "action", "allowed"), SEATED,
                         ids=[f"{t.practice}.{a}" for t, a, _ in SEATED])
def test_each_seat_rule_answers_as_its_issue_says(table: access.Rules, action: str,
                                                             allowed: set[str]) -> None:
    got = {who for who, seat in table.people.items() if table.allows(PEOPLE[ADMIN], action,
                                                                      seat)}
    assert got == allowed
    # a district role grants no seat: the district admin with no seat is refused
    assert not table.allows(PEOPLE[ADMIN], action, Seat())


@pytest.mark.parametrize(("table", "action", "obj", "allowed"), EXPECTED,
                         ids=[f"{t.practice}.{a}-{i}" for i, (t, a, _, _) in
                              enumerate(EXPECTED)])
def test_each_rule_answers_as_the_role_table_says(table: access.Rules, action: str,
                                                  obj: object, allowed: set[str]) -> None:
    got = {who for who, scope in PEOPLE.items() if table.allows(scope, action, obj)}
    assert got == allowed


def test_every_action_has_a_case() -> None:
    covered = {(t.practice, a) for t, a, _, _ in EXPECTED} | {
        (t.practice, a) for t, a, _ in SEATED}
    assert covered == {(t.practice, a) for t in access.tables() for a in t.actions}


def test_docs_access_md_is_generated_from_the_tables() -> None:
    env = {**os.environ, "AIMLINE_HOME": str(ROOT / ".pytest_cache"),
           "DJANGO_SETTINGS_MODULE": "aimline.web.settings"}
    out = subprocess.run([sys.executable, "-m", "aimline.web.access_docs"], env=env,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert out == (ROOT / "docs" / "access.md").read_text(), (
        "docs/access.md is stale: make docs")


def test_only_the_scope_module_builds_a_scope() -> None:
    """No page, cache or job builds a private Scope to reach the warehouse: scopes come
    from roles (`scope.grant`), and shared caches sit behind the Reader's checks."""
    web = ROOT / "src" / "aimline" / "web"
    builders = {p.relative_to(web).as_posix() for p in web.rglob("*.py")
                if "Scope(" in p.read_text() and "migrations" not in p.parts}
    assert builders == {"orgs/scope.py"}


def test_every_warehouse_read_goes_through_the_warehouse_module() -> None:
    web = ROOT / "src" / "aimline" / "web"
    direct = {p.relative_to(web).as_posix() for p in web.rglob("*.py")
              if "duckdb.connect" in p.read_text()}
    assert direct == {"warehouse.py"}
