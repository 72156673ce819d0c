"""Data loads as background jobs: a queue in the site database (`LoadJob` rows), so it
works on SQLite and PostgreSQL alike, and a worker that claims one job at a time.

A job validates the extract, loads it into a *copy* of the warehouse, computes the
indicators there, and only then swaps the copy into place (an atomic rename). A load that
fails validation, or fails at any step, leaves the warehouse the site reads untouched.
"""

from __future__ import annotations

import logging
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from aimline import data
from aimline.data import writer
from aimline.data.importers.report import ImportFailed, ImportReport
from aimline.metrics import engine
from aimline.web import jobs as web_jobs
from aimline.web.loads.models import LoadJob
from aimline.web.orgs.rosters import sync_rosters
from aimline.web.orgs.sync import sync_organisations
from aimline.web.targets.service import evaluate_due

log = logging.getLogger(__name__)


class UploadError(ValueError):
    pass


def unpack(upload: Path, into: Path, name: str | None = None) -> Path:
    """A zipped extract into a folder; refuses paths that would escape it. `name`: the
    file's name as the user uploaded it, for the messages."""
    name = name or upload.name
    try:
        with zipfile.ZipFile(upload) as z:
            for name in z.namelist():
                target = (into / name).resolve()
                if not target.is_relative_to(into.resolve()):
                    raise UploadError(f"{name}: a path outside the extract folder")
            z.extractall(into)
    except zipfile.BadZipFile:
        hint = (" A single table cannot be loaded alone: zip the extract's files (every "
                "table's CSV or Parquet) and upload the zip." if name.lower().endswith(
                    (".csv", ".parquet", ".txt", ".xlsx")) else "")
        raise UploadError(f"{name} is not a zip file.{hint}") from None
    inner = [p for p in into.iterdir() if p.is_dir()]
    csvs = list(into.glob("*.csv")) + list(into.glob("*.parquet"))
    return inner[0] if len(inner) == 1 and not csvs else into


def import_source(kind: str, source: Path, out: Path) -> ImportReport:
    """Run the importer for `kind` on an unpacked upload; the extract goes to `out`."""
    if kind == "edfi":
        from aimline.data.importers import import_edfi

        maps = list(source.rglob("descriptor-map.yaml"))
        return import_edfi(source, out, descriptor_map=maps[0] if maps else None)
    if kind == "oneroster":
        from aimline.data.importers.oneroster import import_oneroster

        return import_oneroster(source, out)
    from aimline.data.importers.sis import import_sis

    mapping = source / "mapping.yaml"
    if not mapping.exists():
        raise ImportFailed(["mapping.yaml is missing: put the mapping in the zip beside the "
                            "export files (aimline mapping init writes a first one)"])
    return import_sis(source, mapping, out)


def claim() -> LoadJob | None:
    return web_jobs.claim(LoadJob)


class _Failed(Exception):
    """The job failed with its message and problems set: nothing is swapped in."""


def run(job: LoadJob, warehouse: Path | None = None) -> LoadJob:
    warehouse = Path(warehouse or settings.WAREHOUSE)
    extract = warehouse.with_name(f".{warehouse.name}.job{job.pk}.extract")
    try:
        web_jobs.step(job, "Copying the warehouse", 5)
        # one writer at a time with the CLI; the copy is swapped in when the block ends
        with writer.writing(warehouse) as work:
            loaded = _load_into(job, work, extract)
        # from here the data is live: the job is done whatever follows, and says so
        job.status, job.progress = LoadJob.DONE, 100
        job.step, job.message = "Done", f"Loaded school years {', '.join(map(str, loaded))}."
        after_swap(job, warehouse)
    except _Failed:
        pass
    except writer.WarehouseBusy as e:
        job.status, job.message = LoadJob.FAILED, f"{e} Nothing was loaded."
    except Exception as e:  # a job reports every failure on its page
        log.exception("load job %s failed", job.pk)
        job.status, job.message = LoadJob.FAILED, f"{type(e).__name__}: {e}"
    finally:
        shutil.rmtree(extract, ignore_errors=True)
        job.finished_at = timezone.now()
        job.save()
    return job


def _load_into(job: LoadJob, work: Path, extract: Path) -> list[int]:
    """Import (if a source format), validate and load the job's extract into `work`, and
    compute every indicator of the years loaded; the years. Raises _Failed."""
    source = Path(job.source)
    if job.source_format != LoadJob.CANONICAL:
        web_jobs.step(job, f"Importing the {job.get_source_format_display()}", 8)
        try:
            report = import_source(job.source_format, source, extract)
        except ImportFailed as e:
            job.problems = [{"file": "", "row": None, "column": None, "value": None,
                             "rule": p} for p in e.problems[:500]]
            job.problem_count = len(e.problems)
            job.status, job.message = LoadJob.FAILED, (
                f"{len(e.problems):,} problems: nothing was imported or loaded")
            raise _Failed from None
        job.import_report = report.as_dict()
        source = extract
    web_jobs.step(job, "Validating and loading the extract", 10)
    window = data.Window(job.window_from, job.window_to) \
        if job.window_from and job.window_to else None
    try:  # a district's job loads its own district only
        _, result = data.load(source, work, window=window, districts={job.district.code})
    except data.ValidationFailed as e:
        job.problems = [asdict(p) for p in e.report.sorted_problems()[:500]]
        job.problem_count = e.report.total
        job.status, job.message = LoadJob.FAILED, (
            f"{e.report.total:,} problems: nothing was loaded")
        raise _Failed from None
    except data.DataError as e:
        job.status, job.message = LoadJob.FAILED, f"{e} Nothing was loaded."
        raise _Failed from None
    years = engine.years_in(work)
    loaded = sorted(set(result.school_years) or set(years))
    for i, year in enumerate(loaded):
        for j, period in enumerate(("year", "month")):
            web_jobs.step(job, f"Computing {period} indicators for {year}",
                  30 + int(65 * (2 * i + j) / (2 * len(loaded))))
            engine.store(engine.compute(work, year, period=period,  # type: ignore[arg-type]
                                        suppress=False), work, settings.SUPPRESSION)
    return loaded


def after_swap(job: LoadJob, warehouse: Path) -> None:
    """The site follows the new warehouse: organisations, then rosters. A failure here
    leaves the load in place (it is live): the job stays done, with the step to re-run.
    Targets past their date are evaluated from the new data (`targets.service`)."""
    steps: tuple[tuple[Callable[[Path], Any], str, Callable[[Any], str]], ...] = (
        (sync_organisations, "aimline site setup", lambda _: ""),
        (sync_rosters, "aimline site rosters", lambda _: ""),
        (evaluate_due, "aimline site evaluate",
         lambda done: f" {len(done)} target(s) past their date evaluated from the new data."
         if done else ""))
    for step, fix, said in steps:
        try:
            job.message += said(step(warehouse))
        except Exception as e:
            log.exception("load job %s: %s failed after the swap", job.pk, step.__name__)
            job.message += (f" The data is loaded, but {step.__name__.replace('_', ' ')} "
                            f"failed ({type(e).__name__}: {e}); run `{fix}` to finish.")
            return


def work_once() -> bool:
    """Run the oldest queued load, if any."""
    job = claim()
    if job is None:
        return False
    run(job)
    return True
