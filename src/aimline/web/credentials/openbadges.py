"""An Open Badges 3.0 `OpenBadgeCredential` (1EdTech OB 3.0 on the W3C Verifiable
Credentials Data Model 2.0) and its VC-JWT claims, from plain facts.

The recipient is named only by a salted SHA-256 hash of their email (an OB 3.0
`IdentityObject`), so the credential says nothing about them that they do not present.
Revocation is a W3C Bitstring Status List (`status.py`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
TYPES = ["VerifiableCredential", "OpenBadgeCredential"]


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 `identityHash`: "sha256$" + hex SHA-256 of the email (lower case) + salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


@dataclass(frozen=True)
class Badge:
    """What one credential says."""

    id: str                 # the credential's URL (its verify page)
    issuer_id: str
    issuer_name: str
    achievement_id: str
    achievement_name: str
    achievement_type: str   # OB 3.0 vocabulary: Certificate, MicroCredential, ...
    description: str
    criteria: str
    recipient_hash: str
    salt: str
    valid_from: dt.datetime
    evidence_name: str
    evidence: str           # the measured result, a suppressed aggregate in words
    status_list: str        # the status list credential's URL
    status_index: int


def credential(b: Badge) -> dict[str, Any]:
    when = b.valid_from.astimezone(dt.UTC).replace(microsecond=0)
    return {
        "@context": CONTEXTS,
        "id": b.id,
        "type": TYPES,
        "name": b.achievement_name,
        "issuer": {"id": b.issuer_id, "type": ["Profile"], "name": b.issuer_name},
        "validFrom": when.isoformat().replace("+00:00", "Z"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress",
                            "hashed": True, "identityHash": b.recipient_hash,
                            "salt": b.salt}],
            "achievement": {"id": b.achievement_id, "type": ["Achievement"],
                            "achievementType": b.achievement_type,
                            "name": b.achievement_name, "description": b.description,
                            "criteria": {"narrative": b.criteria}},
        },
        "evidence": [{"id": b.id, "type": ["Evidence"], "name": b.evidence_name,
                      "narrative": b.evidence}],
        "credentialStatus": {"id": f"{b.status_list}#{b.status_index}",
                             "type": "BitstringStatusListEntry",
                             "statusPurpose": "revocation",
                             "statusListIndex": str(b.status_index),
                             "statusListCredential": b.status_list},
    }


def jwt_claims(vc: dict[str, Any]) -> dict[str, Any]:
    """VC-JWT: the credential itself is the payload (VC-JOSE for the VCDM 2.0, as OB 3.0
    §8.2 asks), with the registered claims drawn from it: `iss` the issuer, `jti` the
    credential id, `nbf` validFrom, `sub` the subject (here its identity hash: the subject
    has no id of its own)."""
    valid_from = dt.datetime.fromisoformat(vc["validFrom"].replace("Z", "+00:00"))
    return {**vc, "iss": vc["issuer"]["id"], "jti": vc["id"],
            "nbf": int(valid_from.timestamp()),
            "sub": vc["credentialSubject"]["identifier"][0]["identityHash"]}
