"""Equity audits on the site: draft -> reviewed -> published (read-only, versioned, the PDF
frozen), who reads and writes, and a finding turned into an aim."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from pypdf import PdfReader

from aimline.web.audits import jobs as audit_jobs
from aimline.web.audits.models import AuditJob, EquityAudit, Recommendation
from aimline.web.networks.models import Aim, Network
from aimline.web.orgs.models import Organisation
from tests.web.cast import client_for
from tests.web.conftest import OTHER_LEA

pytestmark = pytest.mark.django_db


def district() -> Organisation:
    return Organisation.objects.get(kind="district", code="0100001")


def finish(a: EquityAudit) -> None:
    """Run the audit's queued jobs, as the job worker would (only this audit's: the demo
    audit's own build waits in the queue for the tests that use it)."""
    for job in AuditJob.objects.filter(audit=a, status=AuditJob.QUEUED).order_by("pk"):
        AuditJob.objects.filter(pk=job.pk).update(status=AuditJob.RUNNING)
        job.refresh_from_db()
        done = audit_jobs.run(job)
        assert done.status == AuditJob.DONE, done.message
    a.refresh_from_db()


def start(user: str = "analyst", year: int = 2026) -> EquityAudit:
    r = client_for(user).post("/audits/", {"district": district().pk, "title": "Equity audit",
                                           "criteria": "ncust",
                                           "year": year})
    assert r.status_code == 302, r.content.decode()[-1500:]
    a = EquityAudit.objects.latest("created_at")
    assert not a.findings  # the request did not wait for the build
    finish(a)
    return a


def demo_audit() -> EquityAudit:
    """The draft audit `make demo` starts (built once for the session; each test's changes
    to it are rolled back), for tests about reading, writing and publishing, not starting."""
    return EquityAudit.objects.get(district=district(), created_by__username="partner")


def pdf_text(body: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
                    .split())


def test_draft_reviewed_published_then_a_new_version() -> None:
    a = start()
    schools = set(district().schools.values_list("code", flat=True))
    assert set(a.findings["schools"]) == schools and a.status == "draft"
    c = client_for("analyst")
    school = sorted(schools)[0]
    c.post(f"/audits/{a.pk}/recommendations/", {"school_id": school, "text": "Mentors for "
                                                "every ninth grader", "finding": ""})
    assert c.post(f"/audits/{a.pk}/status/", {"action": "publish"}).status_code == 400
    assert c.post(f"/audits/{a.pk}/status/", {"action": "review"}).status_code == 302
    # the reviewed files are being rendered: publishing waits for that job
    assert c.post(f"/audits/{a.pk}/status/", {"action": "publish"}).status_code == 409
    finish(a)
    assert c.post(f"/audits/{a.pk}/status/", {"action": "publish"}).status_code == 302
    finish(a)
    assert a.status == "published" and a.publications.count() == 1
    v1 = c.get(f"/audits/{a.pk}/v1/audit.pdf")
    assert v1.status_code == 200
    text = pdf_text(v1.content)
    assert "Mentors for every ninth grader" in text and "Aimline Unified" in text
    assert "PUBLISHED: VERSION 1" in text.upper() and "DRAFT" not in text.upper()
    # the current PDF is the published one, served from the file the job left
    assert c.get(f"/audits/{a.pk}/audit.pdf").content == v1.content
    # read-only once published: no recommendation, no recomputing
    r = c.post(f"/audits/{a.pk}/recommendations/", {"school_id": school, "text": "more"})
    assert r.status_code == 400 and "read-only" in r.content.decode()
    assert c.post(f"/audits/{a.pk}/status/", {"action": "refresh"}).status_code == 400
    assert Recommendation.objects.filter(audit=a).count() == 1
    # a new version reopens the draft; version 1 stays as it was
    assert c.post(f"/audits/{a.pk}/status/", {"action": "new_version"}).status_code == 302
    finish(a)
    assert (a.status, a.version) == ("draft", 2)
    c.post(f"/audits/{a.pk}/recommendations/", {"school_id": school, "text": "Version two"})
    again = c.get(f"/audits/{a.pk}/v1/audit.pdf").content
    assert again == v1.content and "Version two" not in pdf_text(again)
    assert a.publications.get(version=1).recommendations == [
        {"school_id": school, "finding": "", "text": "Mentors for every ninth grader",
         "author": "analyst"}]


