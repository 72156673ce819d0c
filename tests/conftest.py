"""Shared fixtures: a small synthetic district, made once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aimline.data import synth

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec"
REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"


@pytest.fixture(scope="session")
def district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid 2-year district of ~600 students (CSV). Copy it before changing it."""
    out = tmp_path_factory.mktemp("district")
    synth.generate(out, students=600, seed=11, years=2)
    return out


def synthetic_warehouse(tmp: Path, *, students: int, seed: int, years: int,
                        story: bool = False) -> Path:
    """Generate a synthetic district under `tmp` and load it; returns the warehouse path."""
    from aimline import data

    synth.generate(tmp / "d", students=students, seed=seed, years=years, story=story)
    data.load(tmp / "d", tmp / "w.duckdb")
    return tmp / "w.duckdb"


@pytest.fixture
def district_copy(district: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "extract"
    shutil.copytree(district, dst)
    return dst
