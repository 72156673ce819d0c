"""GET /api/verify/{code}: public, what the verify page says."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from aimline.web.api_errors import ErrorOut
from aimline.web.credentials.views import find, public

router = Router(tags=["credentials"])


class VerifyOut(Schema):
    code: str
    kind: str
    recipient: str
    achievement: str
    issuer: str
    issued: str
    statement: str
    result: str
    exception: str
    status: str
    revoked_on: str | None
    revoked_reason: str | None
    signature: str


@router.get("/verify/{code}", response={200: VerifyOut, 404: ErrorOut}, auth=None,
            summary="A credential's public record (no sign-in)")
def verify(request: HttpRequest, code: str) -> Any:
    return public(find(code))
