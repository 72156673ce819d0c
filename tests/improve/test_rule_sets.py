"""Each rule set finds the patterns it names, and a rule set is plain data."""

from __future__ import annotations

import json

import numpy as np
import pytest

from aimline.improve import rules, spc

# 20 points of noise around 10, ending below the centre so a shift after it starts fresh
NOISE = [10.2, 9.6, 10.5, 9.9, 10.1, 9.4, 10.7, 9.8, 10.3, 9.7, 10.0, 10.4, 9.5, 10.6, 9.9,
         10.2, 9.8, 10.1, 10.3, 9.6]
# a slow wander: small moving ranges, so sigma is small and +-2 is beyond 1 sigma
WANDER = [10, 12, 14, 14, 12, 10, 8, 6, 6, 8, 10, 12, 14, 14, 12, 10, 8, 6, 6, 8]


def flagged(res: spc.ChartResult, rule: str) -> list[int]:
    return list(np.flatnonzero(res.points[rule].to_numpy()))


def test_a_shift_of_eight_is_found_by_every_shift_rule() -> None:
    y = NOISE + [11.0] * 2 + [11.1, 11.2, 10.9, 11.3, 11.0, 11.1]  # 8 above the centre
    for name, length in (("ihi", 6), ("nhs_mdc", 7), ("western_electric", 8)):
        res = spc.chart("i", y, freeze=20, rules=name)
        assert flagged(res, "shift")[-length:] == list(range(len(y) - length, len(y))), name
    assert not spc.chart("i", y, freeze=20, rules="nelson").points["shift"].any()  # needs 9


def test_ihi_points_on_the_median_neither_make_nor_break_a_shift() -> None:
    y = [1, 2, 1, 2, 9, 5, 9, 9, 5, 9, 9, 9, 1, 2, 1, 2, 1, 5, 5, 5]
    res = spc.chart("run", y, rules="ihi")
    assert res.points["cl"].iloc[0] == 5  # the median; points 5 and 8 lie on it
    # six points above the median, with two on the median among them: one shift
    assert flagged(res, "shift") == [4, 6, 7, 9, 10, 11]
    # where points on the line break runs (NHS), the same series has no shift
    assert not spc.chart("run", y, rules="nhs_mdc").points["shift"].any()


def test_ihi_trend_skips_ties() -> None:
    y = [5, 6, 5, 6, 5, 1, 2, 2, 3, 4, 5, 5, 4, 6, 5, 4, 6, 5, 5, 6]
    res = spc.chart("run", y, rules="ihi")
    # 1,2,(2),3,4,5: five rising once the repeated 2 is counted once; the repeat lies
    # inside the trend, so it is marked with it (either 2 alone would break the mirror
    # image of the series read backwards)
    assert flagged(res, "trend") == [5, 6, 7, 8, 9, 10]


def test_nelson_stratification_and_mixture() -> None:
    base = WANDER
    hugging = [10.1, 9.9] * 8  # 16 points within 1 sigma
    res = spc.chart("i", base + hugging, freeze=20, rules="nelson")
    assert flagged(res, "stratification") == list(range(20, 36))
    swinging = [12.5, 7.5] * 7  # 14 points beyond 1 sigma, alternating sides
    res = spc.chart("i", base + swinging, freeze=20, rules="nelson")
    assert set(range(20, 34)) <= set(flagged(res, "mixture"))
    assert set(range(20, 34)) <= set(flagged(res, "alternating"))


def test_western_electric_two_of_three_beyond_two_sigma() -> None:
    base = [10, 12, 8, 11, 9, 13, 7, 10, 12, 8, 11, 9, 13, 7, 10, 12, 8, 11, 9, 10]
    res0 = spc.chart("i", base, rules="western_electric")
    cl, ucl = res0.points["cl"].iloc[0], res0.points["ucl"].iloc[0]
    two_sigma = cl + 2 * (ucl - cl) / 3
    y = [*base, two_sigma + 0.1, 10, two_sigma + 0.2]
    res = spc.chart("i", y, freeze=20, rules="western_electric")
    assert flagged(res, "two_of_three") == [20, 22]
    assert not res.points["beyond_limits"].iloc[20:].any()


def test_runs_bounds_bracket_the_expected_number_of_runs() -> None:
    for n in (10, 20, 30, 50):
        lo, hi = rules.runs_bounds(n // 2, n - n // 2)
        expected = 1 + 2 * (n // 2) * (n - n // 2) / n
        assert lo < expected < hi
    # a series with too few runs (two long halves) signals under IHI
    res = spc.chart("run", [1] * 10 + [9] * 10, rules="ihi")
    assert res.points["runs"].all()


def test_a_rule_set_round_trips_as_json_and_can_be_a_districts_own() -> None:
    mine = {"name": "district", "label": "Our rules", "rules": [
        {"name": "long_shift", "test": "shift", "params": {"length": 10}, "label": "10 in a row"},
        {"name": "outside", "test": "beyond_limits"}]}
    rs = rules.RuleSet.from_dict(json.loads(json.dumps(mine)))
    assert rules.RuleSet.from_dict(rs.to_dict()) == rs
    res = spc.chart("i", NOISE + [12.0] * 10, freeze=20, rules=mine)
    assert flagged(res, "long_shift") == list(range(20, 30))
    for name, builtin in rules.RULE_SETS.items():
        assert rules.RuleSet.from_dict(builtin.to_dict()) == builtin, name


def test_an_unknown_test_in_a_rule_set_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown test 'vibes'"):
        rules.RuleSet.from_dict({"name": "x", "rules": [{"name": "a", "test": "vibes"}]})


def test_mr_charts_never_raise_a_runs_signal() -> None:
    res = spc.chart("mr", [1, 9, 1, 9, 1, 9, 1, 9, 1, 9, 1, 9, 1, 9] * 2)
    assert not res.points["runs_signal"].any()
    assert not res.points["few_crossings"].any() and not res.points["long_run"].any()
