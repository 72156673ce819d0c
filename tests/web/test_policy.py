"""The site's suppression policy: printed from the policy, and indicators stored under a
weaker one are refused on every page and the API until recomputed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings

from aimline.metrics import engine
from aimline.metrics.policy import Policy
from tests.web.cast import client_for


@pytest.mark.django_db
def test_pages_say_the_site_policy() -> None:
    page = client_for("analyst").get("/schools/1001/").content.decode()
    assert Policy().describe().capitalize() in page
    assert "n = 10" not in page


@pytest.mark.django_db
def test_indicators_stored_under_a_weaker_policy_are_refused(site_warehouse: Path,
                                                             tmp_path: Path) -> None:
    weak = tmp_path / "weak.duckdb"
    shutil.copy(site_warehouse, weak)
    year = max(engine.years_in(weak))
    raw = engine.compute(weak, year, metrics=["attendance_rate"], suppress=False)
    engine.store(raw, weak, Policy(3))  # aimline compute --min-n 3
    settings.WAREHOUSE = weak
    c = client_for("analyst")
    for url in ("/schools/1001/", "/district/", "/api/indicators?metric=chronic_absence"):
        r = c.get(url)
        assert r.status_code == 503, url
        text = r.content.decode()
        assert "minimum n 3, below 10" in text and f"aimline compute --year {year}" in text, url
    # recomputed under the site's policy (a copy swapped in, as the site's loads do: this
    # process holds the file open read-only), everything is served again
    fixed = tmp_path / "fixed.duckdb"
    shutil.copy(weak, fixed)
    engine.store(raw, fixed, Policy(10))
    fixed.replace(weak)
    assert c.get("/schools/1001/").status_code == 200
