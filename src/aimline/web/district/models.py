"""A support plan for a school that needs support: why it was identified (kept as it was
then), the supports (a mentor school, principal and teacher mentors, staff, funding,
coaching, professional development), goals as measured targets (`targets.Target`, whose
baseline is frozen from the warehouse), quarterly reviews, and the exit: the plan exits
when every goal is attained in the data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from aimline.web.orgs.models import Organisation

User = settings.AUTH_USER_MODEL


class SupportPlan(models.Model):
    ACTIVE, EXITED = "active", "exited"
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"kind": "school"})
    district = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"kind": "district"})
    school_year = models.PositiveSmallIntegerField(help_text="The year it was identified")
    support = models.CharField(max_length=20, help_text="CSI, ATSI or district criteria")
    reasons = models.JSONField(default=list, help_text="Why, as identified then")
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    starts = models.DateField()
    ends = models.DateField(help_text="About two years")
    mentor = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", limit_choices_to={"kind": "school"},
                               help_text="The mentor school agreed")
    proposed_mentor = models.CharField(max_length=20, blank=True,
                                       help_text="The school Aimline proposed")
    mentor_reason = models.TextField(blank=True, help_text="Why another mentor than the "
                                                           "proposed one")
    targets = models.ManyToManyField("targets.Target", blank=True, related_name="+")
    status = models.CharField(max_length=10, default=ACTIVE,
                              choices=[(ACTIVE, "Active"), (EXITED, "Exited")])
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "school_year"],
                                               name="one_plan_per_school_and_year")]
        ordering = ["-school_year", "school__name"]

    def __str__(self) -> str:
        return f"{self.school.name}, {self.school_year - 1}–{self.school_year}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.school.district_id != self.district_id:
            raise ValidationError("the school is not the district's")
        if self.ends <= self.starts:
            raise ValidationError("the plan ends after it starts")
        if self.mentor is not None:
            if self.mentor_id == self.school_id:
                raise ValidationError("a school is not its own mentor")
            if self.mentor.district_id != self.district_id:
                raise ValidationError("the mentor school is another district's")
            if self.mentor.code != self.proposed_mentor and not self.mentor_reason.strip():
                raise ValidationError("another mentor than the proposed one needs a reason")
        super().save(*args, **kwargs)


class Support(models.Model):
    KINDS = [("principal_mentor", "Principal mentor"), ("teacher_mentor", "Teacher mentors"),
             ("staff", "Additional staff (FTE)"), ("funding", "Funding"),
             ("coaching", "Coaching"), ("pd", "Professional development"),
             ("other", "Other")]
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="supports")
    kind = models.CharField(max_length=20, choices=KINDS)
    what = models.CharField(max_length=300)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True,
                                 help_text="FTE or dollars, as the kind says")
    owner = models.CharField(max_length=120, blank=True)
    starts = models.DateField(null=True, blank=True)
    ends = models.DateField(null=True, blank=True)


class Review(models.Model):
    """A quarterly review: what was done, what the data says, what changes."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="reviews")
    on = models.DateField()
    notes = models.TextField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-on", "-pk"]


