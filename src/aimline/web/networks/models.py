"""Networked improvement: the network, its aims, driver diagrams, change ideas, PDSA
cycles, the family of measures, the Breakthrough Series phases and learning sessions.
Values of catalog measures come from the warehouse, never from here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

User = settings.AUTH_USER_MODEL

class Network(models.Model):
    name = models.CharField(max_length=200)
    problem_of_practice = models.TextField(blank=True)
    hub = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="hub_of")
    schools = models.ManyToManyField("orgs.Organisation", related_name="networks",
                                     limit_choices_to={"kind": "school"})

    def __str__(self) -> str:
        return self.name

    class Meta:
        db_table = "aimline_network"  # the table it had in the one-app site


PHASES = [("learning", "Learning"), ("testing", "Testing"), ("spreading", "Spreading"),
          ("sustaining", "Sustaining")]


class PhaseChange(models.Model):
    """The network entered `phase` on `began` (the latest one is the current phase)."""

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE,
                                related_name="phases")
    phase = models.CharField(max_length=12, choices=PHASES)
    began = models.DateField()

    class Meta:
        db_table = "aimline_phasechange"  # the table it had in the one-app site
        ordering = ["began"]


class LearningSession(models.Model):
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE,
                                related_name="sessions")
    date = models.DateField()
    title = models.CharField(max_length=200)
    agenda = models.TextField(blank=True)
    attended = models.ManyToManyField("orgs.Organisation", blank=True,
                                      related_name="+", help_text="Schools present")

    class Meta:
        db_table = "aimline_learningsession"  # the table it had in the one-app site
        ordering = ["date"]


class Aim(models.Model):
    """By <by_date>, <metric> for <population> will move from <baseline> to <target>.

    The metric comes from the catalog; the population is a school (a team's aim) or the
    network's schools (the network aim) and a student group. The baseline is computed from
    the warehouse and frozen when the aim is approved; it never changes afterwards."""

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE,
                                related_name="aims")
    school = models.ForeignKey("orgs.Organisation", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="aims",
                               help_text="A team's aim; empty for the network aim")
    metric = models.CharField(max_length=60)
    group_type = models.CharField(max_length=40, default="all")
    group_value = models.CharField(max_length=60, default="all")
    baseline_year = models.PositiveIntegerField()
    by_date = models.DateField()
    target = models.FloatField()
    baseline = models.FloatField(null=True, blank=True)
    approved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    frozen_target = models.OneToOneField(
        "targets.Target", null=True, blank=True, on_delete=models.PROTECT, related_name="aim",
        help_text="The measured target frozen on approval: baseline evidence, evaluations")
    approved_at = models.DateTimeField(null=True, blank=True)

    @property
    def approved(self) -> bool:
        return self.approved_at is not None

    def statement(self) -> str:
        from aimline.metrics import catalog

        try:
            what = catalog.get(self.metric).short_title.lower()
        except catalog.UnknownMetric:  # a metric since removed from the catalog
            what = self.metric
        who = self.school.name if self.school else (
            f"the schools of the network “{self.network.name}”")
        from aimline.metrics.groups import label

        group = "" if self.group_type == "all" else \
            f" ({label(self.group_type, self.group_value)})"
        base = f"{self.baseline:.1f}" if self.baseline is not None else "its baseline"
        return (f"By {self.by_date:%B %-d, %Y}, {what} for {who}{group} "
                f"will move from {base} to {self.target:g}.")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            old = Aim.objects.get(pk=self.pk)
            if old.approved and (old.baseline != self.baseline or old.metric != self.metric
                                 or old.baseline_year != self.baseline_year):
                raise ValidationError("an approved aim's baseline is frozen")
        super().save(*args, **kwargs)

    def population(self) -> list[str]:
        """The school codes whose counts the aim sums: its school, or the network's."""
        if self.school:
            return [self.school.code]
        return sorted(self.network.schools.values_list("code", flat=True))

    def approve(self, user: Any, target: Any) -> None:
        """Approved with its measured target (`targets.service.freeze`): the baseline is
        the target's, frozen with its evidence."""
        if self.approved:
            raise ValidationError("this aim is approved already; its baseline is frozen")
        self.baseline, self.frozen_target = target.baseline, target
        self.approved_by, self.approved_at = user, timezone.now()
        super().save()

    class Meta:
        db_table = "aimline_aim"  # the table it had in the one-app site


class Driver(models.Model):
    """A primary driver (parent empty) or a secondary driver (parent a primary one)."""

    aim = models.ForeignKey(Aim, on_delete=models.CASCADE, related_name="drivers")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "aimline_driver"  # the table it had in the one-app site
        ordering = ["order", "pk"]

    def clean(self) -> None:
        if self.parent and self.parent.parent_id is not None:
            raise ValidationError("a secondary driver's parent must be a primary driver")
        if self.parent and self.parent.aim_id != self.aim_id:
            raise ValidationError("a driver's parent belongs to another aim")


class ChangeIdea(models.Model):
    STATUSES = [("not_tried", "Not tried"), ("testing", "Testing"), ("adapting", "Adapting"),
                ("adopted", "Adopted"), ("abandoned", "Abandoned")]
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE,
                                related_name="change_ideas")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    drivers = models.ManyToManyField(Driver, blank=True, related_name="change_ideas")

    def __str__(self) -> str:
        return self.title

    class Meta:
        db_table = "aimline_changeidea"  # the table it had in the one-app site


