"""Administrator induction partnerships (California's Clear Administrative Services
Credential): the partnership and its settings, standards as data, the MOU in versions with
signatures, candidates, the coach pool, matches, and triad meetings.

The lifecycle rules live in `save`, so the pages, the API and the admin obey the same
ones: a signed MOU version and its commitments never change (an amendment is a new
version, and signing it supersedes the old); a signature goes only on the current
version, by that party's authorised signer; a match never takes a coach beyond capacity;
a reassignment keeps its reason.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models

from aimline.web.orgs.models import Organisation

User = settings.AUTH_USER_MODEL

RECIPROCITY, COMMUNICATION, ASSESSMENT, FEEDBACK = ("reciprocity", "communication",
                                                    "assessment", "feedback")
CATEGORIES = [(RECIPROCITY, "Reciprocity"), (COMMUNICATION, "Communication"),
              (ASSESSMENT, "Candidate assessment"), (FEEDBACK, "Programme feedback")]
LEVELS = [("elementary", "Elementary"), ("middle", "Middle"), ("high", "High")]


class Standard(models.Model):
    """A standard or element of a framework (the CPSEL, the CTC's programme standards),
    loaded from `standards/*.json` so another state's load the same way."""

    framework = models.CharField(max_length=20)
    code = models.CharField(max_length=10)
    title = models.CharField(max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="elements")

    class Meta:
        ordering = ["framework", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"],
                                               name="one_code_per_framework")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Partnership(models.Model):
    """A programme provider and one or more districts inducting new administrators, with
    the programme's settings (the CTC's figures by default)."""

    name = models.CharField(max_length=200)
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"kind__in": ["university", "support"]})
    districts = models.ManyToManyField(Organisation, related_name="+",
                                       limit_choices_to={"kind": "district"})
    staff = models.ManyToManyField(User, related_name="inductions_staffed",
                                   help_text="Programme staff (coordinator, director)")
    enrol_within_days = models.PositiveSmallIntegerField(
        default=120, help_text="Enrolment and coaching start within this many days of the "
                               "first administrative job (CTC)")
    coach_within_days = models.PositiveSmallIntegerField(
        default=30, help_text="A coach assigned within this many days of admission (CTC)")
    iip_hours = models.JSONField(default=list, help_text="[least, most] IIP clock hours a "
                                                         "year (CTC: 60–90)")
    pd_hours = models.JSONField(default=list, help_text="[least, most] professional "
                                                        "development hours a year (20–30)")
    coaching_hours = models.JSONField(default=list, help_text="[least, most] coaching hours "
                                                              "a year (a programme setting)")
    rubric = models.JSONField(default=list, help_text="The levels of the programme's rubric "
                                                      "for evidence of growth, lowest first")
    surveys = models.ManyToManyField("surveys.Survey", blank=True, related_name="+",
                                     help_text="The partnership's surveys (employer, "
                                               "candidate, coach), in its report")
    host_schools = models.ManyToManyField(Organisation, blank=True, related_name="+",
                                          limit_choices_to={"kind": "school"},
                                          help_text="Schools the district lists for site "
                                                    "visits")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.iip_hours = self.iip_hours or [60, 90]
        self.pd_hours = self.pd_hours or [20, 30]
        self.coaching_hours = self.coaching_hours or [40, 60]
        self.rubric = self.rubric or ["Emerging", "Applying", "Integrating", "Innovating"]
        super().save(*args, **kwargs)

    def parties(self) -> list[Organisation]:
        return [self.provider, *self.districts.order_by("name")]


class Coordinator(models.Model):
    """A district's coordinator in the partnership: sees the district's candidates, takes
    part in matching and coach hiring."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE,
                                    related_name="coordinators")
    district = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="coordinating")


class Signer(models.Model):
    """A party's authorised signer of the MOU."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE,
                                    related_name="signers")
    party = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=120, help_text="e.g. Superintendent, Dean")


