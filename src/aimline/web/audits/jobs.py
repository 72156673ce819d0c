"""An audit's slow work as jobs: build (the findings snapshot and every file: PDF, HTML,
XLSX) and publish (the build, the frozen PDF, the publication). Pages show the job's step
and progress and serve the files the job left (`AuditFile`), so no request renders."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from aimline.reports import audit as report
from aimline.web import jobs as web_jobs
from aimline.web.audits import builds
from aimline.web.audits.models import AuditFile, AuditJob, EquityAudit

log = logging.getLogger(__name__)
FORMATS = {"pdf": "application/pdf", "html": "text/html",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def stamp(a: EquityAudit) -> str:
    """What a file of the audit shows: its version, status, findings and recommendations.
    A file whose stamp differs is stale."""
    recs = ",".join(str(pk) for pk in a.recommendations.order_by("pk").values_list(
        "pk", flat=True))
    computed = a.computed_at.isoformat() if a.computed_at else "never"
    return f"v{a.version}|{a.status}|{computed}|{recs}"[:200]


def current_file(a: EquityAudit, fmt: str) -> AuditFile | None:
    return a.files.filter(fmt=fmt, stamp=stamp(a)).first()


def active(a: EquityAudit) -> AuditJob | None:
    return a.jobs.filter(status__in=[AuditJob.QUEUED, AuditJob.RUNNING]).first()


def enqueue(a: EquityAudit, action: str, user: Any) -> AuditJob:
    """Queue `action` for the audit, unless a job is already queued or running for it
    (that one is returned: one job at a time per audit)."""
    return active(a) or AuditJob.objects.create(audit=a, action=action, created_by=user)


def _progress(job: AuditJob, start: int, end: int) -> Any:
    """A `report.build` progress callback that moves the job from start% towards end%."""
    seen = [0]

    def said(what: str) -> None:
        seen[0] += 1
        web_jobs.step(job, f"Computing: {what}", min(end, start + seen[0]))
    return said


def _render(job: AuditJob, a: EquityAudit, built: report.Audit, start: int) -> None:
    """Every format of the built audit, stored with the audit's current stamp."""
    here = stamp(a)
    with tempfile.TemporaryDirectory() as tmp:
        for i, fmt in enumerate(("xlsx", "html", "pdf")):
            web_jobs.step(job, f"Rendering the {fmt.upper()}",
                          start + (100 - start) * i // 3)
            body = report.write(built, Path(tmp) / f"audit.{fmt}").read_bytes()
            AuditFile.objects.update_or_create(audit=a, fmt=fmt,
                                               defaults={"stamp": here, "body": body})


def run(job: AuditJob) -> AuditJob:
    a = job.audit
    try:
        if job.action == AuditJob.PUBLISH:
            web_jobs.step(job, "Building and freezing the published version", 5)
            pub = builds.publish(a, job.created_by, progress=_progress(job, 5, 60))
            a.refresh_from_db()
            # the published PDF is the one frozen in the publication
            AuditFile.objects.update_or_create(audit=a, fmt="pdf", defaults={
                "stamp": stamp(a), "body": bytes(pub.pdf)})
            job.message = f"Published version {pub.version}."
        else:
            web_jobs.step(job, "Computing the findings", 5)
            progress = _progress(job, 5, 55)
            # a draft's findings are recomputed; a reviewed or published audit's are what
            # was reviewed, so its files are rendered from a build that changes nothing
            built = (builds.refresh(a, progress) if a.status == EquityAudit.DRAFT
                     else builds.build(a, progress))
            _render(job, a, built, 60)
            job.message = "Findings and files are up to date."
        job.status, job.progress, job.step = AuditJob.DONE, 100, "Done"
    except (ValidationError, ValueError) as e:  # no such year, too few schools, read-only
        job.status = AuditJob.FAILED
        job.message = " ".join(e.messages) if isinstance(e, ValidationError) else str(e)
    except Exception as e:  # a job reports every failure on its page
        log.exception("audit job %s failed", job.pk)
        job.status, job.message = AuditJob.FAILED, f"{type(e).__name__}: {e}"
    finally:
        job.finished_at = timezone.now()
        job.save()
    return job
