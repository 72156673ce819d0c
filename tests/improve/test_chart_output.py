"""Charts render to Vega-Lite, SVG, PNG and self-contained HTML; suggest() explains."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aimline.improve import spc


@pytest.fixture
def shifted() -> spc.ChartResult:
    rng = np.random.default_rng(5)
    n = rng.integers(900, 1100, 30)
    y = rng.binomial(n, np.r_[np.full(15, 0.15), np.full(15, 0.10)])
    x = pd.date_range("2025-09-01", periods=30, freq="W-MON")
    return spc.chart("p", y, n, x, multiply=100, rules="nhs_mdc", target=12,
                     annotations=[(x[15], "PDSA 1 starts", "pdsa")], title="Absence")


def test_the_spec_names_the_rules_that_fired(shifted: spc.ChartResult) -> None:
    s = shifted.spec()
    text = json.dumps(s)
    assert s["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert "Shift: 7 on one side of the mean" in text
    assert "PDSA 1 starts" in text
    assert shifted.signals["shift"] > 0
    assert "NaN" not in text


@pytest.mark.parametrize("suffix", [".svg", ".png", ".html", ".json"])
def test_it_saves_every_format(shifted: spc.ChartResult, tmp_path: Path, suffix: str) -> None:
    path = shifted.save(tmp_path / f"chart{suffix}")
    data = path.read_bytes()
    assert len(data) > 1000
    if suffix == ".svg":
        assert b"<svg" in data[:200]
    elif suffix == ".png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    elif suffix == ".html":
        assert b"vega" in data and b"https://cdn" not in data  # works offline


def test_an_unknown_format_is_refused(shifted: spc.ChartResult, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"use \.html, \.svg, \.png or \.json"):
        shifted.save(tmp_path / "chart.gif")


def test_suggest_explains_the_choice() -> None:
    rng = np.random.default_rng(2)
    n = rng.integers(5000, 6000, 30)
    overdispersed = rng.binomial(n, rng.uniform(0.08, 0.14, 30))
    s = spc.suggest(overdispersed, n)
    assert s.kind == "pp" and "Laney" in s.reason
    small = rng.integers(20, 40, 30)
    assert spc.suggest(rng.binomial(small, 0.2), small).kind == "p"
    assert spc.suggest([0, 0, 1, 0, 0, 0, 2, 0, 0, 0]).kind == "g"
    assert spc.suggest([12, 15, 9, 14, 11, 13]).kind == "c"
    assert spc.suggest([3.2, 4.1, 3.8, 3.9]).kind == "i"
    assert spc.suggest([3, 40, 12], kind="time_between").kind == "t"


def test_a_chart_with_no_rules_claims_no_runs_verdict_and_no_signal_legend() -> None:
    """A year-to-date chart is drawn with no rules: its caption must not say 'Runs: …
    signal' under 'Rules: none', nor show a 'No signal' legend."""
    y = np.r_[np.linspace(20, 30, 10), np.linspace(30, 40, 10)]  # a long run, deliberately
    res = spc.chart("run", y=y, x=pd.date_range("2025-09-30", periods=20, freq="ME"),
                    rules={"name": "none", "label": "none", "rules": []})
    s = res.spec()
    subtitle = " ".join(s["title"]["subtitle"])
    assert "Rules: none" in subtitle and "Runs:" not in subtitle
    text = json.dumps(s)
    assert '"legend": null' in text and '"runs_signal": true' not in text


def test_another_population_is_drawn_beside_on_the_same_axes(shifted: spc.ChartResult
                                                             ) -> None:
    from aimline.improve import vega

    other = pd.DataFrame({"x": shifted.points.x[:5], "y": [9.0, 8.5, np.nan, 8.0, 7.5]})
    s = vega.spec(shifted, compare=other, compare_label="Mentor school")
    text = json.dumps(s)
    assert "Grey: Mentor school" in text and "NaN" not in text
    drawn = [d for d in s["datasets"].values() if d and d[0].get("label") == "Mentor school"]
    assert len(drawn) == 1 and [r["y"] for r in drawn[0]] == [9.0, 8.5, None, 8.0, 7.5]
    assert "Grey:" not in json.dumps(vega.spec(shifted))
