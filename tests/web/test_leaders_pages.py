"""Leadership pages beyond the lifecycle: the proposal's guard rails in words, the cohort
exports, courses, and principal networks, each for who may and who may not."""

from __future__ import annotations

import io
import math

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from aimline.web.leaders.models import (
    Attendance,
    Candidate,
    Completion,
    Course,
    NetworkMeeting,
    PrincipalNetwork,
    Programme,
)
from aimline.web.targets.variation import by_chance
from tests.web.cast import client_for

pytestmark = pytest.mark.django_db


def test_natural_variation_is_the_p_charts_limits_at_the_baselines_n() -> None:
    """p = 30 of 100: p ± 3·√(p(1−p)/n) = 30 ± 13.75 points (a P chart's 3-sigma limits)."""
    v = by_chance("chronic_absence", numerator=30, denominator=100, target=20)
    half = 300 * math.sqrt(0.3 * 0.7 / 100)
    assert (v.low, v.high) == pytest.approx((30 - half, 30 + half))
    assert v.inside and "happens by chance" in v.words
    far = by_chance("chronic_absence", numerator=30, denominator=100, target=15)
    assert not far.inside and "Beyond chance" in far.words
    # a rate per 100 uses the U chart's: u ± 3·√(u/n)
    u = by_chance("suspensions_per_100", numerator=20, denominator=400, target=4)
    assert (u.low, u.high) == pytest.approx((100 * (0.05 - 3 * math.sqrt(0.05 / 400)),
                                             100 * (0.05 + 3 * math.sqrt(0.05 / 400))))


def demo_candidate(username: str) -> Candidate:
    return Candidate.objects.get(user__username=username,
                                 cohort__programme__kind=Programme.PRINCIPAL)


def test_the_proposal_page_says_when_a_change_happens_by_chance() -> None:
    c = demo_candidate("principal")
    g = c.goals.get()
    form = {"metric": g.metric, "schools": g.schools, "group": "all:all",
            "baseline_year": str(g.baseline_year), "period": "year", "due": "2026-06-30",
            "rationale": "A small step.", "do": "check"}
    me = client_for("principal")
    small = me.post(f"/leaders/candidates/{c.pk}/target/",
                    {**form, "target_value": str(g.target.baseline - 0.1)})
    assert "A change this small happens by chance" in small.content.decode()
    wrong = me.post(f"/leaders/candidates/{c.pk}/target/",
                    {**form, "target_value": str(g.target.baseline + 5)})
    assert "does not move the metric in its better direction" in wrong.content.decode()
    # only the candidate proposes: the coach and the approver are refused
    assert client_for("execcoach").get(f"/leaders/candidates/{c.pk}/target/"
                                       ).status_code == 403
    assert client_for("superintendent").get(f"/leaders/candidates/{c.pk}/target/"
                                            ).status_code == 403


