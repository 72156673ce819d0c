"""What the coaching log hangs off, and whose rules say who reads it. A practice registers
its record once (in its AppConfig.ready): the rules table with the log's actions, the seat
function, the tags an entry may carry, and the page to go back to. The log's actions, in
the practice's own table: `read` (any seat at the record), `read_log` (the notes),
`read_log_summary` (counts, hours, tags), `write_log`, and optionally `share_log` (the
candidate shares an entry) with `read_shared_log` (who then reads it: the supervisor)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from aimline.web.access import Rules, Seat
from aimline.web.coaching.models import Entry


@dataclass(frozen=True)
class Subject:
    model: type[Model]
    rules: Rules
    seat: Callable[[Any, Any], Seat]  # (user, record) -> the user's seat at the record
    focus: Callable[[Any], list[tuple[str, str]]]  # record -> the tags an entry may carry
    focus_label: str
    page: Callable[[Any], str]  # record -> its page's URL
    name: Callable[[Any], str]

    @property
    def key(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}"

    def may(self, action: str, scope: Any, seat: Seat) -> bool:
        return action in self.rules.actions and self.rules.allows(scope, action, seat)


_SUBJECTS: dict[str, Subject] = {}


def register(subject: Subject) -> None:
    _SUBJECTS[subject.key] = subject


def subject(key: str) -> Subject:
    if key not in _SUBJECTS:
        raise Http404("no such coaching log")
    return _SUBJECTS[key]


def subject_of(e: Entry) -> Subject:
    return subject(f"{e.subject_type.app_label}.{e.subject_type.model}")


def seated(request: Any, s: Subject, pk: int, action: str) -> tuple[Any, Seat]:
    """The record and the user's seat there: 404 without a seat, 403 without `action`."""
    found = s.model._default_manager.filter(pk=pk).first()  # type: ignore[attr-defined]
    seat = s.seat(request.user, found) if found is not None else Seat()
    s.rules.require(request.scope, "read", seat, hidden=True)
    s.rules.require(request.scope, action, seat)
    return found, seat


def entries(record: Model) -> QuerySet[Entry]:
    return Entry.objects.filter(subject_type=ContentType.objects.get_for_model(record),
                                subject_id=record.pk)


def summary(done: Iterable[Entry]) -> dict[str, Any]:
    """Counts, hours and tags of submitted entries: what programme staff see."""
    done = [e for e in done if e.status == Entry.SUBMITTED]
    tags = Counter(t for e in done for t in e.focus)
    return {"sessions": len(done), "hours": round(sum(e.minutes or 0 for e in done) / 60, 1),
            "tags": tags.most_common()}


def readable(request: Any, s: Subject, record: Model, seat: Seat) -> QuerySet[Entry] | None:
    """The entries whose content this person reads: all submitted ones and their own drafts
    with `read_log`; the shared ones with `read_shared_log`; else none (None)."""
    mine = Q(author=request.user)
    if s.may("read_log", request.scope, seat):
        return entries(record).filter(Q(status=Entry.SUBMITTED) | mine)
    if s.may("read_shared_log", request.scope, seat):
        return entries(record).filter(status=Entry.SUBMITTED, shared=True)
    return None


def listing(request: Any, s: Subject, record: Model, seat: Seat) -> dict[str, Any]:
    """The log as the API gives it: counts, hours and tags (with `read_log_summary`) and
    the entries this person reads (None where they read none)."""
    out: dict[str, Any] = {"sessions": None, "hours": None, "tags": None, "entries": None}
    if s.may("read_log_summary", request.scope, seat):
        done = summary(entries(record))
        out.update(done, tags=dict(done["tags"]))
    log = readable(request, s, record, seat)
    if log is not None:
        out["entries"] = [{"id": e.pk, "status": e.status, "author": e.author.username,
                           "shared": e.shared, **e.facts()}
                          for e in log.select_related("author")]
    return out


def panel(request: Any, s: Subject, record: Model, seat: Seat) -> dict[str, Any] | None:
    """The log's part of a record's page (the `coaching/log.html` include), or None when
    the person sees neither the summary nor any entry."""
    log = readable(request, s, record, seat)
    counts = s.may("read_log_summary", request.scope, seat)
    if not counts and log is None:
        return None
    return {"key": s.key, "pk": record.pk,
            "summary": summary(entries(record)) if counts else None,
            "log": log, "write": s.may("write_log", request.scope, seat),
            "shares": "share_log" in s.rules.actions}
