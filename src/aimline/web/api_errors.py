"""The error answers every API endpoint documents (so clients and schemathesis know them)."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: Any


def answers(ok: Any, code: int = 200) -> dict[int, Any]:
    """The result, or an error: bad input (422), not logged in (401), not allowed (403),
    not in scope or not there (404)."""
    return {code: ok, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
