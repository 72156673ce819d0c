"""An issued credential: what it says, its signed token and its revocation."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

User = settings.AUTH_USER_MODEL


def new_code() -> str:
    """A verification code: 72 random bits, short enough to type from a printed page."""
    return secrets.token_urlsafe(9)


class Credential(models.Model):
    """Immutable once issued, except for its revocation (which is also for good)."""

    CERTIFICATE, MICRO = "Certificate", "MicroCredential"
    KINDS = [(CERTIFICATE, "Certificate"), (MICRO, "Micro-credential")]

    code = models.CharField(max_length=24, unique=True, default=new_code)
    kind = models.CharField(max_length=20, choices=KINDS)
    recipient_name = models.CharField(max_length=200)
    recipient_hash = models.CharField(max_length=80, help_text="OB 3.0 identityHash")
    salt = models.CharField(max_length=32)
    issuer_name = models.CharField(max_length=200)
    issuer_id = models.CharField(max_length=300)
    achievement_name = models.CharField(max_length=200)
    description = models.TextField()
    criteria = models.TextField()
    statement = models.TextField(help_text="What was attained, in words (no student data)")
    result = models.TextField(help_text="The measured result, a suppressed aggregate")
    exception = models.TextField(blank=True, help_text="Issued by exception: the reason")
    status_index = models.PositiveIntegerField(unique=True)
    token = models.TextField(help_text="The signed VC-JWT")
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    revoked_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_at"]

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            before = Credential.objects.get(pk=self.pk)
            fixed = [f.attname for f in self._meta.concrete_fields
                     if not f.attname.startswith("revoked")]
            if any(getattr(before, f) != getattr(self, f) for f in fixed):
                raise ValidationError("an issued credential cannot change; revoke it and "
                                      "issue a new one")
            if before.revoked and (before.revoked_at != self.revoked_at
                                   or before.revoked_reason != self.revoked_reason):
                raise ValidationError("a revoked credential stays revoked")
        if self.revoked_at is not None and not self.revoked_reason.strip():
            raise ValidationError("say why the credential is revoked")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValidationError("an issued credential is never deleted; revoke it")

    def __str__(self) -> str:
        return f"{self.achievement_name} — {self.recipient_name} ({self.code})"
