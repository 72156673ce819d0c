"""What validation found: one `Problem` per bad value, collected in a `Report`."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field


class DataError(Exception):
    """Base error of the data room."""


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (file, row as in the user's file, column), what and which rule.

    `row` is the line number in a CSV (the header is line 1) or the 1-based record number in
    a Parquet file; None for a problem with the whole file or table.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = self.file + (f", row {self.row}" if self.row is not None else "")
        where += f", column {self.column}" if self.column else ""
        val = f" value {self.value!r}:" if self.value is not None else ""
        return f"{where}:{val} {self.rule}"


@dataclass
class Report:
    """Every problem counted; the first `limit` kept in file and row order."""

    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    counts: Counter[tuple[str, str | None, str]] = field(default_factory=Counter)
    rows: dict[str, int] = field(default_factory=dict)  # rows read per table
    notes: list[str] = field(default_factory=list)
    limit: int = 1000

    @property
    def ok(self) -> bool:
        return self.total == 0

    def add(self, problems: list[Problem],
            counts: list[tuple[str | None, str, int]] | None = None) -> None:
        """Add the problems one check found.

        `counts` (column, rule, n) when the check counted more problems than it listed.
        """
        if counts is None:
            counts = list(Counter((p.column, p.rule) for p in problems).items())
            counts = [(c, r, n) for (c, r), n in counts]
        file = problems[0].file if problems else ""
        for column, rule, n in counts:
            self.counts[(file, column, rule)] += n
            self.total += n
        room = self.limit - len(self.problems)
        self.problems.extend(problems[: max(room, 0)])

    def sorted_problems(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.file, p.row or 0, p.column or ""))

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "total": self.total,
            "listed": len(self.problems),
            "by_rule": [{"file": f, "column": c, "rule": r, "count": n}
                        for (f, c, r), n in sorted(self.counts.items(), key=lambda kv: -kv[1])],
            "problems": [asdict(p) for p in self.sorted_problems()],
            "rows": self.rows,
            "notes": self.notes,
        }

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2)


class ValidationFailed(DataError, ValueError):
    """The extract broke at least one rule; nothing was loaded."""

    def __init__(self, report: Report) -> None:
        self.report = report
        first = report.sorted_problems()[:3]
        super().__init__(f"{report.total} problem(s) found; nothing was loaded. First: "
                         + "; ".join(str(p) for p in first))
