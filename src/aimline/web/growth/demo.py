"""The demo district's teachers' growth, made through the same rules as the site: two
micro-credentials with public rubrics (the principal reviews as the district's expert),
a four-step career ladder, `mteacher` earning the first micro-credential after one "not
yet", `teacher` part-way through the second, and an action-research project linked to a
PDSA cycle of the high-school network, published and made public."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from aimline.web.growth import ladder, review
from aimline.web.growth.models import (
    Criterion,
    LadderStep,
    MicroCredential,
    Project,
    Submission,
)
from aimline.web.leaders.demo import _user
from aimline.web.networks.models import PDSACycle
from aimline.web.orgs.models import Organisation, Role

RUN_CHART = {
    "name": "Studying a change with a run chart",
    "competency": "Uses a run chart of a measure that matters to students to learn whether a "
                  "change in one's classroom is an improvement.",
    "key_method": "A PDSA cycle with a prediction, studied on a run chart with the Anhøj "
                  "rules.",
    "components": ["A question and a prediction before the change",
                   "A measure collected weekly, before and after",
                   "A run chart read with named rules, not by eye",
                   "A decision — adapt, adopt or abandon — that follows from the chart"],
    "research": "Langley et al., The Improvement Guide (2009); Provost & Murray, The Health "
                "Care Data Guide (2011); Anhøj & Olesen, 'Run charts revisited' (PLOS ONE, "
                "2014).",
    "resources": "The network's PDSA template; the site's run charts on each measure.",
    "questions": ["What problem in your classroom did you set out to change, and why?",
                  "What did you predict would happen?"],
    "hours": 15,
    "criteria": [
        ("States a question and a prediction before the change",
         "The prediction is written before the first data point after the change.",
         "The prediction is missing, vague or written afterwards."),
        ("Reads the run chart with named rules",
         "Names the rule (shift, crossings) that signals a change, or says none did.",
         "Describes the chart by eye (\"it went up\") without a rule."),
        ("Decides from the evidence",
         "The adapt / adopt / abandon decision follows from what the chart showed.",
         "The decision does not follow from the chart."),
    ]}
FAMILIES = {
    "name": "Partnering with families on attendance",
    "competency": "Builds a relationship with the families of students at risk of chronic "
                  "absence and plans with them.",
    "key_method": "Positive contact first, then a shared attendance plan.",
    "components": ["A list of students with 10% or more days missed",
                   "A positive first contact with each family",
                   "A written plan made with the family"],
    "research": "Attendance Works, 'Teaching Attendance'; Rogers & Feller (2018).",
    "resources": "Attendance Works' family toolkit.",
    "questions": ["Which students, and what did you learn from their families?"],
    "hours": 10,
    "criteria": [
        ("Makes a positive first contact",
         "Each family hears something good before anything about absences.",
         "The first contact is about the absences."),
        ("Plans with the family",
         "A written plan the family helped write, with a date to check it.",
         "A plan written for the family, or none."),
    ]}
LADDER = [("Teacher", "Teaches; takes part in the school's improvement team.", 0, "", [], 0),
          ("Lead teacher", "Leads a grade-level or department team's PDSA cycles.", 3,
           "effective", ["Studying a change with a run chart"], 10),
          ("Instructional coach", "Coaches colleagues; co-teaches; leads learning "
           "sessions.", 5, "effective", ["Studying a change with a run chart",
                                         "Partnering with families on attendance"], 25),
          ("Master teacher", "Mentors a struggling school's teachers; reviews "
           "micro-credentials.", 10, "highly_effective",
           ["Studying a change with a run chart", "Partnering with families on attendance"],
           25)]


def _credential(district: Organisation, spec: dict[str, Any], reviewer: Any
                ) -> MicroCredential:
    spec = dict(spec)
    criteria = spec.pop("criteria")
    mc = MicroCredential.objects.create(district=district, **spec)
    mc.reviewers.add(reviewer)
    for i, (text, shown, not_yet) in enumerate(criteria, 1):
        Criterion.objects.create(credential=mc, order=i, text=text, demonstrated=shown,
                                 not_yet=not_yet)
    return mc


def create(warehouse: Path, district: Organisation, year: int) -> None:
    if MicroCredential.objects.filter(district=district).exists():
        return
    users = get_user_model().objects
    principal = users.get(username="principal")
    school = Role.objects.get(user=principal, role=Role.PRINCIPAL).schools.get()
    run_chart = _credential(district, RUN_CHART, principal)
    families = _credential(district, FAMILIES, principal)
    by_name = {mc.name: mc for mc in (run_chart, families)}
    for i, (name, what, years, evaluation, needs, hours) in enumerate(LADDER, 1):
        step = LadderStep.objects.create(district=district, order=i, name=name,
                                         responsibilities=what, min_years=years,
                                         min_evaluation=evaluation, min_hours=hours)
        step.credentials.set([by_name[n] for n in needs])
    mteacher = _mteacher(warehouse, district, school)
    _earn(run_chart, mteacher, school, principal)
    teacher = users.get(username="teacher")
    draft = review.start(families, teacher, school)
    review.answer(draft, {FAMILIES["questions"][0]: "Six ninth graders; two families "
                          "work nights and mornings are hard."})
    _project(district, school, [teacher, mteacher])


def _mteacher(warehouse: Path, district: Organisation, school: Organisation) -> Any:
    """A teacher of the school with a staff id (the ladder reads their years and latest
    evaluation): its most experienced effective teacher with three to nine years, who
    becomes a lead teacher by earning the run-chart micro-credential."""
    u = _user("mteacher", "Maya", "Okafor")
    fits = sorted((t.years, t.staff_id) for t in ladder.teachers(district.code,
                                                                  path=warehouse)
                  if t.current and t.school == school.code and t.years is not None
                  and 3 <= t.years < 10 and t.evaluation in ("effective", "highly_effective"))
    staff_id = fits[-1][1] if fits else ""
    r, _ = Role.objects.get_or_create(user=u, role=Role.TEACHER,
                                      defaults={"staff_id": staff_id})
    r.schools.set([school])
    return u


def _earn(mc: MicroCredential, t: Any, school: Organisation, reviewer: Any) -> None:
    """A first attempt decided "not yet" on reading the chart, then earned."""
    s = review.start(mc, t, school)
    review.answer(s, dict(zip(mc.questions, [
        "Too many of my ninth graders came late to first period, and lost the lesson.",
        "A two-minute warm-up that counts for a grade would cut late arrivals by half."],
        strict=True)))
    criteria = list(mc.criteria.all())
    for c, title in zip(criteria, ["PDSA plan, with the prediction dated",
                                   "Run chart of late arrivals, 12 weeks",
                                   "Our team's decision notes"], strict=True):
        review.add_artifact(s, c, title, link=f"https://docs.example.org/{c.order}")
    review.reflect(s, "The warm-up helped most on Mondays; I want to try it with the "
                      "second-period class.")
    review.submit(s)
    review.decide(s, reviewer, {
        criteria[0].pk: (True, "Clear and dated."),
        criteria[1].pk: (False, "Say which rule signals the change: the chart shows a "
                                "shift of seven weeks below the centre line."),
        criteria[2].pk: (True, "")})
    again = review.start(mc, t, school)
    review.add_artifact(again, criteria[1], "The chart again, with the shift marked",
                        link="https://docs.example.org/2b")
    review.reflect(again, s.reflection + " A shift of seven points below the median is the "
                   "signal; the crossings were as expected before the change.")
    review.submit(again)
    review.decide(again, reviewer, {criteria[1].pk: (True, "Named and read correctly.")})
    # the history as it would have run: submitted, then decided within the target
    now = timezone.now()
    for sub, ago, took in ((s, 40, 9), (again, 20, 6)):
        Submission.objects.filter(pk=sub.pk).update(
            submitted_at=now - dt.timedelta(days=ago),
            decided_at=now - dt.timedelta(days=ago) + dt.timedelta(days=took))


def _project(district: Organisation, school: Organisation, authors: list[Any]) -> None:
    cycle = (PDSACycle.objects.filter(school=school, measures__isnull=False)
             .order_by("start").first())
    p = Project.objects.create(
        district=district, school=school, created_by=authors[0],
        title="Does a personal call home on the first absence cut repeat absences?",
        question="If an advisory teacher calls home on a ninth grader's first absence of a "
                 "month, do fewer of them miss another day that month?",
        method="Two PDSA cycles in four advisories, the first with one teacher; the "
               "measure is the network's chronic-absence rate, read on its run chart.",
        data="Daily attendance from the SIS, loaded nightly; a call log kept by the "
             "advisory teachers.",
        findings="After the calls began the rate ran below its median for the rest of the "
                 "term (a shift), in the advisories that called; we adopted the calls "
                 "across the ninth grade.",
        cycle=cycle)
    p.authors.set(authors)
    p.published_at, p.public = timezone.now(), True
    p.save()
