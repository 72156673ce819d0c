"""Measured targets: the evaluation rule (pure), a baseline frozen from the warehouse
with its evidence, evaluations recorded with theirs, and network aims built on them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from aimline.data.schema import school_year_of
from aimline.web.networks.models import Aim, Network
from aimline.web.orgs.scope import scope_for
from aimline.web.targets import service
from aimline.web.targets.evaluation import Measured, measure, state
from aimline.web.targets.models import Evaluation, Target
from aimline.web.warehouse import Reader
from tests.web.cast import client_for
from tests.web.test_scope_matrix import q

ROWS = [{"school_id": "A", "numerator": 30.0, "denominator": 100.0, "students": 100.0},
        {"school_id": "B", "numerator": 10.0, "denominator": 50.0, "students": 50.0}]
DUE = dt.date(2027, 6, 30)


def test_counts_are_summed_before_the_rate_is_taken() -> None:
    got = measure(ROWS, ["A", "B"], min_n=10)
    assert (got.value, got.numerator, got.denominator) == (26.7, 40, 150)  # not (30+20)/2
    assert [e["school_id"] for e in got.evidence] == ["A", "B"]


def hidden(school: str, num: float, den: float, n: float) -> dict[str, Any]:
    return {"school_id": school, "numerator": None, "denominator": None, "students": None,
            "suppressed": True, "display": "*", "hidden": (num, den, n)}


def test_a_suppressed_school_counts_in_the_total_without_showing() -> None:
    """The network baseline sums true counts: a small school is added in, not dropped, and
    its counts do not appear in the evidence."""
    rows = [ROWS[0], hidden("B", 2.0, 6.0, 6.0), hidden("C", 3.0, 5.0, 5.0)]
    got = measure(rows, ["A", "B", "C"], min_n=10)
    assert (got.value, got.numerator, got.denominator) == (31.5, 35.0, 111.0)  # 35 / 111
    assert [e["numerator"] for e in got.evidence] == [30.0, None, None]


def test_a_total_that_would_reveal_a_suppressed_cell_is_refused() -> None:
    # one suppressed school: total minus A's published count is that school's cell
    got = measure([ROWS[0], hidden("B", 2.0, 6.0, 6.0)], ["A", "B"], min_n=10)
    assert got.value is None and "would reveal" in got.reason and got.numerator is None
    # two, but with fewer than 10 students between them
    got = measure([ROWS[0], hidden("B", 1.0, 4.0, 4.0), hidden("C", 1.0, 3.0, 3.0)],
                  ["A", "B", "C"], min_n=10)
    assert got.value is None and "would reveal" in got.reason
    assert "school(s) B" in measure(ROWS[:1], ["A", "B"], min_n=10).reason  # not computed
    few = measure([{"school_id": "A", "numerator": 1, "denominator": 180, "students": 8}],
                  ["A"], min_n=10)
    assert few.reason == "fewer than 10 students in the population"  # people, not days


@pytest.mark.parametrize(("value", "higher", "today", "want"), [
    (20.0, False, dt.date(2027, 1, 1), "not_yet_due"),
    (20.0, False, DUE, "attained"),         # 20 <= 22: lower is better
    (24.0, False, DUE, "not_attained"),
    (24.0, True, DUE, "attained"),          # 24 >= 22: higher is better
    (None, True, DUE, "insufficient_data"),
])
def test_the_state_follows_the_metric_s_better_direction(value: float | None, higher: bool,
                                                         today: dt.date, want: str) -> None:
    got = measure([], ["A"], min_n=10) if value is None else Measured(value, 1, 100)
    assert state(got, target=22, higher_is_better=higher, due=DUE, today=today) == want


def test_a_school_year_is_named_by_its_spring() -> None:
    assert school_year_of(dt.date(2026, 9, 1)) == 2027
    assert school_year_of(dt.date(2027, 6, 30)) == 2027


def published(school: str, year: int) -> tuple[float, float]:
    return q("""SELECT numerator, denominator FROM indicators WHERE scope = 'school'
                AND period = 'year' AND metric = 'chronic_absence' AND school_year = ?
                AND group_type = 'all' AND school_id = ?""", year, school)[0]


def lead_of_the_network() -> tuple[Network, Any, list[str], Reader]:
    """The high-school network, its lead, its schools and the lead's reader."""
    net = Network.objects.get(name__startswith="High schools")
    lead = User.objects.get(username="netlead")
    return net, lead, sorted(net.schools.values_list("code", flat=True)), Reader(
        scope_for(lead))