class ChangeIdeaStatus(models.Model):
    """A status a team once set by hand. The spread matrix now derives each status from
    the school's PDSA cycles (`networks.views.idea_status`), so status and cycle counts
    cannot disagree; these rows are kept so no team's record is lost in the upgrade."""

    change_idea = models.ForeignKey(ChangeIdea, on_delete=models.CASCADE,
                                    related_name="statuses")
    school = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE,
                               related_name="+")
    status = models.CharField(max_length=10, choices=ChangeIdea.STATUSES, default="not_tried")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "aimline_changeideastatus"  # the table it had in the one-app site
        constraints = [models.UniqueConstraint(fields=["change_idea", "school"],
                                               name="one_status_per_school")]


class Measure(models.Model):
    """One of the family of measures: a catalog metric (values from the warehouse, by
    month) or a measure the team enters by hand (values over time, or a CSV upload)."""

    KINDS = [("outcome", "Outcome"), ("process", "Process"), ("balancing", "Balancing")]
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE,
                                related_name="measures")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=KINDS)
    metric = models.CharField(max_length=60, blank=True,
                              help_text="A catalog metric id; empty for a hand-entered measure")
    unit = models.CharField(max_length=40, blank=True)
    higher_is_better = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from aimline.metrics import catalog

        if self.metric:
            try:
                catalog.get(self.metric)
            except KeyError:
                raise ValidationError({"metric": f"no metric {self.metric!r} in the catalog"}
                                      ) from None

    class Meta:
        db_table = "aimline_measure"  # the table it had in the one-app site


class MeasureValue(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    school = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE,
                               related_name="+")
    date = models.DateField()
    value = models.FloatField()
    n = models.FloatField(null=True, blank=True, help_text="Denominator, for a proportion")
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "aimline_measurevalue"  # the table it had in the one-app site
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["measure", "school", "date"],
                                               name="one_value_per_date")]


class ChartChange(models.Model):
    """The team froze the baseline, or started a new part (limits recalculated) from
    `date` on, e.g. when a change was adopted; who and why are kept."""

    FREEZE, PART = "freeze", "part"
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="changes")
    school = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE,
                               related_name="+")
    kind = models.CharField(max_length=6, choices=[(FREEZE, "Freeze baseline"),
                                                   (PART, "New part")])
    date = models.DateField()
    why = models.CharField(max_length=300)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "aimline_chartchange"  # the table it had in the one-app site
        ordering = ["date"]


class PDSACycle(models.Model):
    """Plan (question, prediction, who/what/when/where, data) -> Do -> Study -> Act.

    Rules: no "do" without a prediction; no closing without a study entry and a decision.
    Cycles chain into ramps through `previous`."""

    PLAN, DO, STUDY, CLOSED = "plan", "do", "study", "closed"
    STAGES = [(PLAN, "Plan"), (DO, "Do"), (STUDY, "Study"), (CLOSED, "Closed")]
    ACTS = [("adapt", "Adapt"), ("adopt", "Adopt"), ("abandon", "Abandon")]
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE,
                                related_name="cycles")
    school = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE,
                               related_name="cycles")
    change_idea = models.ForeignKey(ChangeIdea, on_delete=models.CASCADE, related_name="cycles")
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="next_cycles", help_text="The cycle this builds on")
    title = models.CharField(max_length=200)
    question = models.TextField(help_text="What do we want to learn?")
    prediction = models.TextField(blank=True, help_text="What do we predict will happen?")
    plan = models.TextField(blank=True, help_text="Who, what, when, where")
    data_to_collect = models.TextField(blank=True)
    start = models.DateField(default=dt.date.today)
    end = models.DateField(null=True, blank=True)
    do_notes = models.TextField(blank=True, help_text="What happened")
    study_notes = models.TextField(blank=True, help_text="Data, and how it compares with the "
                                                         "prediction")
    act = models.CharField(max_length=7, choices=ACTS, blank=True)
    stage = models.CharField(max_length=6, choices=STAGES, default=PLAN)
    measures = models.ManyToManyField(Measure, blank=True, related_name="cycles")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "aimline_pdsacycle"  # the table it had in the one-app site
        ordering = ["-start", "-pk"]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.stage in (self.DO, self.STUDY, self.CLOSED) and not self.prediction.strip():
            errors["prediction"] = "write a prediction before the cycle moves to Do"
        if self.stage == self.CLOSED:
            if not self.study_notes.strip():
                errors["study_notes"] = "a cycle cannot be closed without a study entry"
            if not self.act:
                errors["act"] = "say whether to adapt, adopt or abandon before closing"
        if self.end and self.start and self.end < self.start:
            errors["end"] = "the end date is before the start date"
        if self.previous_id and self.previous_id == self.pk:
            errors["previous"] = "a cycle cannot build on itself"
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.full_clean(exclude=["measures"])  # the rules hold however a cycle is saved
        super().save(*args, **kwargs)
