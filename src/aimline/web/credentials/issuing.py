"""Issuing and revoking credentials, and the status list verifiers read."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from aimline.web.credentials import openbadges, signing, status
from aimline.web.credentials.models import Credential


def url(name: str, *args: Any) -> str:
    return settings.BASE_URL.rstrip("/") + reverse(name, args=args)


def status_list_url() -> str:
    return url("credential_status")


def issue(*, kind: str, recipient_name: str, recipient_email: str, issuer_id: str,
          issuer_name: str, achievement_id: str, achievement_name: str, description: str,
          criteria: str, statement: str, result: str, by: Any,
          exception: str = "") -> Credential:
    """A new signed credential. The caller has decided it is earned; this only writes it.
    Its place in the status list is the next free one (tried again if another issue took
    it at the same moment)."""
    if not recipient_email.strip():
        raise ValidationError("the recipient has no email address: a credential names its "
                              "recipient by a hash of it")
    c = Credential(kind=kind, recipient_name=recipient_name, salt=secrets.token_hex(8),
                   issuer_name=issuer_name, issuer_id=issuer_id,
                   achievement_name=achievement_name, description=description,
                   criteria=criteria, statement=statement, result=result,
                   exception=exception, issued_by=by,
                   issued_at=timezone.now().replace(microsecond=0))
    c.recipient_hash = openbadges.identity_hash(recipient_email, c.salt)
    for attempt in range(5):
        c.status_index = (Credential.objects.aggregate(m=Max("status_index"))["m"] or 0) + 1
        c.token = signing.sign(openbadges.jwt_claims(_badge(c, achievement_id)))
        try:
            with transaction.atomic():
                c.save()
            return c
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _badge(c: Credential, achievement_id: str) -> dict[str, Any]:
    """The OB 3.0 credential that `c` says, at its place in the status list."""
    narrative = c.result + (f" Issued by exception: {c.exception}" if c.exception else "")
    return openbadges.credential(openbadges.Badge(
        id=url("verify", c.code), issuer_id=c.issuer_id, issuer_name=c.issuer_name,
        achievement_id=achievement_id, achievement_name=c.achievement_name,
        achievement_type=c.kind, description=c.description, criteria=c.criteria,
        recipient_hash=c.recipient_hash, salt=c.salt, valid_from=c.issued_at,
        evidence_name=c.statement, evidence=narrative, status_list=status_list_url(),
        status_index=c.status_index))


def revoke(c: Credential, *, by: Any, reason: str) -> Credential:
    if c.revoked:
        raise ValidationError("this credential is already revoked")
    if not reason.strip():
        raise ValidationError("say why the credential is revoked")
    c.revoked_at, c.revoked_by, c.revoked_reason = timezone.now(), by, reason.strip()
    c.save()
    return c


def status_list() -> str:
    """The revocation list as a signed BitstringStatusListCredential (VC-JWT)."""
    now = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    revoked = Credential.objects.filter(revoked_at__isnull=False).values_list(
        "status_index", flat=True)
    list_url = status_list_url()
    vc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": list_url,
          "type": ["VerifiableCredential", "BitstringStatusListCredential"],
          "issuer": {"id": settings.BASE_URL, "type": ["Profile"], "name": "Aimline"},
          "validFrom": now.isoformat().replace("+00:00", "Z"),
          "credentialSubject": {"id": f"{list_url}#list", "type": "BitstringStatusList",
                                "statusPurpose": "revocation",
                                "encodedList": status.encode(revoked)}}
    return signing.sign({**vc, "iss": settings.BASE_URL, "jti": list_url,
                         "nbf": int(now.timestamp())})
