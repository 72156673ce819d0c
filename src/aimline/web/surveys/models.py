"""Survey instruments, their personal links and the responses.

Anonymous means anonymous in the database, not only on the page: a response to an
anonymous survey points to no person and no link, and the link keeps only that it was
used (not when), so no join or timestamp puts a name beside the answers. A link takes one
response: the used flag is taken in the same transaction as the response is written.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from aimline.surveys import AGREE, SCALE
from aimline.web.orgs.models import Organisation

User = settings.AUTH_USER_MODEL


class Survey(models.Model):
    EMPLOYER, CANDIDATE, COACH, ALUMNI = "employer", "candidate", "coach", "alumni"
    AUDIENCES = [(EMPLOYER, "Employers and supervisors"), (CANDIDATE, "Candidates"),
                 (COACH, "Coaches"), (ALUMNI, "Alumni"), ("teacher", "Teachers"),
                 ("student", "Students"), ("family", "Families")]
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                              help_text="The organisation that runs the survey")
    staff = models.ManyToManyField(User, related_name="surveys_run",
                                   help_text="Who keeps the survey and reads its results")
    readers = models.ManyToManyField(User, related_name="survey_results", blank=True,
                                     help_text="Who else reads the (suppressed) results, "
                                               "e.g. a partner district's coordinator")
    audiences = models.JSONField(default=list, help_text="Respondent groups it goes to")
    anonymous = models.BooleanField(default=True)
    min_n = models.PositiveSmallIntegerField(
        default=5, help_text="Groups with fewer respondents are suppressed (and open text "
                             "is shown only at or above it)")
    opens = models.DateField(null=True, blank=True)
    closes = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.min_n < 1:
            raise ValidationError({"min_n": "at least one respondent"})


class Item(models.Model):
    LIKERT, SCALE_, CHOICE, TEXT = "likert", "scale", "choice", "text"
    KINDS = [(LIKERT, "Agreement (5-point)"), (SCALE_, "Custom scale"), (CHOICE, "Choice"),
             (TEXT, "Open text")]
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=KINDS, default=LIKERT)
    text = models.CharField(max_length=400)
    choices = models.JSONField(default=list, blank=True,
                               help_text="A custom scale's labels, lowest first; a choice "
                                         "item's options")
    agree_from = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="A custom scale: the lowest value that counts as "
                                         "agreeing (e.g. 3 on a 4-point scale)")

    class Meta:
        ordering = ["survey", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    def labels(self) -> dict[int, str]:
        if self.kind == self.LIKERT:
            return dict(SCALE)
        return {k + 1: label for k, label in enumerate(self.choices)}

    def agreeing(self) -> tuple[int, ...]:
        if self.kind == self.LIKERT:
            return AGREE
        if self.kind == self.SCALE_ and self.agree_from:
            return tuple(range(self.agree_from, len(self.choices) + 1))
        return ()

    def clean(self) -> None:
        if self.kind in (self.SCALE_, self.CHOICE) and len(self.choices) < 2:
            raise ValidationError({"choices": "name at least two options"})
        if self.kind == self.SCALE_ and not (self.agree_from and
                                             1 <= self.agree_from <= len(self.choices)):
            raise ValidationError({"agree_from": "say which values count as agreeing"})


class Link(models.Model):
    """A personal link: one response. `person` is set when it goes to a signed-in person
    (who then finds it on their list); `group` and `cohort` are what the results break
    down by."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="links")
    digest = models.CharField(max_length=64, unique=True)
    group = models.CharField(max_length=20)
    cohort = models.CharField(max_length=40, blank=True)
    person = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="survey_links")
    sent_to = models.CharField(max_length=254, blank=True,
                               help_text="Where it was sent (kept with the link, never with "
                                         "the response)")
    used = models.BooleanField(default=False)

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def make(cls, survey: Survey, group: str, **kw: Any) -> tuple[Link, str]:
        token = secrets.token_urlsafe(24)
        return cls.objects.create(survey=survey, digest=cls.hash(token), group=group,
                                  **kw), token

    @classmethod
    def find(cls, token: str) -> Link | None:
        return cls.objects.select_related("survey").filter(digest=cls.hash(token)).first()


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    group = models.CharField(max_length=20)
    cohort = models.CharField(max_length=40, blank=True)
    submitted_on = models.DateField(help_text="The day only")
    # both empty for an anonymous survey
    respondent = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    link = models.OneToOneField(Link, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="response")

    def clean(self) -> None:
        if self.survey.anonymous and (self.respondent_id or self.link_id):
            raise ValidationError("an anonymous response records no respondent")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.clean()
        super().save(*args, **kwargs)


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item"],
                                               name="one_answer_per_item")]
