"""The district's role and teachers' growth in a real browser: the admin follows a school
from the support page to its plan, reads the pairing agreement and records a review; a
teacher submits a micro-credential and the principal, its reviewer, decides it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from aimline.web.district.models import SupportPlan
from aimline.web.growth.models import Submission
from tests.web.test_browser import browser, login, shots, site  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_the_support_page_to_a_plan_and_its_review(browser, site, shots  # noqa: F811
                                                       ) -> None:
    plan = SupportPlan.objects.filter(agreement__isnull=False).first()
    me = login(browser, site, "admin")
    me.click("nav >> text=Support")
    me.locator("tr", has_text=plan.school.name).locator("a", has_text="Active").click()
    assert "paid only if" in me.inner_text("#agreement")
    assert me.locator("#goals svg").count() >= 1
    me.fill("#reviews input[name=on]", "2027-01-20")
    me.fill("#reviews textarea[name=notes]", "Chronic absence down two points since autumn.")
    me.click("text=Record the review")
    me.wait_for_selector("text=Review recorded")
    me.screenshot(path=str(shots / "district-plan.png"), full_page=True)
    me.click("nav >> text=Principals")
    assert "Where the experienced principals are" in me.inner_text("main")
    me.close()
    assert plan.reviews.filter(notes__startswith="Chronic absence down").exists()


def test_a_teacher_submits_a_micro_credential_and_the_principal_decides_it(
        browser, site, shots) -> None:  # noqa: F811
    User.objects.filter(username="teacher").update(email="teacher@demo.aimline.test")
    sub = Submission.objects.get(teacher__username="teacher")
    t = login(browser, site, "teacher")
    t.click("nav >> text=Growth")
    t.click("#mine >> text=Partnering with families on attendance")
    t.fill("#reflection textarea", "Positive calls first changed the conversations.")
    t.click("text=Save the reflection")
    for k, c in enumerate(sub.credential.criteria.all()):
        box = t.locator("article.criterion", has_text=c.text)
        box.locator("summary").click()
        box.locator("input[name=title]").fill(f"Evidence {k + 1}")
        box.locator("input[name=link]").fill(f"https://docs.example.org/{k + 1}")
        box.locator("button", has_text="Add").click()
        t.wait_for_selector("text=Artifact added")
    t.click("text=Submit for review")
    t.wait_for_selector("text=Submitted for review")
    t.close()

    p = login(browser, site, "principal")
    p.click("nav >> text=Growth")
    p.click("#reviewing >> text=Partnering with families on attendance")
    first, second = sub.credential.criteria.all()
    p.check(f"input[name=c{first.pk}][value=demonstrated]")
    p.check(f"input[name=c{second.pk}][value=not_yet]")
    p.fill(f"textarea[name=f{second.pk}]", "Write the plan with the family, not for it.")
    p.click("text=Record the decisions")
    p.wait_for_selector("text=Decided: not yet")
    p.screenshot(path=str(shots / "growth-submission.png"), full_page=True)
    p.close()
    sub.refresh_from_db()
    assert sub.state == Submission.NOT_YET
    assert sub.decisions.get(criterion=second).feedback.startswith("Write the plan")
