"""Everyday work in a real browser: an invitation followed to a two-factor sign-in that
sees only the granted school; a driver edited and deleted; a learning session planned;
the demo's outcome chart signalling at the adopting school; an audit downloaded twice,
the second straight from the file the job left. Screenshots as in test_browser.py."""

from __future__ import annotations

import re
from pathlib import Path

import pyotp
import pytest
from django.core import mail

from aimline.web.orgs.models import Organisation, Role
from tests.web.test_browser import browser, login, shots, site  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_invite_accept_sign_in_with_two_factor_and_see_only_the_school(
        browser, site, shots) -> None:  # noqa: F811
    district = Organisation.objects.get(kind="district", code="0100001")
    school = district.schools.order_by("code").last()
    admin = login(browser, site, "admin")
    admin.goto(f"{site}/people/")
    mail.outbox.clear()
    admin.fill("#invite input[name=email]", "ana.rivera@example.org")
    admin.select_option("#invite select[name=role]", Role.PRINCIPAL)
    admin.select_option("#invite select[name=schools]", str(school.pk))
    admin.click("#invite button.primary")
    admin.wait_for_selector("text=ana.rivera@example.org")
    admin.screenshot(path=str(shots / "people.png"), full_page=True)
    link = re.search(r"(/invite/\S+/)", mail.outbox[-1].body).group(1)
    admin.close()

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{site}{link}")
    page.wait_for_url(re.compile(r".*/accounts/signup/.*"))
    page.fill("input[name=email]", "ana.rivera@example.org")
    page.fill("input[name=username]", "arivera")
    page.fill("input[name=password1]", "a-long-passphrase-for-tests")
    page.fill("input[name=password2]", "a-long-passphrase-for-tests")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", "a-long-passphrase-for-tests")
        page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r".*/accounts/2fa/totp/activate/"))
    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.press("input[name=code]", "Enter")
    page.wait_for_load_state()
    page.goto(f"{site}/")
    cards = page.locator(".school-card h2").all_inner_texts()
    assert cards == [school.name]
    other = district.schools.exclude(pk=school.pk).first()
    assert page.goto(f"{site}/schools/{other.code}/").status == 404
    page.close()


def test_a_team_edits_and_deletes_a_driver(browser, site, shots) -> None:  # noqa: F811
    from aimline.web.networks.models import Aim, Driver, Network

    net = Network.objects.get(name="High schools on chronic absence")
    school = Role.objects.get(user__username="principal").schools.get()
    aim = Aim.objects.create(network=net, school=school, metric="chronic_absence",
                             baseline_year=2025, by_date="2026-06-30", target=12)
    d = Driver.objects.create(aim=aim, text="Mentors for every ninth grader")
    page = login(browser, site, "principal")
    page.goto(f"{site}/networks/{net.pk}/teams/{school.code}/")
    page.click("text=Add a driver or a change idea")
    page.click(f"a[href='/networks/{net.pk}/drivers/{d.pk}/edit/']")
    page.fill("input[name=text]", "An adult mentor for every ninth grader")
    page.click("button.primary")
    page.wait_for_url(f"{site}/networks/{net.pk}/teams/{school.code}/")
    page.wait_for_selector("svg.driver-diagram >> text=An adult mentor")
    page.goto(f"{site}/networks/{net.pk}/drivers/{d.pk}/edit/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button.danger")
    page.wait_for_url(f"{site}/networks/{net.pk}/teams/{school.code}/")
    assert not Driver.objects.filter(pk=d.pk).exists()
    page.close()


def test_the_lead_plans_a_learning_session(browser, site, shots) -> None:  # noqa: F811
    from aimline.web.networks.models import LearningSession, Network

    net = Network.objects.get(name="High schools on chronic absence")
    page = login(browser, site, "netlead")
    page.goto(f"{site}/networks/{net.pk}/")
    page.click("text=Plan a learning session")
    page.fill("input[name=title]", "Learning session 4: sustaining the gains")
    page.fill("input[name=date]", "2026-05-12")
    page.fill("textarea[name=agenda]", "Storyboards\nSpread plans\nSustaining")
    page.locator("input[name=attended]").first.check()
    page.click("button.primary")
    page.wait_for_selector("h1 >> text=Learning session 4")
    assert "Storyboards" in page.inner_text("main")
    s = LearningSession.objects.get(network=net, title__startswith="Learning session 4")
    assert s.attended.count() == 1
    page.close()


def test_the_demo_outcome_chart_signals_where_the_change_was_adopted(
        browser, site, shots) -> None:  # noqa: F811
    from aimline.web.networks.models import Network

    net = Network.objects.get(name="High schools on chronic absence")
    outcome = net.measures.get(kind="outcome")
    adopted = {c.school.code for c in outcome.changes.filter(kind="freeze")}
    page = login(browser, site, "netlead")
    for code in sorted(net.schools.values_list("code", flat=True)):
        page.goto(f"{site}/networks/{net.pk}/teams/{code}/")
        caption = page.inner_text(f"#measure-{outcome.pk} figcaption")
        if code in adopted:
            assert "Signal:" in caption, caption
            page.screenshot(path=str(shots / "team-signal.png"), full_page=True)
    page.goto(f"{site}/networks/{net.pk}/spread/")
    assert "signal" in page.inner_text("tfoot")
    page.close()


def test_an_audit_downloads_twice_the_second_from_the_jobs_file(
        browser, site, shots, tmp_path: Path) -> None:  # noqa: F811
    from aimline.web import jobs
    from aimline.web.audits.models import AuditJob, EquityAudit

    a = EquityAudit.objects.get(created_by__username="partner")
    page = login(browser, site, "analyst")
    page.goto(f"{site}/audits/{a.pk}/")
    assert page.locator("#audit-job").count() == 1  # the build the demo queued
    jobs.work_all()  # the job worker, as `aimline serve` runs it
    page.goto(f"{site}/audits/{a.pk}/")
    page.screenshot(path=str(shots / "audit.png"), full_page=True)
    queued = AuditJob.objects.count()
    bodies = []
    for _ in range(2):
        with page.expect_download() as d:
            page.click("a[href$='/audit.pdf']")
        out = tmp_path / f"audit-{len(bodies)}.pdf"
        d.value.save_as(out)
        bodies.append(out.read_bytes())
    assert bodies[0] == bodies[1] and bodies[0].startswith(b"%PDF")
    assert AuditJob.objects.count() == queued  # nothing rendered on request
    page.close()
