"""The site's signing key and VC-JWT signatures (RS256, jwcrypto).

The key is an RSA private key in PEM: `AIMLINE_SIGNING_KEY` names its file (default
`<AIMLINE_HOME>/signing-key.pem`, made on first use, readable by the owner only). Its public
half is published at `/.well-known/jwks.json` under its RFC 7638 thumbprint as key id, so a
wallet or verifier checks a credential without asking the site.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from jwcrypto import jwk, jws, jwt
from jwcrypto.common import JWException

ALG = "RS256"


class Invalid(Exception):
    """A token that does not verify against the site's key: tampered, or not ours."""


@lru_cache(maxsize=4)
def _load(path: str) -> jwk.JWK:
    p = Path(path)
    if not p.exists():
        key = jwk.JWK.generate(kty="RSA", size=2048)
        p.parent.mkdir(parents=True, exist_ok=True)
        partial = p.with_name(f".{p.name}.{os.getpid()}")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key.export_to_pem(private_key=True, password=None))
        try:  # whole or not at all; if another process made one first, theirs stands
            os.link(partial, p)
        except FileExistsError:
            pass
        finally:
            partial.unlink()
    key = jwk.JWK.from_pem(p.read_bytes())
    if key.get("kty") != "RSA" or not key.has_private:
        raise ValueError(f"{p}: the signing key must be an RSA private key in PEM")
    return key


def key() -> jwk.JWK:
    return _load(str(settings.SIGNING_KEY))


def key_id() -> str:
    return key().thumbprint()


def jwks() -> dict[str, Any]:
    """The public key set verifiers fetch."""
    public = key().export_public(as_dict=True)
    return {"keys": [{**public, "kid": key_id(), "use": "sig", "alg": ALG}]}


def sign(claims: dict[str, Any], *, typ: str = "vc+jwt") -> str:
    token = jwt.JWT(header={"alg": ALG, "kid": key_id(), "typ": typ},
                    claims=json.dumps(claims, separators=(",", ":"), sort_keys=True))
    token.make_signed_token(key())
    return token.serialize()


def verify(token: str) -> dict[str, Any]:
    """The claims of a token signed with the site's key; `Invalid` otherwise."""
    try:
        checked = jws.JWS()
        checked.deserialize(token)
        if checked.jose_header.get("alg") != ALG or checked.jose_header.get("kid") != key_id():
            raise Invalid("not signed with this site's key")
        checked.verify(key().public())
        return json.loads(checked.payload)
    except (JWException, ValueError) as e:
        raise Invalid(f"the signature does not verify: {e}") from None
