"""The coaching log's shape in the API, for each practice's endpoint (`subjects.listing`)."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class CoachingOut(Schema):
    sessions: int | None  # None: this seat sees no counts
    hours: float | None
    tags: dict[str, int] | None  # tag -> sessions, most frequent first
    entries: list[dict[str, Any]] | None  # None: this seat reads no entries
