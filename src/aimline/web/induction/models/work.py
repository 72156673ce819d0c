"""The work of the two years: the individual induction plan (IIP) on the CPSEL, with its
revisions kept; professional learning that counts; evidence of growth on the programme's
rubric; the portfolio presentation; completion and the credential recommendation; and
whether each administrator stayed in the district."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from aimline.web.induction.models.partnership import Candidate, Standard
from aimline.web.orgs.models import Organisation

User = settings.AUTH_USER_MODEL


class Plan(models.Model):
    """The IIP for one year of a candidate's induction: a working document, revised."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveSmallIntegerField(choices=[(1, "Year 1"), (2, "Year 2")])
    supervisor_goals = models.TextField(
        blank=True, help_text="Employer input: goals and duties set by the supervisor, from "
                              "the school's and district's goals")
    evaluation_shared = models.DateField(
        null=True, blank=True, help_text="Employer input: when the candidate shared their "
                                         "performance evaluation with the coach")
    transitional = models.TextField(blank=True, help_text="Year 2: the transitional learning "
                                                          "plan at the end of induction")

    class Meta:
        ordering = ["candidate", "year"]
        constraints = [models.UniqueConstraint(fields=["candidate", "year"],
                                               name="one_plan_a_year")]

    def __str__(self) -> str:
        return f"{self.candidate} IIP year {self.year}"

    def hours(self) -> float:
        return float(sum(g.hours for g in self.goals.all()))


class PlanGoal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    statement = models.CharField(max_length=400)
    elements = models.ManyToManyField(Standard, related_name="+",
                                      limit_choices_to={"framework": "CPSEL",
                                                        "parent__isnull": False})
    outcome = models.CharField("Performance outcome", max_length=400)
    evidence = models.CharField("Data to collect", max_length=400)
    metric = models.CharField(max_length=60, blank=True,
                              help_text="A catalog metric at the candidate's school, charted")
    hours = models.DecimalField("Planned clock hours", max_digits=5, decimal_places=1)

    def __str__(self) -> str:
        return self.statement


class PlanRevision(models.Model):
    """The plan as it was before each change: who changed it, when, why."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300)
    before = models.JSONField()

    class Meta:
        ordering = ["plan", "-at", "-pk"]


class ProgressNote(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="notes")
    on = models.DateField()
    text = models.TextField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["plan", "-on"]


class Learning(models.Model):
    """Professional learning that counts toward the 20–30 hours."""

    SESSION, WORKSHOP, MONTHLY, VISIT = "session", "workshop", "monthly", "visit"
    KINDS = [(SESSION, "District session"), (WORKSHOP, "Workshop"),
             (MONTHLY, "Monthly meeting with district facilitators"),
             (VISIT, "Site visit to a host school")]
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE,
                                  related_name="learning")
    on = models.DateField()
    kind = models.CharField(max_length=10, choices=KINDS)
    title = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    host = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", limit_choices_to={"kind": "school"})
    elements = models.ManyToManyField(Standard, blank=True, related_name="+")

    class Meta:
        ordering = ["candidate", "-on"]

    def clean(self) -> None:
        hosts = self.candidate.partnership.host_schools
        if self.kind == self.VISIT and (self.host is None or
                                        not hosts.filter(pk=self.host_id).exists()):
            raise ValidationError({"host": "a site visit is to a host school the district "
                                           "lists"})
        if self.hours <= 0:
            raise ValidationError({"hours": "hours are more than zero"})

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.clean()
        super().save(*args, **kwargs)


class Evidence(models.Model):
    """Evidence of growth on one CPSEL element, rated on the programme's rubric."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="evidence")
    element = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(help_text="1 = the rubric's first level")
    note = models.CharField(max_length=400)
    on = models.DateField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    def save(self, *args: Any, **kwargs: Any) -> None:
        on_rubric(self.candidate, self.level)
        super().save(*args, **kwargs)


def on_rubric(c: Candidate, level: int) -> None:
    """Refuse a level the programme's rubric does not have."""
    levels = c.partnership.rubric
    if not 1 <= level <= len(levels):
        raise ValidationError(f"level {level} is not on the rubric (1–{len(levels)})")


class PortfolioScore(models.Model):
    """The final portfolio presentation, scored by each of coach, coordinator and the
    district designee."""

    COACH, COORDINATOR, DESIGNEE = "coach", "coordinator", "designee"
    SEATS = [(COACH, "Coach"), (COORDINATOR, "Programme coordinator"),
             (DESIGNEE, "District designee")]
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE,
                                  related_name="portfolio")
    seat = models.CharField(max_length=12, choices=SEATS)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate", "seat"],
                                               name="one_portfolio_score_per_seat")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        on_rubric(self.candidate, self.level)
        super().save(*args, **kwargs)


class Completion(models.Model):
    """Completion, recommended by the programme with the district's input recorded; the
    credential recommendation to the state."""

    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE,
                                     related_name="completion")
    recommended_on = models.DateField()
    recommended_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    district_input = models.TextField()
    district_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    credential_recommended_on = models.DateField(null=True, blank=True)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.district_input.strip():
            raise ValidationError("completion records the district's input")
        missing = {PortfolioScore.COACH, PortfolioScore.COORDINATOR,
                   PortfolioScore.DESIGNEE} - set(self.candidate.portfolio.values_list(
                       "seat", flat=True))
        if missing:
            raise ValidationError(f"the portfolio is not yet scored by: "
                                  f"{', '.join(sorted(missing))}")
        super().save(*args, **kwargs)


class Retention(models.Model):
    """Recorded where the district loads no staff assignments: whether the administrator
    worked in the district in a school year after completing."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE,
                                  related_name="retention")
    school_year = models.PositiveSmallIntegerField()
    in_district = models.BooleanField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate", "school_year"],
                                               name="one_retention_a_year")]
