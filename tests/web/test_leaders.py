"""Leadership programmes: the target's lifecycle in the models (so pages, API and admin
obey it), certificates only for an attainment measured in the warehouse, and who sees
what of the coaching log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from aimline.web.coaching.models import Correction, Entry
from aimline.web.credentials.models import Credential
from aimline.web.leaders import goals
from aimline.web.leaders.models import (
    Candidate,
    Cohort,
    Decision,
    Goal,
    Programme,
)
from aimline.web.orgs.models import Organisation, Role
from aimline.web.targets.models import Evaluation, Target
from tests.web.cast import client_for

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 6, 30)  # the site warehouse's last school year ends before today


def u(name: str) -> User:
    return User.objects.get(username=name)


def published(school: str, metric: str, year: int, gt: str = "all", gv: str = "all"
              ) -> dict[str, Any]:
    """The warehouse's stored row, read with plain SQL (not through the site's code); the
    rate to one decimal, as targets publish it."""
    with duckdb.connect(str(settings.WAREHOUSE), read_only=True) as con:
        row = con.execute(
            """SELECT value, students, suppressed FROM indicators WHERE scope = 'school'
               AND school_id = ? AND metric = ? AND school_year = ? AND period = 'year'
               AND group_type = ? AND group_value = ?""",
            [school, metric, year, gt, gv]).fetchone()
    return {"value": None if row[0] is None else round(row[0], 1), "students": row[1],
            "suppressed": row[2]}


@pytest.fixture
def cand() -> Candidate:
    """A fresh cohort with the demo principal as candidate, the demo's executive coach and
    superintendent, and the demo programme staff."""
    provider = Organisation.objects.get(name="Center for Educational Leadership")
    p = Programme.objects.create(name="Test certificate", kind=Programme.PRINCIPAL,
                                 provider=provider, challenges=["Using data with staff",
                                                                "Time and priorities"])
    p.staff.add(u("programme"))
    cohort = Cohort.objects.create(programme=p, name="test", starts=dt.date(2024, 9, 1),
                                   ends=dt.date(2026, 8, 31))
    school = Role.objects.get(user__username="principal").schools.get()
    c = Candidate.objects.create(cohort=cohort, user=u("principal"), kind=Candidate.PRINCIPAL,
                                 district=school.district, coach=u("execcoach"),
                                 approver=u("superintendent"))
    c.schools.set([school])
    c.check_roles([school])
    return c


def proposal(c: Candidate, target: float, **over: Any) -> dict[str, Any]:
    return {"metric": "chronic_absence", "schools": c.codes(), "group_type": "all",
            "group_value": "all", "baseline_year": 2025, "target_value": target, "due": DUE,
            "rationale": "Close the attendance gap.", **over}


def approved(c: Candidate, target: float) -> Goal:
    g = goals.submit(goals.propose(c, c.user, **proposal(c, target)), c.user)
    goals.decide(g, u("superintendent"), approve=True)
    goals.decide(g, u("programme"), approve=True)
    g.refresh_from_db()
    return g


def test_a_target_in_the_wrong_direction_is_refused_and_nothing_changes(cand: Candidate
                                                                         ) -> None:
    base = published(cand.codes()[0], "chronic_absence", 2025)["value"]
    g = goals.propose(cand, cand.user, **proposal(cand, base + 1))  # higher is worse
    before = Target.objects.count()
    with pytest.raises(ValidationError, match="does not improve"):
        goals.submit(g, cand.user)
    g.refresh_from_db()
    assert g.status == Goal.DRAFT and g.target is None and Target.objects.count() == before


def test_a_group_below_the_minimum_n_cannot_be_a_baseline(cand: Candidate) -> None:
    school = cand.codes()[0]
    with duckdb.connect(str(settings.WAREHOUSE), read_only=True) as con:
        small = con.execute(
            """SELECT group_type, group_value FROM suppressed_counts WHERE scope = 'school'
               AND school_id = ? AND metric = 'chronic_absence' AND school_year = 2025
               AND period = 'year' AND students < 10 AND students > 0
               ORDER BY ALL LIMIT 1""",
            [school]).fetchone()
    assert small is not None, "the test district has a group under 10 students"
    g = goals.propose(cand, cand.user, **proposal(cand, 1.0, group_type=small[0],
                                                   group_value=small[1]))
    with pytest.raises(ValidationError, match=r"fewer than 10 students|suppressed"):
        goals.submit(g, cand.user)
    assert Goal.objects.get(pk=g.pk).status == Goal.DRAFT


def test_no_approval_is_skipped_and_only_the_approvers_decide(cand: Candidate) -> None:
    g = goals.submit(goals.propose(cand, cand.user, **proposal(cand, 1.0)), cand.user)
    assert g.target.baseline == published(cand.codes()[0], "chronic_absence", 2025)["value"]
    for who in ("programme", "admin", "execcoach", "principal"):  # not the approver
        with pytest.raises(ValidationError):
            goals.decide(g, u(who), approve=True)
    g.refresh_from_db()
    assert g.status == Goal.SUBMITTED and not Decision.objects.filter(goal=g).exists()
    # nor can the status be set around the decisions (the admin, a script)
    g.status = Goal.APPROVED
    with pytest.raises(ValidationError):
        g.save()
    g.refresh_from_db()
    with pytest.raises(ValidationError, match="say why"):
        goals.decide(g, u("superintendent"), approve=False, comment=" ")
    goals.decide(g, u("superintendent"), approve=False, comment="Aim for Black students")
    g.refresh_from_db()
    assert g.status == Goal.DRAFT  # returned: back to draft, the decision kept
    g = goals.submit(goals.propose(cand, cand.user, **proposal(cand, 2.0)), cand.user)
    with pytest.raises(ValidationError, match="approver"):
        goals.decide(g, u("programme"), approve=True)
    with pytest.raises(ValidationError, match="after the district"):  # the admin's way
        Decision.objects.create(goal=g, step=Decision.PROGRAMME, outcome=Decision.APPROVE,
                                by=u("programme"))
    goals.decide(g, u("superintendent"), approve=True, comment="ok")
    with pytest.raises(ValidationError):
        goals.decide(g, u("superintendent"), approve=True)  # not the programme's staff
    goals.decide(g, u("programme"), approve=True)
    g.refresh_from_db()
    assert g.status == Goal.APPROVED
    assert [(d.step, d.outcome, d.by.username) for d in g.decisions.all()] == [
        ("district", "return", "superintendent"), ("district", "approve", "superintendent"),
        ("programme", "approve", "programme")]  # the return is kept with the version


def test_an_approved_target_is_frozen_and_a_change_is_a_new_version(cand: Candidate) -> None:
    g = approved(cand, 2.0)
    g.target_value = 1.0
    with pytest.raises(ValidationError, match="cannot change"):
        g.save()
    with pytest.raises(ValidationError):
        Target.objects.get(pk=g.target_id).save()  # the baseline too
    v2 = goals.propose(cand, cand.user, **proposal(cand, 1.5))
    assert v2.version == 2 and v2.pk != g.pk
    goals.submit(v2, cand.user)
    goals.decide(v2, u("superintendent"), approve=True)
    assert goals.approved(cand) == g  # still version 1 until both approve version 2
    goals.decide(v2, u("programme"), approve=True)
    assert goals.approved(cand) == v2
    assert Goal.objects.get(pk=g.pk).status == Goal.SUPERSEDED  # history kept


def test_attainment_is_evaluated_from_the_warehouse_and_a_miss_by_a_tenth_is_refused(
        cand: Candidate) -> None:
    school = cand.codes()[0]
    final = published(school, "chronic_absence", 2026)
    base = published(school, "chronic_absence", 2025)
    assert not final["suppressed"] and final["value"] < base["value"] - 0.2
    g = approved(cand, round(final["value"] - 0.1, 1))  # lower is better: missed by 0.1
    e = goals.evaluate(g)
    assert (e.state, e.value, e.school_year) == ("not_attained", final["value"], 2026)
    assert e.evidence and e.min_n == settings.MIN_N
    before = (Credential.objects.count(), Evaluation.objects.count())
    with pytest.raises(ValidationError, match="not attained"):
        goals.issue(g, u("programme"))
    assert (Credential.objects.count(), Evaluation.objects.count()) == before
    # the API answers 409 with the evaluation
    r = client_for("programme").post(f"/api/leadership/candidates/{cand.pk}/certificate")
    assert r.status_code == 409
    assert r.json()["evaluation"]["state"] == "not_attained"
    assert r.json()["evaluation"]["value"] == final["value"]
    assert Credential.objects.count() == before[0]


def test_a_certificate_needs_an_attained_evaluation_and_programme_staff(cand: Candidate
                                                                        ) -> None:
    final = published(cand.codes()[0], "chronic_absence", 2026)["value"]
    g = approved(cand, final)  # exactly reached counts as attained
    with pytest.raises(ValidationError, match="evaluate"):
        goals.issue(g, u("programme"))  # no evaluation yet: no award button skips it
    assert goals.evaluate(g).state == "attained"
    for who in ("superintendent", "execcoach", "principal", "admin"):
        with pytest.raises(ValidationError, match="staff"):
            goals.issue(g, u(who))
    cert = goals.issue(g, u("programme"))
    assert cert.credential.statement.startswith("Chronically absent")
    assert f"{final:g}%" in cert.credential.result
    with pytest.raises(ValidationError, match="already"):
        goals.issue(g, u("programme"))


def test_issuing_before_the_target_date_is_refused(cand: Candidate) -> None:
    g = approved(cand, 1.0)
    Goal.objects.filter(pk=g.pk).update(due=dt.date.today() + dt.timedelta(days=30))
    g.refresh_from_db()
    with pytest.raises(ValidationError, match="cannot be attained before"):
        goals.issue(g, u("programme"))


def test_an_exception_needs_a_written_reason_and_both_approvers(cand: Candidate) -> None:
    g = approved(cand, 0.5)
    assert goals.evaluate(g).state == "not_attained"
    with pytest.raises(ValidationError, match="written reason"):
        goals.ask_exception(g, u("programme"), "data error")
    x = goals.ask_exception(g, u("programme"), "The district confirms the spring "
                                               "attendance file double-counted absences.")
    with pytest.raises(ValidationError, match="signatures"):
        goals.issue(g, u("programme"), exception=x)
    with pytest.raises(ValidationError):
        goals.sign_exception(x, u("admin"))  # not an approver of this candidate
    goals.sign_exception(x, u("superintendent"))
    goals.sign_exception(x, u("programme"))
    cert = goals.issue(g, u("programme"), exception=x)
    assert cert.exception == x and "double-counted" in cert.credential.exception
    page = client_for("nobody").get(f"/verify/{cert.credential.code}/").content.decode()
    assert "Issued by exception" in page


def entry(c: Candidate, author: str, **over: Any) -> Entry:
    e = Entry.objects.create(subject=c, author=u(author), date=dt.date(2025, 10, 1),
                                     minutes=90, mode="video", focus=["Using data with staff"],
                                     notes="PRIVATE-NOTE about a hard conversation",
                                     next_steps="Call the attendance team")
    for k, v in over.items():
        setattr(e, k, v)
    e.status = Entry.SUBMITTED
    e.save()
    return e


def test_who_sees_the_coaching_log(cand: Candidate) -> None:
    e = entry(cand, "execcoach")
    page = f"/leaders/candidates/{cand.pk}/"
    for who in ("execcoach", "principal"):  # the coach and the candidate read the notes
        r = client_for(who)
        assert "Call the attendance team" in r.get(page).content.decode()
        assert "PRIVATE-NOTE" in r.get(f"/coaching/{e.pk}/").content.decode()
        api = r.get(f"/api/leadership/candidates/{cand.pk}/coaching").json()
        assert api["entries"][0]["notes"].startswith("PRIVATE-NOTE")
    staff = client_for("programme")  # programme staff: counts, hours and tags only
    text = staff.get(page).content.decode()
    assert "1 session, 1.5 hours" in text and "Using data with staff (1)" in text
    assert "PRIVATE-NOTE" not in text and "Call the attendance team" not in text
    assert staff.get(f"/coaching/{e.pk}/").status_code == 403
    api = staff.get(f"/api/leadership/candidates/{cand.pk}/coaching").json()
    assert (api["sessions"], api["hours"], api["entries"]) == (1, 1.5, None)
    # the approver sees the target, not the log; another coach, network and partner roles,
    # the district admin: not even the candidate
    sup = client_for("superintendent")
    assert "PRIVATE-NOTE" not in sup.get(page).content.decode()
    assert sup.get(f"/api/leadership/candidates/{cand.pk}/coaching").status_code == 403
    for who in ("execcoach2", "netlead", "coach", "partner", "admin", "teacher"):
        r = client_for(who)
        assert r.get(page).status_code == 404, who
        assert r.get(f"/coaching/{e.pk}/").status_code == 404, who
        assert r.get(f"/api/leadership/candidates/{cand.pk}/coaching").status_code == 404


def test_a_draft_is_its_authors_and_a_submitted_entry_is_corrected_by_its_author_only(
        cand: Candidate) -> None:
    coach, me = client_for("execcoach"), client_for("principal")
    draft = Entry.objects.create(subject=cand, author=u("execcoach"),
                                         notes="half-typed")
    assert me.get(f"/coaching/{draft.pk}/").status_code == 404  # not yet theirs
    # the draft saves itself while typing (htmx posts the form)
    r = coach.post(f"/coaching/{draft.pk}/", {"notes": "typed more", "minutes": "30"},
                   HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "Draft saved" in r.content.decode()
    assert Entry.objects.get(pk=draft.pk).notes == "typed more"
    e = entry(cand, "execcoach")
    assert me.post(f"/coaching/{e.pk}/", {"notes": "x"}).status_code == 403
    e.notes = "changed by someone else"
    e._corrected_by = u("principal")
    with pytest.raises(ValidationError, match="its author"):
        e.save()
    form = {"date": "2025-10-01", "minutes": "60", "mode": "video",
            "focus": ["Using data with staff"], "notes": "corrected", "next_steps": "",
            "evidence": ""}
    assert coach.post(f"/coaching/{e.pk}/", form).status_code == 302
    fix = Correction.objects.get(entry=e)
    assert (fix.before["minutes"], fix.after["minutes"], fix.by.username) == (90, 60,
                                                                              "execcoach")
    assert Entry.objects.get(pk=e.pk).status == Entry.SUBMITTED


def test_the_api_proposes_and_approves_as_the_pages_do(cand: Candidate) -> None:
    me = client_for("principal")
    body = {**proposal(cand, 1.0), "due": DUE.isoformat(), "submit": True}
    r = me.post(f"/api/leadership/candidates/{cand.pk}/targets", body,
                content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "submitted"
    pk = r.json()["id"]
    assert client_for("programme").post(f"/api/leadership/targets/{pk}/approve", {},
                                        content_type="application/json").status_code == 403
    sup = client_for("superintendent").post(f"/api/leadership/targets/{pk}/approve",
                                            {"comment": "yes"},
                                            content_type="application/json")
    assert sup.status_code == 200 and sup.json()["status"] == "district_approved"
    wrong = me.post(f"/api/leadership/candidates/{cand.pk}/targets",
                    {**body, "target_value": 99.0}, content_type="application/json")
    assert wrong.status_code == 422  # in approval: the proposal cannot change
    listed = client_for("execcoach").get("/api/leadership/targets",
                                         {"candidate": cand.pk}).json()
    assert [t["id"] for t in listed] == [pk]
    assert client_for("netlead").get("/api/leadership/targets",
                                     {"candidate": cand.pk}).json() == []


def test_a_candidate_holds_the_role_their_candidacy_says(cand: Candidate) -> None:
    school = cand.schools.get()
    bad = Candidate(cohort=cand.cohort, user=u("teacher"), kind=Candidate.PRINCIPAL,
                    district=school.district, coach=u("execcoach"), approver=u("coach"))
    with pytest.raises(ValidationError) as e:
        bad.check_roles([school])
    assert "no principal role" in str(e.value) and "not a superintendent" in str(e.value)


def test_the_demo_certificates_stand_on_attained_evaluations_and_verify_without_students(
        ) -> None:
    """Whatever the district, every demo certificate has an evaluation that says attained
    for its approved target, and its public page names no student."""
    from aimline.web.leaders.models import Certificate

    certs = list(Certificate.objects.select_related("evaluation", "credential", "goal"))
    assert certs, "the demo issues at least one certificate"
    with duckdb.connect(str(settings.WAREHOUSE), read_only=True) as con:
        ids = {r[0] for r in con.execute("SELECT student_id FROM students").fetchall()}
    for c in certs:
        assert c.evaluation.state == "attained" and c.evaluation.target_id == c.goal.target_id
        page = client_for("nobody").get(f"/verify/{c.credential.code}/").content.decode()
        assert "Valid" in page and c.credential.recipient_name in page
        words = set(page.replace("<", " ").replace(">", " ").replace('"', " ").split())
        assert not words & ids


def test_targets_past_their_date_are_evaluated_after_a_load_once_per_load(cand: Candidate
                                                                         ) -> None:
    from aimline.web.targets import service

    g = approved(cand, 1.0)
    assert not g.target.evaluations.exists()
    done = service.evaluate_due(settings.WAREHOUSE)
    assert g.target.pk in {e.target_id for e in done}
    assert g.target.evaluations.get().state == "not_attained"
    # the same warehouse again: nothing new to evaluate (each evaluation names its load)
    assert g.target.pk not in {e.target_id for e in service.evaluate_due(settings.WAREHOUSE)}
    # a target not yet due is left alone
    Goal.objects.filter(pk=g.pk).update(due=dt.date.today() + dt.timedelta(days=1))
    Target.objects.filter(pk=g.target_id).update(due=dt.date.today() + dt.timedelta(days=1))
    Evaluation.objects.filter(target=g.target).delete()
    assert g.target.pk not in {e.target_id for e in service.evaluate_due(settings.WAREHOUSE)}


def test_programme_staff_add_a_candidate_on_the_site_and_a_wrong_role_changes_nothing(
        cand: Candidate) -> None:
    p, cohort = cand.cohort.programme, cand.cohort
    school = Role.objects.get(user__username="principal2", role=Role.PRINCIPAL).schools.get()
    form = {"cohort": cohort.pk, "person": "principal2", "kind": Candidate.PRINCIPAL,
            "schools": school.code, "coach": "execcoach2", "approver": "superintendent"}
    url = f"/leaders/programmes/{p.pk}/add/candidate/"
    assert client_for("superintendent").post(url, form).status_code == 404  # not staff
    staff = client_for("programme")
    wrong = staff.post(url, {**form, "schools": cand.codes()[0]})  # not their school
    assert wrong.status_code == 400 and "no principal role" in wrong.content.decode()
    assert staff.post(url, {**form, "approver": "teacher"}).status_code == 400
    assert not Candidate.objects.filter(cohort=cohort, user__username="principal2").exists()
    assert staff.post(url, form).status_code == 302
    made = Candidate.objects.get(cohort=cohort, user__username="principal2")
    assert made.codes() == [school.code] and made.coach.username == "execcoach2"
    r = staff.post(f"/leaders/programmes/{p.pk}/add/challenges/",
                   {"challenges": "Time and priorities\n\nHiring\nHiring"})
    assert r.status_code == 302
    assert Programme.objects.get(pk=p.pk).challenges == ["Time and priorities", "Hiring"]


def test_through_is_the_last_whole_month_on_the_same_day_of_each_school_year() -> None:
    from aimline.web.targets.evaluation import through

    assert through(dt.date(2026, 3, 31), 2026) == dt.date(2026, 3, 31)
    assert through(dt.date(2026, 3, 31), 2025) == dt.date(2025, 3, 31)
    assert through(dt.date(2026, 3, 15), 2026) == dt.date(2026, 2, 28)  # a month not over
    assert through(dt.date(2025, 12, 31), 2025) == dt.date(2024, 12, 31)  # autumn: year - 1
    assert through(dt.date(2024, 2, 29), 2025) == dt.date(2025, 2, 28)


def test_a_target_cumulative_to_a_date_reads_the_year_to_date_figures(
        cand: Candidate, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chronic absence for the year to 31 March: the baseline is the year to 31 March of
    the baseline year, the evaluation the year to 31 March of the target's year, both as
    the warehouse stores them (`aimline compute --period month_to_date`)."""
    import shutil

    from aimline.metrics import engine
    from aimline.metrics.policy import Policy

    copy = tmp_path / "w.duckdb"
    shutil.copy(settings.WAREHOUSE, copy)
    for year in (2025, 2026):
        engine.store(engine.compute(copy, year, period="month_to_date", suppress=False),
                     copy, Policy())
    monkeypatch.setattr(settings, "WAREHOUSE", copy)
    school = cand.codes()[0]

    def ytd(year: int, end: str) -> float:
        with duckdb.connect(str(copy), read_only=True) as con:
            (v,) = con.execute(
                """SELECT value FROM indicators WHERE scope = 'school' AND school_id = ?
                   AND metric = 'chronic_absence' AND period = 'month_to_date'
                   AND school_year = ? AND period_end = ? AND group_type = 'all'""",
                [school, year, end]).fetchone()
        return round(v, 1)

    base, final = ytd(2025, "2025-03-31"), ytd(2026, "2026-03-31")
    assert base != published(school, "chronic_absence", 2025)["value"]  # not the year's
    g = goals.propose(cand, cand.user, **proposal(
        cand, round(final + 0.1, 1), period="to_date", due=dt.date(2026, 3, 31)))
    goals.submit(g, cand.user)
    assert g.target.baseline == base and g.target.period == "to_date"
    goals.decide(g, u("superintendent"), approve=True)
    goals.decide(g, u("programme"), approve=True)
    g.refresh_from_db()
    e = goals.evaluate(g)
    assert (e.state, e.value) == ("attained", final)
    assert "for the year to date" in goals.statement(g) and "31 March 2026" in \
        goals.statement(g)
    # a metric measured once a year has no year-to-date figure
    with pytest.raises(ValidationError, match="no year-to-date"):
        goals.propose(cand, cand.user, **proposal(cand, 50.0, metric="graduation_4yr",
                                                   period="to_date"))
