"""The two years of induction: the IIP on the CPSEL with its revisions and the 60–90 hour
warning, professional-learning hours against 20–30, evidence on the rubric, the portfolio
and completion, and retention read from the warehouse's staff assignments (checked with
plain SQL) or recorded."""

from __future__ import annotations

import datetime as dt
import io

import duckdb
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from aimline.web.induction import outcomes, plans
from aimline.web.induction.models import (
    Candidate,
    Completion,
    Evidence,
    Learning,
    Partnership,
    PlanGoal,
    PlanRevision,
    Standard,
)
from tests.web.cast import client_for

pytestmark = pytest.mark.django_db


def cand(name: str) -> Candidate:
    return Candidate.objects.get(user__username=name)


def u(name: str) -> User:
    return User.objects.get(username=name)


def test_each_change_to_the_plan_keeps_the_plan_as_it_was() -> None:
    c = cand("newadmin02")
    plan = c.plans.get(year=1)
    before = plans.snapshot(plan)
    n = plan.revisions.count()
    plans.add_goal(plan, u("newadmin02"), "A goal on school finance", statement="Budget",
                   elements=["3D"], outcome="A balanced budget", evidence="The budget",
                   hours=8)
    r = plan.revisions.order_by("-pk").first()
    assert plan.revisions.count() == n + 1 and r.before == before
    assert r.by.username == "newadmin02" and r.note == "A goal on school finance"
    plans.revise(plan, u("icoach1"), "The transitional plan", transitional="Keep going")
    assert plan.revisions.order_by("-pk").first().before["goals"][-1]["elements"] == ["3D"]


def test_a_goal_maps_to_cpsel_elements_or_is_refused_with_nothing_changed() -> None:
    plan = cand("newadmin02").plans.get(year=1)
    counts = (PlanGoal.objects.count(), PlanRevision.objects.count())
    for bad in ([], ["9Z"], ["1"]):  # none, no such element, a standard not an element
        with pytest.raises(ValidationError, match="CPSEL elements"):
            plans.add_goal(plan, u("newadmin02"), "", statement="x", elements=bad,
                           outcome="o", evidence="e", hours=5)
    with pytest.raises(ValidationError, match="not a catalog metric"):
        plans.add_goal(plan, u("newadmin02"), "", statement="x", elements=["1A"],
                       outcome="o", evidence="e", hours=5, metric="nonsense")
    assert (PlanGoal.objects.count(), PlanRevision.objects.count()) == counts


def test_hours_outside_60_to_90_are_warned_not_refused() -> None:
    c = cand("newadmin01")  # the demo left year 2 at 50 hours
    y1, y2 = c.plans.get(year=1), c.plans.get(year=2)
    assert y1.hours() == 80 and plans.warning(y1) is None
    assert y2.hours() == 50 and "50 clock hours" in plans.warning(y2)
    r = client_for("newadmin01").post(f"/induction/candidates/{c.pk}/do/goal/", {
        "year": "2", "statement": "Lead the master schedule", "elements": ["3B"],
        "outcome": "A schedule by May", "evidence": "The schedule", "hours": "45"})
    assert r.status_code == 302  # saved, with the warning said
    assert y2.hours() == 95 and "95 clock hours" in plans.warning(y2)
    page = client_for("newadmin01").get(f"/induction/candidates/{c.pk}/").content.decode()
    assert "95 clock hours; the programme asks for 60–90" in page


def test_who_changes_the_plan() -> None:
    c = cand("newadmin01")
    goal = {"year": "1", "statement": "s", "elements": ["1A"], "outcome": "o",
            "evidence": "e", "hours": "5"}
    assert client_for(c.supervisor.username).post(
        f"/induction/candidates/{c.pk}/do/goal/", goal).status_code == 403
    assert client_for("coordinator").post(
        f"/induction/candidates/{c.pk}/do/goal/", goal).status_code == 403
    assert client_for(c.supervisor.username).post(
        f"/induction/candidates/{c.pk}/do/employer/",
        {"year": "1", "supervisor_goals": "Own the master schedule"}).status_code == 302
    assert c.plans.get(year=1).supervisor_goals == "Own the master schedule"
    assert client_for("newadmin01").post(
        f"/induction/candidates/{c.pk}/do/employer/",
        {"year": "1", "supervisor_goals": "x"}).status_code == 403


def test_professional_learning_hours_per_school_year_and_site_visits_to_host_schools() -> None:
    short, usual = cand("newadmin06"), cand("newadmin01")
    assert set(outcomes.pd_hours(short).values()) == {15.0}  # 4 + 8 + 3
    assert set(outcomes.pd_hours(usual).values()) == {23.0}
    assert len(outcomes.pd_hours(usual)) == 2
    not_host = usual.district.schools.exclude(
        pk__in=usual.partnership.host_schools.all()).first()
    n = Learning.objects.count()
    with pytest.raises(ValidationError, match="host school"):
        Learning.objects.create(candidate=usual, on=dt.date(2025, 1, 9), kind=Learning.VISIT,
                                title="Visit", hours=2, host=not_host)
    assert Learning.objects.count() == n
    assert outcomes.school_year(dt.date(2025, 6, 30)) == 2025
    assert outcomes.school_year(dt.date(2025, 7, 1)) == 2026


