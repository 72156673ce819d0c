"""Data loads as background jobs: a queue in the site database (`LoadJob` rows), so it
works on SQLite and PostgreSQL alike, and a worker that claims one job at a time.

A job validates the extract, loads it into a *copy* of the warehouse, computes the
indicators there, and only then swaps the copy into place (an atomic rename). A load that
fails validation, or fails at any step, leaves the warehouse the site reads untouched.
"""

from __future__ import annotations

import logging
import shutil
import threading
import zipfile
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from aimline import data
from aimline.data.importers.report import ImportFailed, ImportReport
from aimline.metrics import engine
from aimline.web.loads.models import LoadJob
from aimline.web.orgs.rosters import sync_rosters
from aimline.web.orgs.sync import sync_organisations

log = logging.getLogger(__name__)


class UploadError(ValueError):
    pass


def unpack(upload: Path, into: Path) -> Path:
    """A zipped extract into a folder; refuses paths that would escape it."""
    try:
        with zipfile.ZipFile(upload) as z:
            for name in z.namelist():
                target = (into / name).resolve()
                if not target.is_relative_to(into.resolve()):
                    raise UploadError(f"{name}: a path outside the extract folder")
            z.extractall(into)
    except zipfile.BadZipFile:
        raise UploadError(f"{upload.name} is not a zip file") from None
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
    """Take the oldest queued job; the conditional update makes two workers safe."""
    for job in LoadJob.objects.filter(status=LoadJob.QUEUED).order_by("created_at")[:5]:
        if LoadJob.objects.filter(pk=job.pk, status=LoadJob.QUEUED).update(
                status=LoadJob.RUNNING, started_at=timezone.now()):
            job.refresh_from_db()
            return job
    return None


def _step(job: LoadJob, step: str, progress: int) -> None:
    job.step, job.progress = step[:200], progress
    job.save(update_fields=["step", "progress"])


def run(job: LoadJob, warehouse: Path | None = None) -> LoadJob:
    warehouse = Path(warehouse or settings.WAREHOUSE)
    work = warehouse.with_name(f".{warehouse.name}.job{job.pk}")
    extract = warehouse.with_name(f".{warehouse.name}.job{job.pk}.extract")
    try:
        _step(job, "Copying the warehouse", 5)
        if warehouse.exists():
            shutil.copyfile(warehouse, work)
        source = Path(job.source)
        if job.source_format != LoadJob.CANONICAL:
            _step(job, f"Importing the {job.get_source_format_display()}", 8)
            try:
                report = import_source(job.source_format, source, extract)
            except ImportFailed as e:
                job.problems = [{"file": "", "row": None, "column": None, "value": None,
                                 "rule": p} for p in e.problems[:500]]
                job.problem_count = len(e.problems)
                job.status, job.message = LoadJob.FAILED, (
                    f"{len(e.problems):,} problems: nothing was imported or loaded")
                return job
            job.import_report = report.as_dict()
            source = extract
        _step(job, "Validating and loading the extract", 10)
        window = data.Window(job.window_from, job.window_to) \
            if job.window_from and job.window_to else None
        try:  # a district's job loads its own district only
            _, result = data.load(source, work, window=window, districts={job.district.code})
        except data.ValidationFailed as e:
            job.problems = [asdict(p) for p in e.report.sorted_problems()[:500]]
            job.problem_count = e.report.total
            job.status, job.message = LoadJob.FAILED, (
                f"{e.report.total:,} problems: nothing was loaded")
            return job
        except data.DataError as e:
            job.status, job.message = LoadJob.FAILED, f"{e} Nothing was loaded."
            return job
        years = engine.years_in(work)
        loaded = sorted(set(result.school_years) or set(years))
        for i, year in enumerate(loaded):
            for j, period in enumerate(("year", "month")):
                _step(job, f"Computing {period} indicators for {year}",
                      30 + int(65 * (2 * i + j) / (2 * len(loaded))))
                engine.store(engine.compute(work, year, period=period,  # type: ignore[arg-type]
                                            suppress=False), work, settings.SUPPRESSION)
        work.replace(warehouse)  # atomic: readers see the old file or the new one
        # from here the data is live: the job is done whatever follows, and says so
        job.status, job.progress = LoadJob.DONE, 100
        job.step, job.message = "Done", f"Loaded school years {', '.join(map(str, loaded))}."
        after_swap(job, warehouse)
    except Exception as e:  # a job reports every failure on its page
        log.exception("load job %s failed", job.pk)
        job.status, job.message = LoadJob.FAILED, f"{type(e).__name__}: {e}"
    finally:
        work.unlink(missing_ok=True)
        shutil.rmtree(extract, ignore_errors=True)
        job.finished_at = timezone.now()
        job.save()
    return job


def after_swap(job: LoadJob, warehouse: Path) -> None:
    """The site follows the new warehouse: organisations, then rosters. A failure here
    leaves the load in place (it is live): the job stays done, with the step to re-run."""
    for step, fix in ((sync_organisations, "aimline site setup"),
                      (sync_rosters, "aimline site rosters")):
        try:
            step(warehouse)
        except Exception as e:
            log.exception("load job %s: %s failed after the swap", job.pk, step.__name__)
            job.message += (f" The data is loaded, but {step.__name__.replace('_', ' ')} "
                            f"failed ({type(e).__name__}: {e}); run `{fix}` to finish.")
            return


def work_once() -> bool:
    job = claim()
    if job is None:
        return False
    run(job)
    return True


def worker(stop: threading.Event, poll: float = 1.0) -> None:
    """Loop until `stop` is set: one job at a time, as `aimline serve` runs it in-process."""
    while not stop.is_set():
        close_old_connections()
        try:
            busy = work_once()
        except Exception:
            log.exception("job worker")
            busy = False
        if not busy:
            stop.wait(poll)
