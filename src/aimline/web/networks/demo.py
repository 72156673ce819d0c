"""The demo network's story: high schools working on chronic absence through a
Breakthrough Series — an approved aim, a driver diagram, change ideas spreading, PDSA
cycles with their own plans and predictions, and measures whose charts carry the cycles.

Same-day absence calls are adopted at the schools of the synthetic district's story
(`aimline.data.synth.story`), each just before its absences fall; the other schools test
other ideas. The outcome chart's baseline is frozen at each adoption, so whether the
chart then signals is the warehouse's answer, not the demo's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from aimline.web.networks.models import (
    Aim,
    ChangeIdea,
    ChartChange,
    Driver,
    LearningSession,
    Measure,
    MeasureValue,
    Network,
    PDSACycle,
    PhaseChange,
)

DRIVERS = {
    "Students feel connected to an adult at school": [
        "Every ninth grader has a named adult who notices absences",
        "Advisory time builds belonging"],
    "Families hear early, and in their language": [
        "Same-day contact when a student is absent",
        "Families understand that 2 days a month adds up"],
    "School routines make attendance visible": [
        "Teams review the watch list every week",
        "Attendance data at the student level each Monday"],
}
IDEAS = [("Same-day absence calls", [2]), ("Attendance mentors for 9th grade", [0]),
         ("Weekly attendance team huddle", [4, 5]), ("Nudge letters home", [3]),
         ("Advisory belonging lessons", [1])]


# (question, prediction, plan, data) of each idea's cycles; {n} is the cycle's scale
PLANS = {
    "Same-day absence calls": (
        "Will a same-day call reach the families of {n} absent students?",
        "We will reach 6 in 10 families on the day; next-day absences for those students fall.",
        "The attendance clerk calls by 10 am for {n}; advisory teachers call who she misses.",
        "Calls made, families reached, next-day attendance of called students."),
    "Attendance mentors for 9th grade": (
        "Will {n} ninth graders with a named mentor miss fewer days?",
        "Mentored students' absences fall by a day a month against their September rate.",
        "Ten staff volunteers each take three students; a check-in every Monday; {n}.",
        "Check-ins held, each mentee's days absent by week."),
    "Weekly attendance team huddle": (
        "Does a 20-minute huddle on the watch list lead to a plan for each flagged student?",
        "Every student with 3+ absences this month has a named next step within a week.",
        "Counsellor, AP and two teachers on Tuesdays before school; {n}.",
        "Students discussed, next steps named, next steps done a week later."),
    "Nudge letters home": (
        "Do letters showing a student's days missed against the school's norm change "
        "attendance for {n}?",
        "A small fall in absences the month after the letter; some families call in.",
        "Mail merge from the watch list, sent on the 1st of the month; {n}.",
        "Letters sent, returned, family calls, absences the following month."),
    "Advisory belonging lessons": (
        "Do three advisory lessons on belonging change how connected {n} feel?",
        "Survey agreement with 'an adult here cares about me' rises 10 points.",
        "Three lessons in October advisory; a five-question pulse survey before and after.",
        "Pulse survey responses; absences of the advisory classes."),
}
SCALES = ["one advisory class", "all of grade 9", "grades 9 and 10", "the whole school"]
STUDIES = {"adopt": "Reached 7 in 10 on the day; next-day absences fell for reached "
                    "students, close to the prediction. Ready to run every day.",
           "adapt": "Mixed: it worked where staff had time; we will change who does it "
                    "and try again.",
           "abandon": "No difference we could see against the prediction, and it cost "
                      "staff time: stopped."}


def _cycle(net: Network, school: Any, idea: ChangeIdea, k: int, start: dt.date,
           act: str, lead: Any, measures: list[Measure], previous: Any = None) -> PDSACycle:
    question, prediction, plan, data = PLANS[idea.title]
    n = SCALES[min(k, len(SCALES) - 1)]
    closed = bool(act)
    c = PDSACycle(
        network=net, school=school, change_idea=idea, created_by=lead, previous=previous,
        title=f"{idea.title}: cycle {k + 1} ({n})", question=question.format(n=n),
        prediction=prediction, plan=plan.format(n=n), data_to_collect=data, start=start,
        end=start + dt.timedelta(days=13), stage="closed" if closed else "do",
        do_notes="Ran as planned, except two days lost to a fire drill." if closed else "",
        study_notes=STUDIES[act] if closed else "", act=act)
    c.save()
    c.measures.set(measures)
    return c


def create(net: Network, lead: Any, year: int, adoptions: dict[str, dt.date],
           rng_seed: int = 3) -> None:
    """Idempotent: does nothing when the network already has an aim. `adoptions`: school
    code -> the date its absences fall (the synthetic district's story), so the school
    adopts same-day calls just before it."""
    if net.aims.exists():
        return
    rng = np.random.default_rng(rng_seed)
    schools = list(net.schools.order_by("code"))
    start = dt.date(year - 1, 8, 15)
    for phase, days in (("learning", 0), ("testing", 50), ("spreading", 170)):
        PhaseChange.objects.create(network=net, phase=phase, began=start + dt.timedelta(days))
    for i, (title, days) in enumerate((("Learning session 1: the problem and the aim", 10),
                                       ("Learning session 2: testing change ideas", 100),
                                       ("Learning session 3: what spreads", 200))):
        s = LearningSession.objects.create(network=net, title=title,
                                           date=start + dt.timedelta(days),
                                           agenda="Data review\nTeam storyboards\nPlanning "
                                                  f"the next PDSA cycles (session {i + 1})")
        s.attended.set(schools)
    aim = Aim.objects.create(network=net, metric="chronic_absence", baseline_year=year - 1,
                             by_date=dt.date(year, 6, 30), target=15)
    drivers = []
    for k, (primary, secondaries) in enumerate(DRIVERS.items()):
        p = Driver.objects.create(aim=aim, text=primary, order=k)
        drivers += [Driver.objects.create(aim=aim, parent=p, text=t, order=j)
                    for j, t in enumerate(secondaries)]
    ideas = []
    for title, links in IDEAS:
        ci = ChangeIdea.objects.create(network=net, title=title)
        ci.drivers.set([drivers[i] for i in links])
        ideas.append(ci)
    outcome = Measure.objects.create(network=net, name="Chronically absent (%)",
                                     kind="outcome", metric="chronic_absence", unit="%",
                                     higher_is_better=False)
    process = Measure.objects.create(network=net, name="Attendance rate (%)", kind="process",
                                     metric="attendance_rate", unit="%")
    calls = Measure.objects.create(network=net, name="Absences with a same-day call (%)",
                                   kind="process", unit="%")
    load = Measure.objects.create(network=net, name="Staff hours on attendance outreach",
                                  kind="balancing", unit="hours a week",
                                  higher_is_better=False)
    weeks = [start + dt.timedelta(weeks=w, days=3) for w in range(40)]
    for s_i, school in enumerate(schools):
        adopted = adoptions.get(school.code)
        for day in weeks:
            n = int(rng.integers(60, 110))
            after = adopted is not None and day >= adopted
            MeasureValue.objects.create(measure=calls, school=school, date=day, n=n,
                                        value=int(rng.binomial(n, 0.72 if after else 0.35)),
                                        entered_by=lead)
            MeasureValue.objects.create(measure=load, school=school, date=day,
                                        value=round(float(rng.normal(11 if after else 9,
                                                                     1.5)), 1),
                                        entered_by=lead)
        if adopted is None:  # tests of other ideas: one adapted, one abandoned, one open
            for k, (idea, act) in enumerate(((ideas[1 + s_i % 4], "adapt"),
                                             (ideas[1 + (s_i + 1) % 4], "abandon"),
                                             (ideas[1 + s_i % 4], ""))):
                _cycle(net, school, idea, k, start + dt.timedelta(days=30 + 45 * k), act,
                       lead, [process])
            continue
        # a ramp of same-day calls, each cycle building on the last, adopted two days
        # before the absences fall; then a test of a second idea
        ramp = 3
        previous = None
        for k in range(ramp):
            begin = adopted - dt.timedelta(days=14 * (ramp - k) + 2)
            previous = _cycle(net, school, ideas[0], k, begin,
                              "adopt" if k == ramp - 1 else "adapt", lead,
                              [calls, process, outcome], previous)
        _cycle(net, school, ideas[1], 0, adopted + dt.timedelta(days=40), "", lead, [process])
        why = "Same-day calls adopted after a ramp of three PDSA cycles"
        ChartChange.objects.create(measure=calls, school=school, kind=ChartChange.PART,
                                   date=adopted, by=lead, why=why)
        ChartChange.objects.create(measure=outcome, school=school, kind=ChartChange.FREEZE,
                                   date=adopted, by=lead,
                                   why=why + ": is the school better than its baseline?")
    # approved as the lead's approval on the site does it, through their scope
    from aimline.web.networks.writes import freeze_target
    from aimline.web.orgs.scope import scope_for
    from aimline.web.warehouse import Reader

    aim.approve(lead, freeze_target(aim, Reader(scope_for(lead)), lead))
