"""Programmes, cohorts, candidates, courses, the coaching log, the target's versions and
approvals, certificates, and principal networks.

The lifecycle rules live here, in `save`, so the pages, the API and the admin obey the
same ones: a target version moves only by a `Decision` of the right person at the right
step; an approved version is frozen; a certificate exists only for an evaluation that
says attained (or an exception both approvers signed). The coaching log is the shared
`coaching` app's, hung off `Candidate.coaching`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models

from aimline.web.orgs.models import Organisation, Role

User = settings.AUTH_USER_MODEL

CHALLENGES = ["Building a shared vision of equity", "Using data with staff",
              "Difficult conversations", "Time and priorities", "Instructional feedback",
              "Family and community trust", "Managing resistance to change",
              "Building the leadership team"]


class Programme(models.Model):
    PRINCIPAL, SUPERVISOR, OTHER = "principal", "supervisor", "other"
    KINDS = [(PRINCIPAL, "National Principal Certificate"),
             (SUPERVISOR, "Principal Supervisor Certificate"), (OTHER, "Other programme")]
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=KINDS)
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"kind__in": ["university", "support"]})
    description = models.TextField(blank=True)
    staff = models.ManyToManyField(User, related_name="programmes_staffed",
                                   help_text="Programme staff: approve targets, issue "
                                             "certificates, keep courses")
    challenges = models.JSONField(default=list, blank=True,
                                  help_text="The leadership challenges coaching logs are "
                                            "tagged with (editable)")

    def __str__(self) -> str:
        return self.name


class Cohort(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=120)
    starts = models.DateField()
    ends = models.DateField()

    class Meta:
        ordering = ["-starts"]

    def clean(self) -> None:
        if self.ends <= self.starts:
            raise ValidationError("a cohort ends after it starts")

    def __str__(self) -> str:
        return f"{self.programme} — {self.name}"


class Candidate(models.Model):
    """A leader in a cohort, with their executive coach and their approver on the district
    side (the superintendent or a delegate)."""

    PRINCIPAL, ASSISTANT, SUPERVISOR = "principal", "assistant_principal", "supervisor"
    KINDS = [(PRINCIPAL, "Principal"), (ASSISTANT, "Assistant principal"),
             (SUPERVISOR, "Principal supervisor")]
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="candidates")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="candidacies")
    kind = models.CharField(max_length=20, choices=KINDS)
    district = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"kind": "district"})
    schools = models.ManyToManyField(Organisation, related_name="+",
                                     limit_choices_to={"kind": "school"},
                                     help_text="Their school; for a supervisor, the schools "
                                               "they supervise")
    coach = models.ForeignKey(User, on_delete=models.PROTECT, related_name="coachees")
    approver = models.ForeignKey(User, on_delete=models.PROTECT, related_name="approvals",
                                 help_text="The superintendent or their delegate")
    coaching = GenericRelation("coaching.Entry", content_type_field="subject_type",
                               object_id_field="subject_id")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "user"],
                                               name="one_candidacy_per_cohort")]

    def __str__(self) -> str:
        return f"{self.name} ({self.cohort})"

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username

    def codes(self) -> list[str]:
        return sorted(self.schools.values_list("code", flat=True))

    def check_roles(self, schools: list[Organisation]) -> None:
        """A principal candidate holds a principal role at their one school; a supervisor
        a supervisor role over each school; the approver a supervisor or district-admin
        role in the district. Raised as one message naming what is missing."""
        problems = []
        if self.kind in (self.PRINCIPAL, self.ASSISTANT):
            if len(schools) != 1:
                problems.append("a principal candidate has exactly one school")
            elif not Role.objects.filter(user=self.user, role=Role.PRINCIPAL,
                                         schools=schools[0]).exists():
                problems.append(f"{self.user} holds no principal role at {schools[0]}")
        else:
            held = Role.objects.filter(user=self.user, role=Role.SUPERVISOR)
            covered = {s.pk for r in held for s in r.schools.all()}
            if held.filter(district=self.district).exists():
                covered |= {s.pk for s in self.district.schools.all()}
            missing = [str(s) for s in schools if s.pk not in covered]
            if not schools or missing:
                problems.append(f"{self.user} supervises no schools here" if not schools
                                else f"{self.user} does not supervise {', '.join(missing)}")
        if any(s.district_id != self.district_id for s in schools):
            problems.append("every school must be in the candidate's district")
        if not Role.objects.filter(user=self.approver, district=self.district,
                                   role__in=[Role.SUPERVISOR, Role.DISTRICT_ADMIN]).exists():
            problems.append(f"{self.approver} is not a superintendent, supervisor or admin "
                            f"of {self.district}")
        if self.approver_id == self.user_id:
            problems.append("a candidate cannot approve their own target")
        if problems:
            raise ValidationError("; ".join(problems))


class Course(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="courses")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    materials = models.TextField(blank=True, help_text="Links, one per line")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"],
                                               name="course_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class CourseSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    starts = models.DateTimeField()
    meeting_link = models.URLField(blank=True)

    class Meta:
        ordering = ["starts"]


class Attendance(models.Model):
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE,
                                related_name="attendance")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE,
                                  related_name="attendance")
    present = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "candidate"],
                                               name="one_mark_per_session")]


class Completion(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE,
                                  related_name="completions")
    on = models.DateField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "candidate"],
                                               name="one_completion")]


class Goal(models.Model):
    """One version of a candidate's target: proposed as a draft, frozen into a
    `targets.Target` (baseline read from the warehouse) when submitted, then approved by
    the district and the programme in that order. A change after approval is a new
    version that both approve again; the old one stays, superseded."""

    DRAFT, SUBMITTED, DISTRICT, APPROVED, SUPERSEDED = (
        "draft", "submitted", "district_approved", "approved", "superseded")
    STATUSES = [(DRAFT, "Draft"), (SUBMITTED, "Waiting for the district"),
                (DISTRICT, "Waiting for the programme"), (APPROVED, "Approved"),
                (SUPERSEDED, "Superseded")]
    PROPOSAL = ("metric", "schools", "group_type", "group_value", "baseline_year",
                "period", "target_value", "due", "rationale")

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="goals")
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=STATUSES, default=DRAFT)
    metric = models.CharField(max_length=60)
    schools = models.JSONField(help_text="School codes of the population (summed)")
    group_type = models.CharField(max_length=40, default="all")
    group_value = models.CharField(max_length=60, default="all")
    baseline_year = models.PositiveIntegerField()
    period = models.CharField(max_length=10, default="year",
                              choices=[("year", "The school year"),
                                       ("to_date", "Cumulative to the target date")])
    target_value = models.FloatField()
    due = models.DateField()
    rationale = models.TextField(help_text="Which gap it closes, and why this target")
    target = models.ForeignKey("targets.Target", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               help_text="Frozen with its baseline when submitted")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["candidate", "-version"]
        constraints = [models.UniqueConstraint(fields=["candidate", "version"],
                                               name="one_goal_version")]

    MOVES = {(DRAFT, SUBMITTED): "submit", (SUBMITTED, DRAFT): "decision",
             (SUBMITTED, DISTRICT): "decision", (DISTRICT, DRAFT): "decision",
             (DISTRICT, APPROVED): "decision", (APPROVED, SUPERSEDED): "supersede"}

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is None:
            if self.status != self.DRAFT or self.target_id is not None:
                raise ValidationError("a target version starts as a draft")
            return super().save(*args, **kwargs)
        before = Goal.objects.get(pk=self.pk)
        changed = [f for f in (*self.PROPOSAL, "candidate_id", "version")
                   if getattr(before, f) != getattr(self, f)]
        if changed and before.status != self.DRAFT:
            raise ValidationError(f"this version is {before.get_status_display().lower()}: "
                                  "its target cannot change (propose a new version)")
        if before.status != self.status:
            how = self.MOVES.get((before.status, self.status))
            if how is None or getattr(self, "_move", None) != how:
                raise ValidationError(f"a target cannot go from {before.status} to "
                                      f"{self.status} that way")
        if self.status == self.SUBMITTED and before.status == self.DRAFT:
            t = self.target
            if t is None or (t.metric, t.schools, t.group_type, t.group_value,
                             t.baseline_year, t.period, t.target, t.due) != (
                    self.metric, self.schools, self.group_type, self.group_value,
                    self.baseline_year, self.period, self.target_value, self.due):
                raise ValidationError("a submitted target has its baseline frozen from the "
                                      "warehouse for exactly what it proposes")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.candidate.name}: version {self.version} ({self.status})"


class Decision(models.Model):
    """The superintendent's, then the programme's, approval or return, with the comment.
    Creating one moves its version; nothing else does."""

    DISTRICT, PROGRAMME = "district", "programme"
    APPROVE, RETURN = "approve", "return"
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="decisions")
    step = models.CharField(max_length=10, choices=[(DISTRICT, "District"),
                                                    (PROGRAMME, "Programme")])
    outcome = models.CharField(max_length=10, choices=[(APPROVE, "Approved"),
                                                       (RETURN, "Returned")])
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("a decision is a record: it does not change")
        g = self.goal
        c = g.candidate
        if self.step == self.DISTRICT:
            if g.status != Goal.SUBMITTED:
                raise ValidationError("the district decides a submitted target only")
            if self.by.pk != c.approver_id:
                raise ValidationError(f"only {c.approver} (the candidate's approver) decides "
                                      "for the district")
        else:
            if g.status != Goal.DISTRICT:
                raise ValidationError("the programme decides only after the district "
                                      "approves")
            if not c.cohort.programme.staff.filter(pk=self.by.pk).exists():
                raise ValidationError("only the programme's staff decide for the programme")
        if self.outcome == self.RETURN and not self.comment.strip():
            raise ValidationError("say why the target is returned")
        super().save(*args, **kwargs)
        if self.outcome == self.RETURN:
            g.status = Goal.DRAFT
        elif self.step == self.DISTRICT:
            g.status = Goal.DISTRICT
        else:
            g.status = Goal.APPROVED
            for old in Goal.objects.filter(candidate=c, status=Goal.APPROVED).exclude(pk=g.pk):
                old.status, old._move = Goal.SUPERSEDED, "supersede"
                old.save()
        g._move = "decision"
        g.save()


class ExceptionRequest(models.Model):
    """A certificate without attainment (e.g. a data error the district confirms): a written
    reason and both approvers' signatures."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="exceptions")
    reason = models.TextField()
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    district_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    programme_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    @property
    def signed(self) -> bool:
        return self.district_by_id is not None and self.programme_by_id is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        c = self.goal.candidate
        if len(self.reason.strip()) < 20:
            raise ValidationError("an exception needs a written reason (a sentence or more)")
        if self.goal.status != Goal.APPROVED:
            raise ValidationError("an exception is for an approved target")
        if self.district_by_id is not None and self.district_by_id != c.approver_id:
            raise ValidationError("the district side is signed by the candidate's approver")
        if self.programme_by_id is not None and not c.cohort.programme.staff.filter(
                pk=self.programme_by_id).exists():
            raise ValidationError("the programme side is signed by programme staff")
        super().save(*args, **kwargs)


