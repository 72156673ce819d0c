"""Interventions recorded for a student (student-level: seen only within scope)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

User = settings.AUTH_USER_MODEL


class Intervention(models.Model):
    KINDS = [("attendance", "Attendance support"), ("behaviour", "Behaviour support"),
             ("academic", "Academic tutoring"), ("mentoring", "Mentoring"),
             ("family", "Family outreach"), ("health", "Health / counselling"),
             ("other", "Other")]
    student_id = models.CharField(max_length=20, db_index=True)
    school_id = models.CharField(max_length=20, help_text="the author's school")
    kind = models.CharField(max_length=20, choices=KINDS)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    owner = models.CharField(max_length=200)
    note = models.TextField(blank=True, max_length=4000)
    restricted = models.BooleanField(
        default=False, help_text="Only staff of the author's school see the note")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "aimline_intervention"  # the table it had in the one-app site
        ordering = ["-start", "-created_at"]

    def clean(self) -> None:
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": "the end date is before the start date"})
