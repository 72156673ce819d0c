"""Open Badges 3.0 credentials: signed as VC-JWT with the site's key, verified here with a
second, independent JOSE library (joserfc) against the published key set; a changed byte
fails; revocation reaches the verify page and the W3C Bitstring Status List."""

from __future__ import annotations

import base64
import json

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from joserfc import jwt as jose_jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from aimline.web.credentials import issuing, status
from aimline.web.credentials.models import Credential

pytestmark = pytest.mark.django_db


def _issue(**over: str) -> Credential:
    facts = dict(kind=Credential.CERTIFICATE, recipient_name="Ada Lovelace",
                 recipient_email="Ada@Example.org", issuer_id="https://aimline.test/i/1",
                 issuer_name="Center for Leadership", achievement_id="https://aimline.test/a/1",
                 achievement_name="National Principal Certificate",
                 description="Equity and excellence", criteria="An attained target",
                 statement="Chronically absent, all students at A: from 30% to 25% or lower",
                 result="Attained: 22.1% in 2025–2026")
    facts.update(over)
    return issuing.issue(by=User.objects.get(username="admin"), **facts)


def _keys(client: Client) -> KeySet:
    r = client.get("/.well-known/jwks.json")
    assert r.status_code == 200
    return KeySet.import_key_set(r.json())


def test_a_credential_verifies_against_the_published_key_with_another_library() -> None:
    c = _issue()
    token = Client().get(f"/verify/{c.code}/credential.jwt").content.decode()
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    keys = _keys(Client())
    assert header["alg"] == "RS256" and header["kid"] == keys.keys[0].kid
    claims = jose_jwt.decode(token, keys, algorithms=["RS256"]).claims
    assert claims["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "https://purl.imsglobal.org/spec/ob/v3p0/context" in claims["@context"][1]
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["iss"] == claims["issuer"]["id"] == "https://aimline.test/i/1"
    assert claims["jti"] == claims["id"] and claims["id"].endswith(f"/verify/{c.code}/")
    assert claims["nbf"] == int(c.issued_at.timestamp())
    subject = claims["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    ident = subject["identifier"][0]
    assert ident["hashed"] is True and ident["identityType"] == "emailAddress"
    # the hash is of the email as OB 3.0 says (lower case + salt), never the email itself
    import hashlib
    assert ident["identityHash"] == "sha256$" + hashlib.sha256(
        ("ada@example.org" + ident["salt"]).encode()).hexdigest() == claims["sub"]
    assert "ada" not in token.lower().split(".")[1] and "Example.org" not in json.dumps(claims)
    a = subject["achievement"]
    assert a["name"] == "National Principal Certificate" and a["criteria"]["narrative"]
    assert claims["evidence"][0]["narrative"].startswith("Attained")
    assert claims["credentialStatus"]["type"] == "BitstringStatusListEntry"


def test_a_changed_byte_fails_verification() -> None:
    c = _issue()
    head, payload, sig = c.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["achievement"]["name"] = "Superintendent of the Year"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    keys = _keys(Client())
    with pytest.raises(BadSignatureError):
        jose_jwt.decode(f"{head}.{forged}.{sig}", keys, algorithms=["RS256"])
    flipped = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    with pytest.raises(BadSignatureError):
        jose_jwt.decode(f"{head}.{payload}.{flipped}", keys, algorithms=["RS256"])
    # the site's own check says so in words, and changes nothing
    before = Credential.objects.count()
    r = Client().post("/verify/", {"token": f"{head}.{forged}.{sig}"})
    assert r.status_code == 400
    assert "not a valid credential" in r.content.decode()
    assert Credential.objects.count() == before
    ok = Client().post("/verify/", {"token": c.token})
    assert ok.status_code == 200 and "Valid" in ok.content.decode()


def test_a_revoked_credential_reads_revoked_on_the_page_the_api_and_the_status_list() -> None:
    c = _issue()
    other = _issue(recipient_name="Grace Hopper", recipient_email="grace@example.org")
    with pytest.raises(ValidationError):
        issuing.revoke(c, by=User.objects.get(username="admin"), reason="  ")
    issuing.revoke(c, by=User.objects.get(username="admin"), reason="issued in error")
    page = Client().get(f"/verify/{c.code}/").content.decode()
    assert "Revoked" in page and "issued in error" in page
    api = Client().get(f"/api/verify/{c.code}").json()
    assert api["status"] == "revoked" and api["revoked_reason"] == "issued in error"
    assert Client().get(f"/api/verify/{other.code}").json()["status"] == "valid"
    # the status list is itself signed; its bit for c is set, for the other not
    listed = Client().get("/credentials/status/revocation")
    assert listed["Content-Type"] == "application/vc+jwt"
    subject = jose_jwt.decode(listed.content.decode(), _keys(Client()),
                              algorithms=["RS256"]).claims["credentialSubject"]
    entry = json.loads(base64.urlsafe_b64decode(
        c.token.split(".")[1] + "==="))["credentialStatus"]
    assert entry["statusListCredential"].endswith("/credentials/status/revocation")
    assert status.is_set(subject["encodedList"], int(entry["statusListIndex"]))
    assert not status.is_set(subject["encodedList"], other.status_index)
    with pytest.raises(ValidationError):  # revoked for good
        issuing.revoke(c, by=User.objects.get(username="admin"), reason="again")


def test_an_issued_credential_cannot_be_edited_or_deleted() -> None:
    c = _issue()
    c.result = "Attained: 99%"
    with pytest.raises(ValidationError):
        c.save()
    with pytest.raises(ValidationError):
        Credential.objects.get(pk=c.pk).delete()


def test_the_bitstring_status_list_follows_the_w3c_layout() -> None:
    """Bit 0 is the most significant bit of the first byte; at least 16 KB; GZIP, base64url
    with the multibase "u" prefix (W3C Bitstring Status List v1.0 §3)."""
    import gzip

    encoded = status.encode([0, 9])
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert encoded[0] == "u" and len(raw) == 16384
    assert raw[0] == 0b1000_0000 and raw[1] == 0b0100_0000 and not any(raw[2:])
    assert [status.is_set(encoded, i) for i in (0, 1, 9, 10)] == [True, False, True, False]


def test_the_verify_page_and_key_set_need_no_sign_in_and_an_unknown_code_is_404() -> None:
    c = _issue()
    assert Client().get(f"/verify/{c.code}/").status_code == 200
    assert Client().get("/verify/nosuchcode/").status_code == 404
    assert Client().get("/api/verify/nosuchcode").status_code == 404