class Agreement(models.Model):
    """The written pairing agreement between the struggling school and its mentor: the
    areas of need, a term of about two years, what the mentor school commits to, and the
    results clause — the mentor school is paid only if the struggling school attains one of
    the plan's goals, as measured in the warehouse (`clause`)."""

    plan = models.OneToOneField(SupportPlan, on_delete=models.CASCADE,
                                related_name="agreement")
    mentor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                               help_text="The mentor school, as agreed on the plan then")
    areas_of_need = models.TextField()
    commitments = models.TextField(help_text="What the mentor school does: principal "
                                             "mentoring, teacher visits, shared planning")
    starts = models.DateField()
    ends = models.DateField()
    payment = models.DecimalField(max_digits=10, decimal_places=2,
                                  help_text="Dollars, paid only under the results clause")
    results_target = models.ForeignKey("targets.Target", on_delete=models.PROTECT,
                                       related_name="+", help_text="The plan's goal the "
                                                                   "payment turns on")
    agreed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    agreed_at = models.DateTimeField(auto_now_add=True)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.plan.mentor_id is None or self.plan.mentor_id != self.mentor_id:
            raise ValidationError("agree the mentor school on the plan first")
        if not self.areas_of_need.strip() or not self.commitments.strip():
            raise ValidationError("write the areas of need and the mentor's commitments")
        if not dt.timedelta(days=180) <= self.ends - self.starts <= dt.timedelta(days=1100):
            raise ValidationError("the term runs from six months to three years (about "
                                  "two is usual)")
        if self.payment < 0:
            raise ValidationError("the payment is a sum of dollars, 0 or more")
        if not self.plan.targets.filter(pk=self.results_target_id).exists():
            raise ValidationError("the results clause turns on one of the plan's goals")
        super().save(*args, **kwargs)


def clause(state: str | None, ends: dt.date, today: dt.date) -> str:
    """Where the results clause stands, from the goal's latest evaluation: "due" once the
    goal is attained, "not earned" once the term is over without it,
    else "pending"."""
    if state == "attained":
        return "due"
    return "not earned" if today > ends else "pending"


class Rotation(models.Model):
    """A principal's planned move, or part-time time, into a school that needs support:
    the district puts its experienced principals where they are needed. Whether it
    happened is read from the staff assignments (`people.carried_out`)."""

    MOVE, PART_TIME = "move", "part_time"
    KINDS = [(MOVE, "Reassigned as the school's principal"),
             (PART_TIME, "Part-time: days a week in the school, keeping their own")]
    district = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"kind": "district"})
    staff_id = models.CharField(max_length=64, help_text="The principal's staff id")
    from_school = models.ForeignKey(Organisation, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    to_school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=KINDS, default=MOVE)
    days_a_week = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    school_year = models.PositiveSmallIntegerField(help_text="From this school year")
    reason = models.TextField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-school_year", "-pk"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        for s in (self.from_school, self.to_school):
            if s is not None and s.district_id != self.district_id:
                raise ValidationError("both schools are the district's")
        if self.from_school_id == self.to_school_id:
            raise ValidationError("a rotation goes to another school")
        if not self.reason.strip():
            raise ValidationError("say why: the school's need, the principal's strengths")
        if self.kind == self.PART_TIME and not (self.days_a_week and
                                                0 < self.days_a_week <= 5):
            raise ValidationError("part-time: how many days a week (up to 5)")
        super().save(*args, **kwargs)


class Incentive(models.Model):
    """An incentive programme: who is eligible, the amount, the schools."""

    district = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"kind": "district"})
    name = models.CharField(max_length=200)
    eligible = models.TextField(help_text="Who is eligible, e.g. teachers rated highly "
                                          "effective who teach in these schools")
    amount = models.DecimalField(max_digits=9, decimal_places=2, help_text="Dollars a year")
    schools = models.ManyToManyField(Organisation, related_name="+",
                                     limit_choices_to={"kind": "school"})
    starts = models.PositiveSmallIntegerField(help_text="From this school year")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts", "name"]


class Cluster(models.Model):
    """Schools around one joint plan, with shared resources and the cluster's measures
    (targets over all its schools together)."""

    district = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"kind": "district"})
    name = models.CharField(max_length=200)
    schools = models.ManyToManyField(Organisation, related_name="+",
                                     limit_choices_to={"kind": "school"})
    plan = models.TextField(help_text="The joint plan")
    targets = models.ManyToManyField("targets.Target", blank=True, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Shared(models.Model):
    """A resource the cluster's schools share: teachers, PD funds, a coach."""

    KINDS = [("teacher", "Shared teachers (FTE)"), ("pd_funds", "PD funds (dollars)"),
             ("coach", "A shared coach (FTE)"), ("other", "Other")]
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="shared")
    kind = models.CharField(max_length=10, choices=KINDS)
    what = models.CharField(max_length=300)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
