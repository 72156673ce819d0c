"""A measured target and its evaluations (each with its evidence)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from aimline.web.targets.evaluation import PERIODS, STATES

User = settings.AUTH_USER_MODEL


class Target(models.Model):
    """By `due`, `metric` for the `schools` (summed) and the student group will reach
    `target`, from a baseline frozen from the warehouse in `baseline_year`."""

    metric = models.CharField(max_length=60)
    schools = models.JSONField(help_text="School codes of the population, summed")
    network = models.ForeignKey("networks.Network", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="targets",
                                help_text="When the population is a network's schools")
    group_type = models.CharField(max_length=40, default="all")
    group_value = models.CharField(max_length=60, default="all")
    baseline_year = models.PositiveIntegerField()
    period = models.CharField(max_length=10, default="year", choices=list(PERIODS.items()),
                              help_text="The school year's value, or the year-to-date value "
                                        "through the target date (and through the same "
                                        "day of the baseline year)")
    target = models.FloatField()
    due = models.DateField()
    # frozen once, from the warehouse: the value, its counts, the rows, when and by whom
    baseline = models.FloatField()
    baseline_numerator = models.FloatField()
    baseline_denominator = models.FloatField()
    baseline_evidence = models.JSONField()
    baseline_load = models.CharField(max_length=40, blank=True,
                                     help_text="The warehouse load the rows came from")
    min_n = models.PositiveIntegerField(help_text="The suppression minimum it was frozen under")
    frozen_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    frozen_at = models.DateTimeField(auto_now_add=True)

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValidationError("a target is frozen: make a new one to change it")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.metric} {self.baseline:g} -> {self.target:g} by {self.due}"


class Evaluation(models.Model):
    """One look at a target in the warehouse: its state, value and evidence."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="evaluations")
    state = models.CharField(max_length=20, choices=list(STATES.items()))
    school_year = models.PositiveIntegerField()
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    evidence = models.JSONField()
    reason = models.CharField(max_length=300, blank=True)
    load = models.CharField(max_length=40, blank=True)
    min_n = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
