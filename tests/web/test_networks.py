"""Networks: the PDSA and aim rules, who reads and writes what, measures with PDSA
annotations and chart parts, the status report as a real PDF."""

from __future__ import annotations

import io

import duckdb
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from aimline.web.networks.models import Aim, ChangeIdea, Measure, MeasureValue, Network, PDSACycle
from aimline.web.orgs.models import Role
from tests.web.cast import client_for

pytestmark = pytest.mark.django_db


def hs() -> Network:
    return Network.objects.get(name="High schools on chronic absence")


def elementary() -> Network:
    return Network.objects.get(name="Elementary attendance network")


def cycle(**kw: object) -> PDSACycle:
    net = hs()
    base = {"network": net, "school": net.schools.first(), "created_by":
            User.objects.get(username="netlead"), "change_idea": net.change_ideas.first(),
            "title": "t", "question": "q"}
    return PDSACycle(**{**base, **kw})


def test_a_cycle_needs_a_prediction_before_do() -> None:
    with pytest.raises(ValidationError, match="prediction"):
        cycle(stage="do").save()
    cycle(stage="plan").save()  # planning without a prediction yet is fine
    cycle(stage="do", prediction="7 in 10 families reached").save()


def test_a_cycle_cannot_close_without_study_and_a_decision() -> None:
    with pytest.raises(ValidationError, match="study"):
        cycle(stage="closed", prediction="p", act="adopt").save()
    with pytest.raises(ValidationError, match="adapt, adopt or abandon"):
        cycle(stage="closed", prediction="p", study_notes="s").save()
    cycle(stage="closed", prediction="p", study_notes="as predicted", act="adopt").save()


