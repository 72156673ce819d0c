"""What an Ed-Fi handler works with: a `Record` (one XML element or API JSON resource),
the `Context` it stages rows into, the `Entity` declaring where each field sits, and the
staging tables beyond the canonical ones. `edfi` declares the entities and their
handlers; `edfi_finish` joins what they staged."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from aimline.data.importers.descriptors import Descriptors, UnmappedDescriptor
from aimline.data.importers.output import Staging
from aimline.data.importers.report import ImportReport
from aimline.data.schema import TABLE_BY_NAME

# staging tables of records that feed a canonical row made from another record
EXTRA: dict[str, tuple[str, ...]] = {
    "demographics": ("student_id", "sex", "hispanic", "races", "english_learner",
                     "characteristics"),
    "flags": ("student_id", "flag", "value"),
    "incidents": ("school_id", "incident_id", "date"),
    "behaviors": ("school_id", "incident_id", "student_id", "behavior"),
    "assessments": ("assessment", "title", "subject", "grade_level"),
    "sessions": ("school_id", "school_year", "days"),
    "lea_refs": ("ref_id", "lea_id"),
    "staff": ("staff_id", "experience"),
    "staff_roles": ("staff_id", "edorg_id", "role", "begin", "end"),
}
# canonical tables staged with a column more, for prepare() to use and drop
WITH: dict[str, tuple[str, ...]] = {"schools": ("_lea_ref",),
                                    "discipline_actions": ("_incident_school",),
                                    "assessment_results": ("_date",)}


class Record(Protocol):
    where: str  # file and line (XML) or file and index (JSON), for examples and errors

    def get(self, name: str) -> str | None: ...

    def all(self, name: str) -> list[str]: ...


@dataclass
class Context:
    staging: Staging
    report: ImportReport
    descriptors: Descriptors
    unmapped: Counter[str] = field(default_factory=Counter)  # "kind value" -> records
    unmapped_at: dict[str, str] = field(default_factory=dict)

    def row(self, table: str, src: str, values: dict[str, object]) -> None:
        self.staging.add(table, src, values)

    def code(self, kind: str, uri: str | None, rec: Record) -> str | None:
        """A descriptor's canonical code; unmapped values are collected as errors."""
        if uri is None:
            return None
        try:
            return self.descriptors.map(kind, uri)
        except UnmappedDescriptor:
            key = f"{kind} {uri}"
            self.unmapped[key] += 1
            self.unmapped_at.setdefault(key, rec.where)
            raise


Handler = Callable[[Record, Context, str], None]


@dataclass(frozen=True)
class Entity:
    xml: str  # element name in an interchange file
    json: str  # ODS/API resource name
    fields: dict[str, tuple[str, str]]  # name -> (XML path, JSON path)
    handler: Handler


def staging_columns() -> dict[str, tuple[str, ...]]:
    """The staging tables beyond the canonical ones, and canonical ones with a column more."""
    return {**EXTRA, **{t: (*TABLE_BY_NAME[t].column_names, *more) for t, more in WITH.items()}}
