"""Induction in a real browser: the coach records a triad meeting, the supervisor finds
it on their list and adds their input, the coach reads it; the partnership page and the
survey's results as the district's coordinator sees them."""

from __future__ import annotations

import pytest

from aimline.web.induction.models import Candidate, Triad
from tests.web.test_browser import browser, login, shots, site  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_triad_meeting_recorded_by_the_coach_is_seen_by_the_supervisor(
        browser, site, shots) -> None:  # noqa: F811
    c = Candidate.objects.get(user__username="newadmin01")
    coach = c.coach().coach.user.username
    me = login(browser, site, coach)
    me.goto(f"{site}/induction/")
    me.click(f"text={c.name}")
    me.click("text=Record a triad meeting")
    me.fill("#id_on", "2026-05-04")
    me.fill("#id_agenda", "Evidence for CPSEL 2A; the transitional plan")
    for who in ("candidate", "coach", "supervisor"):
        me.check(f"#id_{who}_present")
    me.fill("#id_notes", "Walkthrough data shows feedback cycles in every grade team.")
    me.fill("#id_actions", "Candidate: draft the transitional plan (by 1 June)")
    me.click("text=Save the meeting")
    me.wait_for_selector("text=Triad meeting recorded")
    me.close()
    t = Triad.objects.get(candidate=c, agenda__startswith="Evidence for CPSEL 2A")
    assert t.recorded_by.username == coach and t.supervisor_present

    sup = login(browser, site, c.supervisor.username)
    sup.goto(f"{site}/induction/")
    sup.click(f"text={c.name}")
    meeting = sup.locator("article.triad", has_text="Evidence for CPSEL 2A")
    assert "feedback cycles in every grade team" in meeting.inner_text()
    assert sup.locator("text=Record a triad meeting").count() == 0  # the coach records
    meeting.locator("textarea[name=supervisor_input]").fill(
        "Present the plan to the leadership team in June.")
    meeting.locator("text=Save my input").click()
    sup.wait_for_selector("text=Your input is recorded")
    sup.screenshot(path=str(shots / "induction-candidate.png"), full_page=True)
    sup.close()

    again = login(browser, site, coach)
    again.goto(f"{site}/induction/candidates/{c.pk}/")
    assert "Present the plan to the leadership team" in again.locator(
        "article.triad", has_text="Evidence for CPSEL 2A").inner_text()
    again.close()


def test_the_coordinator_sees_the_partnership_and_the_survey(
        browser, site, shots) -> None:  # noqa: F811
    page = login(browser, site, "coordinator")
    page.click("nav >> text=Induction")
    page.click("text=Clear administrative induction")
    assert "version 2" in page.inner_text("#mou")
    assert page.locator("#candidates tbody tr").count() == 10
    page.screenshot(path=str(shots / "induction-partnership.png"), full_page=True)
    page.click("nav >> text=Surveys")
    page.click("text=Induction programme survey")
    item = page.locator("section.item", has_text="invests in my leadership development")
    assert "75%" in item.inner_text() and "suppressed" in item.inner_text()
    page.screenshot(path=str(shots / "survey-results.png"), full_page=True)
    page.close()