def test_the_rules_hold_through_the_api() -> None:
    net = hs()
    c = client_for("principal")
    body = {"school": net.schools.first().code, "change_idea": net.change_ideas.first().pk,
            "title": "Try calls", "question": "q", "start": "2026-01-05", "stage": "closed",
            "prediction": "p", "act": "adopt"}
    r = c.post(f"/api/networks/{net.pk}/cycles", body, content_type="application/json")
    assert r.status_code == 422 and "study" in r.json()["detail"]
    body["study_notes"] = "calls reached 7 in 10"
    r = c.post(f"/api/networks/{net.pk}/cycles", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["stage"] == "closed"


def warehouse_rate(aim: Aim) -> float:
    """The baseline by hand: the schools' counts summed, straight from the warehouse."""
    codes = [aim.school.code] if aim.school else [s.code for s in aim.network.schools.all()]
    con = duckdb.connect(str(settings.WAREHOUSE), read_only=True)
    rows = con.execute("""SELECT school_id, numerator, denominator FROM indicators
                          WHERE scope = 'school' AND period = 'year' AND metric = ?
                          AND school_year = ? AND group_type = 'all'""",
                       [aim.metric, aim.baseline_year]).fetchall()
    con.close()
    num = sum(n for s, n, _ in rows if s in codes)
    den = sum(d for s, _, d in rows if s in codes)
    return round(100 * num / den, 1)


def test_aim_baseline_is_computed_and_frozen_on_approval() -> None:
    net = hs()
    c = client_for("principal")
    school = net.schools.first()
    r = c.post(f"/networks/{net.pk}/aims/new/", {
        "school": school.pk, "metric": "attendance_rate", "group": "all:all",
        "baseline_year": 2025, "by_date": "2026-06-30", "target": 95})
    assert r.status_code == 302
    aim = Aim.objects.get(school=school, metric="attendance_rate")
    assert aim.baseline is None and not aim.approved
    # a team cannot approve its own aim; the network lead can
    assert c.post(f"/networks/{net.pk}/aims/{aim.pk}/approve/").status_code == 403
    assert client_for("netlead").post(
        f"/networks/{net.pk}/aims/{aim.pk}/approve/").status_code == 302
    aim.refresh_from_db()
    assert aim.approved and aim.baseline == warehouse_rate(aim)
    assert f"from {aim.baseline:.1f} to 95" in aim.statement()
    aim.baseline = 50.0
    with pytest.raises(ValidationError, match="frozen"):
        aim.save()
    with pytest.raises(ValidationError, match="approved already"):
        Aim.objects.get(pk=aim.pk).approve(User.objects.get(username="netlead"), 1.0)
    # the demo network's aim was approved the same way
    demo = hs().aims.get(school__isnull=True)
    assert demo.approved and demo.baseline == warehouse_rate(demo)


@pytest.mark.parametrize(("user", "hs_cycles", "elem_cycles"), [
    ("netlead", 200, 404),     # their network only
    ("coach", 200, 404),
    ("principal", 200, 404),   # a high school team
    ("teacher", 200, 404),
    ("supervisor", 404, 200),  # elementary schools: the other network
    ("partner", 403, 403),     # aggregates only: networks yes, PDSA cycles no
    ("admin", 200, 200),       # student-level access to every school of the district
    ("other_admin", 404, 404),
    ("nobody", 404, 404),
])
def test_who_reads_pdsa_cycles(user: str, hs_cycles: int, elem_cycles: int) -> None:
    c = client_for(user)
    for net, want in ((hs(), hs_cycles), (elementary(), elem_cycles)):
        assert c.get(f"/api/networks/{net.pk}/cycles").status_code == want, net.name
        school = net.schools.first().code
        page = c.get(f"/networks/{net.pk}/teams/{school}/").status_code
        assert page == (200 if want == 200 else 404), net.name
        home = c.get(f"/networks/{net.pk}/").status_code
        assert home == (404 if want == 404 else 200), net.name


def test_only_the_team_or_the_lead_writes() -> None:
    net = hs()
    school = net.schools.first().code
    body = {"school": school, "change_idea": net.change_ideas.first().pk, "title": "x",
            "question": "q", "start": "2026-01-05"}
    for user, want in (("teacher", 201), ("netlead", 201), ("admin", 403), ("partner", 404),
                       ("supervisor", 404)):
        r = client_for(user).post(f"/api/networks/{net.pk}/cycles", body,
                                  content_type="application/json")
        assert r.status_code == want, user
    assert client_for("admin").get(
        f"/networks/{net.pk}/teams/{school}/pdsa/new/").status_code == 403


def test_measure_values_csv_all_or_nothing_and_pdsa_on_the_chart() -> None:
    net = hs()
    school = net.schools.first()
    m = Measure.objects.create(network=net, name="Mentor check-ins", kind="process")
    url = f"/networks/{net.pk}/measures/{m.pk}/values/{school.code}/"
    c = client_for("principal")
    bad = io.BytesIO(b"date,value,n\n2026-01-05,10,20\n2026-01-12,30,20\n")
    bad.name = "v.csv"
    r = c.post(url, {"csv": bad})
    assert r.status_code == 400 and "row 3" in r.content.decode()
    assert not MeasureValue.objects.filter(measure=m).exists()
    rows = "".join(f"2026-{1 + w // 4:02d}-{1 + 7 * (w % 4):02d},{8 + w % 5},20\n"
                   for w in range(16))
    good = io.BytesIO(("date,value,n\n" + rows).encode())
    good.name = "v.csv"
    assert c.post(url, {"csv": good}).status_code == 302
    assert MeasureValue.objects.filter(measure=m, school=school).count() == 16
    cyc = cycle(title="Mentor lunches", start="2026-02-08", school=school)
    cyc.save()
    cyc.measures.set([m])
    chart = c.get(f"/api/networks/{net.pk}/measures/{m.pk}/chart?school={school.code}").json()
    assert chart["chart"] == "p" and len(chart["points"]) == 16
    assert {"x": "2026-02-08", "label": "PDSA: Mentor lunches", "kind": "pdsa"} in \
        chart["annotations"]
    # a new part from the change: limits recomputed from that date on
    r = c.post(f"/networks/{net.pk}/measures/{m.pk}/changes/{school.code}/",
               {"kind": "part", "date": "2026-03-01", "why": "mentor lunches adopted"})
    assert r.status_code == 302
    pts = c.get(f"/api/networks/{net.pk}/measures/{m.pk}/chart?school={school.code}"
                ).json()["points"]
    assert len({p["cl"] for p in pts[:8]}) == 1 and pts[7]["cl"] != pts[8]["cl"]


def test_status_report_pdf() -> None:
    net = hs()
    r = client_for("netlead").get(f"/networks/{net.pk}/report.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    text = " ".join(text.split())
    aim = net.aims.get(school__isnull=True)
    assert net.name in text and f"from {aim.baseline:.1f} to 15" in text
    closed = PDSACycle.objects.filter(network=net, stage="closed").count()
    assert f"PDSA cycles: {closed} closed" in text
    for idea in ChangeIdea.objects.filter(network=net):
        assert idea.title in text
    assert client_for("partner").get(f"/networks/{net.pk}/report.pdf").status_code == 403
    assert Role.objects.filter(role="network_lead").exists()


def test_network_detail_api_holds_the_driver_diagram_and_sessions() -> None:
    net = hs()
    d = client_for("partner").get(f"/api/networks/{net.pk}").json()
    aim = next(a for a in d["aims"] if a["school"] is None)
    primary = [x for x in aim["drivers"] if x["parent"] is None]
    secondary = [x for x in aim["drivers"] if x["parent"] is not None]
    assert len(primary) == 3 and len(secondary) == 6
    assert {x["parent"] for x in secondary} == {x["id"] for x in primary}
    linked = {c for x in aim["drivers"] for c in x["change_ideas"]}
    assert linked == {c["id"] for c in d["change_ideas"]}
    assert [s["title"][:18] for s in d["sessions"]] == ["Learning session 1",
                                                         "Learning session 2",
                                                         "Learning session 3"]
    assert d["phase"] == "spreading"


def test_a_network_without_schools_gets_no_baseline_and_no_server_error() -> None:
    empty = Network.objects.create(name="Not yet staffed")
    aim = Aim.objects.create(network=empty, metric="chronic_absence", baseline_year=2026,
                             by_date="2027-06-30", target=10)
    lead = User.objects.get(username="netlead")
    Role.objects.create(user=lead, role=Role.NETWORK_LEAD, network=empty)
    r = client_for("netlead").post(f"/networks/{empty.pk}/aims/{aim.pk}/approve/")
    assert r.status_code == 400 and "no baseline can be published" in r.content.decode()
    aim.refresh_from_db()
    assert not aim.approved and aim.baseline is None


def test_pdsa_titles_reach_only_those_who_may_read_the_cycles() -> None:
    """Partners and network roles outside a team see a network's measures as aggregates:
    the chart, the network page and the API carry phases but no PDSA cycle titles."""
    net = hs()
    titles = list(PDSACycle.objects.filter(network=net, measures__isnull=False)
                  .values_list("title", flat=True).distinct())
    assert titles, "the demo's cycles are drawn on its measures"
    m = net.measures.filter(cycles__isnull=False).first()
    school = PDSACycle.objects.filter(network=net, measures=m).first().school.code
    chart = f"/api/networks/{net.pk}/measures/{m.pk}/chart?school={school}"
    for user, sees in (("netlead", True), ("principal", True), ("partner", False)):
        c = client_for(user)
        notes = c.get(chart).json()["annotations"]
        assert any(a["kind"] == "pdsa" for a in notes) == sees, user
        assert any(a["kind"] == "phase" for a in notes), user
        page = c.get(f"/networks/{net.pk}/?measure={m.pk}").content.decode()
        assert any(t[:30] in page for t in titles) == sees, user
        assert c.get(f"/api/networks/{net.pk}/cycles").status_code == (200 if sees else 403)


def test_a_measure_whose_metric_left_the_catalog_is_no_server_error() -> None:
    net = hs()
    m = Measure.objects.create(network=net, name="Old metric", kind="outcome",
                               metric="retired_metric")  # saved without clean()
    c = client_for("netlead")
    assert c.get(f"/networks/{net.pk}/?measure={m.pk}").status_code == 200
    school = net.schools.first().code
    r = c.get(f"/api/networks/{net.pk}/measures/{m.pk}/chart?school={school}")
    assert r.status_code == 200 and "no longer in the metric catalog" in r.json()["reason"]
    Aim.objects.create(network=net, metric="retired_metric", baseline_year=2026,
                       by_date="2027-06-30", target=10)
    assert c.get(f"/networks/{net.pk}/").status_code == 200
    assert c.get(f"/api/networks/{net.pk}").status_code == 200


def test_hand_entered_values_below_the_minimum_n_never_leave() -> None:
    """A value a team types in with n = 3 is suppressed like a computed cell of 3
    students: no chart point, for the team and for partners alike."""
    net = hs()
    school = net.schools.first()
    m = Measure.objects.create(network=net, name="Families reached", kind="process")
    lead = User.objects.get(username="netlead")
    for w in range(12):
        MeasureValue.objects.create(measure=m, school=school, entered_by=lead,
                                    date=f"2026-{1 + w // 4:02d}-{1 + 7 * (w % 4):02d}",
                                    value=2 if w == 5 else 8 + w % 3, n=3 if w == 5 else 20)
    for user in ("partner", "netlead"):
        chart = client_for(user).get(
            f"/api/networks/{net.pk}/measures/{m.pk}/chart?school={school.code}").json()
        assert len(chart["points"]) == 11, user
        assert "2026-02-08" not in {p["x"][:10] for p in chart["points"]}, user
        assert "1 value(s) with n below 10 are suppressed" in chart["reason"], user


def test_the_network_list_query_agrees_with_the_read_rule() -> None:
    """`readable_networks` is the "read" rule written as SQL: the same networks, for every
    person, as asking the rule of each network."""
    from aimline.web.access import Net
    from aimline.web.networks.access import NETWORKS
    from aimline.web.orgs.scope import readable_networks, scope_for

    for user in User.objects.all():
        scope = scope_for(user)
        by_rule = {n.pk for n in Network.objects.all()
                   if NETWORKS.allows(scope, "read", Net.of(n))}
        assert {n.pk for n in readable_networks(scope)} == by_rule, user.username
