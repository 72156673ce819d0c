"""The site in a real browser: Playwright driving Debian's Chromium (headless).

Screenshots go to a temporary folder, or to docs/screenshots/ when
AIMLINE_SCREENSHOTS=1 (`make screenshots`)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest

from aimline.web.orgs.models import Role
from tests.web.cast import TOTP_SECRET

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Playwright's sync API runs an event loop in this thread; the ORM calls below are plain
# synchronous test code, so Django's guard against ORM use in async code does not apply
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        pytest.fail("Chromium is not installed: .ci/run installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    if os.environ.get("AIMLINE_SCREENSHOTS") == "1":
        out = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        return out
    return tmp_path


_DEMO: dict[str, str] = {}  # the demo's site database, serialised once per test session


def _serialise() -> str:
    """Every row but the content types and permissions, which the flush's post-migrate
    makes again (under new ids: so references to them go by natural key)."""
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.core import serializers

    rows = (obj for m in apps.get_models() if m not in (ContentType, Permission)
            for obj in m._default_manager.order_by("pk"))
    return serializers.serialize("json", rows, use_natural_foreign_keys=True)


def _restore(data: str) -> None:
    from django.apps import apps
    from django.core import serializers
    from django.core.management.color import no_style
    from django.db import connection, transaction

    with transaction.atomic(), connection.constraint_checks_disabled():
        for obj in serializers.deserialize("json", data, handle_forward_references=True):
            obj.save()
    connection.check_constraints()
    # the rows came with their ids: PostgreSQL's sequences must move past them
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cur.execute(sql)


@pytest.fixture
def site(live_server, site_warehouse):
    """The live server with the demo people. A transactional test starts from empty (the
    last one's flush): the first builds the demo and keeps it serialised, the others load
    that copy, which is what the demo would build again, in a fraction of the time."""
    if "db" in _DEMO:
        _restore(_DEMO["db"])
        return live_server.url
    from aimline.web import demo
    from tests.web.cast import enrol_two_factor

    demo.create(site_warehouse)
    enrol_two_factor()  # the flush took the cast's authenticators with it
    _DEMO["db"] = _serialise()
    return live_server.url


def login(browser, url: str, user: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}/login/")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", "aimline-demo")
    page.click("button.primary")
    page.wait_for_load_state()
    if "/accounts/2fa/authenticate/" in page.url:  # their role sees students: a code
        from django.core.cache import cache

        # allauth refuses a code used before (replay); every test signs in afresh, as
        # on another day, so the record of used codes starts empty
        cache.clear()
        page.fill("input[name=code]", pyotp.TOTP(TOTP_SECRET).now())
        page.press("input[name=code]", "Enter")
    page.wait_for_url(f"{url}/")
    return page


def test_principal_sees_only_their_school_and_the_chart(browser, site, shots) -> None:
    page = login(browser, site, "principal")
    own = [s.name for s in Role.objects.get(user__username="principal").schools.all()]
    cards = page.locator(".school-card h2").all_inner_texts()
    assert cards == own
    page.screenshot(path=str(shots / "home.png"), full_page=True)
    page.click(".school-card")
    page.click("text=Attendance rate (%)")
    page.wait_for_selector("#chart svg", timeout=30_000)  # drawn by the HTMX panel
    caption = page.inner_text("#chart figcaption")
    assert "P chart" in caption or "P′ chart" in caption
    # the rules that fired, in words, never their codes (nor a rule that fired nowhere)
    assert "Point outside the control limits" in caption
    assert not re.search(r"beyond_limits|long_run|few_crossings|: 0 points", caption)
    assert page.locator("#chart svg").count() == 1
    svg_text = page.locator("#chart svg").text_content() or ""
    assert "Signal" in svg_text and "Rules" in svg_text  # the legend and the rule set
    assert page.locator("table.groups tbody tr").count() > 5
    page.screenshot(path=str(shots / "school.png"), full_page=True)
    page.close()


def test_record_an_intervention_and_see_it_on_the_history(browser, site, shots) -> None:
    page = login(browser, site, "principal")
    page.goto(f"{site}/watchlist/")
    page.screenshot(path=str(shots / "watchlist.png"))
    page.click("table.data tbody tr:first-child a")
    page.wait_for_selector("#interventions")
    page.select_option("select[name=kind]", "mentoring")
    page.fill("input[name=start]", "2026-01-12")
    page.fill("input[name=owner]", "Mr Okafor")
    page.fill("textarea[name=note]", "Weekly mentor lunch")
    page.click("#interventions button.primary")
    page.wait_for_selector("text=Weekly mentor lunch")
    history = page.inner_text("#interventions .history")
    assert "Mentoring" in history and "Mr Okafor" in history and "2026-01-12" in history
    page.screenshot(path=str(shots / "student.png"), full_page=True)
    page.close()


def test_network_lead_sees_no_student_names_anywhere(browser, site, shots) -> None:
    import duckdb
    from django.conf import settings

    con = duckdb.connect(str(settings.WAREHOUSE), read_only=True)
    names = {f"{a} {b}" for a, b in con.execute(
        "SELECT first_name, last_name FROM students").fetchall()}
    last_first = {f"{b}, {a}" for a, b in con.execute(
        "SELECT first_name, last_name FROM students").fetchall()}
    con.close()
    page = login(browser, site, "netlead")
    assert page.locator("a[href='/watchlist/']").count() == 0
    seen = [page.inner_text("body")]
    page.goto(f"{site}/district/")
    page.screenshot(path=str(shots / "district.png"), full_page=True)
    seen.append(page.inner_text("body"))
    for href in page.locator("table.data tbody a").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))")[:3]:
        page.goto(site + href)
        page.wait_for_selector("#chart figcaption", timeout=30_000)
        seen.append(page.inner_text("body"))
    text = "\n".join(seen)
    assert not [n for n in names | last_first if n in text]
    page.goto(f"{site}/watchlist/")
    assert "Not allowed" in page.inner_text("body")
    page.close()


def test_team_sets_an_aim_draws_drivers_logs_a_pdsa_and_downloads_the_report(
        browser, site, shots, tmp_path) -> None:
    from pypdf import PdfReader

    from aimline.web.networks.models import Network

    net = Network.objects.get(name="High schools on chronic absence")
    school = net.schools.first()
    page = login(browser, site, "principal")
    page.goto(f"{site}/networks/{net.pk}/")
    page.screenshot(path=str(shots / "network.png"), full_page=True)
    # an aim from a catalog metric
    page.click("text=New aim")
    page.select_option("select[name=school]", str(school.pk))
    page.select_option("select[name=metric]", "attendance_rate")
    page.fill("input[name=baseline_year]", "2025")
    page.fill("input[name=by_date]", "2026-06-30")
    page.fill("input[name=target]", "95")
    page.click("button.primary")
    page.wait_for_url(f"{site}/networks/{net.pk}/")
    assert "attendance rate for" in page.inner_text(".card").lower()
    # a driver diagram for it, on the team page
    page.goto(f"{site}/networks/{net.pk}/teams/{school.code}/")
    page.click("text=Add a driver or a change idea")
    page.fill("input[name=text]", "Students know their own attendance")
    page.click("text=Add driver")
    page.wait_for_selector("svg.driver-diagram >> text=Students know their own")
    # a PDSA cycle on the hand-entered measure
    page.click("text=Log a PDSA cycle")
    page.fill("input[name=title]", "Attendance conferences")
    page.select_option("select[name=change_idea]", index=1)
    page.fill("textarea[name=question]", "Do conferences change next-week attendance?")
    page.fill("textarea[name=prediction]", "Half of the students improve")
    page.fill("input[name=start]", "2026-01-20")
    page.select_option("select[name=stage]", "do")
    page.select_option("select[name=measures]", label="Absences with a same-day call (%)")
    page.click("button.primary")
    page.wait_for_url(f"{site}/networks/{net.pk}/teams/{school.code}/")
    assert "Attendance conferences" in page.inner_text("table.data")
    chart = page.locator("figure.chart", has_text="Absences with a same-day call")
    assert "PDSA: Attendance conferences" in (chart.locator("svg").text_content() or "")
    page.screenshot(path=str(shots / "team.png"), full_page=True)
    # the status report as a PDF
    page.goto(f"{site}/networks/{net.pk}/")
    with page.expect_download() as d:
        page.click("text=PDF")
    pdf = tmp_path / "report.pdf"
    d.value.save_as(pdf)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert net.name in text and "Attendance conferences" not in text  # counts, not titles
    from aimline.web.networks.models import PDSACycle

    cycles = PDSACycle.objects.filter(network=net)
    closed = cycles.filter(stage="closed").count()
    assert f"PDSA cycles: {closed} closed, {cycles.count() - closed} open" in text
    page.close()


def test_audit_findings_page(browser, site, shots) -> None:
    from aimline.web.audits import builds as audits
    from aimline.web.audits.models import EquityAudit
    from aimline.web.orgs.models import Organisation

    district = Organisation.objects.get(kind="district", code="0100001")
    a = EquityAudit.objects.create(district=district, title="2026 equity audit", year=2026,
                                   created_by=Role.objects.get(
                                       user__username="partner").user)
    audits.refresh(a)
    school = max(a.findings["schools"], key=lambda s: len(a.findings["schools"][s]["findings"]))
    page = login(browser, site, "partner")
    page.goto(f"{site}/audits/{a.pk}/")
    page.click(f"a[href='/audits/{a.pk}/schools/{school}/']")
    page.wait_for_selector("#gaps")
    sentences = page.locator("#gaps .finding p").all_inner_texts()
    assert sentences == [f["sentence"] for f in a.findings["schools"][school]["findings"]]
    assert page.locator(".chart svg").count() >= 2  # the gap dots and the odds scatter
    page.fill("#recommendations textarea[name=text]", "Pair with a beating-the-odds peer")
    page.click("#recommendations button.primary")
    page.wait_for_selector("text=Pair with a beating-the-odds peer")
    page.screenshot(path=str(shots / "audit-findings.png"), full_page=True)
    page.close()
