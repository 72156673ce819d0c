"""Equity audits on the site: an audit (district, year, schools, status draft -> reviewed ->
published), its findings as computed by `aimline.reports.audit` (stored as a snapshot, so a
page never waits for the analytics), the auditor's recommendations, and each publication
frozen with its PDF (published audits are read-only and versioned)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from aimline.equity import criteria as criteria_sets
from aimline.reports import audit as report
from aimline.web.warehouse import records

User = settings.AUTH_USER_MODEL


class EquityAudit(models.Model):
    DRAFT, REVIEWED, PUBLISHED = "draft", "reviewed", "published"
    STATUSES = [(DRAFT, "Draft"), (REVIEWED, "Reviewed"), (PUBLISHED, "Published")]
    district = models.ForeignKey("aimline.Organisation", on_delete=models.CASCADE,
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
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["audit", "version"],
                                               name="one_publication_per_version")]


def structured_findings(built: report.Audit, sid: str) -> list[dict[str, Any]]:
    """The gaps worth a sentence, with what an aim needs: metric, group, value."""
    g = built.gaps
    g = g[(g.school_id == sid) & (g.school_year == built.year) & (g.direction == "worse")
          & (g.gap_to_school.abs() >= report.FINDING_POINTS)]
    g = g.reindex(g.gap_to_school.abs().sort_values(ascending=False).index).head(6)
    return [{"sentence": report.finding(r), "metric": r.metric, "group_type": r.group_type,
             "group_value": r.group_value, "value": float(r.value),
             "gap": float(r.gap_to_school)} for r in g.itertuples()]


def snapshot(built: report.Audit) -> dict[str, Any]:
    """The built audit as JSON: everything the pages show."""
    return {
        "district": built.district, "year": built.year, "years": built.years,
        "summary": built.summary, "notes": built.notes, "odds_svg": built.odds_svg,
        "odds_model": built.odds_model,
        "overview": records(built.overview.reset_index()),
        "metrics": [m.id for m in built.metrics],
        "screen": {"name": built.criteria.name, "source": built.criteria.source,
                   "labels": [c.label for c in built.criteria.criteria],
                   "rows": report.screen_rows(built)} if built.criteria else None,
        "schools": {s.school_id: {
            "name": s.name, "level": s.level, "profile": s.profile,
            "headline": records(s.headline.reset_index()), "peers": records(s.peers),
            "findings": structured_findings(built, s.school_id), "strengths": s.strengths,
            "odds_label": s.odds_label, "gaps_svg": s.gaps_svg} for s in built.schools},
    }


def build(a: EquityAudit) -> report.Audit:
    built = report.build(Path(settings.WAREHOUSE), a.year, lea=a.district.code,
                         schools=a.schools or None,
                         min_n=settings.MIN_N, criteria=criteria_sets.SETS.get(a.criteria))
    recs: dict[str, list[str]] = {}
    for r in a.recommendations.all():
        recs.setdefault(r.school_id, []).append(
            (f"On “{r.finding}”: " if r.finding else "") + r.text)
    built.recommendations = recs
    return built


def refresh(a: EquityAudit) -> None:
    if not a.editable:
        raise ValidationError("a published audit is read-only: start a new version")
    a.findings, a.computed_at = snapshot(build(a)), timezone.now()
    a.save(update_fields=["findings", "computed_at"])


def publish(a: EquityAudit, user: Any) -> Publication:
    """Freeze this version: findings recomputed now, recommendations copied, PDF rendered.

    The build and the PDF take tens of seconds and only read, so they run outside any
    transaction (on SQLite a transaction holds the one write lock: every other write,
    student-view logging included, would wait); the result is committed in one short one,
    which checks that nothing it froze changed meanwhile."""
    if a.status != EquityAudit.REVIEWED:
        raise ValidationError("an audit is reviewed before it is published")
    recs = sorted(a.recommendations.values_list("pk", flat=True))
    built = build(a)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = report.write(built, Path(tmp) / "audit.pdf").read_bytes()
    findings = snapshot(built)
    with transaction.atomic():
        a = EquityAudit.objects.select_for_update().get(pk=a.pk)
        if a.status != EquityAudit.REVIEWED or sorted(
                a.recommendations.values_list("pk", flat=True)) != recs:
            raise ValidationError("the audit changed while it was being published: publish "
                                  "again")
        a.findings, a.computed_at, a.status = findings, timezone.now(), EquityAudit.PUBLISHED
        a.save()
        return Publication.objects.create(
            audit=a, version=a.version, published_by=user, findings=a.findings, pdf=pdf,
            recommendations=[{"school_id": r.school_id, "finding": r.finding, "text": r.text,
                              "author": str(r.author)}
                             for r in a.recommendations.select_related("author")])


def new_version(a: EquityAudit) -> None:
    if a.status != EquityAudit.PUBLISHED:
        raise ValidationError("only a published audit gets a new version")
    a.status, a.version = EquityAudit.DRAFT, a.version + 1
    a.save(update_fields=["status", "version"])
