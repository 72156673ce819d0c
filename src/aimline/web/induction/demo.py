"""The demo's induction partnership: a county office of education and the demo district
inducting a cohort of ten new administrators over two years.

Everything moves through the same steps as the site: the MOU is drafted, signed by both
parties' signers, amended and signed again; coaches are proposed by `matching.propose`,
the district vetoes one (with its reason) and proposes another, the programme confirms;
triad meetings are recorded and the supervisors add their input; the partnership's
survey is answered through personal, anonymous links. Dates are set so the CTC clocks
show what programmes meet: most on time, one enrolment late, one coach assignment late.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from aimline.web import warehouse
from aimline.web.coaching.models import Entry
from aimline.web.induction import matching, mou, outcomes, plans, standards
from aimline.web.induction.models import (
    Candidate,
    Coach,
    Commitment,
    CommitmentDone,
    Completion,
    Coordinator,
    Evidence,
    Grant,
    Learning,
    LogicModel,
    Match,
    Partnership,
    PortfolioScore,
    ProgressNote,
    Question,
    Reflection,
    Signer,
    Standard,
    Triad,
)
from aimline.web.leaders.demo import _user
from aimline.web.orgs.models import Organisation, Role
from aimline.web.surveys import service as surveys
from aimline.web.surveys.models import Item, Link, Survey

CANDIDATES = 10
COACHES = [  # username, name, years, levels, languages, capacity
    ("icoach1", ("Rosa", "Delgado"), 18, ["high", "middle"], ["English", "Spanish"], 4),
    ("icoach2", ("Martin", "Okafor"), 12, ["elementary"], ["English"], 4),
    ("icoach3", ("Linh", "Tran"), 9, ["middle", "high", "elementary"],
     ["English", "Vietnamese"], 3),
]
# self-reported, as the candidates gave them (one declined, one left it blank)
GENDER = ["female", "male", "female", "male", "female", "male", "female", "male",
          "declined", "male"]
RACE = ["hispanic", "white", "asian", "asian", "white", "hispanic", "black", "hispanic",
        "filipino", ""]
FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jamal"]
LAST = ["Ortiz", "Walker", "Nguyen", "Patel", "Rossi", "Haddad", "Kim", "Silva", "Moreno",
        "Brooks"]
# (category, party: "provider"/"district", what, owner, months from the start, recurrence)
COMMITMENTS = [
    ("reciprocity", "provider", "Reduced tuition for the district's candidates", "Director",
     0, Commitment.ONCE),
    ("reciprocity", "district", "Host sites for two courses a year", "Coordinator", 2,
     Commitment.YEARLY),
    ("reciprocity", "district", "District administrators serve as coaches", "HR director", 1,
     Commitment.YEARLY),
    ("communication", "provider", "Triad meetings of coach, supervisor and candidate",
     "Coaches", 2, Commitment.QUARTERLY),
    ("communication", "provider", "Letter to each candidate's supervisor", "Coordinator", 1,
     Commitment.YEARLY),
    ("communication", "district", "Advisory board meeting", "Superintendent", 3,
     Commitment.QUARTERLY),
    ("assessment", "district", "Supervisor shares goals and duties for the IIP",
     "Supervisors", 1, Commitment.YEARLY),
    ("assessment", "provider", "Portfolio presentation shared with the employer",
     "Coordinator", 22, Commitment.ONCE),
    ("feedback", "provider", "Employer, candidate and coach surveys", "Coordinator", 10,
     Commitment.YEARLY),
    ("feedback", "district", "Site and district feedback meeting", "Coordinator", 5,
     Commitment.MONTHLY),
]
# item -> answers of the 20 candidates (two cohorts of ten), 1..5: 15 of 20 agree that
# the district invests (75%), 18 of 20 that it helped them connect (90%)
ANSWERS = {
    "invests": [5, 4, 4, 2, 5, 3, 4, 4, 2, 4, 4, 5, 4, 4, 3, 5, 4, 2, 4, 5],
    "connections": [5, 5, 4, 4, 4, 5, 3, 4, 5, 4, 4, 4, 5, 5, 4, 2, 5, 4, 4, 5],
    "coaching": [5, 5, 4, 4, 4, 5, 4, 3, 5, 4, 5, 4, 4, 5, 4, 4, 5, 5, 4, 3],
}


def people() -> list[tuple[Any, str, str]]:
    users = get_user_model().objects
    named = [("induction", "Induction programme staff", "the partnership, matching, MOU"),
             ("coordinator", "District coordinator", "matching (one veto), the MOU"),
             ("icoach1", "Induction coach", "four candidates, triad meetings"),
             ("newadmin01", "New administrator, candidate", "clocks, coach, triads")]
    return [(users.get(username=n), what, label) for n, what, label in named
            if users.filter(username=n).exists()]


def create(district: Organisation, levels: dict[str, str], end: int) -> None:
    """The partnership over the school years ending `end - 1` and `end`."""
    for name in standards.SHIPPED:  # (again after a test flushes the database)
        standards.load(standards.HERE / name)
    if Partnership.objects.filter(districts=district).exists():
        return
    provider, _ = Organisation.objects.get_or_create(
        name="Aimline County Office of Education", kind=Organisation.SUPPORT)
    staff = _user("induction", "Irene", "Castillo")
    coordinator = _user("coordinator", "Omar", "Reyes")
    superintendent = get_user_model().objects.get(username="superintendent")
    p = Partnership.objects.create(name="Clear administrative induction", provider=provider)
    p.districts.set([district])
    p.staff.set([staff])
    Coordinator.objects.create(partnership=p, district=district, user=coordinator)
    Signer.objects.create(partnership=p, party=provider, user=staff,
                          title="Director, Leadership Support")
    Signer.objects.create(partnership=p, party=district, user=superintendent,
                          title="Superintendent")
    # the cohort's two years end a year before the warehouse's last, so the last year
    # shows who stayed in the district
    start = dt.date(end - 3, 7, 1)
    p.host_schools.set(district.schools.order_by("code")[:2])
    _mou(p, provider, district, staff, superintendent, start)
    for cat, strong, weak in [
            ("communication", "Triad meetings happened in every school",
             "Supervisors heard late about the portfolio dates"),
            ("feedback", "Every group answered the survey",
             "Only three coaches: their results are suppressed")]:
        Reflection.objects.create(partnership=p, school_year=end - 1, category=cat,
                                  strongest=strong, weakest=weak, by=staff,
                                  ideas="A shared calendar from August",
                                  with_whom="The coordinator and the coaches")
    coaches = _coaches(p, district, staff)
    cands = _candidates(p, district, levels, start)
    _match(p, cands, coaches, coordinator, staff)
    _triads(cands, staff)
    _coaching(cands, end)
    _work(p, cands, staff, coordinator, superintendent, start, end)
    survey = _survey(p, provider, staff, coordinator, end)
    _evaluation(p, survey)


def _evaluation(p: Partnership, survey: Survey) -> None:
    LogicModel.objects.create(
        partnership=p,
        goals="Every new administrator in the district clears their credential and stays",
        objectives="A coach within 30 days; an IIP on the CPSEL with the supervisor's "
                   "goals; 20–30 hours of district professional learning a year",
        outcomes="Completion within two years; retention in the district; fewer "
                 "chronically absent students at the candidates' schools",
        assessment="Portfolio scored by coach, coordinator and district designee; surveys "
                   "of candidates, employers and coaches each spring",
        timelines="Admission by October; triads each quarter; portfolio in May of year 2",
        responsibilities="County office: coaches, courses, the portfolio. District: "
                         "supervisors' input, host schools, release time")
    invests = survey.items.get(order=0)
    for text, measures in [
            ("Do new administrators clear the credential and stay in the district?",
             ["completion", "retention"]),
            ("Are coaches assigned in time?", ["time_to_coach"]),
            ("Do candidates feel the district invests in them?", [f"survey:{invests.pk}"]),
            ("Is attendance improving at the candidates' schools?",
             ["metric:chronic_absence"])]:
        Question.objects.create(partnership=p, text=text, measures=measures)


def _mou(p: Partnership, provider: Organisation, district: Organisation, staff: Any,
         superintendent: Any, start: dt.date) -> None:
    v1 = mou.draft(p, staff, start, dt.date(start.year + 4, 6, 30))
    party = {"provider": provider, "district": district}
    for cat, who, what, owner, months, rec in COMMITMENTS:
        Commitment.objects.create(mou=v1, category=cat, party=party[who], what=what,
                                  owner=owner, due=mou.add_months(start, months),
                                  recurrence=rec)
    mou.sign(v1, staff, provider, "Irene Castillo")
    mou.sign(v1, superintendent, district, superintendent.get_full_name() or "Superintendent")
    v2 = mou.amend(v1, staff, "Adds a tuition scholarship on condition of two years' "
                              "service in the district")
    Commitment.objects.create(mou=v2, category="reciprocity", party=district,
                              what="Scholarship for candidates who stay two years",
                              owner="HR director", due=mou.add_months(start, 12))
    # the district's university partner (under its data agreement) reads the report's
    # aggregates, as the amendment grants
    for uni in Organisation.objects.filter(partner_in__district=district):
        Grant.objects.create(mou=v2, partner=uni, what=Grant.REPORT)
    mou.sign(v2, superintendent, district, superintendent.get_full_name() or "Superintendent")
    mou.sign(v2, staff, provider, "Irene Castillo")
    # done up to a fortnight ago, but for the advisory board, which last met a while back
    for c in v2.commitments.all():
        for due in mou.occurrences(c):
            late = c.what.startswith("Advisory") and due > dt.date.today() - dt.timedelta(120)
            if due < dt.date.today() - dt.timedelta(days=14) and not late:
                CommitmentDone.objects.create(commitment=c, on=due, by=staff)


def _coaches(p: Partnership, district: Organisation, staff: Any) -> list[Coach]:
    out = []
    for username, (first, last), years, lv, langs, cap in COACHES:
        k = Coach.objects.create(partnership=p, user=_user(username, first, last),
                                 years=years, levels=lv, languages=langs, capacity=cap,
                                 trained_on=dt.date(2023, 8, 15),
                                 district_pd="District equity institute")
        if username != "icoach2":
            k.districts.add(district)
        out.append(k)
    return out


def _candidates(p: Partnership, district: Organisation, levels: dict[str, str],
                start: dt.date) -> list[Candidate]:
    schools = list(district.schools.order_by("code"))
    principals = {s: r.user for r in Role.objects.filter(role=Role.PRINCIPAL)
                  for s in r.schools.all()}
    fallback = get_user_model().objects.get(username="superintendent")
    out = []
    for k in range(CANDIDATES):
        school = schools[(3 * k) % len(schools)]
        hired = start + dt.timedelta(days=31 + 9 * k)
        # one admitted (and so enrolled) after the 120 days
        admitted = hired + dt.timedelta(days=130 if k == 6 else 35 + 5 * k)
        c = Candidate.objects.create(
            partnership=p, user=_user(f"newadmin{k + 1:02d}", FIRST[k], LAST[k]),
            district=district, cohort=f"{start.year}–{start.year + 2}",
            position="Assistant principal", school=school,
            level=levels.get(school.code, ""), languages=["Spanish"] if k in (2, 5) else [],
            hired_on=hired, supervisor=principals.get(school, fallback), admitted_on=admitted,
            enrolled_on=admitted,  # coaching starts with the log's first session
            gender=GENDER[k], race_ethnicity=RACE[k])
        out.append(c)
    return out


def _match(p: Partnership, cands: list[Candidate], coaches: list[Coach], coordinator: Any,
           staff: Any) -> None:
    proposed = matching.propose(p)
    for n, m in enumerate(proposed):
        if n == 1:  # the district's veto, and the coach it proposes instead
            other = next(k for k in coaches if k.pk != m.coach_id and
                         k.taken() < k.capacity)
            m = matching.decide(m, coordinator, Match.VETOED,
                                "The coach supervised this candidate as a teacher", other)
        else:
            m = matching.decide(m, coordinator, Match.ACCEPTED)
        late = 34 if n == 3 else 8 + 2 * n  # one assigned after the 30 days
        matching.confirm(m, staff, m.candidate.admitted_on + dt.timedelta(days=late))


def _coaching(cands: list[Candidate], end: int) -> None:
    """The coaching log of the two years: twenty sessions a year of two hours or so, one
    candidate short of the 40 hours in the second year; newadmin01 shares one entry with
    their supervisor."""
    focus = ["2A", "1C", "4A", "5A", "3C", "2C"]
    entries = []
    for k, c in enumerate(cands):
        coach = c.coach().coach.user
        for year in (end - 2, end - 1):  # the cohort's two school years
            sessions = 12 if (k == 5 and year == end - 1) else 20
            first = max(c.admitted_on + dt.timedelta(days=21), dt.date(year - 1, 8, 20))
            step = (dt.date(year, 6, 10) - first).days // sessions
            for n in range(sessions):
                on = first + dt.timedelta(days=step * n)
                entries.append(Entry(
                    subject=c, author=coach, status=Entry.SUBMITTED, date=on,
                    minutes=[120, 135, 120, 150][(k + n) % 4], mode="video" if n % 3
                    else "in_person", focus=[focus[(k + n) % len(focus)]],
                    notes="Walked through this week's attendance data and the two "
                          "conversations it needs.",
                    next_steps="Meet the grade-level team; draft the family letter.",
                    shared=k == 0 and n == 0))
    Entry.objects.bulk_create(entries)  # tags are CPSEL element codes by construction


def _triads(cands: list[Candidate], staff: Any) -> None:
    for c in cands:
        coach = c.coach()
        for k, (agenda, notes) in enumerate([
                ("The IIP's goals from the school's goals; the supervisor's priorities",
                 "Agreed two goals on CPSEL 2A and 5A; the evaluation shared with the coach."),
                ("Progress on the goals; evidence for the portfolio",
                 "Walkthrough data collected monthly; next triad after the winter break.")]):
            Triad.objects.create(
                candidate=c, on=c.admitted_on + dt.timedelta(days=45 + 90 * k), agenda=agenda,
                candidate_present=True, coach_present=True, supervisor_present=k == 0 or
                c.pk % 2 == 0, notes=notes,
                actions="Candidate: draft the goal statements (two weeks)\n"
                        "Supervisor: share the school plan's targets",
                supervisor_input="Lead the attendance team; own the family-engagement "
                                 "goal of the school plan." if k == 0 else "",
                recorded_by=coach.coach.user if coach else staff)


GOALS = [  # statement, CPSEL elements, outcome, evidence, hours, metric
    ("Lead a professional learning culture around attendance data", ["2A", "1C"],
     "Grade teams review attendance every month and act on it",
     "Team minutes; the school's chronic absence by month", 40, "chronic_absence"),
    ("Build family engagement for students missing school", ["4A", "4C"],
     "Every family of a chronically absent student is reached by October",
     "Contact log; severe absence by month", 30, "attendance_tier_severe"),
    ("Reflective practice as a new administrator", ["5A"],
     "A monthly reflection with the coach on one decision", "Reflection journal", 10, ""),
]


def _work(p: Partnership, cands: list[Candidate], staff: Any, coordinator: Any,
          superintendent: Any, start: dt.date, end: int) -> None:
    """The two years: IIPs, professional learning, evidence, the portfolio, completion,
    and staff ids from the warehouse (for retention) where the school has them."""
    hosts = list(p.host_schools.all())
    used: set[str] = set()
    for k, c in enumerate(cands):
        c.staff_id = _staff_id(c, end - 1, used) if k not in (4, 8) else ""
        c.save()
        coach = c.coach().coach.user
        for year in (1, 2):
            plan = plans.plan_for(c, year)
            plans.revise(plan, c.supervisor, "Employer input at the first triad",
                         supervisor_goals="Lead the attendance team; the family-engagement "
                                          "goal of the school plan",
                         evaluation_shared=c.admitted_on + dt.timedelta(days=40 + 365 *
                                                                         (year - 1)))
            for n, (text, codes, outcome, evidence, hours, metric) in enumerate(GOALS):
                if year == 2 and n == 1 and k % 3 == 0:
                    continue  # a plan of 50 hours: warned on the page, not refused
                plans.add_goal(plan, coach, "", statement=text, elements=codes,
                               outcome=outcome, evidence=evidence, hours=hours, metric=metric)
            ProgressNote.objects.create(plan=plan, by=coach, text="Monthly data review "
                                        "held with two grade teams.",
                                        on=start + dt.timedelta(days=150 + 365 * (year - 1)))
            if year == 2:
                plans.revise(plan, coach, "The transitional plan at the end of induction",
                             transitional="Keep the monthly data reviews; mentor the "
                                          "next assistant principal.")
            for m, (kind, title, hours) in enumerate([
                    (Learning.SESSION, "District leadership institute", 12),
                    (Learning.MONTHLY, "Monthly meeting with district facilitators", 8),
                    (Learning.VISIT, "Site visit: attendance teams", 3)]):
                if kind == Learning.VISIT and not hosts:
                    continue
                Learning.objects.create(
                    candidate=c, kind=kind, title=title,
                    hours=4 if k == 5 and kind == Learning.SESSION else hours,  # short
                    host=hosts[k % len(hosts)] if kind == Learning.VISIT else None,
                    on=dt.date(start.year + year - 1, 10 + m, 5))
        for code, level in (("2A", 3), ("4A", 2 + k % 2), ("5A", 3)):
            Evidence.objects.create(candidate=c, element=Standard.objects.get(
                framework="CPSEL", code=code), level=level, by=coach,
                note="Observed in the portfolio", on=dt.date(end - 1, 5, 1))
        on = dt.date(end - 1, 5, 20)
        for seat, who in ((PortfolioScore.COACH, coach), (PortfolioScore.COORDINATOR, staff),
                          (PortfolioScore.DESIGNEE, coordinator)):
            PortfolioScore.objects.create(candidate=c, seat=seat, by=who, on=on,
                                          level=3 if k != 9 else 2)
        if k == 9:
            continue  # still completing: the portfolio scored below proficient
        Completion.objects.create(candidate=c, recommended_on=dt.date(end - 1, 6, 10),
                                  recommended_by=staff, district_by=superintendent,
                                  district_input="Ready: leads the attendance team well",
                                  credential_recommended_on=dt.date(end - 1, 6, 20))
        c.status = Candidate.COMPLETED
        c.save()
        if not c.staff_id:
            outcomes.record(c, end, k == 4, coordinator)


def _staff_id(c: Candidate, year: int, used: set[str]) -> str:
    """An assistant principal (else a teacher) of the candidate's school in the warehouse:
    the synthetic district has no names to match, so the demo takes one."""
    rows = sorted(warehouse.staff_at(c.school.code, year),
                  key=lambda r: r[1] != "assistant_principal")
    free = [s for s, _ in rows if s not in used]
    if not free:
        return ""
    used.add(free[0])
    return free[0]


def _survey(p: Partnership, provider: Organisation, staff: Any, coordinator: Any,
            end: int) -> Survey:
    s = Survey.objects.create(title=f"Induction programme survey {end - 1}–{end}",
                              owner=provider, audiences=["candidate", "employer", "coach"],
                              anonymous=True, min_n=5, opens=dt.date(end, 4, 1),
                              closes=dt.date(end, 5, 15),
                              intro="Your answers are anonymous: they are stored without "
                                    "your name or your link.")
    s.staff.set([staff])
    s.readers.set([coordinator])
    p.surveys.add(s)
    items = {key: Item.objects.create(survey=s, order=n, text=text) for n, (key, text) in
             enumerate([("invests", "The district invests in my leadership development"),
                        ("connections", "The programme helped me make professional "
                                        "connections"),
                        ("coaching", "Coaching helped me grow as a leader")])}
    open_item = Item.objects.create(survey=s, order=9, kind=Item.TEXT,
                                    text="What would make the programme stronger?")
    start = end - 2
    for k in range(20):
        cohort = f"{start - 1}–{start + 1}" if k < 10 else f"{start}–{start + 2}"
        link, _ = Link.make(s, "candidate", cohort=cohort)
        answers: dict[int, Any] = {items[i].pk: ANSWERS[i][k] for i in items}
        if k % 3 == 0:
            answers[open_item.pk] = ["More time with other new administrators",
                                     "Earlier dates for the portfolio",
                                     "Coaching in the first month",
                                     "Visits to host schools",
                                     "A calendar shared with supervisors",
                                     "Shorter surveys", "More on school finance"][k // 3]
        surveys.respond(link, answers, dt.date(end, 4, 10))
    for group, n, base in (("employer", 6, [4, 4, 5, 3, 4, 5]), ("coach", 3, [4, 5, 3])):
        for k in range(n):
            link, _ = Link.make(s, group, cohort=f"{start}–{start + 2}")
            surveys.respond(link, {items[i].pk: base[k] for i in items}, dt.date(end, 4, 12))
    return s
