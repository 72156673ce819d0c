"""Changing and deleting what a network made, with the access rules of adding it; the
spread matrix's statuses and counts from the same records; the network's current value
against its aim; monthly charts with a real signal at the story's adopting school."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from aimline.web.networks import measures
from aimline.web.networks.models import (
    Aim,
    ChangeIdea,
    Driver,
    LearningSession,
    Measure,
    Network,
    PDSACycle,
)
from aimline.web.networks.views import idea_status, spread_matrix
from aimline.web.orgs.models import Organisation
from aimline.web.warehouse import Reader
from tests.web.cast import client_for
from tests.web.test_networks import hs

pytestmark = pytest.mark.django_db


def principal_school(net: Network) -> Organisation:
    from aimline.web.orgs.models import Role

    return Role.objects.get(user__username="principal").schools.get()


def team_aim(net: Network) -> Aim:
    school = principal_school(net)
    r = client_for("principal").post(f"/networks/{net.pk}/aims/new/", {
        "school": school.pk, "metric": "chronic_absence", "group": "english_learner:true",
        "baseline_year": 2025, "by_date": "2026-06-30", "target": 12})
    assert r.status_code == 302, r.content.decode()[-1500:]
    return Aim.objects.get(network=net, school=school, group_type="english_learner")


def test_a_team_edits_and_deletes_its_driver() -> None:
    net = hs()
    aim = team_aim(net)
    assert aim.group_value == "true" and "English learners" in aim.statement()
    c = client_for("principal")
    c.post(f"/networks/{net.pk}/aims/{aim.pk}/drivers/", {"text": "Mentors"})
    d = Driver.objects.get(aim=aim, text="Mentors")
    r = c.post(f"/networks/{net.pk}/drivers/{d.pk}/edit/", {"text": "Adult mentors",
                                                            "order": 1})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.text == "Adult mentors"
    # someone who may not write for the team changes nothing
    for who in ("partner", "analyst"):
        r = client_for(who).post(f"/networks/{net.pk}/drivers/{d.pk}/delete/")
        assert r.status_code in (403, 404), who
    assert Driver.objects.filter(pk=d.pk).exists()
    assert c.post(f"/networks/{net.pk}/drivers/{d.pk}/delete/").status_code == 302
    assert not Driver.objects.filter(pk=d.pk).exists()


def test_an_aim_is_edited_until_approved_then_frozen() -> None:
    net = hs()
    aim = team_aim(net)
    c = client_for("principal")
    r = c.post(f"/networks/{net.pk}/aims/{aim.pk}/edit/", {
        "school": aim.school.pk, "metric": "chronic_absence", "group": "disability:true",
        "baseline_year": 2025, "by_date": "2026-06-30", "target": 14})
    assert r.status_code == 302
    aim.refresh_from_db()
    assert (aim.group_type, aim.target) == ("disability", 14)
    assert client_for("netlead").post(f"/networks/{net.pk}/aims/{aim.pk}/approve/"
                                      ).status_code == 302
    r = c.get(f"/networks/{net.pk}/aims/{aim.pk}/edit/")
    assert r.status_code == 409 and "frozen" in r.content.decode()
    assert c.post(f"/networks/{net.pk}/aims/{aim.pk}/delete/").status_code == 403
    assert client_for("netlead").post(f"/networks/{net.pk}/aims/{aim.pk}/delete/"
                                      ).status_code == 302


def test_a_deleted_cycle_leaves_the_log_and_the_charts_together() -> None:
    net = hs()
    school = principal_school(net)
    ramp = list(PDSACycle.objects.filter(network=net, school=school, previous__isnull=False))
    first = ramp[0].previous if ramp else PDSACycle.objects.filter(
        network=net, school=school).first()
    successors = list(PDSACycle.objects.filter(previous=first))
    m = first.measures.first() or net.measures.first()
    before = [a.label for a in measures.annotations(m, school, cycles=True)]
    assert any(first.title[:30] in label for label in before)
    r = client_for("principal").post(
        f"/networks/{net.pk}/teams/{school.code}/pdsa/{first.pk}/delete/")
    assert r.status_code == 302 and not PDSACycle.objects.filter(pk=first.pk).exists()
    after = [a.label for a in measures.annotations(m, school, cycles=True)]
    assert len(after) == len(before) - 1
    for s in successors:
        s.refresh_from_db()
        assert s.previous_id is None  # its own record stays
    cells = spread_matrix(net, Reader(client_for("netlead").get("/").wsgi_request.scope))
    count = {(r["idea"].pk, c["school"].pk): c["cycles"] for r in cells["rows"]
             for c in r["cells"]}
    assert count[(first.change_idea_id, school.pk)] == PDSACycle.objects.filter(
        network=net, school=school, change_idea_id=first.change_idea_id).count()


def test_spread_status_and_counts_come_from_the_same_cycles() -> None:
    net = hs()
    scope = client_for("netlead").get("/").wsgi_request.scope
    for row in spread_matrix(net, Reader(scope))["rows"]:
        for cell in row["cells"]:
            cycles = list(PDSACycle.objects.filter(
                network=net, school=cell["school"], change_idea=row["idea"]).order_by(
                "start", "pk").values("stage", "act"))
            assert cell["cycles"] == len(cycles)
            assert cell["status"] == dict(ChangeIdea.STATUSES)[idea_status(cycles)]
            assert (cell["status"] == "Not tried") == (len(cycles) == 0)


def test_change_ideas_are_edited_and_only_an_untested_one_deleted() -> None:
    net = hs()
    tested = ChangeIdea.objects.filter(network=net, cycles__isnull=False).first()
    lead = client_for("netlead")
    r = lead.post(f"/networks/{net.pk}/ideas/{tested.pk}/edit/", {
        "title": "Same-day calls (bilingual)", "description": "In the family's language"})
    assert r.status_code == 302
    tested.refresh_from_db()
    assert tested.title == "Same-day calls (bilingual)"
    assert lead.post(f"/networks/{net.pk}/ideas/{tested.pk}/delete/").status_code == 409
    fresh = ChangeIdea.objects.create(network=net, title="Walking school bus")
    assert client_for("principal").post(f"/networks/{net.pk}/ideas/{fresh.pk}/delete/"
                                        ).status_code == 403
    assert lead.post(f"/networks/{net.pk}/ideas/{fresh.pk}/delete/").status_code == 302


def test_learning_sessions_are_planned_and_attendance_taken_on_a_page() -> None:
    net = hs()
    lead = client_for("netlead")
    schools = list(net.schools.order_by("code"))
    r = lead.post(f"/networks/{net.pk}/sessions/new/", {
        "title": "Learning session 4: sustaining", "date": "2026-05-12",
        "agenda": "Storyboards\nSpread plans", "attended": [schools[0].pk]})
    assert r.status_code == 302
    s = LearningSession.objects.get(network=net, title="Learning session 4: sustaining")
    assert list(s.attended.all()) == [schools[0]]
    r = lead.post(f"/networks/{net.pk}/sessions/{s.pk}/edit/", {
        "title": s.title, "date": "2026-05-19", "agenda": s.agenda,
        "attended": [x.pk for x in schools]})
    s.refresh_from_db()
    assert r.status_code == 302 and s.date == dt.date(2026, 5, 19)
    assert s.attended.count() == len(schools)
    page = client_for("principal").get(f"/networks/{net.pk}/sessions/{s.pk}/").content
    assert b"Storyboards" in page
    assert client_for("principal").post(f"/networks/{net.pk}/sessions/new/", {
        "title": "x", "date": "2026-05-12"}).status_code == 403


def test_measures_and_schools_are_managed_by_the_lead() -> None:
    net = hs()
    lead = client_for("netlead")
    r = lead.post(f"/networks/{net.pk}/measures/new/", {
        "name": "Families reached (%)", "kind": "process", "metric": "", "unit": "%",
        "higher_is_better": "on"})
    assert r.status_code == 302
    m = Measure.objects.get(network=net, name="Families reached (%)")
    assert lead.post(f"/networks/{net.pk}/measures/{m.pk}/delete/").status_code == 302
    assert not Measure.objects.filter(pk=m.pk).exists()
    # schools: only the districts already in the network are offered
    form = lead.get(f"/networks/{net.pk}/schools/").context["form"]
    offered = set(form.fields["schools"].queryset.values_list("code", flat=True))
    assert offered and not [c for c in offered if c.startswith("X")]  # the other district
    keep = list(net.schools.order_by("code"))[:1]
    assert lead.post(f"/networks/{net.pk}/schools/", {"schools": [s.pk for s in keep]}
                     ).status_code == 302
    assert list(net.schools.all()) == keep
    other = Organisation.objects.filter(kind="school", code__startswith="X").first()
    r = lead.post(f"/networks/{net.pk}/schools/", {"schools": [other.pk]})
    assert r.status_code == 400 and list(net.schools.all()) == keep
    assert client_for("principal").get(f"/networks/{net.pk}/schools/").status_code == 403


def test_the_network_page_shows_where_it_stands_against_its_aim() -> None:
    net = hs()
    aim = net.aims.get(school__isnull=True)
    page = client_for("netlead").get(f"/networks/{net.pk}/")
    now = page.context["now"]
    assert now["value"] is not None and now["year"] == 2026
    assert "Now:" in page.content.decode()
    assert now["past_due"] == (aim.by_date < dt.date.today())
    Aim.objects.filter(pk=aim.pk).update(by_date=dt.date(2020, 6, 30))
    assert "The aim's date has passed" in client_for("netlead").get(
        f"/networks/{net.pk}/").content.decode()


def test_the_story_school_signals_after_adoption_and_the_others_do_not() -> None:
    """The synthetic district's story: absences fall at the adopting school from its
    adoption date; its monthly chart (baseline frozen at adoption) signals after it."""
    net = hs()
    outcome = net.measures.get(kind="outcome")
    lead = User.objects.get(username="netlead")
    from aimline.web.orgs.scope import scope_for

    reader = Reader(scope_for(lead))
    frozen = {c.school_id for c in outcome.changes.filter(kind="freeze")}
    assert frozen, "the demo froze the baseline where the change was adopted"
    for school in net.schools.all():
        t = measures.chart(outcome, school, reader, cycles=False)
        assert t.result is not None, t.reason
        pts = t.result.points
        assert t.result.rule_set.rules  # a per-month rate: the rules apply
        after = pts[~pts.baseline]
        if school.pk in frozen:
            assert after.signal.any() and (after.y < pts[pts.baseline].cl.iloc[0]).mean() > .8


def test_a_team_removes_a_chart_change_and_a_value_it_entered() -> None:
    from aimline.web.networks.models import ChartChange, MeasureValue

    net = hs()
    school = principal_school(net)
    hand = net.measures.filter(metric="").first()
    v = MeasureValue.objects.filter(measure=hand, school=school).first()
    ch = ChartChange.objects.filter(school=school).first() or ChartChange.objects.create(
        measure=hand, school=school, kind="part", date=v.date, why="test",
        by=User.objects.get(username="netlead"))
    base = f"/networks/{net.pk}/teams/{school.code}"
    assert client_for("partner").post(f"{base}/values/{v.pk}/delete/").status_code in (
        403, 404)
    c = client_for("principal")
    assert c.post(f"{base}/values/{v.pk}/delete/").status_code == 302
    assert c.post(f"{base}/changes/{ch.pk}/delete/").status_code == 302
    assert not MeasureValue.objects.filter(pk=v.pk).exists()
    assert not ChartChange.objects.filter(pk=ch.pk).exists()
    assert c.post(f"{base}/nothing/1/delete/").status_code == 404


def test_an_author_withdraws_a_recommendation_and_corrects_an_intervention() -> None:
    from aimline.web.audits.models import EquityAudit, Recommendation
    from aimline.web.orgs.models import Role
    from aimline.web.students.models import Intervention

    a = EquityAudit.objects.get(created_by__username="partner")
    c = client_for("analyst")
    c.post(f"/audits/{a.pk}/recommendations/", {"school_id": "", "text": "Tutors"})
    rec = Recommendation.objects.get(audit=a, text="Tutors")
    assert client_for("partner").post(
        f"/audits/{a.pk}/recommendations/{rec.pk}/delete/").status_code == 404  # not theirs
    assert c.post(f"/audits/{a.pk}/recommendations/{rec.pk}/delete/").status_code == 302
    assert not Recommendation.objects.filter(pk=rec.pk).exists()

    sid = Role.objects.get(user__username="teacher").roster[0]
    p = client_for("principal")
    p.post(f"/students/{sid}/", {"kind": "mentoring", "start": "2026-01-05",
                                 "owner": "Ms Diaz", "note": "Weekly check-in"})
    iv = Intervention.objects.filter(student_id=sid, note="Weekly check-in").get()
    r = p.post(f"/students/{sid}/", {"intervention_id": iv.pk, "kind": "mentoring",
                                     "start": "2026-01-05", "end": "2026-03-01",
                                     "owner": "Ms Diaz", "note": "Weekly check-in, ended"})
    assert r.status_code == 302
    iv.refresh_from_db()
    assert iv.end == dt.date(2026, 3, 1) and iv.note.endswith("ended")
    assert Intervention.objects.filter(student_id=sid).count() >= 1
    # another person cannot correct it
    r = client_for("admin").post(f"/students/{sid}/", {
        "intervention_id": iv.pk, "kind": "mentoring", "start": "2026-01-05",
        "owner": "x", "note": "changed"})
    assert r.status_code == 404
    iv.refresh_from_db()
    assert iv.note.endswith("ended")
