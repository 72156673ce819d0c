"""Support plans: started from the support page for an identified school, the mentor
agreed (another than proposed only with a reason), supports, goals frozen from the
warehouse, reviews, the exit judged by the data; who may do each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from aimline.metrics import engine
from aimline.reports.support import identification
from aimline.web.district.models import Agreement, SupportPlan, clause
from aimline.web.orgs.models import Role
from aimline.web.targets.models import Target
from tests.web.cast import client_for

pytestmark = pytest.mark.django_db


def identified() -> tuple[int, dict]:
    year = max(engine.years_in(settings.WAREHOUSE))
    lea = Role.objects.get(user__username="admin").district.code
    _, t = identification(settings.WAREHOUSE, year, lea=lea)
    row = t[t.identified].iloc[0].to_dict()
    SupportPlan.objects.filter(school__code=row["school_id"]).delete()  # the demo's
    return year, row


def started() -> SupportPlan:
    year, row = identified()
    r = client_for("admin").post("/district/plans/start/", {"school": row["school_id"],
                                                            "year": year})
    assert r.status_code == 302
    return SupportPlan.objects.get(school__code=row["school_id"], school_year=year)


def test_a_plan_keeps_why_the_school_was_identified_and_the_proposed_mentor() -> None:
    year, row = identified()
    plan = started()
    assert plan.reasons == list(row["reasons"]) and plan.support == row["support"]
    mentor = row["mentor"] if isinstance(row["mentor"], str) else ""
    assert plan.proposed_mentor == mentor
    again = client_for("admin").post("/district/plans/start/", {"school": row["school_id"],
                                                                "year": year})
    assert again["Location"] == f"/district/plans/{plan.pk}/"  # one plan a school a year
    assert SupportPlan.objects.filter(school__code=row["school_id"]).count() == 1
    page = client_for("admin").get(f"/district/plans/{plan.pk}/").content.decode()
    assert row["reasons"][0].split(":")[0] in page
    assert client_for("teacher").post("/district/plans/start/", {
        "school": row["school_id"], "year": year}).status_code == 403


def test_another_mentor_than_proposed_needs_a_reason_and_never_the_school_itself() -> None:
    plan = started()
    step = f"/district/plans/{plan.pk}/do/mentor/"
    other = plan.district.schools.exclude(code__in=[plan.school.code, plan.proposed_mentor]
                                          ).first()
    r = client_for("admin").post(step, {"mentor": other.code})
    assert r.status_code == 400 and SupportPlan.objects.get(pk=plan.pk).mentor is None
    assert client_for("admin").post(step, {"mentor": plan.school.code, "reason": "x"}
                                    ).status_code == 400
    assert client_for("admin").post(step, {"mentor": other.code, "reason": "Shares a "
                                           "feeder pattern and a principal who did this"}
                                    ).status_code == 302
    assert SupportPlan.objects.get(pk=plan.pk).mentor == other


def test_goals_are_frozen_from_the_warehouse_and_the_exit_is_judged_by_the_data() -> None:
    plan = started()
    step = f"/district/plans/{plan.pk}/do/"
    admin = client_for("admin")
    bad = admin.post(step + "goal/", {"metric": "chronic_absence", "target": "99",
                                      "due": "2027-06-30"})
    assert bad.status_code == 400 and plan.targets.count() == 0  # not an improvement
    assert admin.post(step + "goal/", {"metric": "chronic_absence", "target": "1",
                                       "due": "2027-06-30"}).status_code == 302
    t = plan.targets.get()
    assert t.schools == [plan.school.code] and t.baseline_year == plan.school_year
    r = admin.post(step + "exit/", follow=True)
    assert "Not yet" in r.content.decode()
    assert SupportPlan.objects.get(pk=plan.pk).status == SupportPlan.ACTIVE
    # a goal already met by the data it was set on: the exit follows the evaluation
    met = Target.objects.create(
        metric="chronic_absence", schools=[plan.school.code], baseline_year=t.baseline_year,
        target=t.baseline + 5, due=dt.date(plan.school_year, 6, 30), baseline=t.baseline,
        baseline_numerator=t.baseline_numerator, baseline_denominator=t.baseline_denominator,
        baseline_evidence=t.baseline_evidence, min_n=t.min_n, frozen_by=t.frozen_by)
    plan.targets.set([met])
    admin.post(step + "exit/")
    assert SupportPlan.objects.get(pk=plan.pk).status == SupportPlan.EXITED


def test_who_reads_reviews_and_keeps_a_plan() -> None:
    plan = started()
    page, review = f"/district/plans/{plan.pk}/", f"/district/plans/{plan.pk}/do/review/"
    note = {"on": "2026-10-01", "notes": "Attendance team meets weekly"}
    assert client_for("analyst").post(review, note).status_code == 302
    sup = Role.objects.get(user__username="supervisor")
    mine = plan.school in sup.schools.all()
    assert client_for("supervisor").get(page).status_code == (200 if mine else 404)
    principal = Role.objects.get(user__username="principal").schools.get()
    assert client_for("principal").get(page).status_code == (
        200 if principal == plan.school else 404)
    if principal == plan.school:
        assert client_for("principal").post(review, note).status_code == 403
    for who in ("teacher", "partner", "netlead", "other_admin"):
        assert client_for(who).get(page).status_code == 404, who
    assert client_for("analyst").post(f"/district/plans/{plan.pk}/do/support/", {
        "kind": "staff", "what": "An attendance interventionist", "amount": "1.0"}
    ).status_code == 302
    assert plan.supports.get().get_kind_display() == "Additional staff (FTE)"


def test_the_demo_has_plans_for_schools_that_need_support_with_goals_and_mentors() -> None:
    year = max(engine.years_in(settings.WAREHOUSE))
    lea = Role.objects.get(user__username="admin").district.code
    _, t = identification(settings.WAREHOUSE, year, lea=lea)
    plans = SupportPlan.objects.filter(district__code=lea)
    assert 1 <= plans.count() <= 3
    for p in plans:
        row = t.set_index("school_id").loc[p.school.code]
        assert row.identified and p.reasons == list(row.reasons)
        if isinstance(row.mentor, str):
            assert p.mentor.code == row.mentor
        assert p.supports.exists() and p.reviews.exists()
        if p.mentor and p.targets.exists():
            assert p.agreement.mentor == p.mentor
            assert p.agreement.results_target in p.targets.all()
    assert Agreement.objects.filter(plan__in=plans).exists()
    # the mentor school on the same charts as the school's goal
    p = plans.filter(mentor__isnull=False, targets__isnull=False).first()
    page = client_for("admin").get(f"/district/plans/{p.pk}/").content.decode()
    assert f"Grey: {p.mentor.name}" in page


def test_the_pairing_agreement_pays_the_mentor_only_on_the_measured_result() -> None:
    plan = started()
    admin, step = client_for("admin"), f"/district/plans/{plan.pk}/do/"
    terms = {"areas": "Chronic absence; first-year teachers", "commitments": "The principal "
             "mentors twice a month; teachers visit each term", "starts": "2026-07-01",
             "ends": "2028-06-30", "payment": "40000"}
    # before the mentor school and a goal are agreed there is nothing to agree on
    assert admin.post(step + "agreement/", {**terms, "target": "1"}).status_code == 400
    other = plan.district.schools.exclude(code=plan.school.code).first()
    admin.post(step + "mentor/", {"mentor": other.code, "reason": "Same feeder pattern"})
    admin.post(step + "goal/", {"metric": "chronic_absence", "target": "1",
                                "due": "2028-06-30"})
    goal = plan.targets.get()
    for bad in ({"ends": "2026-08-01"}, {"payment": "lots"}, {"payment": "-5"},
                {"areas": " "}, {"target": str(goal.pk + 999)}):
        r = admin.post(step + "agreement/", {**terms, "target": str(goal.pk), **bad})
        assert r.status_code == 400, bad
        assert not Agreement.objects.filter(plan=plan).exists()
    assert client_for("analyst").post(step + "agreement/", {**terms, "target": goal.pk}
                                      ).status_code == 302
    a = Agreement.objects.get(plan=plan)
    assert a.mentor == other and a.results_target == goal and a.payment == 40000
    page = admin.get(f"/district/plans/{plan.pk}/").content.decode()
    assert "$40000 paid only if" in page and ">pending<" in page
    assert admin.post(step + "agreement/", {**terms, "target": goal.pk}).status_code == 400
    # the clause follows the goal's evaluation and the term
    assert clause("attained", dt.date(2028, 6, 30), dt.date(2027, 1, 1)) == "due"
    assert clause("on_track", dt.date(2028, 6, 30), dt.date(2027, 1, 1)) == "pending"
    assert clause("missed", dt.date(2028, 6, 30), dt.date(2028, 7, 1)) == "not earned"
    assert clause(None, dt.date(2028, 6, 30), dt.date(2028, 7, 1)) == "not earned"
