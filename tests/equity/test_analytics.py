"""Equity analytics checked against independent computations in the test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aimline.equity import disproportionality as dp
from aimline.equity import essa, odds, peers


@pytest.fixture
def schools() -> pd.DataFrame:
    rng = np.random.default_rng(8)
    pov = rng.uniform(10, 95, 40)
    prof = 80 - 0.5 * pov + rng.normal(0, 6, 40)
    prof[3] += 25  # one school far above what its poverty predicts
    prof[7] -= 25
    tested = rng.integers(30, 400, 40)
    tested[11] = 12  # too few tested: excluded from the fit and from labels
    return pd.DataFrame({"school_id": [f"s{i}" for i in range(40)], "pct_ed": pov,
                         "pct_proficient": prof, "tested": tested})


def test_beating_the_odds_fit_matches_numpy_polyfit(schools: pd.DataFrame) -> None:
    out = odds.beating_the_odds(schools, x="pct_ed", y="pct_proficient", n="tested")
    used = schools[schools.tested >= 25]
    slope, intercept = np.polyfit(used.pct_ed, used.pct_proficient, 1)
    model = out.attrs["model"]
    assert model["intercept"] == pytest.approx(intercept)
    assert model["coefficients"]["pct_ed"] == pytest.approx(slope)
    assert model["schools"] == 39
    np.testing.assert_allclose(out.predicted, intercept + slope * schools.pct_ed)
    assert out.set_index("school_id").loc["s3", "label"] == "beating"
    assert out.set_index("school_id").loc["s7", "label"] == "falling_short"
    assert out.set_index("school_id").loc["s11", "label"] == "excluded"
    assert set(out.label) == {"beating", "falling_short", "expected", "excluded"}
    assert ((out.residual >= 10) == (out.label == "beating"))[out.tested >= 25].all()
    assert (out.pi_low < out.predicted).all() and (out.predicted < out.pi_high).all()


def test_too_few_schools_to_fit_is_a_clear_error(schools: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="too few schools to fit a model: 2"):
        odds.beating_the_odds(schools.head(2), x="pct_ed", y="pct_proficient", n="tested")


def test_consistently_beating_needs_every_recent_year() -> None:
    labels = pd.DataFrame({2024: ["beating", "beating"], 2025: ["beating", "expected"]},
                          index=["a", "b"])
    assert odds.consistent(labels).tolist() == [True, False]
    assert odds.consistent(labels[[2025]]).tolist() == [False, False]  # one year is not enough


def test_nearest_peers_by_standardised_distance() -> None:
    cands = pd.DataFrame({"school_id": ["t", "a", "b", "c", "d"],
                          "level": ["middle", "middle", "middle", "high", "middle"],
                          "pct_ed": [60, 62, 30, 60, 58], "enrolled": [600, 900, 610, 600, 610]})
    target = cands.iloc[0]
    raw = peers.nearest(target, cands, features=["pct_ed", "enrolled"], k=3)
    assert list(raw.school_id) == ["d", "b", "a"]  # enrolment dominates an unscaled distance
    assert raw.distance.iloc[0] == pytest.approx(np.hypot(2, 10))
    std = peers.nearest(target, cands, features=["pct_ed", "enrolled"], k=3, standardise=True)
    assert std.school_id.iloc[0] == "d" and "c" not in set(std.school_id)  # other level
    assert list(std["rank"]) == [1, 2, 3]


def test_weighted_risk_ratio_by_hand() -> None:
    share = {"black": 0.2, "hispanic": 0.3, "white": 0.5}
    risk = {"black": 0.15, "hispanic": 0.08, "white": 0.10}
    # 0.15 * (0.3 + 0.5) / (0.3 * 0.08 + 0.5 * 0.10) = 0.12 / 0.074
    assert dp.weighted_risk_ratio(share, risk, "black") == pytest.approx(0.12 / 0.074)


def test_reasonable_progress_avoids_identification() -> None:
    hist = [3.9, 3.6, 3.3]
    assert dp.identify(hist)["identified"]
    got = dp.identify(hist, reasonable_progress=0.25)
    assert not got["identified"] and "reasonable progress" in got["reason"]
    assert dp.identify([3.5, 3.4])["reason"] == "fewer than 3 years of data"


def test_a_comparison_group_too_small_without_a_higher_level_is_not_calculated() -> None:
    got = dp.risk_ratio(300, 45, 25, 2)
    assert got["risk_ratio"] is None and got["status"].startswith("not_calculated")


def test_low_graduation_rate_schools() -> None:
    assert essa.low_graduation({"a": 66.9, "b": 67.0, "c": 90.0}) == ["a"]
