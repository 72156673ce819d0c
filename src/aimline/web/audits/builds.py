"""An equity audit's findings built by `aimline.reports.audit` (stored as a snapshot, so a
page never waits for the analytics), refreshed, published (recommendations copied, the PDF
frozen; published audits are read-only and versioned) and reopened as a new version."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aimline.equity import criteria as criteria_sets
from aimline.reports import audit as report
from aimline.web.audits.models import EquityAudit, Publication
from aimline.web.warehouse import records

User = settings.AUTH_USER_MODEL


def structured_findings(built: report.Audit, sid: str) -> list[dict[str, Any]]:
    """The gaps worth a sentence, with what an aim needs: metric, group, value."""
    g = built.gaps
    g = g[(g.school_id == sid) & (g.school_year == built.year) & (g.direction == "worse")
          & (g.gap_to_school.abs() >= report.FINDING_POINTS)]
    g = g.reindex(g.gap_to_school.abs().sort_values(ascending=False).index).head(
        report.MAX_FINDINGS)
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
        "metrics": [m.id for m in built.metrics], "staffing": built.staffing,
        "screen": {"name": built.criteria.name, "source": built.criteria.source,
                   "labels": [c.label for c in built.criteria.criteria],
                   "rows": report.screen_rows(built)} if built.criteria else None,
        "schools": {s.school_id: {
            "name": s.name, "level": s.level, "profile": s.profile,
            "headline": records(s.headline.reset_index()), "peers": records(s.peers),
            "findings": structured_findings(built, s.school_id), "gap_count": s.gap_count,
            "strengths": s.strengths,
            "odds_label": s.odds_label, "gaps_svg": s.gaps_svg} for s in built.schools},
    }


def cover_status(a: EquityAudit, on: str | None = None) -> str:
    """What the report's cover says it is."""
    if a.status == EquityAudit.PUBLISHED:
        return f"Published: version {a.version}, {on or timezone.localdate().isoformat()}"
    if a.status == EquityAudit.REVIEWED:
        return f"Reviewed, not yet published (version {a.version})"
    return f"Draft: not yet reviewed or published (version {a.version})"


def build(a: EquityAudit, progress: Callable[[str], None] | None = None) -> report.Audit:
    built = report.build(Path(settings.WAREHOUSE), a.year, lea=a.district.code,
                         schools=a.schools or None, progress=progress,
                         policy=settings.SUPPRESSION, criteria=criteria_sets.SETS.get(a.criteria))
    built.status = cover_status(a)
    recs: dict[str, list[str]] = {}
    for r in a.recommendations.all():
        recs.setdefault(r.school_id, []).append(
            (f"On “{r.finding}”: " if r.finding else "") + r.text)
    built.recommendations = recs
    return built


def refresh(a: EquityAudit, progress: Callable[[str], None] | None = None) -> report.Audit:
    """Recompute a draft's findings from the warehouse; the built audit (to render)."""
    if not a.editable:
        raise ValidationError("a published audit is read-only: start a new version")
    built = build(a, progress)
    a.findings, a.computed_at = snapshot(built), timezone.now()
    a.save(update_fields=["findings", "computed_at"])
    return built


def publish(a: EquityAudit, user: Any, progress: Callable[[str], None] | None = None
            ) -> Publication:
    """Freeze this version: findings recomputed now, recommendations copied, PDF rendered.

    The build and the PDF take tens of seconds and only read, so they run outside any
    transaction (on SQLite a transaction holds the one write lock: every other write,
    student-view logging included, would wait); the result is committed in one short one,
    which checks that nothing it froze changed meanwhile."""
    if a.status != EquityAudit.REVIEWED:
        raise ValidationError("an audit is reviewed before it is published")
    recs = sorted(a.recommendations.values_list("pk", flat=True))
    built = build(a, progress)
    built.status = f"Published: version {a.version}, {timezone.localdate().isoformat()}"
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
