"""Equity audits on the site: an audit (district, year, schools, status draft -> reviewed ->
published), its findings snapshot, the auditor's recommendations, and each publication
frozen with its PDF."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

User = settings.AUTH_USER_MODEL


class EquityAudit(models.Model):
    DRAFT, REVIEWED, PUBLISHED = "draft", "reviewed", "published"
    STATUSES = [(DRAFT, "Draft"), (REVIEWED, "Reviewed"), (PUBLISHED, "Published")]
    district = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE,
                                 related_name="audits", limit_choices_to={"kind": "district"})
    title = models.CharField(max_length=200)
    year = models.PositiveIntegerField()
    schools = models.JSONField(default=list, blank=True,
                               help_text="School ids; empty for every school")
    criteria = models.CharField(
        max_length=20, default="ncust", help_text="The award-style screen",
        choices=[("ncust", "NCUST America's Best Urban Schools"), ("none", "No award screen")])
    status = models.CharField(max_length=10, choices=STATUSES, default=DRAFT)
    version = models.PositiveIntegerField(default=1)
    findings = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "aimline_equityaudit"  # the table it had in the one-app site
        ordering = ["-created_at"]

    @property
    def editable(self) -> bool:
        return self.status != self.PUBLISHED


class Recommendation(models.Model):
    audit = models.ForeignKey(EquityAudit, on_delete=models.CASCADE,
                              related_name="recommendations")
    school_id = models.CharField(max_length=20, blank=True, help_text="Empty: the district")
    finding = models.CharField(max_length=400, blank=True, help_text="The finding it answers")
    text = models.TextField(max_length=5000)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "aimline_recommendation"  # the table it had in the one-app site
        ordering = ["created_at"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.audit.editable:
            raise ValidationError("a published audit is read-only: start a new version")
        super().save(*args, **kwargs)


class Publication(models.Model):
    """One published version, frozen: its findings, recommendations and PDF."""

    audit = models.ForeignKey(EquityAudit, on_delete=models.CASCADE,
                              related_name="publications")
    version = models.PositiveIntegerField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    findings = models.JSONField()
    recommendations = models.JSONField()
    pdf = models.BinaryField()

    class Meta:
        db_table = "aimline_publication"  # the table it had in the one-app site
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["audit", "version"],
                                               name="one_publication_per_version")]


class AuditJob(models.Model):
    """Building an audit's findings and files, or publishing it: minutes of analytics and
    rendering that no request waits for (`aimline.web.jobs` runs it; `audits/jobs.py`)."""

    BUILD, PUBLISH = "build", "publish"
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES = [(QUEUED, "Queued"), (RUNNING, "Running"), (DONE, "Done"), (FAILED, "Failed")]
    audit = models.ForeignKey(EquityAudit, on_delete=models.CASCADE, related_name="jobs")
    action = models.CharField(max_length=10, choices=[(BUILD, "Build the findings and files"),
                                                      (PUBLISH, "Publish")])
    status = models.CharField(max_length=10, choices=STATUSES, default=QUEUED, db_index=True)
    step = models.CharField(max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def active(self) -> bool:
        return self.status in (self.QUEUED, self.RUNNING)


class AuditFile(models.Model):
    """An audit's rendered PDF, HTML or XLSX, kept until what it shows changes (`stamp`):
    a download is served from here, never rendered on request."""

    audit = models.ForeignKey(EquityAudit, on_delete=models.CASCADE, related_name="files")
    fmt = models.CharField(max_length=4)
    stamp = models.CharField(max_length=200)
    body = models.BinaryField()
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["audit", "fmt"],
                                               name="one_file_per_format")]
