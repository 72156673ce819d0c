"""What an import read, wrote and dropped: the account a user checks before loading.

Every record of a source entity the importer reads is either *used* (it made or fed a
canonical row) or *dropped* with a reason, so `read == used + dropped` per entity; the
tests hold the importers to that. Entities the importer has no canonical place for are
counted under `ignored`; canonical tables (or columns) the source could not fill are
listed under `unfilled` with the reason.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

EXAMPLES = 3  # examples kept per entity and reason


@dataclass
class EntityCount:
    read: int = 0
    used: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def dropped_total(self) -> int:
        return sum(self.dropped.values())


@dataclass
class ImportReport:
    source: str
    kind: str  # edfi-xml, edfi-json, edfi-api, oneroster, sis
    entities: dict[str, EntityCount] = field(default_factory=dict)
    ignored: Counter[str] = field(default_factory=Counter)
    tables: dict[str, int] = field(default_factory=dict)  # rows written per canonical table
    unfilled: dict[str, str] = field(default_factory=dict)  # table or table.column -> why
    warnings: list[str] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)  # source file -> records read

    def entity(self, name: str) -> EntityCount:
        e = self.entities.get(name)
        if e is None:
            e = self.entities[name] = EntityCount()
        return e

    def drop(self, entity: str, reason: str, example: str = "", n: int = 1) -> None:
        """`n` records of `entity` were dropped for `reason` (not yet counted as used)."""
        e = self.entity(entity)
        e.dropped[reason] += n
        shown = e.examples.setdefault(reason, [])
        if example and len(shown) < EXAMPLES:
            shown.append(example)

    def unuse(self, entity: str, reason: str, examples: list[str], n: int) -> None:
        """`n` records first counted as used were dropped later (e.g. merged duplicates)."""
        self.entity(entity).used -= n
        self.drop(entity, reason, n=n)
        shown = self.entity(entity).examples[reason]
        shown.extend(examples[: EXAMPLES - len(shown)])

    def merge(self, part: ImportReport) -> None:
        """Add the counts of a report made by a parallel worker."""
        for name, e in part.entities.items():
            mine = self.entity(name)
            mine.read += e.read
            mine.used += e.used
            for reason, n in e.dropped.items():
                self.drop(name, reason, n=n)
                shown = mine.examples.setdefault(reason, [])
                shown.extend(e.examples.get(reason, [])[: EXAMPLES - len(shown)])
        self.ignored.update(part.ignored)
        self.files.update(part.files)
        self.warnings.extend(part.warnings)

    def as_dict(self) -> dict:
        return {
            "source": self.source, "kind": self.kind, "files": self.files,
            "entities": {
                name: {"read": e.read, "used": e.used, "dropped": e.dropped_total,
                       "dropped_by_reason": [
                           {"reason": r, "count": n, "examples": e.examples.get(r, [])}
                           for r, n in e.dropped.most_common()]}
                for name, e in sorted(self.entities.items())},
            "ignored": dict(sorted(self.ignored.items())),
            "tables": self.tables,
            "unfilled": self.unfilled,
            "warnings": self.warnings,
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_dict(), indent=2) + "\n", encoding="utf-8")


class ImportFailed(ValueError):
    """The source could not be imported; nothing was written to the output folder."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:5]) + (f"; … {len(problems) - 5} more"
                                           if len(problems) > 5 else "")
        super().__init__(f"{len(problems)} problem(s); no extract was written: {shown}")

    def __reduce__(self) -> tuple:  # raised in a worker process, re-raised in the parent
        return (ImportFailed, (self.problems,))
