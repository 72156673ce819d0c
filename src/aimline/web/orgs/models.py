"""Organisations (districts, schools, universities, support organisations), partnerships,
people's roles, the student-view audit log and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

User = settings.AUTH_USER_MODEL


class Organisation(models.Model):
    DISTRICT, SCHOOL, UNIVERSITY, SUPPORT = "district", "school", "university", "support"
    KINDS = [(DISTRICT, "District (LEA)"), (SCHOOL, "School"), (UNIVERSITY, "University"),
             (SUPPORT, "Support organisation")]
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=KINDS)
    code = models.CharField(max_length=20, blank=True,
                            help_text="lea_id or school_id in the warehouse")
    district = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="schools", limit_choices_to={"kind": DISTRICT})

    class Meta:
        db_table = "aimline_organisation"  # the table it had in the one-app site
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"],
                                               condition=~models.Q(code=""),
                                               name="one_org_per_warehouse_code")]

    def __str__(self) -> str:
        return self.name


class Partnership(models.Model):
    name = models.CharField(max_length=200)
    district = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                 related_name="partnerships",
                                 limit_choices_to={"kind": Organisation.DISTRICT})
    partners = models.ManyToManyField(Organisation, related_name="partner_in", blank=True)
    mou_signed = models.DateField(null=True, blank=True)
    mou_student_data = models.BooleanField(
        default=False, help_text="The MOU lets partner staff see student-level records")

    def __str__(self) -> str:
        return self.name

    class Meta:
        db_table = "aimline_partnership"  # the table it had in the one-app site


class Role(models.Model):
    """One role a person holds, with its scope: a district, schools, a network or a
    partnership. What each role may see is decided in `scope.py`."""

    DISTRICT_ADMIN = "district_admin"
    ANALYST = "district_analyst"
    SUPERVISOR = "supervisor"
    PRINCIPAL = "principal"
    TEACHER = "teacher"
    NETWORK_LEAD = "network_lead"
    COACH = "coach"
    PARTNER = "partner"
    ROLES = [(DISTRICT_ADMIN, "District admin"), (ANALYST, "District analyst"),
             (SUPERVISOR, "Superintendent / principal supervisor"), (PRINCIPAL, "Principal"),
             (TEACHER, "Teacher / counsellor"), (NETWORK_LEAD, "Network lead"),
             (COACH, "Improvement coach"), (PARTNER, "University or partner staff")]
    NEEDS = {DISTRICT_ADMIN: "district", ANALYST: "district",
             SUPERVISOR: "district or schools", PRINCIPAL: "one school", TEACHER: "one school",
             NETWORK_LEAD: "network", COACH: "network", PARTNER: "partnership"}

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=ROLES)
    district = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+", limit_choices_to={"kind": "district"})
    schools = models.ManyToManyField(Organisation, blank=True, related_name="+",
                                     limit_choices_to={"kind": "school"})
    network = models.ForeignKey("networks.Network", null=True, blank=True, on_delete=models.CASCADE)
    partnership = models.ForeignKey(Partnership, null=True, blank=True,
                                    on_delete=models.CASCADE)
    roster = models.JSONField(default=list, blank=True,
                              help_text="Teachers: student ids of their roster (empty: none)")
    staff_id = models.CharField(
        max_length=64, blank=True,
        help_text="Teachers: their id in the SIS or OneRoster; when set, the roster follows "
                  "the sections they teach (section_rosters) after every load")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"

    def clean(self) -> None:
        need = self.NEEDS.get(self.role, "")
        if need == "district" and self.district is None:
            raise ValidationError({"district": f"a {self.get_role_display()} needs a district"})
        if need == "network" and self.network is None:
            raise ValidationError({"network": f"a {self.get_role_display()} needs a network"})
        if need == "partnership" and self.partnership is None:
            raise ValidationError({"partnership": "partner staff need a partnership"})

    class Meta:
        db_table = "aimline_role"  # the table it had in the one-app site


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log cannot be changed")


class AppendOnly(models.Model):
    """A row written once by the site and changed by nobody."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("the audit log cannot be changed")


class AuditEntry(AppendOnly):
    """Who looked at, listed or exported which students' records, when. Append-only. A
    student page is one entry for its student; a list (the watch list) is one entry with
    the students it showed as `shown` rows."""

    VIEW, EXPORT, LIST = "view", "export", "list"
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=[(VIEW, "viewed"), (EXPORT, "exported"),
                                                      (LIST, "listed")])
    student_id = models.CharField(max_length=20, blank=True, db_index=True)
    school_id = models.CharField(max_length=20, blank=True)
    what = models.CharField(max_length=300, help_text="page, API path or export")
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "aimline_auditentry"  # the table it had in the one-app site
        ordering = ["-at"]
        verbose_name_plural = "audit entries"


class AuditStudent(AppendOnly):
    """One student a listed view showed (its entry's `shown`)."""

    entry = models.ForeignKey(AuditEntry, on_delete=models.PROTECT, related_name="shown")
    student_id = models.CharField(max_length=20, db_index=True)
    school_id = models.CharField(max_length=20)

    class Meta:
        db_table = "aimline_auditstudent"  # the table it had in the one-app site
        ordering = ["pk"]


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: Any, name: str) -> tuple[ApiToken, str]:
        token = "aim_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, prefix=token[:8],
                                  digest=cls.hash(token)), token

    class Meta:
        db_table = "aimline_apitoken"  # the table it had in the one-app site


class Invitation(models.Model):
    """A district admin's invitation to a role: an expiring sign-up link sent by email.
    Only the token's SHA-256 is stored; the link carries the token."""

    # the roles a district grants (networks and partnerships grant theirs elsewhere)
    ROLES = [r for r in Role.ROLES if r[0] in (
        Role.DISTRICT_ADMIN, Role.ANALYST, Role.SUPERVISOR, Role.PRINCIPAL, Role.TEACHER)]
    district = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+",
                                 limit_choices_to={"kind": "district"})
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=ROLES)
    schools = models.ManyToManyField(Organisation, blank=True, related_name="+",
                                     limit_choices_to={"kind": "school"})
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    @classmethod
    def find(cls, token: str) -> Invitation | None:
        return cls.objects.filter(digest=ApiToken.hash(token)).first()

    def usable(self, now: Any) -> str | None:
        """None if the link may be used now, else why not."""
        if self.revoked:
            return "this invitation was withdrawn"
        if self.accepted_at is not None:
            return "this invitation has already been used: log in instead"
        if now >= self.expires_at:
            return "this invitation has expired: ask your district admin for a new one"
        return None


class PeopleChange(AppendOnly):
    """Who invited, granted, changed, removed, deactivated or reactivated whom, when, in
    which district: the log a district's admins read. Append-only."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.CharField(max_length=254, help_text="username or the invited email")
    action = models.CharField(max_length=12)
    detail = models.CharField(max_length=400)

    class Meta:
        ordering = ["-at", "-pk"]
