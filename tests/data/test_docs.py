"""docs/data-format.md is generated from the schema and must match it."""

from __future__ import annotations

from pathlib import Path

from aimline.data import docs
from aimline.data.schema import TABLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-format.md"


def test_the_data_format_doc_matches_the_schema() -> None:
    assert DOC.read_text(encoding="utf-8") == docs.render(), "run `make docs` and commit"


def test_every_table_and_column_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for t in TABLES:
        assert f"## `{t.name}`" in text
        for c in t.columns:
            assert f"| `{c.name}` |" in text
