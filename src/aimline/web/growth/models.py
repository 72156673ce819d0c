"""Teachers' growth, as the district defines it.

- A **micro-credential** is one competency: a key method with its components, the
  research behind it, resources, overview questions, a public rubric (criteria, each
  with what "demonstrated" and "not yet" look like), reviewers, the professional-learning
  hours it counts for, and the programme's days-to-decision target (14).
- A **submission** has three parts — answers to the overview questions, artifacts
  (uploads or links), a reflection — and gets one decision per criterion; a
  resubmission revises only what fell short (`review.py` keeps the rules).
- The **career ladder**: the district's steps, each with its criteria (years, the
  latest evaluation, micro-credentials, hours); `ladder.py` works out where a teacher is.
- An **action-research project** (question, method, data, findings) is linked to a PDSA
  cycle or a network measure whose chart is its evidence, and published to the district's
  library (public if the district chooses).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from aimline.web.orgs.models import Organisation

User = settings.AUTH_USER_MODEL


class MicroCredential(models.Model):
    district = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"kind": "district"})
    name = models.CharField(max_length=200)
    competency = models.TextField(help_text="The one competency it stands for")
    key_method = models.TextField(help_text="The method a teacher shows")
    components = models.JSONField(default=list, help_text="The method's components")
    research = models.TextField(help_text="The research behind the method")
    resources = models.TextField(blank=True)
    questions = models.JSONField(default=list, help_text="The overview questions")
    hours = models.DecimalField(max_digits=5, decimal_places=1, default=0,
                                help_text="Professional-learning hours it counts for")
    decision_days = models.PositiveSmallIntegerField(
        default=14, help_text="The programme's target: days from submission to decision")
    reviewers = models.ManyToManyField(User, blank=True, related_name="+",
                                       help_text="Experts; those who have earned it review "
                                                 "too")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """One line of the public rubric and its two levels."""

    credential = models.ForeignKey(MicroCredential, on_delete=models.CASCADE,
                                   related_name="criteria")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    demonstrated = models.TextField(help_text="What 'demonstrated' looks like")
    not_yet = models.TextField(help_text="What 'not yet' looks like")

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["credential", "order"],
                                               name="one_criterion_per_place")]

    def __str__(self) -> str:
        return self.text


class Submission(models.Model):
    DRAFT, SUBMITTED, EARNED, NOT_YET = "draft", "submitted", "earned", "not_yet"
    STATES = [(DRAFT, "Draft"), (SUBMITTED, "Submitted, awaiting review"),
              (EARNED, "Earned"), (NOT_YET, "Not yet: resubmit what fell short")]
    credential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT,
                                   related_name="submissions")
    teacher = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"kind": "school"})
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="resubmission")
    answers = models.JSONField(default=dict, help_text="Overview question → answer")
    reflection = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=STATES, default=DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    issued = models.OneToOneField("credentials.Credential", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.credential} — {self.teacher} (attempt {self.attempt})"

    @property
    def attempt(self) -> int:
        n, s = 1, self
        while s.previous_id is not None:
            n, s = n + 1, s.previous  # type: ignore[assignment]
        return n


MAX_UPLOAD = 5 * 2**20


class Artifact(models.Model):
    """Evidence for one criterion: a link, or an upload kept in the site database (so a
    backup holds it and only the submission's readers get it: `views.artifact`)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE,
                                   related_name="artifacts")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    link = models.URLField(blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if bool(self.link) == (self.content is not None):
            raise ValidationError("an artifact is an upload or a link (one of them)")
        if self.content is not None and len(self.content) > MAX_UPLOAD:
            raise ValidationError(f"{self.filename}: uploads are at most 5 MB; link to "
                                  "a larger file instead")
        if self.criterion.credential_id != self.submission.credential_id:
            raise ValidationError("that criterion is another micro-credential's")
        super().save(*args, **kwargs)


class Decision(models.Model):
    """A reviewer's decision on one criterion of one submission. A criterion demonstrated
    in an earlier attempt is carried to the resubmission (`carried`), not reviewed again."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE,
                                   related_name="decisions")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    demonstrated = models.BooleanField()
    feedback = models.TextField(blank=True)
    reviewer = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    carried = models.BooleanField(default=False)
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "criterion"],
                                               name="one_decision_per_criterion")]


class LadderStep(models.Model):
    EVALUATIONS = [("", "Any"), ("effective", "Effective or better"),
                   ("highly_effective", "Highly effective")]
    district = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"kind": "district"})
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    responsibilities = models.TextField(blank=True)
    min_years = models.PositiveSmallIntegerField(default=0,
                                                 help_text="Years of teaching, at least")
    min_evaluation = models.CharField(max_length=20, choices=EVALUATIONS, blank=True,
                                      help_text="The latest evaluation, at least")
    credentials = models.ManyToManyField(MicroCredential, blank=True, related_name="+",
                                         help_text="Micro-credentials earned")
    min_hours = models.DecimalField(max_digits=6, decimal_places=1, default=0,
                                    help_text="Professional-learning hours from "
                                              "micro-credentials, at least")

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["district", "order"],
                                               name="one_step_per_place")]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """A teacher's or team's action research, its evidence the chart of a network measure
    (or of a PDSA cycle's measure) at their school."""

    district = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"kind": "district"})
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"kind": "school"})
    authors = models.ManyToManyField(User, related_name="+")
    title = models.CharField(max_length=200)
    question = models.TextField()
    method = models.TextField()
    data = models.TextField(help_text="What data, from where, how often")
    findings = models.TextField(blank=True)
    cycle = models.ForeignKey("networks.PDSACycle", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    measure = models.ForeignKey("networks.Measure", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True,
                                        help_text="In the district's library from then")
    public = models.BooleanField(default=False, help_text="The district publishes it to "
                                                          "everyone")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.school.district_id != self.district_id:
            raise ValidationError("the school is not the district's")
        if self.cycle is not None and self.cycle.school_id != self.school_id:
            raise ValidationError("the PDSA cycle is another school's")
        if self.public and self.published_at is None:
            raise ValidationError("publish it to the district's library first")
        super().save(*args, **kwargs)

    def evidence(self) -> Any:
        """The measure whose chart is the evidence: the one linked, or the cycle's first."""
        if self.measure is not None:
            return self.measure
        return self.cycle.measures.first() if self.cycle is not None else None