class Mou(models.Model):
    DRAFT, SIGNED, SUPERSEDED = "draft", "signed", "superseded"
    STATUSES = [(DRAFT, "Draft"), (SIGNED, "Signed"), (SUPERSEDED, "Superseded")]
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE,
                                    related_name="mous")
    version = models.PositiveSmallIntegerField()
    starts = models.DateField()
    ends = models.DateField(help_text="A multi-year term")
    status = models.CharField(max_length=10, choices=STATUSES, default=DRAFT)
    changes = models.TextField(blank=True, help_text="An amendment: what it changes")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership", "-version"]
        constraints = [models.UniqueConstraint(fields=["partnership", "version"],
                                               name="one_mou_version")]

    def __str__(self) -> str:
        return f"{self.partnership} MOU v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            was = Mou.objects.get(pk=self.pk)
            moved = (was.status, self.status)
            if was.status != self.DRAFT and moved != (self.SIGNED, self.SUPERSEDED):
                raise ValidationError(f"version {was.version} is {was.status}: it cannot "
                                      "change; amend it as a new version")
            if moved == (self.DRAFT, self.SIGNED) and self.missing():
                raise ValidationError("every party signs before a version is signed")
        if self.ends <= self.starts:
            raise ValidationError("the MOU's term ends after it starts")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status != self.DRAFT:
            raise ValidationError("a signed MOU version is kept")
        return super().delete(*args, **kwargs)

    def missing(self) -> list[Organisation]:
        signed = set(self.signatures.values_list("party_id", flat=True))
        return [p for p in self.partnership.parties() if p.pk not in signed]


class InVersion(models.Model):
    """A clause of one MOU version: written while the version is a draft, then kept as
    signed (a change is an amendment, a new version)."""

    mou = models.ForeignKey(Mou, on_delete=models.CASCADE, related_name="%(class)ss")

    class Meta:
        abstract = True

    def _status(self) -> str:  # as stored: a copy in memory may predate the signature
        return Mou.objects.filter(pk=self.mou_id).values_list("status", flat=True).get()

    def save(self, *args: Any, **kwargs: Any) -> None:
        status = self._status()
        if status != Mou.DRAFT:
            raise ValidationError(f"{self.mou} is {status}: its clauses do not change; "
                                  "amend it as a new version")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        status = self._status()
        if status != Mou.DRAFT:
            raise ValidationError(f"{self.mou} is {status}: its clauses are kept")
        return super().delete(*args, **kwargs)


class Commitment(InVersion):
    ONCE, MONTHLY, QUARTERLY, YEARLY = "once", "monthly", "quarterly", "yearly"
    RECURRENCES = [(ONCE, "Once"), (MONTHLY, "Monthly"), (QUARTERLY, "Quarterly"),
                   (YEARLY, "Yearly")]
    category = models.CharField(max_length=14, choices=CATEGORIES)
    party = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                              help_text="Which party commits")
    what = models.CharField(max_length=400)
    owner = models.CharField(max_length=120, help_text="Who sees it done")
    due = models.DateField(null=True, blank=True, help_text="The (first) date due")
    recurrence = models.CharField(max_length=10, choices=RECURRENCES, default=ONCE)

    class Meta:
        ordering = ["mou", "category", "due", "pk"]

    def __str__(self) -> str:
        return self.what


class Grant(InVersion):
    """What the MOU lets a partner organisation (one that is not a party: a university, a
    support organisation) see: its partner staff, under the district's data agreement,
    read it while the version is in force."""

    REPORT, SURVEYS = "report", "surveys"
    WHAT = [(REPORT, "The programme evaluation report, aggregates only"),
            (SURVEYS, "The partnership's survey results, suppressed")]
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=10, choices=WHAT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mou", "partner", "what"],
                                               name="one_grant_per_partner_and_kind")]

    def __str__(self) -> str:
        return f"{self.partner}: {self.get_what_display().lower()}"


class CommitmentDone(models.Model):
    """A commitment carried out on a date (a recurring one, once per occurrence): the
    status kept beside the signed text, which does not change."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="done")
    on = models.DateField()
    note = models.CharField(max_length=400, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")


class Signature(models.Model):
    mou = models.ForeignKey(Mou, on_delete=models.PROTECT, related_name="signatures")
    party = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(max_length=200)
    title = models.CharField(max_length=120)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mou", "party"],
                                               name="one_signature_per_party")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            raise ValidationError("a signature does not change")
        super().save(*args, **kwargs)


class Reflection(models.Model):
    """The partnership's yearly reflection on one category of collaboration."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE,
                                    related_name="reflections")
    school_year = models.PositiveSmallIntegerField(help_text="The year it ends in")
    category = models.CharField(max_length=14, choices=CATEGORIES)
    strongest = models.TextField("Our strongest area", blank=True)
    weakest = models.TextField("Our weakest area", blank=True)
    ideas = models.TextField("Ideas to strengthen it", blank=True)
    with_whom = models.TextField("With whom", blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "school_year",
                                                       "category"], name="one_reflection")]


