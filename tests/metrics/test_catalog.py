"""Every metric on the tiny district, against numbers worked out by hand (see tiny.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from aimline.metrics import catalog, engine
from tests.metrics import tiny

A, B, C = "1001", "1002", "3001"


@pytest.fixture(scope="module")
def wh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny.warehouse(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def year(wh: Path) -> pd.DataFrame:
    return engine.compute(wh, tiny.YEAR, suppress=False)


def cell(df: pd.DataFrame, metric: str, school: str | None, group: str = "all",
         value: str = "all", period_end: str | None = None) -> tuple[float, float]:
    rows = df[(df.metric == metric) & (df.group_type == group) & (df.group_value == value)]
    rows = rows[rows.school_id == school] if school else rows[rows.scope == "district"]
    if period_end:
        rows = rows[rows.period_end == pd.Timestamp(period_end).date()]
    assert len(rows) == 1, (metric, school, group, value, rows)
    return rows.numerator.iloc[0], rows.denominator.iloc[0]


# (metric, school or None for the district, numerator, denominator), worked by hand
EXPECTED = [
    # chronic: A = s1 (2/20), s4 (1/10); s2 at 7.5% is not; s3 has only 5 days
    ("chronic_absence", A, 2, 3), ("chronic_absence", B, 1, 3), ("chronic_absence", C, 0, 4),
    # district: s4 has 20 days and 1 absence (5%); s1 and s5 are chronic; s3, s11 < 10 days
    ("chronic_absence", None, 2, 9),
    ("attendance_rate", A, 18 + 18.5 + 5 + 9, 20 + 20 + 5 + 10),
    ("attendance_rate", B, 10 + 16 + 20, 10 + 20 + 20),
    ("attendance_tier_at_risk", A, 1, 3), ("attendance_tier_moderate", A, 2, 3),
    ("attendance_tier_satisfactory", B, 2, 3), ("attendance_tier_severe", B, 1, 3),
    ("attendance_tier_at_risk", None, 3, 9),  # s2 (7.5%), s4 (1/20) and s8 (1/20)
    # course failure: A s1 (F math), s4 (F ela) of s1, s2, s4; C both; district 4 of 6
    ("course_failure", A, 2, 3), ("course_failure", B, 0, 1), ("course_failure", C, 2, 2),
    ("course_failure", None, 4, 6),
    ("ninth_grade_on_track", C, 1, 2),
    # suspension: s5 at B (OSS); s7's detention is not a suspension
    ("suspension", B, 1, 3), ("suspension", A, 0, 4), ("suspension", None, 1, 11),
    ("suspensions_per_100", B, 1, 3),
    ("proficiency_ela", C, 1, 2),
    ("graduation_4yr", C, 1, 2),  # s11 transferred out of the cohort
    # ABC flags at A: s1 (F), s4 (F) have one; s2, s3 none. At B: s5 has two (A, B)
    ("ews_abc_0", A, 2, 4), ("ews_abc_1", A, 2, 4), ("ews_abc_2", B, 1, 3),
    ("ews_abc_0", B, 2, 3),
]


@pytest.mark.parametrize(("metric", "school", "num", "den"), EXPECTED,
                         ids=[f"{m}-{s or 'district'}" for m, s, _, _ in EXPECTED])
def test_metric_matches_the_hand_worked_number(year: pd.DataFrame, metric: str,
                                               school: str | None, num: float,
                                               den: float) -> None:
    assert cell(year, metric, school) == (pytest.approx(num), pytest.approx(den))


def test_a_group_is_counted_within_its_school(year: pd.DataFrame) -> None:
    # economically disadvantaged at A: s1 and s4, both chronic; not: s2 (s3 too few days)
    assert cell(year, "chronic_absence", A, "economically_disadvantaged", "true") == (2, 2)
    assert cell(year, "chronic_absence", A, "economically_disadvantaged", "false") == (0, 1)
    assert cell(year, "chronic_absence", A, "grade_level", "04") == (1, 1)
    # s6 is in no group (every flag false): counted in the 'false' cells and in 'all'
    assert cell(year, "attendance_rate", B, "english_learner", "false")[1] == 50


def test_cumulative_weeks_move_during_the_year(wh: Path) -> None:
    weeks = engine.compute(wh, tiny.YEAR, metrics=["chronic_absence"], period="week_to_date",
                           suppress=False)
    # to Sunday 21 Sep: s1 2/14, s2 1.5/14 (10.7%), s4 1/10 are all chronic; s3 not yet in
    assert cell(weeks, "chronic_absence", A, period_end="2025-09-21") == (3, 3)
    # by the end of the year s2 has 1.5/20 = 7.5%
    assert cell(weeks, "chronic_absence", A, period_end="2026-06-30") == (2, 3)
    months = engine.compute(wh, tiny.YEAR, metrics=["attendance_rate"],
                            period="month_to_date", suppress=False)
    assert cell(months, "attendance_rate", A, period_end="2025-09-30") == (50.5, 55)
    assert (months.period_start == pd.Timestamp("2025-07-01").date()).all()


def test_a_week_counts_its_own_days(wh: Path) -> None:
    weeks = engine.compute(wh, tiny.YEAR, metrics=["attendance_rate"], period="week",
                           suppress=False)
    # 8-14 Sep at A: s1, s2, s4 5 days each (s3 not yet in); s2 misses 1.5, s4 1
    assert cell(weeks, "attendance_rate", A, period_end="2025-09-14") == (12.5, 15)
    # 15-21 Sep: s1, s2 5 days, s4 1 (leaves 15 Sep), no absence
    assert cell(weeks, "attendance_rate", A, period_end="2025-09-21") == (11, 11)
    w = weeks[weeks.period_end == pd.Timestamp("2025-09-14").date()]
    assert (w.period_start == pd.Timestamp("2025-09-08").date()).all()
    # a week's own days and its to-date total agree: the weeks add up to the year
    to_date = engine.compute(wh, tiny.YEAR, metrics=["attendance_rate"],
                             period="week_to_date", suppress=False)
    key = ["scope", "school_id", "group_type", "group_value"]
    own = weeks.groupby(key, dropna=False)[["numerator", "denominator"]].sum()
    last = to_date[to_date.period_end == to_date.period_end.max()].set_index(key)
    pd.testing.assert_frame_equal(own.sort_index(),
                                  last[["numerator", "denominator"]].sort_index(),
                                  check_dtype=False)


def test_chronic_absence_by_week_is_refused(wh: Path) -> None:
    with pytest.raises(engine.MetricsError, match="not by week"):
        engine.compute(wh, tiny.YEAR, metrics=["chronic_absence"], period="week")


def test_a_states_half_day_rule_is_an_option(wh: Path) -> None:
    half = engine.compute(wh, tiny.YEAR, metrics=["chronic_absence"], suppress=False,
                          options={"chronic_absence": {"partial_day_threshold": 0.5}})
    assert cell(half, "chronic_absence", A) == (3, 3)  # s2's half day now counts as a day


def test_every_metric_has_its_facts() -> None:
    for m in catalog.all_metrics():
        assert m.title and m.source and m.numerator and m.denominator and m.definition, m.id
        assert m.unit in ("percent", "per_100")
        assert m.units.__doc__ or m.definition


def test_an_unknown_metric_is_a_key_error_and_a_value_error() -> None:
    """Lookups catch KeyError, input checks ValueError: both see an unknown metric."""
    for kind in (KeyError, ValueError):
        with pytest.raises(kind, match="unknown metric 'nope'; metrics are: attendance_rate"):
            catalog.get("nope")


def test_the_catalog_collects_each_module_s_records() -> None:
    from aimline.metrics import attendance, ews, outcomes

    ids = [m.id for m in (*attendance.METRICS, *ews.METRICS, *outcomes.METRICS)]
    assert [m.id for m in catalog.all_metrics()] == ids and len(set(ids)) == len(ids)