def test_the_cohort_dashboard_and_its_exports_are_the_programme_staffs() -> None:
    p = Programme.objects.get(kind=Programme.PRINCIPAL)
    staff = client_for("programme")
    page = staff.get(f"/leaders/programmes/{p.pk}/").content.decode()
    for c in Candidate.objects.filter(cohort__programme=p):
        assert c.name in page
    wb = load_workbook(io.BytesIO(staff.get(f"/leaders/programmes/{p.pk}/cohort.xlsx")
                                  .content))
    rows = list(wb["Cohort"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Candidate", "Cohort", "Role", "Status")
    assert len(rows) - 1 == Candidate.objects.filter(cohort__programme=p).count()
    by_name = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    c = demo_candidate("principal")
    minutes = sum(e.minutes for e in c.coaching.filter(status="submitted"))
    assert by_name[c.name]["Coaching hours"] == round(minutes / 60, 1)
    assert by_name[c.name]["Certificate"] == "issued"
    text = "".join(pg.extract_text() for pg in PdfReader(io.BytesIO(
        staff.get(f"/leaders/programmes/{p.pk}/report.pdf").content)).pages)
    assert "Targets attained, by metric and group" in text and "PRIVATE" not in text
    for who in ("superintendent", "execcoach", "principal", "admin"):
        assert client_for(who).get(f"/leaders/programmes/{p.pk}/").status_code == 404
        assert client_for(who).get(f"/leaders/programmes/{p.pk}/cohort.xlsx"
                                   ).status_code == 404


def test_staff_mark_attendance_and_completion_on_the_course_page() -> None:
    course = Course.objects.filter(programme__kind=Programme.PRINCIPAL).order_by("number")\
        .last()
    c = demo_candidate("principal")
    sessions = list(course.sessions.filter(cohort=c.cohort))
    form = {f"p-{sessions[0].pk}-{c.pk}": "on", f"done-{c.pk}": "on"}
    assert client_for("execcoach").post(f"/leaders/courses/{course.pk}/", form
                                        ).status_code == 404
    assert client_for("programme").post(f"/leaders/courses/{course.pk}/", form
                                        ).status_code == 302
    assert Attendance.objects.get(session=sessions[0], candidate=c).present
    assert not Attendance.objects.get(session=sessions[1], candidate=c).present
    assert Completion.objects.filter(course=course, candidate=c).exists()


def test_a_principal_network_is_for_its_members_and_its_leads_record_meetings() -> None:
    n = PrincipalNetwork.objects.get()
    member = client_for("principal")
    page = member.get(f"/leaders/networks/{n.pk}/").content.decode()
    assert "network on attendance and belonging" in page and "Problems of practice" in page
    assert n.meetings.count() == 2 and n.visits.count() == 1
    meeting = {"date": "2026-02-10", "agenda": "Spring data", "problems": "", "notes": "",
               "actions": ""}
    assert member.post(f"/leaders/networks/{n.pk}/meeting/", meeting).status_code == 403
    assert member.post(f"/leaders/networks/{n.pk}/practice/",
                       {"title": "Greeting at the door", "description": "Every morning"}
                       ).status_code == 302
    lead = client_for("execcoach")
    assert lead.post(f"/leaders/networks/{n.pk}/meeting/",
                     {**meeting, "attended": [m.pk for m in n.members.all()[:2]]}
                     ).status_code == 302
    assert NetworkMeeting.objects.get(network=n, agenda="Spring data").attended.count() == 2
    for who in ("netlead", "partner", "admin", "programme"):
        assert client_for(who).get(f"/leaders/networks/{n.pk}/").status_code == 404


def test_staff_revoke_a_certificate_on_the_page_and_its_verify_page_says_so() -> None:
    c = demo_candidate("principal")
    cred = c.goals.get(status="approved").certificate.credential
    url = f"/leaders/candidates/{c.pk}/revoke/"
    assert client_for("principal").post(url, {"reason": "mine"}).status_code == 403
    empty = client_for("programme").post(url, {"reason": " "})
    assert empty.status_code == 400 and "say why" in empty.content.decode()
    assert client_for("programme").post(url, {"reason": "The district found the "
                                                        "attendance file was wrong."}
                                        ).status_code == 302
    page = client_for("nobody").get(f"/verify/{cred.code}/").content.decode()
    assert "Revoked" in page and "attendance file was wrong" in page
    again = client_for("programme").post(url, {"reason": "twice"})
    assert again.status_code == 400 and "already revoked" in again.content.decode()


def test_the_progress_chart_comes_by_month_or_week_and_says_when_there_is_none() -> None:
    c = demo_candidate("principal")
    staff = client_for("programme")
    monthly = staff.get(f"/leaders/candidates/{c.pk}/").content.decode()
    assert "<svg" in monthly and "The dotted line is the target" in monthly
    weekly = staff.get(f"/leaders/candidates/{c.pk}/?by=week").content.decode()
    assert c.goals.get(status="approved").metric == "chronic_absence"  # the demo's first
    # chronic absence is a share of a student's days: never reported for a single week
    assert "Chronically absent is not reported by week: see it by month." in weekly
    assert "<svg" not in weekly.split('id="target"')[1].split("</section>")[0]


def test_the_admin_refuses_a_candidacy_without_its_role_as_a_form_error() -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    root = User.objects.create_superuser("root", "root@example.org", "x")  # the admin user
    c = Client()
    c.force_login(root)
    cand = demo_candidate("principal")
    teacher = User.objects.get(username="teacher")
    r = c.post("/admin/leaders/candidate/add/", {
        "cohort": cand.cohort_id, "user": teacher.pk, "kind": Candidate.PRINCIPAL,
        "district": cand.district_id, "schools": [s.pk for s in cand.schools.all()],
        "coach": cand.coach_id, "approver": cand.approver_id})
    assert r.status_code == 200 and "holds no principal role" in r.content.decode()
    assert not Candidate.objects.filter(user=teacher).exists()


def test_each_person_s_leadership_page_lists_their_seats_and_what_waits_for_them() -> None:
    staff = client_for("programme").get("/leaders/").content.decode()
    waiting = Candidate.objects.get(user__username="supervisor2")
    assert "Targets waiting for your approval" in staff and waiting.name in staff
    sup = client_for("superintendent").get("/leaders/").content.decode()
    assert "Attained" in sup and demo_candidate("principal").name in sup
    coach = client_for("execcoach2").get("/leaders/").content.decode()
    mine = Candidate.objects.filter(coach__username="execcoach2")
    assert all(c.name in coach for c in mine)
    assert f'/leaders/candidates/{demo_candidate("principal").pk}/"' not in coach  # not theirs
    assert "not a candidate, coach" in client_for("netlead").get("/leaders/"
                                                                  ).content.decode()
