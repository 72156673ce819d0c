"""Ed-Fi API JSON: a live pull from a local ODS/API serving Grand Bend (token rules, paging,
429/5xx retries, resuming) gives the same canonical rows as the XML files."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from aimline.cli import app
from aimline.data.importers import edfi_api
from aimline.data.importers.edfi_json import import_json
from aimline.data.importers.edfi_xml import import_xml
from aimline.data.importers.report import ImportFailed
from tests.conftest import REALDATA
from tests.data.edfi_api_server import KEY, SECRET, Api, resources, serve

GRAND_BEND = REALDATA / "edfi" / "grand_bend"
# the served resources: no program associations, so students are compared without flags
TABLES = {"leas": "*", "schools": "*", "attendance_events": "*", "discipline_actions": "*",
          "students": "student_id, first_name, last_name, birth_date"}
runner = CliRunner()


@pytest.fixture(scope="module")
def data() -> dict[str, list[dict]]:
    return resources(GRAND_BEND)


@pytest.fixture(scope="module")
def from_xml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xml") / "extract"
    import_xml(GRAND_BEND, out)
    return out


def same_rows(a: Path, b: Path, table: str, columns: str) -> bool:
    """Equal as typed values (JSON writes 1.0 where XML writes 1)."""
    con = duckdb.connect()
    x = f"SELECT {columns} FROM read_csv('{a}/{table}.csv')"
    y = f"SELECT {columns} FROM read_csv('{b}/{table}.csv')"
    return (con.execute(f"SELECT count(*) FROM (({x}) EXCEPT ALL ({y}))").fetchone()[0] == 0
            and con.execute(f"SELECT count(*) FROM (({y}) EXCEPT ALL ({x}))").fetchone()[0] == 0)


def test_a_live_pull_pages_retries_and_matches_the_xml(data, from_xml: Path,
                                                       tmp_path: Path) -> None:
    api = Api(data, token_uses=4)  # tokens expire every 4 requests: the client re-asks
    api.faults[("studentSchoolAttendanceEvents", 500)] = [429, 503]
    with serve(api) as base:
        counts = edfi_api.pull(base, KEY, SECRET, tmp_path / "pages", school_year=2022,
                               sleep=lambda s: None)
    assert counts["studentSchoolAttendanceEvents"] == 1917
    offsets = [o for r, o in api.requests if r == "studentSchoolAttendanceEvents"]
    assert offsets == [0, 500, 500, 500, 1000, 1500]  # 429 and 503 retried, 1917 = 3×500+417
    assert api.token_requests > 1
    out = tmp_path / "extract"
    report = import_json(tmp_path / "pages", out, kind="edfi-api", source=base)
    assert report.entities["StudentSchoolAttendanceEvent"].read == 1917
    for table, columns in TABLES.items():
        assert same_rows(from_xml, out, table, columns), table


def test_a_stopped_pull_resumes_without_asking_again(data, tmp_path: Path) -> None:
    api = Api(data)
    api.fail_from = 12  # the ODS goes down part way
    with serve(api) as base:
        with pytest.raises(ImportFailed, match="HTTP 500"):
            edfi_api.pull(base, KEY, SECRET, tmp_path / "pages", school_year=2022,
                          sleep=lambda s: None)
        saved = sorted(p.relative_to(tmp_path / "pages")
                       for p in (tmp_path / "pages").rglob("*.json"))
        assert saved and not list((tmp_path / "pages").rglob("*.part"))
        before = len(api.requests)
        api.fail_from = None
        counts = edfi_api.pull(base, KEY, SECRET, tmp_path / "pages", school_year=2022,
                               sleep=lambda s: None)
    again = api.requests[before:]
    for page in saved:  # a page on disk is not fetched a second time
        assert (page.parent.name, int(page.stem)) not in again
    assert counts["students"] == 960


def test_bad_credentials_are_a_clear_error(data, tmp_path: Path) -> None:
    with serve(Api(data)) as base:
        r = runner.invoke(app, ["import", "edfi", "--api", base, "--key", KEY, "--secret",
                                "wrong", "--school-year", "2022", "--out",
                                str(tmp_path / "x")])
    assert r.exit_code == 1
    said = " ".join(r.output.split())
    assert "refused the client key and secret (HTTP 401)" in said
    assert not (tmp_path / "x").exists()


def test_the_cli_pulls_and_imports(data, tmp_path: Path) -> None:
    with serve(Api(data)) as base:
        r = runner.invoke(app, ["import", "edfi", "--api", base, "--key", KEY, "--secret",
                                SECRET, "--school-year", "2022", "--out", str(tmp_path / "x")])
    assert r.exit_code == 0, r.output
    report = json.loads((tmp_path / "x" / "import-report.json").read_text())
    assert report["kind"] == "edfi-api" and report["tables"]["students"] == 960


def test_a_page_that_is_not_an_array_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pages" / "students").mkdir(parents=True)
    (tmp_path / "pages" / "students" / "0000000000.json").write_text('{"students": []}')
    with pytest.raises(ImportFailed, match="a page must be a JSON array of resources "
                                           r"\(got dict\)"):
        import_json(tmp_path / "pages", tmp_path / "out")
    assert not (tmp_path / "out").exists()
