"""Who may do what in a leadership programme and a principal network.

The rules turn on a person's seat, not their district role: the candidate, their executive
coach, their approver (the superintendent or a delegate), the programme's staff; in a
principal network its members, executive-coach leads and district leaders. `seats.py`
works out a person's seats from the site database; the rules here are pure functions of
those facts. Coaching notes are the candidate's and the coach's alone: programme staff see
counts, hours and challenge tags; nobody else (network or partner roles, district admins)
sees the log at all.
"""

from __future__ import annotations

from aimline.web.access import Action, Rules, Seat, seated

CANDIDATE, COACH, APPROVER, STAFF = "candidate", "coach", "approver", "staff"
MEMBER, LEAD, DISTRICT_LEADER = "member", "lead", "district_leader"


LEADERS = Rules("leaders", "A leadership programme: a candidate's target, its approvals and "
                "evaluation, the certificate, courses and the coaching log. Columns are "
                "seats at one candidate.", [
    Action("read", "See the candidate's page: target, approvals, progress on the target's "
           "published aggregates, courses, certificate",
           seated(CANDIDATE, COACH, APPROVER, STAFF)),
    Action("propose", "Propose the target and change a draft or returned version",
           seated(CANDIDATE)),
    Action("decide_district", "Approve or return the target for the district",
           seated(APPROVER)),
    Action("decide_programme", "Approve or return the target for the programme, after "
           "the district", seated(STAFF)),
    Action("evaluate", "Evaluate the approved target from the warehouse now (recorded "
           "with its evidence)", seated(CANDIDATE, COACH, APPROVER, STAFF)),
    Action("issue", "Issue the certificate (only when the evaluation says attained), "
           "revoke it, ask for an exception", seated(STAFF)),
    Action("sign_exception", "Sign an exception (district side: the approver; programme "
           "side: staff)", seated(APPROVER, STAFF)),
    Action("read_log", "Read the coaching log's content: notes, next steps, evidence",
           seated(CANDIDATE, COACH)),
    Action("read_log_summary", "See coaching counts, hours and challenge tags",
           seated(CANDIDATE, COACH, STAFF)),
    Action("write_log", "Write a coaching entry (a submitted one is corrected by its "
           "author only)", seated(CANDIDATE, COACH)),
    Action("manage", "Keep the programme: cohorts, courses, sessions, attendance and "
           "completion, the challenge list, the cohort dashboard and its exports",
           seated(STAFF)),
], people={"Candidate": Seat(frozenset({CANDIDATE})),
           "Their executive coach": Seat(frozenset({COACH})),
           "Their approver (superintendent)": Seat(frozenset({APPROVER})),
           "Programme staff": Seat(frozenset({STAFF})),
           "Anyone else (any district, network or partner role)": Seat()})

CIRCLES = Rules("principal networks", "A network of principals: meetings, school visits, "
                "the library of practices, and members' targets. Columns are seats in one "
                "principal network.", [
    Action("read", "See the network: members and their targets, meetings, visits, library",
           seated(MEMBER, LEAD, DISTRICT_LEADER)),
    Action("share", "Add a practice to the library", seated(MEMBER, LEAD, DISTRICT_LEADER)),
    Action("lead", "Record meetings (agenda, attendance, problems of practice, notes, "
           "actions) and school visits", seated(LEAD, DISTRICT_LEADER)),
], people={"Member (principal)": Seat(frozenset({MEMBER})),
           "Executive-coach lead": Seat(frozenset({LEAD})),
           "District leader": Seat(frozenset({DISTRICT_LEADER})),
           "Anyone else": Seat()})
