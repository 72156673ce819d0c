"""Data-load jobs: a district's extract to validate and load, run by the job worker."""

from __future__ import annotations

from django.conf import settings
from django.db import models

User = settings.AUTH_USER_MODEL


class LoadJob(models.Model):
    """A district extract to validate and load, run by the job worker (`jobs.py`)."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES = [(QUEUED, "Queued"), (RUNNING, "Running"), (DONE, "Loaded"),
                (FAILED, "Failed")]
    CANONICAL = "canonical"
    FORMATS = [(CANONICAL, "Aimline extract (one CSV or Parquet file per table)"),
               ("edfi", "Ed-Fi XML interchange files or ODS/API JSON pages"),
               ("oneroster", "OneRoster 1.1 / 1.2 CSV bundle"),
               ("sis", "SIS export (CSV/XLSX) with its mapping.yaml")]
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    district = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=500, help_text="the extract folder")
    source_format = models.CharField(max_length=12, choices=FORMATS, default=CANONICAL)
    window_from = models.DateField(null=True, blank=True,
                                   help_text="a window load: its first day (data.Window)")
    window_to = models.DateField(null=True, blank=True, help_text="…and its last day")
    import_report = models.JSONField(default=dict, blank=True,
                                     help_text="what the importer read, used and dropped")
    status = models.CharField(max_length=10, choices=STATUSES, default=QUEUED, db_index=True)
    step = models.CharField(max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True)
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "aimline_loadjob"  # the table it had in the one-app site
        ordering = ["-created_at"]