def test_evidence_is_on_the_rubric_and_completion_needs_every_score_and_the_district() -> None:
    c = cand("newadmin10")  # the demo's one not completed
    with pytest.raises(ValidationError, match="not on the rubric"):
        Evidence.objects.create(candidate=c, element=Standard.objects.get(code="1A",
                                                                          framework="CPSEL"),
                                level=9, note="x", on=dt.date(2025, 5, 1), by=u("icoach1"))
    with pytest.raises(ValidationError, match="the district's input"):
        Completion.objects.create(candidate=c, recommended_on=dt.date(2025, 6, 1),
                                  recommended_by=u("induction"), district_input=" ",
                                  district_by=u("coordinator"))
    c.portfolio.filter(seat="designee").delete()
    with pytest.raises(ValidationError, match="not yet scored by: designee"):
        Completion.objects.create(candidate=c, recommended_on=dt.date(2025, 6, 1),
                                  recommended_by=u("induction"), district_input="Ready",
                                  district_by=u("coordinator"))
    assert not Completion.objects.filter(candidate=c).exists()


def test_the_portfolio_is_scored_by_each_seat_then_completion_and_the_credential() -> None:
    c = cand("newadmin10")
    c.portfolio.all().delete()
    step = f"/induction/candidates/{c.pk}/do/"
    coach = c.coach().coach.user.username
    score = {"level": "3", "on": "2026-05-20", "comment": ""}
    assert client_for(coach).post(step + "portfolio/", score).status_code == 302
    assert client_for("induction").post(step + "portfolio/", score).status_code == 302
    # the district designee (the coordinator) must write the district's input
    r = client_for("coordinator").post(step + "portfolio/", score)
    assert r.status_code == 400 and "designee" in r.content.decode()
    assert client_for("induction").post(step + "complete/", {"on": "2026-06-10"}
                                        ).status_code == 400  # not yet scored by all
    assert client_for("coordinator").post(step + "portfolio/", {
        **score, "comment": "Ready to lead a school"}).status_code == 302
    assert dict(c.portfolio.values_list("seat", "by__username")) == {
        "coach": coach, "coordinator": "induction", "designee": "coordinator"}
    for who in ("coordinator", coach, "newadmin10"):  # the programme recommends
        assert client_for(who).post(step + "complete/", {"on": "2026-06-10"}
                                    ).status_code == 403, who
    assert client_for("induction").post(step + "credential/", {"on": "2026-06-11"}
                                        ).status_code == 400  # completion comes first
    assert client_for("induction").post(step + "complete/", {"on": "2026-06-10"}
                                        ).status_code == 302
    done = Completion.objects.get(candidate=c)
    assert (done.district_input, done.district_by.username, done.recommended_by.username
            ) == ("Ready to lead a school", "coordinator", "induction")
    assert cand("newadmin10").status == Candidate.COMPLETED
    r = client_for(coach).post(step + "portfolio/", {**score, "level": "4"})
    assert r.status_code == 400 and c.portfolio.get(seat="coach").level == 3  # it stands
    assert client_for("induction").post(step + "credential/", {"on": "2026-06-20"}
                                        ).status_code == 302
    assert Completion.objects.get(candidate=c).credential_recommended_on == dt.date(
        2026, 6, 20)


def in_district(staff_id: str, lea: str, year: int) -> bool:
    """Plain SQL on the warehouse, not the site's code."""
    with duckdb.connect(str(settings.WAREHOUSE), read_only=True) as con:
        return bool(con.execute(
            """SELECT count(*) FROM staff_assignments a JOIN schools s ON
               s.school_id = a.school_id WHERE a.staff_id = ? AND s.lea_id = ?
               AND a.school_year = ?""", [staff_id, lea, year]).fetchone()[0])


def test_retention_comes_from_the_warehouse_where_it_can_and_is_recorded_elsewhere() -> None:
    p = Partnership.objects.get()
    end = max(outcomes.school_year(c.completion.recommended_on) for c in
              Candidate.objects.filter(completion__isnull=False)) + 1
    from aimline.web.warehouse import staff_years

    read = 0
    for c in Candidate.objects.filter(completion__isnull=False):
        loaded = staff_years(c.district.code, [c.staff_id] if c.staff_id else [])
        stays = outcomes.retention(c, end, loaded)
        assert [s.school_year for s in stays] == [end]
        if c.staff_id:
            assert stays[0].source == "warehouse"
            assert stays[0].in_district == in_district(c.staff_id, c.district.code, end)
            read += 1
        else:
            assert stays[0].source == "recorded"
    assert read == Candidate.objects.filter(completion__isnull=False).exclude(
        staff_id="").count() >= 5
    (row,) = outcomes.by_cohort(p, end)
    stayed = sum(
        (in_district(c.staff_id, c.district.code, end) if c.staff_id else
         c.retention.get(school_year=end).in_district)
        for c in Candidate.objects.filter(completion__isnull=False))
    assert (row.completed, row.known, row.stayed) == (9, 9, stayed)
    assert row.share == stayed / 9


