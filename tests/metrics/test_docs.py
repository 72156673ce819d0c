"""docs/metrics.md is generated from the catalog and must match it."""

from __future__ import annotations

from pathlib import Path

from aimline.metrics import catalog, docs

DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def test_the_metrics_doc_matches_the_catalog() -> None:
    assert DOC.read_text(encoding="utf-8") == docs.render(), "run `make docs` and commit"


def test_every_metric_is_documented_with_its_source() -> None:
    text = DOC.read_text(encoding="utf-8")
    for m in catalog.all_metrics():
        assert f"## `{m.id}`" in text and m.source in text
