"""The demo district's support plans: the first three schools that need support (as
`reports.support` identifies them in the demo warehouse), each with its mentor agreed
(the proposed one), a support or two, a goal on chronic absence frozen from the data, a
pairing agreement and a first review; a principal's rotation, an incentive programme and
a cluster of the schools in support with their mentors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from aimline.reports import principals
from aimline.reports.staffing import school_frame
from aimline.reports.support import identification
from aimline.web.district.models import (
    Agreement,
    Cluster,
    Incentive,
    Review,
    Rotation,
    Shared,
    Support,
    SupportPlan,
)
from aimline.web.orgs.models import Organisation
from aimline.web.orgs.scope import scope_for
from aimline.web.targets import service
from aimline.web.warehouse import Reader


def create(warehouse: Path, district: Organisation, year: int) -> None:
    if SupportPlan.objects.filter(district=district).exists():
        return
    admin = get_user_model().objects.get(username="admin")
    _, table = identification(warehouse, year, lea=district.code)
    reader = Reader(scope_for(admin), warehouse)
    for row in table[table.identified].head(3).to_dict("records"):
        school = district.schools.get(code=row["school_id"])
        mentor = (district.schools.filter(code=row["mentor"]).first()
                  if isinstance(row["mentor"], str) else None)
        plan = SupportPlan.objects.create(
            school=school, district=district, school_year=year, support=row["support"],
            reasons=row["reasons"], owner=admin, starts=dt.date(year, 7, 1),
            ends=dt.date(year + 2, 6, 30), proposed_mentor=mentor.code if mentor else "",
            mentor=mentor, created_by=admin)
        Support.objects.create(plan=plan, kind="staff", what="An attendance "
                               "interventionist, full time", amount=1, owner="HR director")
        Support.objects.create(plan=plan, kind="coaching", what="Leadership coaching for "
                               "the principal, twice a month", owner="Chief academic officer")
        _goal(plan, reader, admin)
        goal = plan.targets.first()
        if mentor is not None and goal is not None:
            Agreement.objects.create(
                plan=plan, mentor=mentor, areas_of_need="Chronic absence; coaching for "
                "early-career teachers", commitments="The mentor principal meets the "
                "principal twice a month; its attendance team trains this one's; teachers "
                "visit each other's classrooms each term", starts=plan.starts,
                ends=plan.ends, payment=40000, results_target=goal, agreed_by=admin)
        Review.objects.create(plan=plan, on=dt.date(year, 10, 15), by=admin,
                              notes="Attendance team meets weekly; family outreach began.")
    _people(warehouse, district, year, admin, table)


def _people(warehouse: Path, district: Organisation, year: int, by: Any,
            table: Any) -> None:
    """A part-time rotation of the most experienced principal into the first school in
    comprehensive support, an incentive programme for the highest-poverty schools, and a
    cluster of the schools with plans and their mentors."""
    csi = [r["school_id"] for r in table.to_dict("records") if r["support"] == "CSI"]
    heads = principals.history(warehouse, district.code, year)
    heads = heads[heads.school_year == year].sort_values("years_experience")
    if csi and len(heads):
        top = heads.iloc[-1]
        to = district.schools.get(code=csi[0])
        if top.school_id != to.code:
            Rotation.objects.create(
                district=district, staff_id=top.staff_id, kind=Rotation.PART_TIME,
                from_school=district.schools.get(code=top.school_id), to_school=to,
                days_a_week=2, school_year=year + 1, recorded_by=by,
                reason=f"{int(top.years_experience)} years as a principal; led the "
                       "district's attendance turnaround")
    poorest = school_frame(warehouse, year, district.code).sort_values("pct_ed").index[-2:]
    i = Incentive.objects.create(
        district=district, name="Highest-poverty schools: effective-teacher bonus",
        eligible="Teachers rated effective or highly effective who teach in these schools; "
                 "the largest bonus to the highly effective", amount=5000, starts=year,
        recorded_by=by)
    i.schools.set(district.schools.filter(code__in=list(poorest)))
    planned = SupportPlan.objects.filter(district=district)
    members = {p.school_id for p in planned} | {p.mentor_id for p in planned if p.mentor_id}
    if len(members) >= 2:
        c = Cluster.objects.create(district=district, name="Attendance cluster",
                                   plan="One attendance team across the schools in support "
                                        "and their mentors; shared family-outreach staff; "
                                        "joint PD each quarter.", created_by=by)
        c.schools.set(members)
        Shared.objects.create(cluster=c, kind="teacher", what="Two family-outreach "
                              "specialists shared across the cluster", amount=2)
        Shared.objects.create(cluster=c, kind="pd_funds", what="Quarterly joint PD days",
                              amount=20000)


def _goal(plan: SupportPlan, reader: Reader, by: Any) -> None:
    """Chronic absence down by a fifth in two years, where the school's rate is
    published."""
    got = service.population(reader, metric="chronic_absence", schools=[plan.school.code],
                             year=plan.school_year)
    if not got.ok or not got.value:
        return
    plan.targets.add(service.freeze(
        reader, by, metric="chronic_absence", schools=[plan.school.code],
        baseline_year=plan.school_year, target=round(0.8 * got.value, 1),
        due=dt.date(plan.school_year + 2, 6, 30)))
