"""The demo network's story: high schools working on chronic absence through a
Breakthrough Series — an approved aim, a driver diagram, change ideas spreading, a dozen
PDSA cycles with predictions, and measures whose charts carry the cycles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from aimline.web.networks.models import (
    Aim,
    ChangeIdea,
    ChangeIdeaStatus,
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


def create(net: Network, lead: Any, year: int, rng_seed: int = 3) -> None:
    """Idempotent: does nothing when the network already has an aim."""
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
    Measure.objects.create(network=net, name="Chronically absent (%)",
                           kind="outcome", metric="chronic_absence", unit="%",
                           higher_is_better=False)
    process = Measure.objects.create(network=net, name="Attendance rate (%)", kind="process",
                                     metric="attendance_rate", unit="%")
    calls = Measure.objects.create(network=net, name="Absences with a same-day call (%)",
                                   kind="process", unit="%")
    load = Measure.objects.create(network=net, name="Staff hours on attendance outreach",
                                  kind="balancing", unit="hours a week",
                                  higher_is_better=False)
    weeks = [start + dt.timedelta(weeks=w, days=3) for w in range(30)]
    for s_i, school in enumerate(schools):
        adopted_week = 12 + 3 * s_i
        for w, day in enumerate(weeks):
            n = int(rng.integers(60, 110))
            p = 0.35 if w < adopted_week else 0.72
            MeasureValue.objects.create(measure=calls, school=school, date=day, n=n,
                                        value=int(rng.binomial(n, p)), entered_by=lead)
            MeasureValue.objects.create(measure=load, school=school, date=day,
                                        value=round(float(rng.normal(9 if w < adopted_week
                                                                     else 11, 1.5)), 1),
                                        entered_by=lead)
        if s_i == 0:  # the first team adopted same-day calls: limits from then on
            ChartChange.objects.create(measure=calls, school=school, kind=ChartChange.PART,
                                       date=weeks[adopted_week], by=lead,
                                       why="Same-day calls adopted after a ramp of four "
                                           "PDSA cycles")
        for k, ci in enumerate(ideas):
            status = ("adopted" if k == 0 and s_i % 2 == 0 else "testing" if k < 3
                      else "not_tried")
            ChangeIdeaStatus.objects.create(change_idea=ci, school=school, status=status)
    # a dozen cycles: a ramp of same-day calls at the first school, tests elsewhere
    previous = None
    for k in range(12):
        school = schools[0] if k < 4 or not schools[1:] else schools[1 + k % (len(schools) - 1)]
        idea = ideas[0] if k < 4 else ideas[1 + k % 3]
        closed = k < 9
        c = PDSACycle(
            network=net, school=school, change_idea=idea, created_by=lead,
            previous=previous if k < 4 else None,
            title=f"{idea.title}: cycle {k + 1}",
            question=f"Will {idea.title.lower()} reach the families of absent students?",
            prediction="At least 6 in 10 families reached on the day; absences the next "
                       "day fall for those students.",
            plan="Attendance clerk, first period, two advisory teachers; two weeks.",
            data_to_collect="Calls made, families reached, next-day attendance.",
            start=weeks[2 + 2 * k], end=weeks[3 + 2 * k], stage="closed" if closed else "do",
            do_notes="Ran as planned, except two days lost to a fire drill." if closed else "",
            study_notes="Reached 7 in 10; next-day absences fell for reached students, "
                        "close to the prediction." if closed else "",
            act=("adopt" if k == 3 else "adapt") if closed else "")
        c.save()
        c.measures.set([calls, process])
        previous = c if k < 4 else previous
    # approved as the lead's approval on the site does it, through their scope
    from aimline.web.networks.writes import freeze_target
    from aimline.web.orgs.scope import scope_for
    from aimline.web.warehouse import Reader

    aim.approve(lead, freeze_target(aim, Reader(scope_for(lead)), lead))