@pytest.mark.django_db
def test_a_target_freezes_its_baseline_with_the_rows_it_came_from() -> None:
    net, lead, schools, reader = lead_of_the_network()
    counts = [published(s, 2025) for s in schools]
    rate = round(100 * sum(n for n, _ in counts) / sum(d for _, d in counts), 1)
    t = service.freeze(reader, lead, metric="chronic_absence", schools=schools,
                       baseline_year=2025, target=rate - 3, due=DUE, network=net)
    assert t.baseline == rate and t.baseline_denominator == sum(d for _, d in counts)
    assert [(e["school_id"], e["numerator"]) for e in t.baseline_evidence] == [
        (s, n) for s, (n, _) in zip(schools, counts)]
    assert t.baseline_load and t.min_n == 10
    with pytest.raises(ValidationError, match="frozen"):
        t.save()
    # an evaluation before the date is recorded as not yet due, with this year's evidence
    e = service.evaluate(t, reader, today=dt.date(2026, 3, 1))
    assert (e.state, e.school_year) == ("not_yet_due", 2026) and e.value is not None
    after = service.evaluate(t, reader, today=DUE)
    assert after.state in ("attained", "not_attained", "insufficient_data")
    assert Evaluation.objects.filter(target=t).count() == 2


@pytest.mark.django_db
def test_a_target_must_improve_and_stay_in_scope() -> None:
    _, lead, schools, reader = lead_of_the_network()
    base = service.freeze(reader, lead, metric="chronic_absence", schools=schools,
                          baseline_year=2025, target=0.5, due=DUE).baseline
    with pytest.raises(ValidationError, match="does not improve on the baseline"):
        service.freeze(reader, lead, metric="chronic_absence", schools=schools,
                       baseline_year=2025, target=base + 1, due=DUE)
    from django.http import Http404

    outside = q("SELECT school_id FROM schools WHERE lea_id = '0200002' LIMIT 1")[0][0]
    with pytest.raises(Http404):
        service.freeze(reader, lead, metric="chronic_absence", schools=[outside],
                       baseline_year=2025, target=1, due=DUE)
    assert Target.objects.filter(target=base + 1).count() == 0


@pytest.mark.django_db
def test_an_approved_aim_carries_its_measured_target_and_is_evaluated_on_the_page() -> None:
    net = Network.objects.get(name__startswith="High schools")
    aim = net.aims.get(school__isnull=True)  # the demo approved it through its target
    t = aim.frozen_target
    assert t is not None and t.baseline == aim.baseline and t.network == net
    assert sorted(t.schools) == sorted(net.schools.values_list("code", flat=True))
    page = client_for("netlead").get(f"/networks/{net.pk}/").content.decode()
    assert "Measured target:" in page and f"/aims/{aim.pk}/evaluate/" in page
    r = client_for("netlead").post(f"/networks/{net.pk}/aims/{aim.pk}/evaluate/")
    assert r.status_code == 302 and t.evaluations.count() == 1
    shown = client_for("netlead").get(f"/networks/{net.pk}/").content.decode()
    assert t.evaluations.get().get_state_display() in shown
    assert client_for("partner").post(
        f"/networks/{net.pk}/aims/{aim.pk}/evaluate/").status_code == 403
    assert t.evaluations.count() == 1
    draft = Aim.objects.create(network=net, metric="chronic_absence", baseline_year=2025,
                               by_date=DUE, target=5)
    assert client_for("netlead").post(
        f"/networks/{net.pk}/aims/{draft.pk}/evaluate/").status_code == 404
