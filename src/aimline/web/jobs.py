"""The site's job worker: the slow work pages must not wait for (a data load, an equity
audit's build and files) runs here, one job at a time, oldest first, and each job shows its
step and progress on its page. `aimline serve` runs the worker beside gunicorn;
`aimline worker` runs it alone. Each kind of job is a model with status, step, progress,
message, started_at and finished_at, and a `run(job)` in its app's jobs.py."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, models
from django.utils import timezone

log = logging.getLogger(__name__)


def claim(model: type[models.Model]) -> Any | None:
    """Take the oldest queued job of `model`; the conditional update makes two workers
    safe."""
    for job in model.objects.filter(status="queued").order_by("created_at")[:5]:
        if model.objects.filter(pk=job.pk, status="queued").update(
                status="running", started_at=timezone.now()):
            job.refresh_from_db()
            return job
    return None


def step(job: Any, text: str, progress: int) -> None:
    """Say what the job is doing, on its page (saved at once)."""
    job.step, job.progress = text[:200], progress
    job.save(update_fields=["step", "progress"])


def kinds() -> list[tuple[type[models.Model], Callable[[Any], Any]]]:
    from aimline.web.audits import jobs as audit_jobs
    from aimline.web.audits.models import AuditJob
    from aimline.web.loads import jobs as load_jobs
    from aimline.web.loads.models import LoadJob

    return [(LoadJob, load_jobs.run), (AuditJob, audit_jobs.run)]


def work_once() -> bool:
    """Run one queued job of any kind; whether there was one."""
    for model, run in kinds():
        job = claim(model)
        if job is not None:
            run(job)
            return True
    return False


def work_all() -> int:
    """Run every queued job (tests, and `aimline worker --once`); how many ran."""
    n = 0
    while work_once():
        n += 1
    return n


def worker(stop: threading.Event, poll: float = 1.0) -> None:
    """Loop until `stop` is set."""
    while not stop.is_set():
        close_old_connections()
        try:
            busy = work_once()
        except Exception:
            log.exception("job worker")
            busy = False
        if not busy:
            stop.wait(poll)