@pytest.mark.parametrize(("user", "overview", "own_school_page", "writes"), [
    ("admin", 200, 200, True), ("analyst", 200, 200, True), ("partner", 200, 200, True),
    ("principal", 404, 200, False), ("netlead", 404, 200, False),
    ("supervisor", 404, 404, False), ("other_admin", 404, 404, False),
    ("nobody", 404, 404, False),
])
def test_who_reads_and_writes_audits(user: str, overview: int, own_school_page: int,
                                     writes: bool) -> None:
    a = demo_audit()
    c = client_for(user)
    hs = Network.objects.get(name__startswith="High schools").schools.first().code
    assert c.get(f"/audits/{a.pk}/").status_code == overview
    assert c.get(f"/audits/{a.pk}/schools/{hs}/").status_code == own_school_page
    if own_school_page == 200:  # the school's dashboard links to its findings
        assert f"/audits/{a.pk}/schools/{hs}/" in c.get(f"/schools/{hs}/").content.decode()
    r = c.post(f"/audits/{a.pk}/recommendations/", {"school_id": "", "text": "x"})
    assert (r.status_code == 302) == writes
    listed = c.get("/audits/").content.decode()
    assert (f"/audits/{a.pk}/\"" in listed) == (overview == 200)


def test_downloads_are_rendered_by_the_job_and_served_instantly_after() -> None:
    """A request never renders: a draft's files are made by its build job; a file that is
    stale (a recommendation added since) is prepared by a new job while the page waits."""
    from aimline.reports import audit as report

    a = start()
    c = client_for("analyst")
    ready = c.get(f"/audits/{a.pk}/")
    assert all(ready.context["ready"].values())
    calls = []
    real = report.write
    report.write = lambda *args, **kw: calls.append(args) or real(*args, **kw)
    try:
        for fmt in ("pdf", "xlsx", "html"):
            first, second = c.get(f"/audits/{a.pk}/audit.{fmt}"), c.get(
                f"/audits/{a.pk}/audit.{fmt}")
            assert first.status_code == second.status_code == 200
            assert first.content == second.content and len(first.content) > 1000
        assert calls == []  # served from the job's files
        assert "DRAFT: NOT YET REVIEWED OR PUBLISHED" in pdf_text(
            c.get(f"/audits/{a.pk}/audit.pdf").content).upper()
        # a recommendation makes the files stale: the next download waits for a job
        c.post(f"/audits/{a.pk}/recommendations/", {"school_id": "", "text": "Fund mentors"})
        waiting = c.get(f"/audits/{a.pk}/audit.pdf")
        assert waiting.status_code == 202 and "Preparing the PDF" in waiting.content.decode()
        assert calls == []
        finish(a)
        assert "Fund mentors" in pdf_text(c.get(f"/audits/{a.pk}/audit.pdf").content)
    finally:
        report.write = real


def test_the_audit_page_shows_the_jobs_progress() -> None:
    r = client_for("analyst").post("/audits/", {"district": district().pk, "title": "Live",
                                                "criteria": "none", "year": 2026})
    a = EquityAudit.objects.latest("created_at")
    page = client_for("analyst").get(r.url).content.decode()
    assert "Build the findings and files" in page and "queued" in page
    assert f'hx-get="/audits/{a.pk}/job/"' in page
    finish(a)
    page = client_for("analyst").get(f"/audits/{a.pk}/job/").content.decode()
    assert "Findings and files are up to date." in page and "hx-get" not in page


def test_bad_year_is_refused_and_leaves_nothing() -> None:
    before = EquityAudit.objects.count()  # the demo's own audit
    r = client_for("analyst").post("/audits/", {"district": district().pk, "title": "x",
                                                "year": 1999, "criteria": "ncust"})
    assert r.status_code == 400 and "1999 is not in the warehouse" in r.content.decode()
    assert EquityAudit.objects.count() == before
    assert client_for("supervisor").post("/audits/", {"district": district().pk,
                                                      "title": "x", "year": 2026,
                                                      "criteria": "ncust"}
                                         ).status_code == 403


