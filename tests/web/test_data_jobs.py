"""Data loads through the site: a job validates, loads a copy, computes, swaps it in; an
invalid extract shows its problems and changes nothing."""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest
from django.conf import settings

from aimline.web.loads import jobs
from aimline.web.loads.models import LoadJob
from tests.web.cast import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def zipped(folder: Path) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in sorted(folder.iterdir()):
            z.write(f, f"extract/{f.name}")
    buf.seek(0)
    buf.name = "extract.zip"
    return buf


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def own_warehouse(site_warehouse: Path, tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    shutil.copyfile(site_warehouse, path)
    settings.WAREHOUSE = path
    return path


def upload(folder: Path) -> LoadJob:
    c = client_for("analyst")
    r = c.post("/data/", {"district": _district_pk(), "upload": zipped(folder)})
    assert r.status_code == 302, r.content.decode()[-2000:]
    job = LoadJob.objects.latest("created_at")
    assert job.status == LoadJob.QUEUED
    # the status page before the worker takes it, then the worker runs it
    assert "Queued" in c.get(r["Location"]).content.decode()
    assert jobs.work_once()
    job.refresh_from_db()
    return job


def _district_pk() -> int:
    from aimline.web.orgs.models import Organisation

    return Organisation.objects.get(kind="district", code="0100001").pk


def test_invalid_extract_lists_problems_and_changes_nothing(own_warehouse: Path,
                                                            district_copy: Path) -> None:
    students = district_copy / "students.csv"
    lines = students.read_text().splitlines()
    lines[3] = lines[3].replace('"F"', '"Q"', 1).replace('"M"', '"Q"', 1)
    students.write_text("\n".join(lines) + "\n")
    before = digest(own_warehouse)
    job = upload(district_copy)
    assert job.status == LoadJob.FAILED and job.problem_count >= 1
    p = job.problems[0]
    assert (p["file"], p["row"], p["column"], p["value"]) == ("students.csv", 4, "sex", "Q")
    assert digest(own_warehouse) == before
    page = client_for("analyst").get(f"/data/jobs/{job.pk}/").content.decode()
    assert "students.csv" in page and "sex" in page and "nothing was loaded" in page


def test_valid_extract_is_loaded_and_indicators_recomputed(own_warehouse: Path,
                                                           district: Path) -> None:
    import datetime as dt

    from aimline.web.targets.models import Evaluation, Target

    before = digest(own_warehouse)
    due = Target.objects.filter(due__lte=dt.date.today()).count()
    evaluations = Evaluation.objects.count()
    assert due > 0, "the demo has targets past their date (network aims, certificates)"
    job = upload(district)
    assert job.status == LoadJob.DONE, job.message
    assert job.progress == 100
    # the new data reached every target past its date, each evaluated once
    assert f"{due} target(s) past their date evaluated from the new data" in job.message
    assert Evaluation.objects.count() == evaluations + due
    assert digest(own_warehouse) != before
    import duckdb

    con = duckdb.connect(str(own_warehouse), read_only=True)
    loads = con.execute("SELECT count(*) FROM load_log").fetchone()[0]
    years = {r[0] for r in con.execute("SELECT DISTINCT school_year FROM indicators").fetchall()}
    con.close()
    assert loads >= 2 and years == {2025, 2026}
    assert not [p for p in own_warehouse.parent.glob(".w.duckdb.*")  # the work copy is gone
                if not p.name.endswith(".lock")]


def test_not_a_zip_and_bad_paths_are_refused(own_warehouse: Path, tmp_path: Path) -> None:
    c = client_for("analyst")
    junk = io.BytesIO(b"not a zip")
    junk.name = "extract.zip"
    r = c.post("/data/", {"district": _district_pk(), "upload": junk})
    assert r.status_code == 400 and "extract.zip is not a zip file" in r.content.decode()
    # a CSV is named as the user named it, with what to do instead
    one = io.BytesIO(b"student_id,first_name\n1,Ana\n")
    one.name = "students.csv"
    r = c.post("/data/", {"district": _district_pk(), "upload": one})
    page = " ".join(r.content.decode().split())
    assert r.status_code == 400 and "students.csv is not a zip file" in page
    assert "upload.zip" not in page and "zip the extract" in page
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../../escape.csv", "x")
    evil.seek(0)
    evil.name = "evil.zip"
    r = c.post("/data/", {"district": _district_pk(), "upload": evil})
    assert r.status_code == 400 and "outside the extract folder" in r.content.decode()
    r = c.post("/data/", {"district": _district_pk(), "path": str(tmp_path / "missing")})
    assert r.status_code == 400 and "is not a folder" in r.content.decode()
    assert not LoadJob.objects.exists()
    # only districts the analyst loads for can be chosen
    r = client_for("other_admin").post("/data/", {"district": _district_pk(),
                                                  "path": str(tmp_path)})
    assert r.status_code == 400 and not LoadJob.objects.exists()


def upload_as(folder: Path, source_format: str) -> LoadJob:
    c = client_for("analyst")
    r = c.post("/data/", {"district": _district_pk(), "source_format": source_format,
                          "upload": zipped(folder)})
    assert r.status_code == 302, r.content.decode()[-2000:]
    assert jobs.work_once()
    job = LoadJob.objects.latest("created_at")
    assert job.source_format == source_format
    return job


def test_a_sis_export_is_imported_then_loaded(own_warehouse: Path, district: Path,
                                              tmp_path: Path) -> None:
    from aimline.data.synth import sis_example

    sis_example.write(district, tmp_path / "export")
    job = upload_as(tmp_path / "export", "sis")
    assert job.status == LoadJob.DONE, (job.message, job.problems[:3])
    assert job.import_report["kind"] == "sis"
    with duckdb.connect(str(own_warehouse), read_only=True) as con:
        n = con.execute("SELECT count(*) FROM students WHERE student_id IN "
                        f"(SELECT student_id FROM read_csv('{district}/students.csv'))"
                        ).fetchone()[0]
    assert n == len((district / "students.csv").read_text().splitlines()) - 1
    page = client_for("analyst").get(f"/data/jobs/{job.pk}/").content.decode()
    assert "Imported (sis)" in page and "Students.csv" in page


def test_a_roster_feed_alone_is_imported_but_not_loadable(own_warehouse: Path,
                                                          tmp_path: Path) -> None:
    from tests.conftest import REALDATA

    before = digest(own_warehouse)
    job = upload_as(REALDATA / "oneroster" / "moodle_enrol_oneroster_fixtures" /
                    "oneroster_test_data", "oneroster")
    assert job.status == LoadJob.FAILED
    # the warehouse has the tables the feed lacks (a table is required only where it does
    # not), but the feed's own rows are incomplete: no district, grades or credits
    assert any("required value is missing" in p["rule"] for p in job.problems)
    assert job.import_report["tables"]["students"] == 1  # imported, then refused by load
    page = client_for("analyst").get(f"/data/jobs/{job.pk}/").content.decode()
    assert "Not filled from this source" in page and "OneRoster has no attendance" in page
    assert digest(own_warehouse) == before


def test_an_import_problem_is_shown_and_changes_nothing(own_warehouse: Path,
                                                        tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    (export / "Students.csv").write_text("Student_Number\nS1\n")  # and no mapping.yaml
    before = digest(own_warehouse)
    job = upload_as(export, "sis")
    assert job.status == LoadJob.FAILED and "nothing was imported" in job.message
    assert "mapping.yaml is missing" in job.problems[0]["rule"]
    assert digest(own_warehouse) == before


def test_a_job_that_fails_after_the_swap_is_done_with_the_step_to_rerun(
        own_warehouse: Path, district: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the new warehouse is in place its data is live: a failure syncing rosters
    afterwards must not mark the job FAILED (users would load again, or distrust live data)."""
    def broken(warehouse: Path) -> int:
        raise RuntimeError("roster service down")

    monkeypatch.setattr(jobs, "sync_rosters", broken)
    before = digest(own_warehouse)
    job = upload(district)
    assert digest(own_warehouse) != before  # the load is live
    assert job.status == LoadJob.DONE and job.progress == 100
    assert "roster service down" in job.message and "aimline site rosters" in job.message


def test_a_job_loads_only_its_own_district(own_warehouse: Path, district: Path,
                                           tmp_path: Path) -> None:
    from tests.data.test_reach import other_district

    before = digest(own_warehouse)
    job = upload(other_district(district, tmp_path / "b"))  # sent as Aimline Unified's
    assert job.status == LoadJob.FAILED
    assert "holds district(s) 0900009, not only 0100001" in job.message
    assert "Nothing was loaded" in job.message and digest(own_warehouse) == before


def test_a_window_job_replaces_that_week_only(own_warehouse: Path, tmp_path: Path) -> None:
    week = tmp_path / "week"
    week.mkdir()
    with duckdb.connect(str(own_warehouse), read_only=True) as con:
        con.execute("""COPY (SELECT * FROM attendance_events WHERE school_id NOT LIKE 'X%'
                       AND date BETWEEN '2026-01-05' AND '2026-01-09' LIMIT 5)
                       TO '{}' (HEADER)""".format(week / "attendance_events.csv"))
        other_days, = con.execute("SELECT count(*) FROM attendance_events WHERE date NOT "
                                  "BETWEEN '2026-01-05' AND '2026-01-09'").fetchone()
    c = client_for("analyst")
    r = c.post("/data/", {"district": _district_pk(), "upload": zipped(week),
                          "window_from": "2026-01-05", "window_to": "2026-01-09"})
    assert r.status_code == 302
    assert jobs.work_once()
    job = LoadJob.objects.latest("created_at")
    assert job.status == LoadJob.DONE, job.message
    assert "the days 2026-01-05 to 2026-01-09" in c.get(r["Location"]).content.decode()
    with duckdb.connect(str(own_warehouse), read_only=True) as con:
        week_n, = con.execute("SELECT count(*) FROM attendance_events WHERE school_id NOT "
                              "LIKE 'X%' AND date BETWEEN '2026-01-05' AND '2026-01-09'"
                              ).fetchone()
        rest, = con.execute("SELECT count(*) FROM attendance_events WHERE date NOT "
                            "BETWEEN '2026-01-05' AND '2026-01-09'").fetchone()
    assert (week_n, rest) == (5, other_days)
    r = c.post("/data/", {"district": _district_pk(), "upload": zipped(week),
                          "window_from": "2026-01-09", "window_to": "2026-01-05"})
    assert r.status_code == 400 and "ends before it starts" in r.content.decode()
