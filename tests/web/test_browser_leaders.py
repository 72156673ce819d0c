"""A leadership certificate in a real browser: the candidate proposes a target and sees
whether it is beyond chance, the superintendent and then the programme approve, the
programme evaluates it from the warehouse and issues the certificate, the PDF is
downloaded and read, and its verify page is opened with no sign-in."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from pypdf import PdfReader

from aimline.web.leaders.models import Candidate, Cohort, Goal, Programme
from aimline.web.orgs.models import Organisation, Role
from tests.web.test_browser import browser, login, shots, site  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_propose_approve_twice_evaluate_certificate_and_verify(
        browser, site, shots) -> None:  # noqa: F811
    provider = Organisation.objects.get(name="Center for Educational Leadership")
    p = Programme.objects.create(name="Principal Certificate (browser)",
                                 kind=Programme.PRINCIPAL, provider=provider,
                                 challenges=["Using data with staff"])
    p.staff.add(User.objects.get(username="programme"))
    cohort = Cohort.objects.create(programme=p, name="browser", starts=dt.date(2024, 9, 1),
                                   ends=dt.date(2026, 8, 31))
    school = Role.objects.get(user__username="principal").schools.get()
    c = Candidate.objects.create(cohort=cohort, user=User.objects.get(username="principal"),
                                 kind=Candidate.PRINCIPAL, district=school.district,
                                 coach=User.objects.get(username="execcoach"),
                                 approver=User.objects.get(username="superintendent"))
    c.schools.set([school])

    me = login(browser, site, "principal")
    me.goto(f"{site}/leaders/candidates/{c.pk}/")
    me.click("text=Propose the target")
    me.select_option("#id_metric", "chronic_absence")
    me.select_option("#id_group", "all:all")
    me.select_option("#id_baseline_year", "2025")
    me.fill("#id_target_value", "20")
    me.fill("#id_due", "2026-06-30")
    me.fill("#id_rationale", "Halve the gap between the school and the district.")
    me.click("button[value=check]")
    me.wait_for_selector("text=Draft saved")
    verdict = me.inner_text(".card >> text=/chance/")
    assert "Beyond chance" in verdict  # a 7-point change at this n is no accident
    me.screenshot(path=str(shots / "leaders-target.png"), full_page=True)
    me.click("button[value=submit]")
    me.wait_for_url(f"{site}/leaders/candidates/{c.pk}/")
    assert "Waiting for the district" in me.inner_text("#target")
    me.close()

    for who, step in (("superintendent", "district"), ("programme", "programme")):
        page = login(browser, site, who)
        page.goto(f"{site}/leaders/")
        page.click(f"main >> text={c.name}")  # not the top bar's "Principals"
        page.fill("#target input[name=comment]", f"Approved for the {step}.")
        page.click(f"text=Approve for the {step}")
        page.wait_for_url(f"{site}/leaders/candidates/{c.pk}/")
        if who == "superintendent":
            page.close()
    g = Goal.objects.get(candidate=c)
    assert g.status == Goal.APPROVED
    assert [d.by.username for d in g.decisions.all()] == ["superintendent", "programme"]

    page.click("text=Evaluate from the warehouse now")
    page.wait_for_selector("#target .status >> text=Attained")
    page.click("text=Issue the certificate")
    page.wait_for_selector("#certificate >> text=Certificate (PDF)")
    page.screenshot(path=str(shots / "leaders-candidate.png"), full_page=True)
    with page.expect_download() as dl:
        page.click("text=Certificate (PDF)")
    pdf = PdfReader(io.BytesIO(dl.value.path().read_bytes()))
    text = "".join(pg.extract_text() for pg in pdf.pages)
    code = g.certificate.credential.code
    assert "Principal Certificate (browser)" in text and code in text
    assert "Attained" in text and "20%" in text.replace(" ", "")
    page.close()

    public = browser.new_context().new_page()  # nobody signed in
    public.goto(f"{site}/verify/{code}/")
    assert "Valid" in public.inner_text(".credential")
    assert c.name in public.inner_text(".credential")
    public.screenshot(path=str(shots / "verify.png"), full_page=True)
    public.close()
