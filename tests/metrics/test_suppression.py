"""Disclosure avoidance: the published examples in shared/spec/equity_vectors.json, and
properties every suppressed table must keep."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimline.metrics.policy import Policy, PolicyError
from aimline.metrics.suppression import complementary, counts, nm_display, suppress
from tests.conftest import SPEC

VECTORS: dict[str, Any] = {c["id"]: c for c in json.loads(
    (SPEC / "equity_vectors.json").read_text())["disclosure_avoidance"]}


@pytest.mark.parametrize("case", VECTORS["nm_tiered_top_bottom_coding"]["cases"],
                         ids=lambda c: f"{c['numerator']}of{c['denominator']}")
def test_new_mexico_tiered_top_bottom_coding(case: dict[str, Any]) -> None:
    assert nm_display(case["numerator"], case["denominator"]) == case["expected_display"]


def test_complementary_suppression_of_the_next_smallest_group() -> None:
    case = VECTORS["complementary_suppression_next_smallest"]
    sizes, min_n = case["inputs"]["tested_by_group"], case["inputs"]["min_n"]
    primary = {g for g, n in sizes.items() if 0 < n < min_n}
    assert sorted(primary) == sorted(case["expected"]["primary_suppressed"])
    assert sorted(complementary(sizes, primary)) == sorted(case["expected"]["all_suppressed"])


def _table(sizes: dict[str, int], rate: float = 0.3) -> pd.DataFrame:
    rows = [{"metric": "m", "scope": "school", "lea_id": "L", "school_id": "S",
             "school_year": 2026, "period_end": "2026-06-30", "group_type": "race_ethnicity",
             "group_value": g, "denominator": float(n), "numerator": round(n * rate),
             "students": float(n),
             "unit": "percent"} for g, n in sizes.items()]
    total = sum(sizes.values())
    rows.append({**rows[0], "group_type": "all", "group_value": "all",
                 "denominator": float(total), "numerator": round(total * rate),
                 "students": float(total)})
    df = pd.DataFrame(rows)
    return df.assign(value=100 * df.numerator / df.denominator)


@settings(max_examples=200, deadline=None)
@given(sizes=st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e", "f"]),
                             st.integers(1, 60), min_size=2, max_size=6),
       min_n=st.integers(5, 20))
def test_no_dimension_ever_has_exactly_one_hidden_cell(sizes: dict[str, int],
                                                       min_n: int) -> None:
    out = suppress(_table(sizes), Policy(min_n))
    groups = out[out.group_type != "all"]
    hidden = groups[groups.suppressed]
    assert len(hidden) != 1
    assert (groups[groups.denominator.notna()].denominator >= min_n).all()
    assert hidden[["numerator", "denominator", "value"]].isna().all().all()
    assert (hidden.display == "*").all()


def test_the_reason_is_recorded_per_row() -> None:
    out = suppress(_table({"a": 120, "b": 85, "c": 3, "d": 9}), Policy(5))
    reasons = dict(zip(out.group_value, out.suppression_reason))
    assert reasons["c"] == "fewer than 5 students"
    assert reasons["d"].startswith("complementary")
    assert reasons["a"] is None and reasons["all"] is None


def test_nm_coding_hides_rates_near_the_bounds() -> None:
    df = _table({"a": 50, "b": 60}, rate=0.02)
    out = suppress(df, Policy(10, coding="nm"))
    assert set(out.display) == {"<=5", "<=2"}  # groups of 50 and 60; the all row has 110
    assert out.suppressed.all() and out.value.isna().all()


@settings(max_examples=200, deadline=None)
@given(sizes=st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e", "f"]),
                             st.integers(0, 40), min_size=1, max_size=6),
       min_n=st.integers(5, 20))
def test_the_table_form_hides_exactly_what_the_rule_says(sizes: dict[str, int],
                                                         min_n: int) -> None:
    out = suppress(_table(sizes), Policy(min_n))
    groups = out[out.group_type != "all"]
    primary = {g for g, n in sizes.items() if n < min_n}
    assert set(groups[groups.suppressed].group_value) == complementary(sizes, primary) | {
        g for g, n in sizes.items() if n == 0}  # empty cells have no rate to show


def test_cells_count_people_not_days() -> None:
    """One student over 179 days is a cell of one, whatever its denominator."""
    df = _table({"a": 40, "b": 50})
    df = pd.concat([df, df.iloc[[0]].assign(group_type="foster_care", group_value="true",
                                            denominator=179.0, numerator=155.0,
                                            students=1.0)], ignore_index=True)
    out = suppress(df, Policy(10))
    one = out[out.group_type == "foster_care"].iloc[0]
    assert one.suppressed and one.display == "*" and pd.isna(one.students)
    assert not out[out.group_type == "race_ethnicity"].suppressed.any()


def test_complementary_suppression_can_be_turned_off_and_is_then_weaker() -> None:
    out = suppress(_table({"a": 120, "b": 85, "c": 3, "d": 9}), Policy(5, complementary=False))
    assert set(out[out.suppressed].group_value) == {"c"}
    assert Policy(5, complementary=False).weaker_than(Policy(5)) == [
        "no complementary suppression"]
    assert Policy(3).weaker_than(Policy(10)) == ["minimum n 3, below 10"]
    assert not Policy(12, coding="nm").weaker_than(Policy(10))


def test_the_policy_is_read_from_the_environment_strictly() -> None:
    env = {"AIMLINE_MIN_N": "11", "AIMLINE_COMPLEMENTARY": "0", "AIMLINE_CODING": "nm"}
    assert Policy.from_env(env) == Policy(11, False, "nm")
    assert Policy.from_env({}) == Policy(10, True, None)
    for bad in ({"AIMLINE_MIN_N": "ten"}, {"AIMLINE_MIN_N": "0"},
                {"AIMLINE_COMPLEMENTARY": "maybe"}, {"AIMLINE_CODING": "tx"}):
        with pytest.raises(PolicyError, match="AIMLINE_"):
            Policy.from_env(bad)


def test_a_head_count_table_hides_small_cells_and_what_would_give_them_back() -> None:
    # cohorts x race/ethnicity: 2024's single Asian candidate is primary; in its row the
    # smallest shown count (White, 5) goes too; then the Asian column hides one cell, so
    # 2025's 6 goes; the White column now hides one, so 2025's 7 goes as well
    table = pd.DataFrame({"Asian": [1, 6], "Hispanic or Latino": [9, 8], "White": [5, 7],
                          "Black": [0, 0]}, index=["2024", "2025"])
    out = counts(table, 5)
    hidden = {(r, c) for r in out.index for c in out.columns if pd.isna(out.at[r, c])}
    assert hidden == {("2024", "Asian"), ("2024", "White"), ("2025", "Asian"),
                      ("2025", "White")}
    assert out.at["2024", "Black"] == 0 and out.at["2025", "Hispanic or Latino"] == 8


@settings(max_examples=100, deadline=None)
@given(cells=st.lists(st.lists(st.integers(0, 12), min_size=3, max_size=3), min_size=2,
                      max_size=4), min_n=st.integers(3, 6))
def test_no_row_or_column_of_head_counts_has_exactly_one_hidden_cell(
        cells: list[list[int]], min_n: int) -> None:
    table = pd.DataFrame(cells, columns=["a", "b", "c"])
    out = counts(table, min_n)
    hidden = out.isna()
    assert not ((table > 0) & (table < min_n) & ~hidden).any().any()  # primary all hidden
    for axis in (0, 1):  # each line: nothing hidden, all hidden, or 2+ holding min_n
        whole = hidden.all(axis=axis)
        n, held = hidden.sum(axis=axis), table.where(hidden, 0).sum(axis=axis)
        assert ((n == 0) | whole | ((n >= 2) & (held >= min_n))).all()
        small = table.sum(axis=axis).between(1, min_n - 1)
        assert whole[small].all()  # fewer than min_n in the line: it shows no breakdown
    assert (out.where(~hidden, -1) == table.where(~hidden, -1)).all().all()


def test_a_cohort_smaller_than_the_minimum_shows_no_breakdown() -> None:
    table = pd.DataFrame({"a": [3, 20], "b": [0, 20]}, index=["small", "big"])
    out = counts(table, 5)
    assert out.loc["small"].isna().all()  # with its total of 3, "b: 0" would say a = 3


def test_two_small_hidden_cells_are_not_enough_when_the_total_gives_them_back() -> None:
    # 1 and 1 hidden beside a total of 7 and a shown 5: both must be 1 (hidden is not 0)
    out = counts(pd.DataFrame({"a": [5], "b": [1], "c": [1]}), 3)
    assert out.isna().all(axis=None)
