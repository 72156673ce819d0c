"""Surveys on the site: anonymous personal links that take one response, the results
through `aimline.surveys` with suppression, the XLSX, and who reads them. The demo's
partnership survey is the fixture (20 candidates in two cohorts, 6 employers, 3 coaches)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from aimline.web.surveys import service
from aimline.web.surveys.models import Answer, Item, Link, Response, Survey
from tests.web.cast import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> Survey:
    return Survey.objects.get(title__startswith="Induction programme survey")


def rows(s: Survey, by: str = "group") -> dict[tuple[str, str], dict]:
    return {(it["item"].text.split()[-1], r["group"]): r for it in service.results(s, by)
            for r in it["rows"]}


def test_the_demo_survey_says_what_the_partnership_reported(s) -> None:
    got = rows(s)
    assert got["development", "candidate"]["share"] == 0.75  # invests in development
    assert got["connections", "candidate"]["share"] == 0.90
    assert got["development", "candidate"]["n"] == 20
    # 3 coaches: suppressed; the employers (6) too, or all - candidates would reveal them
    assert got["development", "coach"]["suppressed"]
    assert got["development", "coach"]["counts"] is None
    assert got["development", "employer"]["suppressed"]
    assert got["development", "all"]["n"] == 29
    # by cohort: two cohorts of candidates; the employers and coaches answered as the second
    cohorts = {g for (_, g) in rows(s, "cohort")}
    assert len(cohorts) == 3  # two cohorts and all


def test_anonymous_responses_keep_no_respondent_and_links_no_time(s) -> None:
    assert not Response.objects.filter(survey=s).exclude(respondent=None, link=None).exists()
    assert {f.name for f in Link._meta.get_fields()} & {"used_at", "answered_at"} == set()
    r = Response(survey=s, group="coach", submitted_on="2026-04-01",
                 link=Link.objects.filter(survey=s).first())
    with pytest.raises(ValidationError, match="records no respondent"):
        r.save()


def test_a_link_takes_one_response_and_a_second_changes_nothing(s, client) -> None:
    link, token = Link.make(s, "employer")
    item = s.items.first()
    assert client.get(f"/s/{token}/").status_code == 200  # no sign-in
    r = client.post(f"/s/{token}/", {f"item-{item.pk}": "4"})
    assert r.status_code == 200 and b"your response is saved" in r.content
    before = (Response.objects.count(), Answer.objects.count())
    r = client.post(f"/s/{token}/", {f"item-{item.pk}": "1"})
    assert r.status_code == 409 and b"already been used" in r.content
    with pytest.raises(service.Used):
        service.respond(Link.objects.get(pk=link.pk), {item.pk: 2})
    assert (Response.objects.count(), Answer.objects.count()) == before
    assert client.get("/s/not-a-token/").status_code == 404


def test_an_answer_off_the_scale_is_refused_and_the_link_stays_unused(s, client) -> None:
    link, token = Link.make(s, "employer")
    item = s.items.first()
    before = Response.objects.count()
    r = client.post(f"/s/{token}/", {f"item-{item.pk}": "7"})
    assert r.status_code == 400 and "not one of the answers" in r.content.decode()
    assert Response.objects.count() == before and not Link.objects.get(pk=link.pk).used


def test_open_text_shows_only_where_enough_answered(s) -> None:
    text = next(it for it in service.results(s) if it["item"].kind == Item.TEXT)
    assert text["answered"] == 7 and len(text["texts"]) == 7  # 7 >= 5
    s.min_n = 8
    s.save()
    text = next(it for it in service.results(s) if it["item"].kind == Item.TEXT)
    assert text["texts"] is None


@pytest.mark.parametrize(("who", "status"), [
    ("induction", 200), ("coordinator", 200), ("newadmin01", 404), ("icoach1", 404),
    ("admin", 404), ("nobody", 404)])
def test_who_reads_the_results(s, who: str, status: int) -> None:
    assert client_for(who).get(f"/surveys/{s.pk}/").status_code == status
    assert client_for(who).get(f"/surveys/{s.pk}/results.xlsx").status_code == status


def test_the_results_page_and_workbook_never_show_a_suppressed_number(s) -> None:
    page = client_for("coordinator").get(f"/surveys/{s.pk}/").content.decode()
    assert "<strong>75%</strong>" in page and "<strong>90%</strong>" in page
    assert "suppressed (fewer than 5" in page
    wb = load_workbook(io.BytesIO(client_for("coordinator").get(
        f"/surveys/{s.pk}/results.xlsx").content))
    sheet = wb["By group"]
    coach = [row for row in sheet.iter_rows(values_only=True) if row[1] == "coach"]
    assert coach and all(row[2:] == ("suppressed",) * 3 for row in coach)
    shares = {(row[0], row[1]): row[4] for row in sheet.iter_rows(values_only=True)}
    assert shares["The district invests in my leadership development", "candidate"] == 75.0


def test_links_for_signed_in_people_and_addresses(s) -> None:
    staff = client_for("induction")
    r = staff.post(f"/surveys/{s.pk}/links/", {"group": "coach", "people": "icoach2 x@y.z"})
    assert r.status_code == 200 and r.content.count(b"/s/") == 2
    mine = client_for("icoach2")
    assert b"For you to answer" in mine.get("/surveys/").content
    assert mine.get(f"/surveys/{s.pk}/answer/").status_code == 200
    assert client_for("icoach1").get(f"/surveys/{s.pk}/answer/").status_code == 404
    r = staff.post(f"/surveys/{s.pk}/links/", {"group": "coach", "people": "ghost"})
    assert Link.objects.filter(survey=s, person__isnull=False).count() == 1
    assert client_for("coordinator").post(f"/surveys/{s.pk}/links/", {
        "group": "coach", "people": "x@y.z"}).status_code == 403  # a reader, not staff


def test_staff_make_a_survey_for_the_partnership_and_keep_its_instrument() -> None:
    from aimline.web.induction.models import Partnership

    p = Partnership.objects.get()
    staff = client_for("induction")
    assert client_for("coordinator").post(f"/induction/{p.pk}/do/survey/",
                                          {"title": "Mine"}).status_code == 403
    assert staff.post(f"/induction/{p.pk}/do/survey/", {"title": "Coach survey 2026"}
                      ).status_code == 302
    new = p.surveys.get(title="Coach survey 2026")
    assert set(new.readers.values_list("username", flat=True)) == {"coordinator"}
    edit = f"/surveys/{new.pk}/edit/"
    assert client_for("coordinator").get(edit).status_code == 403  # a reader, not staff
    item = {"do": "item", "kind": "scale", "text": "How ready do you feel?",
            "choices": "Not yet\nSomewhat\nReady\nVery ready", "agree_from": "3"}
    assert staff.post(edit, item).status_code == 302
    it = new.items.get()
    assert (it.choices, it.agree_from) == (["Not yet", "Somewhat", "Ready", "Very ready"], 3)
    for bad in ({**item, "choices": "Only one"}, {**item, "agree_from": "9"},
                {**item, "kind": "likert"}):  # an agreement item has no options of its own
        assert staff.post(edit, bad).status_code == 400
    assert new.items.count() == 1
    assert staff.post(edit, {"do": "item", "kind": "likert", "text": "My coach listens",
                             "choices": ""}).status_code == 302
    # once someone has answered, the items and the anonymity are fixed
    link, _ = Link.make(new, "coach")
    service.respond(link, {i.pk: "3" if i.kind == "scale" else "4" for i in new.items.all()})
    assert staff.post(edit, {**item, "text": "Another"}).status_code == 400
    assert staff.post(edit, {"do": "remove", "item": it.pk}).status_code == 400
    settings = {"do": "settings", "title": "Coach survey 2026", "intro": "",
                "audiences": ["coach"], "min_n": "5", "opens": "", "closes": ""}
    r = staff.post(edit, settings)  # anonymous unticked: refused, as it was answered
    assert r.status_code == 400 and Survey.objects.get(pk=new.pk).anonymous
    assert staff.post(edit, {**settings, "anonymous": "on", "min_n": "7"}).status_code == 302
    got = Survey.objects.get(pk=new.pk)
    assert (got.min_n, got.audiences, got.items.count()) == (7, ["coach"], 2)