# as the CTC's and California's educator data collect them; "" is not reported
GENDERS = [("female", "Female"), ("male", "Male"), ("nonbinary", "Nonbinary"),
           ("declined", "Declined to state")]
RACES = [("american_indian", "American Indian or Alaska Native"), ("asian", "Asian"),
         ("black", "Black or African American"), ("filipino", "Filipino"),
         ("hispanic", "Hispanic or Latino"),
         ("pacific_islander", "Native Hawaiian or Pacific Islander"), ("white", "White"),
         ("two_or_more", "Two or more races"), ("declined", "Declined to state")]


class Candidate(models.Model):
    """A new administrator in their first administrative position, admitted to the
    programme."""

    ACTIVE, COMPLETED, WITHDRAWN = "active", "completed", "withdrawn"
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE,
                                    related_name="candidates")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="inductions")
    district = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    cohort = models.CharField(max_length=40, help_text="e.g. 2025–2027")
    position = models.CharField(max_length=60, help_text="e.g. Assistant principal")
    school = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", limit_choices_to={"kind": "school"})
    level = models.CharField(max_length=10, choices=LEVELS, blank=True)
    languages = models.JSONField(default=list, blank=True)
    staff_id = models.CharField(max_length=64, blank=True,
                                help_text="Their id in the district's staff assignments: "
                                          "retention is then read from the warehouse")
    hired_on = models.DateField(help_text="Start of the first administrative job")
    supervisor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    admitted_on = models.DateField()
    enrolled_on = models.DateField(null=True, blank=True)
    coaching_from = models.DateField(null=True, blank=True, help_text="First coaching session")
    status = models.CharField(max_length=10, default=ACTIVE, choices=[
        (ACTIVE, "In induction"), (COMPLETED, "Completed"), (WITHDRAWN, "Withdrawn")])
    # self-reported, for the programme's report only (counted under suppression)
    gender = models.CharField(max_length=20, blank=True, choices=GENDERS)
    race_ethnicity = models.CharField(max_length=40, blank=True, choices=RACES,
                                      verbose_name="race/ethnicity")
    coaching = GenericRelation("coaching.Entry", content_type_field="subject_type",
                               object_id_field="subject_id")  # the shared coaching log

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "user"],
                                               name="one_induction_per_person")]
        ordering = ["cohort", "user__last_name", "user__username"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username

    def clean(self) -> None:
        if self.school and self.school.district_id != self.district_id:
            raise ValidationError({"school": "the school is in another district"})

    def coach(self) -> Match | None:
        return self.matches.filter(status=Match.CONFIRMED).select_related("coach__user").first()


class Coach(models.Model):
    PROPOSED, APPROVED, VETOED = "proposed", "approved", "vetoed"
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE,
                                    related_name="coaches")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    years = models.PositiveSmallIntegerField("Years as an administrator")
    levels = models.JSONField(default=list, help_text="School levels led")
    districts = models.ManyToManyField(Organisation, blank=True, related_name="+",
                                       help_text="Districts they know")
    languages = models.JSONField(default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(help_text="Most candidates at once")
    trained_on = models.DateField(null=True, blank=True, help_text="Coach training completed")
    district_pd = models.CharField(max_length=300, blank=True,
                                   help_text="District professional development attended")
    conflicts = models.ManyToManyField(Organisation, blank=True, related_name="+",
                                       help_text="Schools they must not coach at (their own, "
                                                 "a relative's)")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "user"],
                                               name="one_coach_per_partnership")]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username

    def taken(self) -> int:
        """Candidates proposed, accepted or confirmed with this coach: places in use."""
        return self.matches.filter(status__in=Match.OPEN).count()

    def hiring(self, district: Organisation) -> str:
        """The district's last word on hiring this coach (approved unless it vetoed)."""
        last = self.decisions.filter(district=district).order_by("-at", "-pk").first()
        return last.decision if last else self.APPROVED


