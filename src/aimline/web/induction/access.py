"""Who may do what in an induction partnership.

Two tables, both by seat. At a candidate: the candidate, their confirmed coach, their
supervisor, the coordinator of their district, the programme's staff. At a partnership:
staff, a district's coordinator, an authorised signer. Coaching notes stay the
candidate's and the coach's; the supervisor reads an entry only when the candidate shares
it (and always reads triads); the coordinator and staff see counts and hours. A
district's coordinator sees only that district's candidates; `seats.py` works out who
sits where.
"""

from __future__ import annotations

from aimline.web.access import Action, Rules, Seat, seated

CANDIDATE, COACH, SUPERVISOR, COORDINATOR, STAFF, SIGNER, PARTNER = (
    "candidate", "coach", "supervisor", "coordinator", "staff", "signer", "partner")

INDUCTION = Rules("induction", "An administrator's induction: position and the 120/30-day "
                  "rules, the coach match, triad meetings, the induction plan, hours, "
                  "assessment, completion and retention. Columns are seats at one "
                  "candidate.", [
    Action("read", "See the candidate's page: position, the CTC deadlines, their coach, "
           "triad meetings, the induction plan, hours, evidence, completion, retention",
           seated(CANDIDATE, COACH, SUPERVISOR, COORDINATOR, STAFF)),
    Action("describe_self", "Give (or change) one's gender and race/ethnicity, "
           "self-reported, for the programme report's suppressed head counts only",
           seated(CANDIDATE)),
    Action("record_triad", "Schedule and record a triad meeting (agenda, attendance, "
           "notes, actions)", seated(COACH, STAFF)),
    Action("supervisor_input", "Record the supervisor's input: at a triad meeting, and the "
           "employer's goals and shared evaluation in the induction plan",
           seated(SUPERVISOR)),
    Action("read_log", "Read the coaching log's content: notes, next steps, evidence",
           seated(CANDIDATE, COACH)),
    Action("read_log_summary", "See coaching sessions and hours against the programme's "
           "setting, and the CPSEL elements worked on", seated(CANDIDATE, COACH,
                                                             COORDINATOR, STAFF)),
    Action("write_log", "Write a coaching entry (a submitted one is corrected by its "
           "author only)", seated(CANDIDATE, COACH)),
    Action("share_log", "Share a coaching entry with the supervisor, or stop sharing it",
           seated(CANDIDATE)),
    Action("read_shared_log", "Read the coaching entries the candidate has shared",
           seated(SUPERVISOR)),
    Action("plan", "Add goals and progress notes to the induction plan (each change kept "
           "as a revision)", seated(CANDIDATE, COACH)),
    Action("assess", "Record professional learning, evidence of growth on the rubric, "
           "portfolio scores", seated(COACH, STAFF)),
    Action("score_portfolio", "Score the final portfolio presentation, each for their own "
           "seat: the coach, the programme (staff) and the district designee (the "
           "district's coordinator, whose comment is the district's input)",
           seated(COACH, STAFF, COORDINATOR)),
    Action("complete", "Recommend completion (the portfolio scored by all three, the "
           "district's input recorded) and the credential", seated(STAFF)),
    Action("record_retention", "Record whether a completer still works in the district "
           "(where the warehouse has no staff assignments)", seated(COORDINATOR, STAFF)),
    Action("decide_match", "Accept or veto a proposed coach for the district, or propose "
           "another", seated(COORDINATOR)),
    Action("confirm_match", "Confirm the district's accepted coach; reassign with a reason",
           seated(STAFF)),
], people={"Candidate": Seat(frozenset({CANDIDATE})),
           "Their coach": Seat(frozenset({COACH})),
           "Their supervisor": Seat(frozenset({SUPERVISOR})),
           "Their district's coordinator": Seat(frozenset({COORDINATOR})),
           "Programme staff": Seat(frozenset({STAFF})),
           "Anyone else (another district's coordinator, any role)": Seat()})

PARTNERSHIPS = Rules("induction partnerships", "An induction partnership: the MOU, its "
                     "commitments and signatures, the reflections, candidates, the coach "
                     "pool and matching. Columns are seats at one partnership.", [
    Action("read", "See the partnership: the MOU in force and its versions, commitments "
           "coming due, reflections, the coach pool", seated(STAFF, COORDINATOR, SIGNER)),
    Action("draft", "Write a draft MOU version or an amendment, its commitments; record "
           "a commitment done; answer the yearly reflection", seated(STAFF, COORDINATOR)),
    Action("sign", "Sign the current version for one's party", seated(SIGNER)),
    Action("report", "Open the programme evaluation report: staff, coordinators and "
           "signers with the candidates they see; partner staff whose organisation the MOU "
           "in force grants it, in aggregates only (per cohort, no candidate rows), with "
           "the survey results where it grants those too",
           seated(STAFF, COORDINATOR, SIGNER, PARTNER)),
    Action("manage", "Keep candidates and coaches; run the matching", seated(STAFF)),
    Action("hire", "Propose, approve or veto a coach for the district", seated(COORDINATOR)),
], people={"Programme staff": Seat(frozenset({STAFF})),
           "A district's coordinator": Seat(frozenset({COORDINATOR})),
           "An authorised signer": Seat(frozenset({SIGNER})),
           "Partner staff the MOU grants the report": Seat(frozenset({PARTNER})),
           "Anyone else": Seat()})
