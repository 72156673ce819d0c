"""The demo's leadership programmes, from the synthetic district's own data.

Two programmes of one support organisation: six principal candidates and two supervisors,
their coaches and the superintendent who approves. Each target is proposed, submitted
(its baseline frozen from the warehouse) and approved through the same steps as the site,
then evaluated from the warehouse; nothing says which are attained. Where the story of the
synthetic district (`aimline.data.synth.story`: absences fall at every other high school
in the last year) is real, a chronic-absence target of 3 points is attained; one candidate
aims just beyond what their school reached (the value the data shows, less 0.2 points),
so that target is missed by a small margin; one chooses a group too small to publish in
the final year (insufficient data); the others are not yet due or still in approval.
With a small district some of these cannot be found; the demo then makes what it can.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from aimline.metrics import catalog
from aimline.web.coaching.models import Entry
from aimline.web.leaders import goals
from aimline.web.leaders.models import (
    CHALLENGES,
    Attendance,
    Candidate,
    Cohort,
    Completion,
    Course,
    CourseSession,
    NetworkMeeting,
    Practice,
    PrincipalNetwork,
    Programme,
    SchoolVisit,
)
from aimline.web.orgs.models import Organisation, Role
from aimline.web.targets import service
from aimline.web.targets.evaluation import Measured
from aimline.web.warehouse import Reader

PASSWORD = "aimline-demo"
COURSES = [("Leading for equity and excellence: the project from your school's data",
            "Set up the equity-and-excellence project: the gap, the target, the baseline."),
           ("Instructional leadership for every group of students",
            "Observation, feedback and the instructional core."),
           ("Building the team and the culture", "Distributed leadership and trust."),
           ("Improvement science in a school", "Aims, drivers, PDSA cycles and run charts."),
           ("Sustaining and spreading results", "Making the gains last; the final review.")]
GROUPS = [("all", "all"), ("economically_disadvantaged", "true"), ("race_ethnicity", "black"),
          ("race_ethnicity", "hispanic"), ("disability", "true"), ("english_learner", "true")]
# the demo's ambitions: points of improvement a candidate might propose
AMBITION = {"chronic_absence": 3.0, "attendance_tier_severe": 2.0, "attendance_rate": 1.0}


def _user(username: str, first: str, last: str) -> Any:
    users = get_user_model().objects
    u, made = users.get_or_create(username=username, defaults={
        "first_name": first, "last_name": last, "email": f"{username}@demo.aimline.test"})
    if made:
        u.set_password(PASSWORD)
        u.save()
    return u


def _role(user: Any, role: str, *, schools: list[Organisation] = (), **where: Any) -> None:
    if not Role.objects.filter(user=user, role=role, **where).exists():
        r = Role.objects.create(user=user, role=role, **where)
        r.schools.set(schools)


def _value(reader: Reader, schools: list[str], metric: str, year: int,
           group: tuple[str, str]) -> Measured:
    return service.population(reader, metric=metric, schools=schools, year=year,
                              group_type=group[0], group_value=group[1])


def _small(warehouse: Path, schools: list[str], end: int) -> list[tuple[str, tuple[str, str]]]:
    """(metric, group) cells published at every school for the baseline year and suppressed
    at one of them in the final year: where a target meets insufficient data."""
    from aimline.web.warehouse import system_connection

    with system_connection(warehouse) as con:
        rows = con.execute(
            """SELECT metric, group_type, group_value FROM indicators
               WHERE scope = 'school' AND period = 'year' AND school_id IN (SELECT unnest(?))
               GROUP BY ALL HAVING count(*) FILTER (school_year = ? AND NOT suppressed) = ?
                 AND count(*) FILTER (school_year = ? AND suppressed) = 1
               ORDER BY metric, group_type, group_value""",
            [schools, end - 1, len(schools), end]).fetchall()
    return [(m, (t, v)) for m, t, v in rows]


def _choose(reader: Reader, schools: list[str], end: int, want: str, k: int,
            warehouse: Path) -> tuple[str, tuple[str, str], float, int] | None:
    """(metric, group, target value, baseline year) for a wanted outcome, from the data;
    candidate `k` starts at its own metric and group, so the targets differ."""
    metrics = list(AMBITION)
    combos = [(metrics[(k + i) % len(metrics)], GROUPS[(k + j) % len(GROUPS)])
              for i in range(len(metrics)) for j in range(len(GROUPS))]
    if want == "insufficient":
        combos = _small(warehouse, schools, end)
    for metric, group in combos:
        up = 1 if catalog.get(metric).higher_is_better else -1
        b, f = (_value(reader, schools, metric, y, group) for y in (end - 1, end))
        if not b.ok:
            continue
        assert b.value is not None
        goal = round(b.value + up * AMBITION.get(metric, 2.0), 1)
        if want == "insufficient" and not f.ok:
            return metric, group, goal, end - 1
        if not f.ok or f.value is None:
            continue
        gain = up * (f.value - b.value)
        if want == "attained" and gain >= AMBITION[metric]:
            return metric, group, goal, end - 1
        if want == "missed" and gain > 0.5 and 1 < f.value < 99:
            return metric, group, round(f.value + up * 0.2, 1), end - 1
        if want == "not_due" and 5 < f.value < 95:
            return metric, group, round(f.value + up * AMBITION[metric], 1), end
    return None


def _target(c: Candidate, end: int, want: str, staff: Any, stop: str, k: int,
            warehouse: Path) -> None:
    if c.goals.exists():
        return
    reader = service.target_reader(c.codes())
    chosen = (_choose(reader, c.codes(), end, want, k, warehouse)
              or _choose(reader, c.codes(), end, "not_due", k, warehouse))
    if chosen is None:
        return
    metric, (gt, gv), value, base = chosen
    due = dt.date(base + 1 if want != "not_due" else end + 1, 6, 30)
    g = goals.propose(c, c.user, metric=metric, schools=c.codes(), group_type=gt,
                      group_value=gv, baseline_year=base, target_value=value, due=due,
                      rationale="Close the gap in attendance for the students who miss "
                                "the most school, starting with the first months.")
    try:
        goals.submit(g, c.user)
    except ValidationError:
        return  # this district's data cannot support the demo's target; leave the draft
    if stop == "submitted":
        return
    goals.decide(g, c.approver, approve=True, comment="Matches the district's goals.")
    if stop == "district":
        return
    goals.decide(g, staff, approve=True, comment="Specific, measured, and ambitious.")
    goals.evaluate(g)


def create(warehouse: Path, district: Organisation, end: int, *,
           effect_schools: set[str]) -> None:
    """Idempotent: a second run adds nothing."""
    schools = {s.code: s for s in district.schools.all()}
    from aimline.web.warehouse import system_connection

    with system_connection(warehouse) as con:
        levels = dict(con.execute("SELECT school_id, level FROM schools").fetchall())
    by_level = {lv: sorted(c for c in schools if levels.get(c) == lv)
                for lv in ("high", "middle", "elementary")}
    high = by_level["high"]
    effect = [c for c in high if c in effect_schools]
    others = [c for lv in ("middle", "elementary") for c in by_level[lv]]
    provider, _ = Organisation.objects.get_or_create(
        kind=Organisation.SUPPORT, code="", name="Center for Educational Leadership")
    staff = _user("programme", "Priya", "Raman")
    coach = _user("execcoach", "Elena", "Marsh")
    coach2 = _user("execcoach2", "Tom", "Okafor")
    superintendent = _user("superintendent", "Grace", "Whitfield")
    _role(superintendent, Role.SUPERVISOR, district=district)
    start = dt.date(end - 2, 9, 1)
    made = {}
    for kind, name in ((Programme.PRINCIPAL, "National Principal Certificate in Equity and "
                                             "Excellence"),
                       (Programme.SUPERVISOR, "Principal Supervisor Certificate in Equity "
                                              "and Excellence")):
        p, new = Programme.objects.get_or_create(
            name=name, kind=kind, provider=provider,
            defaults={"challenges": CHALLENGES, "description": (
                "Earned only by attaining a measured target for equity and excellence "
                "in the district's own data: five virtual courses over about twelve "
                "months and one-to-one executive coaching.")})
        p.staff.add(staff)
        cohort, _ = Cohort.objects.get_or_create(programme=p, name=f"{end - 2}–{end} cohort",
                                                 starts=start, ends=dt.date(end, 8, 31))
        if new:
            for i, (title, about) in enumerate(COURSES, 1):
                course = Course.objects.create(programme=p, number=i, title=title,
                                               description=about)
                for k in range(2):
                    CourseSession.objects.create(
                        course=course, cohort=cohort,
                        starts=dt.datetime(end - 2 + (i + 1) // 4, (8 + 2 * i + k) % 12 + 1,
                                           10 + k * 14, 16, tzinfo=dt.UTC),
                        meeting_link="https://meet.example.org/cel")
        made[kind] = (p, cohort)
    # six principals: the demo principal first, then a principal per other school
    picks = [c for c in (effect + [c for c in high if c not in effect] + others)][:6]
    principals = []
    for k, code in enumerate(picks):
        if k == 0 and Role.objects.filter(user__username="principal", role=Role.PRINCIPAL,
                                          schools__code=code).exists():
            u = get_user_model().objects.get(username="principal")
            if not u.email:
                u.email = "principal@demo.aimline.test"
                u.save()
        else:
            u = _user(f"principal{k + 1}", ["Maya", "Luis", "Nora", "Sam", "Iris", "Omar"][k],
                      ["Chen", "Ortega", "Baptiste", "Reid", "Novak", "Haddad"][k])
            _role(u, Role.PRINCIPAL, schools=[schools[code]])
        principals.append((u, schools[code]))
    supervisors = []
    for k, codes in enumerate([effect[:2] or high[:2], others[:2]]):
        if not codes:
            continue
        u = _user(f"supervisor{k + 1}", ["Dana", "Kofi"][k], ["Price", "Mensah"][k])
        _role(u, Role.SUPERVISOR, schools=[schools[c] for c in codes])
        supervisors.append((u, [schools[c] for c in codes]))
    p, cohort = made[Programme.PRINCIPAL]
    _, scohort = made[Programme.SUPERVISOR]
    plan = ["attained", "attained", "missed", "insufficient", "not_due", "not_due"]
    stops = ["approved"] * 5 + ["submitted"]
    out = []
    for k, (u, school) in enumerate(principals):
        c, new = Candidate.objects.get_or_create(
            cohort=cohort, user=u, defaults={"kind": Candidate.PRINCIPAL, "district": district,
                                             "coach": coach if k % 2 == 0 else coach2,
                                             "approver": superintendent})
        if new:
            c.schools.set([school])
            c.check_roles([school])
        out.append((c, plan[k], stops[k]))
    for k, (u, sch) in enumerate(supervisors):
        c, new = Candidate.objects.get_or_create(
            cohort=scohort, user=u, defaults={"kind": Candidate.SUPERVISOR,
                                              "district": district, "coach": coach,
                                              "approver": superintendent})
        if new:
            c.schools.set(sch)
            c.check_roles(sch)
        out.append((c, ["attained", "not_due"][k], ["approved", "district"][k]))
    for k, (c, want, stop) in enumerate(out):
        fresh = not c.goals.exists()
        _target(c, end, want, staff, stop, k, warehouse)
        if fresh:
            _activity(c, staff, end)
    for c, _, _ in out:
        g = goals.approved(c)
        e = goals.latest(g)
        if e is not None and e.state == "attained" and not hasattr(g, "certificate"):
            goals.issue(g, staff)
    _network(provider, [u for u, _ in principals], [coach, coach2], superintendent,
             [s for _, s in principals], end)


def people() -> list[tuple[Any, str, str]]:
    """The leadership demo's people worth signing in as, for `make demo`'s list."""
    users = get_user_model().objects
    named = [("programme", "Programme staff", "both certificate programmes"),
             ("execcoach", "Executive coach", "four candidates' coaching"),
             ("superintendent", "Superintendent", "approves the candidates' targets"),
             ("principal2", "Principal, candidate", "a certificate earned"),
             ("supervisor1", "Supervisor, candidate", "a supervisor's target")]
    return [(users.get(username=n), what, label) for n, what, label in named
            if users.filter(username=n).exists()]


def _activity(c: Candidate, staff: Any, end: int) -> None:
    """Coaching sessions and course attendance over the cohort's first year."""
    p = c.cohort.programme
    for k in range(6):
        e = Entry.objects.create(subject=c, author=c.coach,
                                         date=dt.date(end - 1, 9 + k % 4, 3 + 4 * k),
                                         minutes=[60, 45, 90, 60, 60, 75][k], mode="video",
                                         focus=[p.challenges[(c.pk + k) % len(p.challenges)]],
                                         notes="Worked through the week's attendance data "
                                               "and the conversations it needs.",
                                         next_steps="Meet the attendance team; call the "
                                                    "families of the ten students.")
        e.status = Entry.SUBMITTED
        e.save()
    for course in p.courses.all()[:4]:
        for k, s in enumerate(course.sessions.filter(cohort=c.cohort)):
            Attendance.objects.get_or_create(session=s, candidate=c,
                                             defaults={"present": (c.pk + k) % 5 != 0})
        if course.number <= 3:
            Completion.objects.get_or_create(course=course, candidate=c,
                                             defaults={"on": s.starts.date(), "by": staff})


