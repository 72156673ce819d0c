"""The school dashboard, Schools page and home say what their numbers are: n is
students, gaps come from unrounded rates with their direction, groups and sparklines in
words, the district's own row."""

from __future__ import annotations

import pytest

from aimline.metrics import groups
from aimline.web.orgs.models import Role
from tests.web.cast import client_for
from tests.web.test_scope_matrix import q

pytestmark = pytest.mark.django_db


def school() -> str:
    return Role.objects.get(user__username="principal").schools.get().code


def test_n_is_students_and_gaps_come_from_unrounded_rates() -> None:
    sid = school()
    r = client_for("principal").get(f"/schools/{sid}/?metric=attendance_rate&year=2026")
    rows = {x["metric"].id: x for x in r.context["rows"]}
    (students, days), = q("""SELECT students, denominator FROM indicators WHERE
        metric = 'attendance_rate' AND school_id = ? AND school_year = 2026
        AND period = 'year' AND group_type = 'all'""", sid)
    assert rows["attendance_rate"]["n"] == students and days > 10 * students
    exact = {(t, v): 100 * n / d for t, v, n, d in q(
        """SELECT group_type, group_value, numerator, denominator FROM indicators
           WHERE metric = 'attendance_rate' AND school_id = ? AND school_year = 2026
           AND period = 'year' AND NOT suppressed""", sid)}
    for g in r.context["groups"]:
        if g["gap_all"] is None or g["suppressed"]:
            continue
        key = next(k for k in exact if k[0] == g["type"] and groups.title(*k) == g["label"])
        want = round(exact[key] - exact[("all", "all")], 1)
        assert g["gap_all"]["value"] == want
        assert g["gap_all"]["sense"] == ("same" if want == 0 else
                                         "better" if want > 0 else "worse")
    page = r.content.decode()
    assert "all:all" not in page and "taken between unrounded rates" in page


def test_the_schools_page_has_the_districts_row_and_groups_in_words() -> None:
    r = client_for("admin").get("/district/?metric=chronic_absence&year=2026")
    assert [d["lea_id"] for d in r.context["districts"]] == ["0100001"]
    labels = dict(r.context["groups"])
    assert labels["all:all"] == "All students" and labels["english_learner:true"] == \
        "English learners"
    page = r.content.decode()
    assert "(district)" in page and ">all:all<" not in page


def test_home_sparklines_say_what_they_show() -> None:
    page = client_for("principal").get("/").content.decode()
    assert "Chronically absent by month:" in page and "%" in page