def test_the_candidate_page_shows_the_two_years() -> None:
    c = cand("newadmin01")
    page = client_for("icoach1" if c.coach().coach.user.username == "icoach1" else
                      c.coach().coach.user.username).get(
        f"/induction/candidates/{c.pk}/").content.decode()
    for text in ("Individual induction plan", "Year 1", "2A", "Professional learning",
                 "Assessment and completion", "Completed:", "After completion:"):
        assert text in page, text
    assert "<svg" in page  # the chronic-absence goal charted at the school


def test_the_programme_evaluation_report_as_pdf_and_xlsx() -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    p = Partnership.objects.get()
    c = client_for("coordinator")
    r = c.get(f"/induction/{p.pk}/report.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "".join(pg.extract_text() for pg in PdfReader(io.BytesIO(r.content)).pages)
    for words in ("programme evaluation", "CPSEL coverage", "Individual Induction Plan",
                  "75%", "90%", "suppressed", "Still in the district"):
        assert words in text, words
    wb = load_workbook(io.BytesIO(c.get(f"/induction/{p.pk}/report.xlsx").content))
    assert wb["Candidates"].max_row == 1 + 10
    end = outcomes.school_year(dt.date.today())
    (row,) = outcomes.by_cohort(p, end)
    ret = list(wb["Retention"].iter_rows(min_row=2, values_only=True))
    assert ret == [(row.cohort, 9, row.known, row.stayed, round(100 * row.share, 1))]
    assert [r[0] for r in wb["Programme standards"].iter_rows(min_row=2, values_only=True)
            ] == ["1", "2", "3", "4A", "4B", "4C", "4D", "5"]
    # a signer who coordinates no district: the partnership, but no candidate or survey
    wb = load_workbook(io.BytesIO(client_for("superintendent").get(
        f"/induction/{p.pk}/report.xlsx").content))
    assert wb["Candidates"].max_row == 1 and wb["Surveys"].max_row == 1
    assert client_for("icoach1").get(f"/induction/{p.pk}/report.pdf").status_code == 404


def test_each_evaluation_question_is_answered_by_its_measures() -> None:
    from aimline.web.induction import evaluation

    p = Partnership.objects.get()
    got = {q["q"].text: {a.measure.split(":")[0]: a.value for a in q["answers"]}
           for q in evaluation.answers(p)}
    assert got["Do new administrators clear the credential and stay in the district?"][
        "completion"] == "9 of 10"
    (row,) = outcomes.by_cohort(p, outcomes.school_year(dt.date.today()))
    assert got["Do new administrators clear the credential and stay in the district?"][
        "retention"] == f"{round(100 * row.share)}% ({row.stayed} of {row.known})"
    assert got["Do candidates feel the district invests in them?"]["survey"].startswith(
        "candidate 75% (n=20); suppressed; suppressed;")
    timing = got["Are coaches assigned in time?"]["time_to_coach"]
    assert timing.endswith("9 of 10 within 30")
    # the metric over the candidates' schools: counts summed, checked with plain SQL
    schools = sorted({c.school.code for c in Candidate.objects.select_related("school")})
    with duckdb.connect(str(settings.WAREHOUSE), read_only=True) as con:
        year, num, den = con.execute(
            """SELECT school_year, sum(numerator), sum(denominator) FROM indicators
               WHERE scope = 'school' AND metric = 'chronic_absence' AND period = 'year'
               AND group_type = 'all' AND school_id IN (SELECT unnest(?))
               GROUP BY school_year ORDER BY school_year DESC LIMIT 1""", [schools]
        ).fetchone()
    assert got["Is attendance improving at the candidates' schools?"]["metric"] == (
        f"{100 * num / den:.1f} in {year - 1}–{year} at the candidates' {len(schools)} "
        "schools")
    assert evaluation.answer(p, "nonsense").value == "not a measure Aimline knows"


def test_a_candidate_describes_themself_and_no_one_else_can() -> None:
    c = cand("newadmin03")
    url = f"/induction/candidates/{c.pk}/do/describe/"
    coach = c.coach().coach.user.username
    for who in (coach, "induction", "coordinator"):
        assert client_for(who).post(url, {"gender": "male"}).status_code == 403, who
    me = client_for("newadmin03")
    assert me.post(url, {"gender": "robot", "race_ethnicity": "asian"}).status_code == 400
    assert (cand("newadmin03").gender, cand("newadmin03").race_ethnicity) == (
        c.gender, c.race_ethnicity)  # nothing changed
    assert me.post(url, {"gender": "nonbinary", "race_ethnicity": ""}).status_code == 302
    assert (cand("newadmin03").gender, cand("newadmin03").race_ethnicity) == ("nonbinary", "")
    page = client_for(coach).get(f"/induction/candidates/{c.pk}/").content.decode()
    assert "About me" not in page and "Nonbinary" not in page