def test_a_finding_becomes_an_aim() -> None:
    a = demo_audit()
    net = Network.objects.get(name__startswith="High schools")
    school = net.schools.first()
    findings = a.findings["schools"][school.code]["findings"]
    assert findings, "the demo high school has gaps worth a sentence"
    page = client_for("netlead").get(f"/audits/{a.pk}/schools/{school.code}/")
    links = page.context["s"]["findings"][0]["aims"]
    assert [n.pk for n, _ in links] == [net.pk]
    url = links[0][1]
    q = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    f = findings[0]
    assert (q["metric"], q["group_type"], q["group_value"], q["baseline_year"]) == (
        f["metric"], f["group_type"], f["group_value"], "2026")
    form = client_for("netlead").get(url).context["form"]
    assert form.initial["metric"] == f["metric"]
    group = f"{f['group_type']}:{f['group_value']}"
    assert form.initial["group"] == group  # chosen from the catalog's list, not typed
    assert group in dict(form.fields["group"].choices)
    r = client_for("netlead").post(url.split("?")[0], {
        **q, "group": group, "by_date": "2027-06-30",
        "target": round(f["value"] - f["gap"], 1)})
    assert r.status_code == 302
    aim = Aim.objects.get(network=net, school=school, metric=f["metric"])
    assert (aim.group_type, aim.group_value, aim.baseline_year) == (
        f["group_type"], f["group_value"], 2026)
    # the school's principal is on its team: they may set a team aim from it too
    staff = client_for("principal").get(f"/audits/{a.pk}/schools/{school.code}/")
    assert staff.context["s"]["findings"][0]["aims"]


def test_each_district_audits_its_own_schools_only() -> None:
    """With two districts loaded, an audit (and its workbook) lists only its district's
    schools and carries its district's name, not the first LEA's."""
    import pandas as pd

    other = Organisation.objects.get(kind="district", code=OTHER_LEA)
    c = client_for("other_admin")
    r = c.post("/audits/", {"district": other.pk, "title": "Other audit", "criteria": "none",
                            "year": 2026})
    assert r.status_code == 302, r.content.decode()[-1500:]
    a = EquityAudit.objects.latest("created_at")
    finish(a)
    theirs = set(other.schools.values_list("code", flat=True))
    assert a.findings["district"] == "Other Unified"
    assert a.findings["schools"] and set(a.findings["schools"]) <= theirs
    sheet = pd.read_excel(io.BytesIO(c.get(f"/audits/{a.pk}/audit.xlsx").content),
                          sheet_name="schools", dtype={"school_id": str})
    assert set(sheet.school_id) <= theirs
    mine = demo_audit()
    assert not set(mine.findings["schools"]) & theirs
    assert mine.findings["district"] == "Aimline Unified"


def test_publishing_builds_outside_the_write_transaction(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """The slow part (build and PDF) runs with no transaction open, so other writes (the
    student-view log) go on meanwhile; the commit is one short transaction."""
    from django.db import connection

    from aimline.reports import audit as report
    from aimline.web.orgs.models import AuditEntry

    a = demo_audit()
    finish(a)  # the demo's own build, queued when the demo was made
    c = client_for("analyst")
    assert c.post(f"/audits/{a.pk}/status/", {"action": "review"}).status_code == 302
    finish(a)
    seen = []
    write = report.write

    def rendering(built, out):
        seen.append(len(connection.atomic_blocks))
        # a write from elsewhere while the PDF renders goes through
        AuditEntry.objects.create(user=a.created_by, action="view", student_id="S1",
                                  what="during publish")
        return write(built, out)

    monkeypatch.setattr(report, "write", rendering)
    outer = len(connection.atomic_blocks)  # the test's own transaction
    assert c.post(f"/audits/{a.pk}/status/", {"action": "publish"}).status_code == 302
    finish(a)
    assert seen == [outer]
    assert a.status == "published" and a.publications.count() == 1


def test_the_audit_page_shows_staffing_for_equity() -> None:
    from aimline.reports.staffing import staffing

    a = demo_audit()
    gap = staffing(settings.WAREHOUSE, a.year, lea="0100001")["poverty"]["gaps"].set_index(
        "measure").loc["inexperienced", "gap_pp"]
    page = client_for("partner").get(f"/audits/{a.pk}/").content.decode()
    assert "Staffing for equity" in page and f"{gap:+.1f}" in page
