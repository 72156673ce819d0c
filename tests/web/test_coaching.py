"""The coaching log, one implementation for the leadership programmes and induction
(tests/web/test_leaders.py holds the leadership side): in induction, an entry is tagged
with CPSEL elements, its notes are the candidate's and the coach's, the supervisor reads
only what the candidate shares, the coordinator and staff see hours; hours per school
year against the programme's setting, on the page and in the report."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User

from aimline.web.coaching.models import Entry
from aimline.web.induction import outcomes
from aimline.web.induction.models import Candidate, Partnership
from tests.web.cast import client_for

pytestmark = pytest.mark.django_db
KEY = "induction.candidate"


def cand(name: str) -> Candidate:
    return Candidate.objects.get(user__username=name)


def coach_of(c: Candidate) -> str:
    return c.coach().coach.user.username


def session(c: Candidate, author: str, **over: object) -> Entry:
    e = Entry(subject=c, author=User.objects.get(username=author), status=Entry.SUBMITTED,
              date=c.admitted_on, minutes=60, mode="phone", focus=["2A"],
              notes="PRIVATE-NOTE on a hard conversation", next_steps="Call the team")
    for k, v in over.items():
        setattr(e, k, v)
    e.save()
    return e


def test_hours_per_school_year_are_the_submitted_minutes_against_the_setting() -> None:
    c = cand("newadmin06")  # the demo's candidate short in the second year
    session(c, coach_of(c), status=Entry.DRAFT)  # a draft counts for nothing
    by_year: dict[int, int] = {}
    for e in Entry.objects.filter(subject_id=c.pk, subject_type__model="candidate",
                                  subject_type__app_label="induction", status="submitted"):
        year = e.date.year + (e.date.month >= 7)  # July–June, named by its end
        by_year[year] = by_year.get(year, 0) + e.minutes
    got = outcomes.coaching_hours(c)
    assert got == {y: round(m / 60, 2) for y, m in sorted(by_year.items())}
    low, high = c.partnership.coaching_hours
    flags = [row["ok"] for row in outcomes.against(got, c.partnership.coaching_hours)]
    assert flags == [low <= h <= high for h in got.values()] == [True, False]
    page = client_for("induction").get(f"/induction/candidates/{c.pk}/").content.decode()
    year = max(got)  # the short one
    assert f'<span class="flag">{year - 1}–{year}:' in page
    assert f'<span class="muted">{year - 2}–{year - 1}:' in page
    assert f"the programme asks {low}–{high} a year" in page


def test_who_reads_an_induction_candidates_coaching_log() -> None:
    c = cand("newadmin02")
    e = session(c, coach_of(c))
    page, entry = f"/induction/candidates/{c.pk}/", f"/coaching/{e.pk}/"
    for who in ("newadmin02", coach_of(c)):  # the candidate and the coach read the notes
        r = client_for(who)
        assert "Call the team" in r.get(page).content.decode()
        assert "PRIVATE-NOTE" in r.get(entry).content.decode()
    for who in ("induction", "coordinator"):  # staff and the coordinator: sessions, hours
        r = client_for(who)
        text = r.get(page).content.decode()
        assert "sessions," in text and "Call the team" not in text, who
        assert r.get(entry).status_code == 403, who
    sup = client_for(c.supervisor.username)  # not shared: not there for the supervisor
    assert "Call the team" not in sup.get(page).content.decode()
    assert sup.get(entry).status_code == 404
    for who in ("icoach3" if coach_of(c) != "icoach3" else "icoach2", "newadmin03",
                "execcoach", "teacher"):
        assert client_for(who).get(entry).status_code == 404, who


def test_the_candidate_shares_an_entry_with_their_supervisor_and_no_one_else_can() -> None:
    c = cand("newadmin02")
    e = session(c, coach_of(c))
    share = f"/coaching/{e.pk}/share/"
    assert client_for(coach_of(c)).post(share, {"shared": "1"}).status_code == 403
    assert not Entry.objects.get(pk=e.pk).shared
    assert client_for("newadmin02").post(share, {"shared": "1"}).status_code == 302
    assert Entry.objects.get(pk=e.pk).shared and not e.corrections.exists()
    sup = client_for(c.supervisor.username)
    assert "PRIVATE-NOTE" in sup.get(f"/coaching/{e.pk}/").content.decode()
    assert "Call the team" in sup.get(f"/induction/candidates/{c.pk}/").content.decode()
    client_for("newadmin02").post(share, {"shared": "0"})
    assert sup.get(f"/coaching/{e.pk}/").status_code == 404


def test_an_entry_is_tagged_with_cpsel_elements_only() -> None:
    c = cand("newadmin02")
    me = client_for("newadmin02")
    r = me.post(f"/coaching/new/{KEY}/{c.pk}/")
    assert r.status_code == 302
    e = Entry.objects.filter(author__username="newadmin02").latest("pk")
    form = {"date": "2025-10-01", "minutes": "45", "mode": "phone", "notes": "x",
            "next_steps": "", "evidence": "", "do": "submit"}
    bad = me.post(f"/coaching/{e.pk}/", {**form, "focus": ["Using data with staff"]})
    assert bad.status_code == 400 and Entry.objects.get(pk=e.pk).status == Entry.DRAFT
    assert me.post(f"/coaching/{e.pk}/", {**form, "focus": ["2A", "5A"]}).status_code == 302
    assert Entry.objects.get(pk=e.pk).focus == ["2A", "5A"]
    # nobody writes in another's log, and a record the registry does not know is not there
    assert client_for("induction").post(f"/coaching/new/{KEY}/{c.pk}/").status_code == 403
    assert client_for("newadmin02").post(f"/coaching/new/orgs.role/{c.pk}/").status_code == 404


def test_the_report_carries_coaching_hours_and_suppressed_demographics() -> None:
    from openpyxl import load_workbook

    from aimline.metrics.policy import Policy
    from aimline.web.induction import report

    p = Partnership.objects.get()
    wb = load_workbook(io.BytesIO(client_for("induction").get(
        f"/induction/{p.pk}/report.xlsx").content))
    ws = wb["Candidates"]
    head = [c.value for c in ws[1]]
    col = head.index("Coaching hours by school year")
    c = cand("newadmin06")
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == c.name)
    assert row[col] == "; ".join(f"{y - 1}–{y}: {h:g}"
                                 for y, h in outcomes.coaching_hours(c).items())
    # under the site's minimum: the cohort's total shows; a count below it never does
    min_n = Policy.from_env().min_n
    dem = list(wb["Demographics"].iter_rows(values_only=True))
    labels, gender = dem[0], dem[1]
    assert gender[1] == p.candidates.count() == 10
    true = {"Female": 4, "Male": 5, "Declined to state": 1}
    for label, value in zip(labels[2:], gender[2:], strict=False):
        if label is not None:
            assert value == "suppressed" if true[label] < min_n else value == true[label]
    # at a smaller minimum: the one who declined is hidden and so is the next smallest
    # (female, 4); male (5) shows
    small = report.demographics(list(p.candidates.all()), 2)["gender"]
    shown = dict(zip(small["columns"], small["rows"][0][2], strict=True))
    assert shown == {"Female": None, "Male": 5, "Declined to state": None}


def test_the_induction_api_answers_as_the_pages_do() -> None:
    c = cand("newadmin02")
    e = session(c, coach_of(c))
    mine = client_for("newadmin02").get("/api/induction/candidates").json()
    assert [(x["id"], x["seats"]) for x in mine] == [(c.pk, ["candidate"])]
    staff = client_for("induction").get("/api/induction/candidates").json()
    assert len(staff) == Candidate.objects.count() == 10
    coached = client_for(coach_of(c)).get("/api/induction/candidates").json()
    assert {x["id"] for x in coached} == set(
        Candidate.objects.filter(matches__status="confirmed",
                                 matches__coach__user__username=coach_of(c))
        .values_list("pk", flat=True))
    assert client_for("execcoach").get("/api/induction/candidates").json() == []
    detail = client_for("coordinator").get(f"/api/induction/candidates/{c.pk}").json()
    assert [h["hours"] for h in detail["coaching_hours"]] == list(
        outcomes.coaching_hours(c).values())
    assert detail["days_to_coach"] == (c.matches.filter(confirmed_on__isnull=False)
                                       .earliest("confirmed_on").confirmed_on
                                       - c.admitted_on).days
    log = f"/api/induction/candidates/{c.pk}/coaching"
    notes = client_for(coach_of(c)).get(log).json()
    assert any(x["id"] == e.pk and x["notes"].startswith("PRIVATE") for x in notes["entries"])
    counts = client_for("coordinator").get(log).json()
    assert counts["entries"] is None and counts["sessions"] == c.coaching.filter(
        status="submitted").count()
    sup = client_for(c.supervisor.username).get(log).json()
    assert sup["sessions"] is None and sup["entries"] == []  # nothing shared yet
    sup_detail = client_for(c.supervisor.username).get(f"/api/induction/candidates/{c.pk}")
    assert sup_detail.json()["coaching_hours"] is None
    assert client_for("newadmin03").get(log).status_code == 404


def test_coaching_starts_with_the_logs_first_session_unless_recorded() -> None:
    import datetime as dt

    from aimline.web.induction import deadlines

    c = cand("newadmin07")  # admitted after the 120 days: coaching started late
    first = c.coaching.filter(status="submitted").earliest("date").date
    assert c.coaching_from is None and deadlines.coaching_started(c) == first
    clock = next(k for k in deadlines.clocks(c, dt.date.today()) if "Coaching" in k.rule)
    assert (clock.done, clock.state) == (first, deadlines.LATE)
    c.coaching_from = first - dt.timedelta(days=200)
    assert deadlines.coaching_started(c) == c.coaching_from
