"""Gaps by group on hand-made indicator tables: direction, references, best group, trend."""

from __future__ import annotations

import pandas as pd
import pytest

from aimline.equity.gaps import gaps, sentence


def rows(metric: str, year: int, school: dict[tuple[str, str], float],
         district: dict[tuple[str, str], float]) -> list[dict]:
    out = []
    for scope, cells in (("school", school), ("district", district)):
        for (gt, gv), v in cells.items():
            out.append({"metric": metric, "scope": scope, "period": "year",
                        "school_id": "S" if scope == "school" else None,
                        "school_year": year, "group_type": gt, "group_value": gv, "value": v,
                        "numerator": v, "denominator": 100.0, "suppressed": pd.isna(v)})
    return out


@pytest.fixture
def table() -> pd.DataFrame:
    data = []
    # chronic absence (lower is better): students with disabilities 26% -> 31% vs all 17%
    data += rows("chronic_absence", 2024, {("all", "all"): 17, ("disability", "true"): 26,
                                           ("disability", "false"): 15},
                 {("all", "all"): 15, ("disability", "true"): 24, ("disability", "false"): 14})
    data += rows("chronic_absence", 2026, {("all", "all"): 17, ("disability", "true"): 31,
                                           ("disability", "false"): 14},
                 {("all", "all"): 16, ("disability", "true"): 25, ("disability", "false"): 15})
    # proficiency (higher is better): English learners below; a suppressed cell stays empty
    data += rows("proficiency_ela", 2026, {("all", "all"): 40, ("english_learner", "true"): 22,
                                           ("english_learner", "false"): 43,
                                           ("race_ethnicity", "asian"): float("nan")},
                 {("all", "all"): 38})
    return pd.DataFrame(data)


def test_direction_follows_the_metrics_better_direction(table: pd.DataFrame) -> None:
    g = gaps(table, {"chronic_absence": False, "proficiency_ela": True})
    swd = g[(g.metric == "chronic_absence") & (g.group_value == "true") &
            (g.school_year == 2026)].iloc[0]
    assert swd.gap_to_school == 14 and swd.direction == "worse"
    assert swd.district_group == 25 and swd.gap_to_district_group == 6
    assert swd.best_group == "false" and swd.gap_to_best == 17
    el = g[(g.metric == "proficiency_ela") & (g.group_value == "true")].iloc[0]
    assert el.gap_to_school == -18 and el.direction == "worse"
    el_not = g[(g.metric == "proficiency_ela") & (g.group_value == "false")].iloc[0]
    assert el_not.direction == "better"
    asian = g[g.group_value == "asian"].iloc[0]
    assert pd.isna(asian.gap_to_school) and asian.direction == ""


def test_a_gap_that_widened_is_said_in_plain_words(table: pd.DataFrame) -> None:
    g = gaps(table, {"chronic_absence": False, "proficiency_ela": True})
    swd = g[(g.metric == "chronic_absence") & (g.group_value == "true") &
            (g.school_year == 2026)].iloc[0]
    assert swd.prior_year == 2024 and swd.prior_gap == 9 and swd.narrowed is False
    assert sentence(swd, "Chronically absent (%)", "students with disabilities") == (
        "Chronically absent for students with disabilities is 31%, 14 points above the "
        "school's all-students rate; the gap widened from 9 points in 2024.")


def test_the_state_reference_is_used_when_given(table: pd.DataFrame) -> None:
    state = pd.DataFrame([{"metric": "proficiency_ela", "group_type": "english_learner",
                           "group_value": "true", "value": 30.0}])
    g = gaps(table, {"chronic_absence": False, "proficiency_ela": True}, state=state)
    el = g[(g.metric == "proficiency_ela") & (g.group_value == "true")].iloc[0]
    assert el.state_value == 30 and el.gap_to_state == -8


def test_the_trend_is_against_last_year_not_the_first(table: pd.DataFrame) -> None:
    """With 2024, 2025 and 2026, the 2026 gap is compared with 2025's (as the docs say)."""
    data = pd.concat([table, pd.DataFrame(
        rows("chronic_absence", 2025, {("all", "all"): 17, ("disability", "true"): 35,
                                       ("disability", "false"): 14},
             {("all", "all"): 16}))])
    g = gaps(data, {"chronic_absence": False, "proficiency_ela": True})
    swd = g[(g.metric == "chronic_absence") & (g.group_value == "true") &
            (g.school_year == 2026)].iloc[0]
    assert swd.prior_year == 2025 and swd.prior_gap == 18 and swd.narrowed is True
    assert sentence(swd, "Chronically absent (%)", "students with disabilities").endswith(
        "the gap narrowed from 18 points in 2025.")
