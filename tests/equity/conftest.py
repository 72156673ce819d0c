"""A synthetic district with the demo's story (schools apart in poverty, staff, results),
made once for the equity commands' tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import synthetic_warehouse


@pytest.fixture(scope="session")
def story_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_warehouse(tmp_path_factory.mktemp("story"), students=1500, seed=5,
                               years=2, story=True)
