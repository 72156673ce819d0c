"""Induction partnerships: the MOU's versions and signatures, the CTC's 120- and 30-day
clocks, coach matching with the district's part in it, and who sees what. The demo's
partnership (`induction.demo`) is the fixture: made through the same steps as the site."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from aimline.web.induction import deadlines, matching, mou, standards
from aimline.web.induction.models import (
    Candidate,
    Coach,
    Commitment,
    Hiring,
    Match,
    Mou,
    Partnership,
    Signature,
    Standard,
    Triad,
)
from tests.web.cast import client_for

pytestmark = pytest.mark.django_db


def u(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def p() -> Partnership:
    return Partnership.objects.get(name="Clear administrative induction")


def cand(name: str = "newadmin01") -> Candidate:
    return Candidate.objects.get(user__username=name)


def test_the_cpsel_ships_as_data_and_another_framework_loads_the_same_way(tmp_path) -> None:
    elements = standards.elements("CPSEL")
    assert len(elements) == 19 and {e.code for e in elements} >= {"1A", "3D", "6C"}
    assert Standard.objects.get(framework="CTC-CASC", code="4A").title.startswith(
        "Individual Induction Plan")
    other = tmp_path / "other.json"
    other.write_text('{"framework": "XPSEL", "title": "x", "source": "y", "standards": '
                     '[{"code": "1", "title": "Vision", "elements": [{"code": "1A", '
                     '"title": "Shared"}]}]}')
    assert standards.load(other) == 2
    assert Standard.objects.get(framework="XPSEL", code="1A").parent.title == "Vision"


def test_signed_versions_never_change_and_an_amendment_supersedes_once_signed(p) -> None:
    v1, v2 = p.mous.get(version=1), p.mous.get(version=2)
    assert (v1.status, v2.status) == (Mou.SUPERSEDED, Mou.SIGNED) and mou.current(p) == v2
    assert set(v2.signatures.values_list("party__name", flat=True)) == {
        o.name for o in p.parties()}
    c = v2.commitments.first()
    c.what = "changed"
    with pytest.raises(ValidationError, match="do not change"):
        c.save()
    with pytest.raises(ValidationError, match="cannot change"):
        v2.ends = dt.date(2040, 1, 1)
        v2.save()
    with pytest.raises(ValidationError, match="are kept"):
        c.delete()
    # an amendment: v3 drafted with v2's commitments and what was done; v2 in force
    v3 = mou.amend(v2, u("induction"), "Adds a second host site")
    assert v3.commitments.count() == v2.commitments.count()
    assert sum(k.done.count() for k in v3.commitments.all()) == sum(
        k.done.count() for k in v2.commitments.all()) > 0
    district = p.districts.get()
    mou.sign(v3, u("superintendent"), district, "Superintendent")
    assert mou.current(p) == v2  # one party has signed: v2 still in force
    mou.sign(v3, u("induction"), p.provider, "Irene Castillo")
    assert mou.current(p) == v3
    assert Mou.objects.get(pk=v2.pk).status == Mou.SUPERSEDED


def test_a_signature_on_a_superseded_version_or_by_a_non_signer_changes_nothing(p) -> None:
    v1, v2 = p.mous.get(version=1), p.mous.get(version=2)
    v3 = mou.amend(v2, u("induction"), "Changes the advisory board's dates")
    before = Signature.objects.count()
    with pytest.raises(ValidationError, match="superseded by version 3"):
        mou.sign(v1, u("induction"), p.provider, "Irene Castillo")
    with pytest.raises(ValidationError, match="superseded by version 3"):
        mou.sign(v2, u("induction"), p.provider, "Irene Castillo")
    with pytest.raises(ValidationError, match="not an authorised signer"):
        mou.sign(v3, u("coordinator"), p.districts.get(), "Omar Reyes")
    with pytest.raises(ValidationError, match="type your full name"):
        mou.sign(v3, u("induction"), p.provider, " ")
    assert Signature.objects.count() == before
    # on the site: the coordinator may draft but not sign (403), the signer is told why
    r = client_for("coordinator").post(f"/induction/{p.pk}/do/sign/",
                                       {"party": p.districts.get().pk, "typed_name": "O"})
    assert r.status_code == 403
    r = client_for("induction").post(f"/induction/{p.pk}/do/sign/", {
        "party": p.provider.pk, "typed_name": "Irene Castillo", "mou": v1.pk})
    assert r.status_code == 400 and b"superseded" in r.content
    assert Signature.objects.count() == before


def test_reminders_list_commitments_coming_due_and_done_ones_drop_out(p) -> None:
    v2 = mou.current(p)
    c = v2.commitments.get(what__startswith="Site and district feedback")  # monthly
    dates = mou.occurrences(c)
    assert dates[1] == mou.add_months(dates[0], 1) and dates[-1] <= v2.ends
    nxt = dates[c.done.count()]
    listed = {(r.commitment.pk, r.due) for r in mou.reminders(p, nxt - dt.timedelta(days=5))}
    assert (c.pk, nxt) in listed
    c.done.create(on=nxt, by=u("coordinator"))
    listed = {(r.commitment.pk, r.due) for r in mou.reminders(p, nxt - dt.timedelta(days=5))}
    assert (c.pk, nxt) not in listed
    assert mou.add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)


@pytest.mark.parametrize(("due", "done", "today", "state"), [
    (dt.date(2025, 3, 1), dt.date(2025, 3, 1), dt.date(2025, 9, 1), deadlines.ON_TIME),
    (dt.date(2025, 3, 1), dt.date(2025, 3, 2), dt.date(2025, 9, 1), deadlines.LATE),
    (dt.date(2025, 3, 1), None, dt.date(2025, 3, 2), deadlines.OVERDUE),
    (dt.date(2025, 3, 1), None, dt.date(2025, 2, 15), deadlines.AT_RISK),
    (dt.date(2025, 3, 1), None, dt.date(2025, 2, 14), deadlines.OPEN),
])
def test_each_clock_state(due, done, today, state) -> None:
    assert deadlines.state(due, done, today) == state


def test_the_120_and_30_day_rules_on_the_demo_cohort() -> None:
    late_enrol = cand("newadmin07")  # admitted 130 days after the first admin job
    enrol = deadlines.clocks(late_enrol, dt.date(2030, 1, 1))[0]
    assert enrol.due == late_enrol.hired_on + dt.timedelta(days=120)
    assert enrol.state == deadlines.LATE
    states = {c.user.username: [k.state for k in deadlines.clocks(c, dt.date(2030, 1, 1))]
              for c in Candidate.objects.all()}
    late_coach = [n for n, s in states.items() if s[2] == deadlines.LATE]
    assert len(late_coach) == 1
    c = cand(late_coach[0])
    assert deadlines.days_to_coach(c) > 30
    on_time = [n for n, s in states.items() if s == [deadlines.ON_TIME] * 3]
    assert len(on_time) == 8
    # a candidate with no coach yet: at risk, then overdue, counted from admission
    c = cand("newadmin01")
    c.matches.update(confirmed_on=None)
    clock = deadlines.clocks(c, c.admitted_on + dt.timedelta(days=20))[2]
    assert clock.state == deadlines.AT_RISK and clock.due == c.admitted_on + dt.timedelta(30)
    assert deadlines.clocks(c, c.admitted_on + dt.timedelta(days=31))[2].state == "overdue"


def test_every_demo_candidate_is_matched_within_capacity_with_one_district_veto(p) -> None:
    confirmed = Match.objects.filter(status=Match.CONFIRMED)
    assert confirmed.count() == 10 == Candidate.objects.count()
    for k in Coach.objects.all():
        assert confirmed.filter(coach=k).count() <= k.capacity
    veto = Match.objects.get(status=Match.VETOED)
    assert "supervised this candidate" in veto.reason and veto.decided_by == u("coordinator")
    instead = veto.candidate.coach()
    assert instead.coach != veto.coach and instead.proposed_by == u("coordinator")
    assert set(veto.scores) == {*matching.CRITERIA, "total"}


def test_a_match_beyond_capacity_is_refused_and_nothing_changes() -> None:
    full = next(k for k in Coach.objects.all()
                if k.matches.filter(status__in=Match.OPEN).count() == k.capacity)
    c = cand("newadmin02")
    c.matches.filter(status=Match.CONFIRMED).update(status=Match.ENDED, reason="moved")
    before = Match.objects.count()
    with pytest.raises(ValidationError, match="beyond the coach's capacity"):
        Match.objects.create(candidate=c, coach=full)
    assert Match.objects.count() == before


def test_matching_leaves_out_conflicts_vetoed_coaches_and_pairs_already_vetoed(p) -> None:
    c = cand("newadmin03")
    c.matches.filter(status=Match.CONFIRMED).update(status=Match.ENDED, reason="test")
    k1, k2, k3 = (Coach.objects.get(user__username=f"icoach{n}") for n in (1, 2, 3))
    k1.conflicts.add(c.school)
    Hiring.objects.create(coach=k2, district=c.district, decision=Coach.VETOED,
                          reason="not cleared", by=u("coordinator"))
    assert matching.exclusions(c, k1) and matching.exclusions(c, k2)
    pairs, _ = matching.table(p)
    assert set(pairs[pairs.seeker == c.pk].provider) <= {k3.pk}
    made = matching.propose(p)
    assert all(m.coach == k3 for m in made if m.candidate == c)
    with pytest.raises(ValidationError, match="a veto gives its reason"):
        Hiring.objects.create(coach=k3, district=c.district, decision=Coach.VETOED,
                              by=u("coordinator"))


def test_the_district_decides_the_programme_confirms_and_a_reassignment_keeps_its_reason(
        p) -> None:
    c = cand("newadmin04")
    now = c.coach()
    other = next(k for k in Coach.objects.all() if k != now.coach and
                 k.matches.filter(status__in=Match.OPEN).count() < k.capacity)
    staff = client_for("induction")
    r = staff.post(f"/induction/matches/{now.pk}/reassign/", {"coach": other.pk, "reason": ""})
    assert r.status_code == 400 and c.coach() == now  # no reason: nothing changed
    r = staff.post(f"/induction/matches/{now.pk}/reassign/",
                   {"coach": other.pk, "reason": "The candidate moved to a middle school"})
    assert r.status_code == 302
    assert Match.objects.get(pk=now.pk).status == Match.ENDED
    new = c.matches.get(status=Match.PROPOSED)
    assert new.reason == "The candidate moved to a middle school"
    assert client_for("induction").post(f"/induction/matches/{new.pk}/accept/"
                                        ).status_code == 403  # the district's word
    assert client_for("coordinator").post(f"/induction/matches/{new.pk}/accept/"
                                          ).status_code == 302
    assert client_for("coordinator").post(f"/induction/matches/{new.pk}/confirm/"
                                          ).status_code == 403  # the programme's
    assert staff.post(f"/induction/matches/{new.pk}/confirm/").status_code == 302
    assert c.coach().coach == other


@pytest.mark.parametrize(("who", "status"), [
    ("newadmin01", 200), ("induction", 200), ("coordinator", 200), ("superintendent", 404),
    ("other_admin", 404), ("nobody", 404), ("partner", 404), ("newadmin02", 404)])
def test_who_sees_a_candidate(who: str, status: int) -> None:
    c = cand("newadmin01")
    assert client_for(who).get(f"/induction/candidates/{c.pk}/").status_code == status


def test_the_coach_and_the_supervisor_see_the_candidate_and_each_does_their_part() -> None:
    c = cand("newadmin01")
    coach = c.coach().coach.user.username
    others = [k.user.username for k in Coach.objects.exclude(user__username=coach)]
    assert client_for(coach).get(f"/induction/candidates/{c.pk}/").status_code == 200
    assert all(client_for(o).get(f"/induction/candidates/{c.pk}/").status_code == 404
               for o in others)
    sup = client_for(c.supervisor.username)
    page = sup.get(f"/induction/candidates/{c.pk}/")
    assert page.status_code == 200 and b"Triad meetings" in page.content
    triad = {"on": "2026-03-02", "agenda": "Portfolio evidence", "candidate_present": "on",
             "coach_present": "on", "supervisor_present": "on", "notes": "n", "actions": "a"}
    assert sup.post(f"/induction/candidates/{c.pk}/triad/", triad).status_code == 403
    assert client_for(coach).post(f"/induction/candidates/{c.pk}/triad/",
                                  triad).status_code == 302
    t = c.triads.get(agenda="Portfolio evidence")
    assert client_for(coach).post(f"/induction/triads/{t.pk}/input/",
                                  {"supervisor_input": "x"}).status_code == 403
    assert sup.post(f"/induction/triads/{t.pk}/input/",
                    {"supervisor_input": "Lead the new attendance team"}).status_code == 302
    assert Triad.objects.get(pk=t.pk).supervisor_input == "Lead the new attendance team"


@pytest.mark.parametrize(("who", "status"), [
    ("induction", 200), ("coordinator", 200), ("superintendent", 200),  # signer
    ("icoach1", 404), ("newadmin01", 404), ("other_admin", 404), ("admin", 404)])
def test_who_sees_the_partnership(p, who: str, status: int) -> None:
    assert client_for(who).get(f"/induction/{p.pk}/").status_code == status


def test_the_partnership_page_shows_the_mou_clocks_and_matching(p) -> None:
    page = client_for("coordinator").get(f"/induction/{p.pk}/").content.decode()
    assert "In force: <strong>version 2</strong>" in page
    assert "Candidate assessment" in page and "Reciprocity" in page
    assert page.count("induction/candidates/") == 10
    # newadmin07's enrolment and coaching start, and the one coach assigned late
    assert page.count('class="flag">late<') == 3


def test_a_draft_commitment_is_added_and_a_bad_one_is_refused(p) -> None:
    v3 = mou.amend(mou.current(p), u("induction"), "More triads")
    c = client_for("coordinator")
    r = c.post(f"/induction/{p.pk}/do/commit/", {"category": "communication",
                                                   "party": p.provider.pk, "what": "",
                                                   "owner": "x", "recurrence": "once"})
    assert r.status_code == 400 and v3.commitments.count() == mou.current(p).commitments.count()
    r = c.post(f"/induction/{p.pk}/do/commit/", {
        "category": "communication", "party": p.provider.pk, "what": "Monthly triads",
        "owner": "Coaches", "due": "2026-09-01", "recurrence": "monthly"})
    assert r.status_code == 302
    assert v3.commitments.filter(what="Monthly triads", category="communication",
                                 recurrence=Commitment.MONTHLY).exists()


def test_reminders_are_mailed_once_per_occurrence_to_the_partnership(p) -> None:
    from django.core import mail

    from aimline.web.induction import reminders

    today = dt.date.today()
    due = reminders.pending(p, today)
    assert due, "the demo leaves the advisory board overdue"
    sent = reminders.send(today)
    assert [(q, n) for q, n, _ in sent] == [(p, len(due))]
    (msg,) = mail.outbox
    assert set(msg.to) == {u(n).email for n in ("induction", "coordinator", "superintendent")}
    assert all(r.commitment.what in msg.body for r in due)
    assert reminders.send(today) == [] and len(mail.outbox) == 1  # each occurrence once
    assert reminders.pending(p, today) == []


def test_a_partner_reads_what_the_mou_in_force_grants_and_nothing_more(p) -> None:
    import io

    from openpyxl import load_workbook

    from aimline.web.induction.models import Grant

    partner = client_for("partner")  # the district's university partner (data agreement)
    xlsx = f"/induction/{p.pk}/report.xlsx"
    assert partner.get(f"/induction/{p.pk}/").status_code == 404  # not the partnership
    assert partner.get(f"/induction/candidates/{cand().pk}/").status_code == 404
    wb = load_workbook(io.BytesIO(partner.get(xlsx).content))
    assert wb["Candidates"].max_row == 1 and wb["CPSEL coverage"].max_row == 1
    assert wb["Surveys"].max_row == 1  # the report is granted, the surveys are not
    assert wb["Demographics"]["B2"].value == 10  # the cohort's total; its cells suppressed
    names = {c.name for c in p.candidates.all()}
    cells = {str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row}
    assert not names & cells
    # an amendment granting the surveys too gives nothing until it is signed
    v3 = mou.amend(mou.current(p), u("induction"), "Survey results for the university")
    uni = Grant.objects.filter(mou=v3).get().partner
    r = client_for("coordinator").post(f"/induction/{p.pk}/do/grant/",
                                       {"partner": uni.pk, "what": "surveys"})
    assert r.status_code == 302 and v3.grants.count() == 2
    wb = load_workbook(io.BytesIO(partner.get(xlsx).content))
    assert wb["Surveys"].max_row == 1
    for signer, party in ((u("superintendent"), p.districts.get()),
                          (u("induction"), p.provider)):
        mou.sign(v3, signer, party, signer.get_full_name() or signer.username)
    wb = load_workbook(io.BytesIO(partner.get(xlsx).content))
    assert wb["Surveys"].max_row > 1
    # a signed version's grants are kept; an organisation outside the agreements: refused
    with pytest.raises(ValidationError, match="amend it"):
        Grant.objects.create(mou=v3, partner=p.provider, what="report")
    v4 = mou.amend(v3, u("induction"), "No more surveys for the university")
    assert client_for("induction").post(f"/induction/{p.pk}/do/grant/", {
        "partner": p.provider.pk, "what": "report"}).status_code == 400
    v4.grants.filter(what="surveys").delete()
    assert v4.grants.count() == 1 and v3.grants.count() == 2
    # other partner roles, districts' people without a partner role: no report
    for who in ("netlead", "teacher", "nobody"):
        assert client_for(who).get(xlsx).status_code == 404, who
