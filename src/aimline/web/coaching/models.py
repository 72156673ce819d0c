"""A coaching session and the corrections to it. The hours are the sum of `minutes`: no
separate time log. Which tags an entry may carry (a programme's leadership challenges, the
CPSEL elements) is the subject's (`subjects.Subject.focus`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models


class Entry(models.Model):
    DRAFT, SUBMITTED = "draft", "submitted"
    MODES = [("video", "Video call"), ("phone", "Phone"), ("in_person", "In person")]
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, default=DRAFT,
                              choices=[(DRAFT, "Draft"), (SUBMITTED, "Submitted")])
    date = models.DateField(null=True, blank=True)
    minutes = models.PositiveIntegerField(null=True, blank=True)
    mode = models.CharField(max_length=10, choices=MODES, blank=True)
    focus = models.JSONField(default=list, blank=True, help_text="Tags from the subject's list")
    notes = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    evidence = models.TextField(blank=True, help_text="Links, one per line")
    shared = models.BooleanField(default=False, help_text="The candidate shares this entry "
                                 "with their supervisor (where the practice has one)")
    updated = models.DateTimeField(auto_now=True)

    CONTENT = ("date", "minutes", "mode", "focus", "notes", "next_steps", "evidence")

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        verbose_name_plural = "entries"

    def facts(self) -> dict[str, Any]:
        return {f: (getattr(self, f).isoformat() if f == "date" and self.date
                    else getattr(self, f)) for f in self.CONTENT}

    def save(self, *args: Any, **kwargs: Any) -> None:
        from aimline.web.coaching.subjects import subject_of

        if self.status == self.SUBMITTED:
            missing = [f for f in ("date", "minutes", "mode") if not getattr(self, f)]
            if missing:
                raise ValidationError(f"a submitted entry needs {', '.join(missing)}")
            s = subject_of(self)
            unknown = set(self.focus) - {code for code, _ in s.focus(self.subject)}
            if unknown:
                raise ValidationError(f"not one of the {s.focus_label.lower()}: "
                                      f"{', '.join(sorted(unknown))}")
        if self.pk is not None:
            before = Entry.objects.get(pk=self.pk)
            if before.status == self.SUBMITTED:
                if self.status != self.SUBMITTED or self.author_id != before.author_id:
                    raise ValidationError("a submitted entry stays submitted, by its author")
                if before.facts() != self.facts():
                    by = getattr(self, "_corrected_by", None)
                    if by is None or by.pk != before.author_id:
                        raise ValidationError("a submitted entry is corrected only by its "
                                              "author")
                    Correction.objects.create(entry=before, by=by, before=before.facts(),
                                              after=self.facts())
        super().save(*args, **kwargs)


class Correction(models.Model):
    """A change to a submitted entry: what it said before and after."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="corrections")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField()
    after = models.JSONField()

    @property
    def changes(self) -> list[tuple[str, Any, Any]]:
        return [(k, v, self.after.get(k)) for k, v in self.before.items()
                if v != self.after.get(k)]