def _network(provider: Organisation, members: list[Any], leads: list[Any],
             district_leader: Any, schools: list[Organisation], end: int) -> None:
    n, new = PrincipalNetwork.objects.get_or_create(
        name="Principals' network on attendance and belonging", provider=provider,
        defaults={"purpose": "A professional learning community of principals working on "
                             "chronic absence, led by executive coaches with the district."})
    if not new:
        return
    n.members.set(members)
    n.leads.set(leads)
    n.district_leaders.set([district_leader])
    for k, when in enumerate([dt.date(end - 1, 10, 14), dt.date(end - 1, 12, 9)]):
        m = NetworkMeeting.objects.create(
            network=n, date=when,
            agenda=["Launch: our targets and the data behind them",
                    "Problems of practice: the first-period attendance check"][k],
            problems=["", f"{members[0].get_full_name()} presented the morning check-in "
                          "and why it stalls in week three."][k],
            notes=["Each principal shared the group their target is for.",
                   "Peers suggested a shared contact log and a two-week PDSA."][k],
            actions=["Bring the October attendance data.",
                     "Visit the first school in January."][k])
        m.attended.set(members[: 5 + k])
    if schools:
        SchoolVisit.objects.create(
            network=n, host=schools[0], date=dt.date(end, 1, 20),
            focus="The morning attendance routine and the follow-up calls",
            observed="Advisers greet every student at the door and log absences by 9:15.",
            feedback="Make the calls' outcomes visible to the team each week.")
    Practice.objects.create(network=n, title="Two-week attendance PDSA",
                            description="Test one change with ten students, read the run "
                                        "chart, decide.", added_by=leads[0])