class Hiring(models.Model):
    """A district's part in hiring a coach: proposed, approved or vetoed, with why."""

    coach = models.ForeignKey(Coach, on_delete=models.CASCADE, related_name="decisions")
    district = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=[
        (Coach.PROPOSED, "Proposed"), (Coach.APPROVED, "Approved"), (Coach.VETOED, "Vetoed")])
    reason = models.CharField(max_length=400, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.decision == Coach.VETOED and not self.reason.strip():
            raise ValidationError("a veto gives its reason")
        super().save(*args, **kwargs)


class Match(models.Model):
    """A coach for a candidate: proposed (by Aimline's matching or a person), accepted or
    vetoed by the district, confirmed by the programme, ended by a reassignment."""

    PROPOSED, ACCEPTED, VETOED, CONFIRMED, ENDED = ("proposed", "accepted", "vetoed",
                                                    "confirmed", "ended")
    STATUSES = [(PROPOSED, "Proposed"), (ACCEPTED, "Accepted by the district"),
                (VETOED, "Vetoed by the district"), (CONFIRMED, "Confirmed"),
                (ENDED, "Ended")]
    OPEN = (PROPOSED, ACCEPTED, CONFIRMED)
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="matches")
    coach = models.ForeignKey(Coach, on_delete=models.PROTECT, related_name="matches")
    status = models.CharField(max_length=10, choices=STATUSES, default=PROPOSED)
    scores = models.JSONField(default=dict, blank=True,
                              help_text="Each criterion's score and the weighted total")
    reason = models.CharField(max_length=400, blank=True,
                              help_text="Why: a veto, another proposal, a reassignment")
    proposed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", help_text="Empty: Aimline's matching")
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    confirmed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["candidate", "-created_at", "-pk"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.status in self.OPEN:
            others = Match.objects.filter(status__in=self.OPEN).exclude(pk=self.pk)
            if others.filter(candidate=self.candidate_id).exists():
                raise ValidationError(f"{self.candidate} already has a coach proposed or "
                                      "confirmed; end or veto it first")
            taken = others.filter(coach=self.coach_id).count()
            if taken >= self.coach.capacity:
                raise ValidationError(f"{self.coach} already has {taken} of "
                                      f"{self.coach.capacity} candidates: a match beyond "
                                      "the coach's capacity is refused")
        if self.status in (self.VETOED, self.ENDED) and not self.reason.strip():
            raise ValidationError("a veto or a reassignment keeps its reason")
        super().save(*args, **kwargs)


class Triad(models.Model):
    """A meeting of coach, supervisor and candidate."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="triads")
    on = models.DateField()
    agenda = models.TextField()
    coach_present = models.BooleanField(default=False)
    supervisor_present = models.BooleanField(default=False)
    candidate_present = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    actions = models.TextField(blank=True, help_text="One per line: what, who, by when")
    supervisor_input = models.TextField(
        blank=True, help_text="The supervisor's goals and duties for the candidate, and "
                              "their view of progress")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["candidate", "-on"]


class LogicModel(models.Model):
    """The partnership's logic model: what it aims for and how it will know."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE,
                                       related_name="logic_model")
    goals = models.TextField()
    objectives = models.TextField()
    outcomes = models.TextField()
    assessment = models.TextField("Assessment protocols")
    timelines = models.TextField()
    responsibilities = models.TextField("Stakeholder responsibilities")


class Question(models.Model):
    """An evaluation question and the measures that answer it (`evaluation.MEASURES`:
    a survey item, completion, retention, time to a coach, a catalog metric at the
    candidates' schools)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE,
                                    related_name="questions")
    text = models.CharField(max_length=400)
    measures = models.JSONField(default=list, help_text='e.g. ["retention", "survey:12", '
                                                        '"metric:chronic_absence"]')

    class Meta:
        ordering = ["partnership", "pk"]


class Reminded(models.Model):
    """A reminder e-mailed for one occurrence of a commitment: each is sent once."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE,
                                   related_name="reminded")
    due = models.DateField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commitment", "due"],
                                               name="one_reminder_per_occurrence")]
