"""The charts page documents every chart type (with a picture) and every rule set."""

from __future__ import annotations

from pathlib import Path

from aimline.improve import rules, spc

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_chart_type_is_documented_with_a_picture() -> None:
    text = (DOCS / "spc.md").read_text()
    for kind in spc.CHARTS:
        assert f"| `{kind}` |" in text, kind
        assert (DOCS / "charts" / f"{kind}.svg").stat().st_size > 1000, kind
        assert f"charts/{kind}.svg" in text


def test_every_rule_set_and_test_is_documented() -> None:
    text = (DOCS / "spc.md").read_text()
    for name in rules.RULE_SETS:
        assert f"### `{name}`" in text, name
    for test in rules.DETECTORS:
        assert f"`{test}`" in text, test