class Certificate(models.Model):
    """Exists only for an approved target whose evaluation from the warehouse says
    attained, or for a signed exception; the credential is its signed, verifiable form."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT,
                                  related_name="certificates")
    goal = models.OneToOneField(Goal, on_delete=models.PROTECT, related_name="certificate")
    evaluation = models.ForeignKey("targets.Evaluation", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    exception = models.ForeignKey(ExceptionRequest, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    credential = models.OneToOneField("credentials.Credential", on_delete=models.PROTECT,
                                      related_name="certificate")
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("a certificate does not change; revoke its credential")
        refuse(self.goal, self.evaluation, self.exception, self.issued_by)
        super().save(*args, **kwargs)


def refuse(goal: Goal, evaluation: Any, exception: ExceptionRequest | None, by: Any) -> None:
    """Why a certificate may not be issued (ValidationError), or nothing: the one rule."""
    import datetime as dt

    programme = goal.candidate.cohort.programme
    if not programme.staff.filter(pk=by.pk).exists():
        raise ValidationError("only the programme's staff issue its certificates")
    if goal.status != Goal.APPROVED or goal.target_id is None:
        raise ValidationError("a certificate is earned by an approved target only")
    if dt.date.today() < goal.due:
        raise ValidationError(f"the target date is {goal.due:%-d %B %Y}: it cannot be "
                              "attained before then")
    if Certificate.objects.filter(goal=goal).exists():
        raise ValidationError("this target's certificate is already issued")
    if exception is not None:
        if exception.goal_id != goal.pk or not exception.signed:
            raise ValidationError("an exception needs its reason and both approvers' "
                                  "signatures")
        return
    if evaluation is None or evaluation.target_id != goal.target_id:
        raise ValidationError("evaluate the target from the warehouse first")
    if evaluation.state != "attained":
        raise ValidationError(f"the evaluation says {evaluation.get_state_display().lower()}"
                              f" ({evaluation.reason or _measured(evaluation, goal)}): "
                              "a certificate is issued only when the target is attained")


def _measured(evaluation: Any, goal: Goal) -> str:
    return f"measured {evaluation.value:g} against a target of {goal.target_value:g}"


class PrincipalNetwork(models.Model):
    """A professional learning community of principals, led by executive coaches with
    district leaders (not a network of schools)."""

    name = models.CharField(max_length=200)
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField(blank=True)
    members = models.ManyToManyField(User, related_name="principal_networks")
    leads = models.ManyToManyField(User, related_name="+", help_text="Executive coaches")
    district_leaders = models.ManyToManyField(User, related_name="+", blank=True)

    def __str__(self) -> str:
        return self.name


class NetworkMeeting(models.Model):
    network = models.ForeignKey(PrincipalNetwork, on_delete=models.CASCADE,
                                related_name="meetings")
    date = models.DateField()
    agenda = models.TextField()
    problems = models.TextField(blank=True, help_text="Problems of practice presented")
    notes = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    attended = models.ManyToManyField(User, related_name="+", blank=True)

    class Meta:
        ordering = ["-date"]


class SchoolVisit(models.Model):
    network = models.ForeignKey(PrincipalNetwork, on_delete=models.CASCADE,
                                related_name="visits")
    host = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                             limit_choices_to={"kind": "school"})
    date = models.DateField()
    focus = models.TextField()
    observed = models.TextField(blank=True, help_text="What visitors saw")
    feedback = models.TextField(blank=True, help_text="Feedback to the host")

    class Meta:
        ordering = ["-date"]


class Practice(models.Model):
    """The network's shared library of practices."""

    network = models.ForeignKey(PrincipalNetwork, on_delete=models.CASCADE,
                                related_name="practices")
    title = models.CharField(max_length=200)
    description = models.TextField()
    link = models.URLField(blank=True)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
