"""One canonical table from several export files: a SIS mapping's `with:` entries.

Real exports spread a table over files: Ed-Fi ODS exports keep race, student
characteristics and programmes in tables of their own. Each `with:` entry reads another
file, joins it to the table's main file on a key, and fills canonical columns:

    students:
      file: Student.csv
      key: StudentUniqueId                 # the main file's column the others join on
      columns: {student_id: StudentUniqueId, first_name: FirstName}
      with:
        - file: StudentEducationOrganizationAssociationRace.csv
          key: StudentUniqueId             # the same key in this file
          columns: {race_ethnicity: RaceDescriptor}
          several: {race_ethnicity: two_or_more}   # a key whose rows disagree
        - file: StudentEducationOrganizationAssociationStudentCharacteristic.csv
          key: StudentUniqueId
          flags:                           # true when the key has a row with these codes
            economically_disadvantaged:
              StudentCharacteristicDescriptor: ["uri://ed-fi.org/...#Economic Disadvantaged"]
          set:                             # a code when a row's column has these values
            race_ethnicity: {value: hispanic, when: {HispanicLatinoEthnicity: ["true"]}}
      defaults: {english_learner: "false"}  # for a value still empty after every file

A column is filled by the first of: the main file, then the `with:` files in order (so a
`set:` listed first wins over a later file's code), then `defaults:`. Codes pass through
the table's `values:` like the main file's. A flag is false for a key with no such row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Rows = Callable[[Path, str | None, str], Iterator[tuple[int, dict[str, str]]]]


@dataclass
class JoinMap:
    file: str
    key: str
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> source column
    several: dict[str, str] = field(default_factory=dict)  # canonical -> code when rows differ
    flags: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    set: dict[str, tuple[str, dict[str, set[str]]]] = field(default_factory=dict)
    encoding: str = "utf-8-sig"

    @property
    def fills(self) -> set[str]:
        return set(self.columns) | set(self.flags) | set(self.set)


def parse(spec: Any, where: str, columns: list[str], problems: list[str]) -> list[JoinMap]:
    """The `with:` entries of one table's mapping; problems appended in words."""
    out = []
    for i, entry in enumerate(spec or []):
        at = f"{where}.with[{i}]"
        if not isinstance(entry, dict) or "file" not in entry or "key" not in entry:
            problems.append(f"{at}: needs 'file:' and 'key:'")
            continue
        j = JoinMap(str(entry["file"]), str(entry["key"]),
                    {str(k): str(v) for k, v in (entry.get("columns") or {}).items()},
                    {str(k): str(v) for k, v in (entry.get("several") or {}).items()},
                    encoding=entry.get("encoding", "utf-8-sig"))
        for canon, rule in (entry.get("flags") or {}).items():
            j.flags[str(canon)] = {str(c): {str(v) for v in vs} for c, vs in rule.items()}
        for canon, rule in (entry.get("set") or {}).items():
            if not isinstance(rule, dict) or "value" not in rule or "when" not in rule:
                problems.append(f"{at}.set.{canon}: needs 'value:' and 'when:'")
                continue
            j.set[str(canon)] = (str(rule["value"]), {str(c): {str(v) for v in vs}
                                                      for c, vs in rule["when"].items()})
        problems += [f"{at}: the table has no column {c!r}" for c in sorted(j.fills)
                     if c not in columns]
        out.append(j)
    return out


def read(folder: Path, joins: list[JoinMap], values: dict[str, dict[str, str]],
         rows: Rows, problems: list[str], unmapped: Counter[tuple[str, str, str]]
         ) -> tuple[dict[str, dict[str, str]], dict[str, set[str]]]:
    """Per key, the canonical values the `with:` files give (first file first), and per
    flag column the keys it is true for."""
    filled: dict[str, dict[str, str]] = {}
    flagged: dict[str, set[str]] = {c: set() for j in joins for c in j.flags}
    for j in joins:
        path = folder / j.file
        if not path.exists():
            problems.append(f"{j.file}: the mapping joins this file but it is not in {folder}")
            continue
        seen: dict[str, dict[str, str]] = {}
        first = True
        for _, row in rows(path, None, j.encoding):
            if first:
                named = {j.key, *j.columns.values(), *(c for r in j.flags.values() for c in r),
                         *(c for _, when in j.set.values() for c in when)}
                absent = sorted(c for c in named if c not in row)
                if absent:
                    problems.append(f"{j.file}, row 1: column(s) {', '.join(absent)} named in "
                                    "the mapping are not in the header")
                    break
                first = False
            key = row[j.key]
            for canon, rule in j.flags.items():
                if any(row.get(c, "") in vs for c, vs in rule.items()):
                    flagged[canon].add(key)
            mine = seen.setdefault(key, {})
            for canon, (value, when) in j.set.items():
                if any(row.get(c, "") in vs for c, vs in when.items()):
                    mine[canon] = value
            for canon, col in j.columns.items():
                value = row.get(col, "")
                if value == "":
                    continue
                if canon in values:
                    if value not in values[canon]:
                        unmapped[(j.file, col, value)] += 1
                        continue
                    value = values[canon][value]
                if canon in mine and mine[canon] != value and canon not in j.set:
                    mine[canon] = j.several.get(canon, mine[canon])
                else:
                    mine.setdefault(canon, value)
        for key, got in seen.items():
            into = filled.setdefault(key, {})
            for canon, value in got.items():
                into.setdefault(canon, value)
    return filled, flagged


def apply(out: dict[str, object], key: str, filled: dict[str, dict[str, str]],
          flagged: dict[str, set[str]], defaults: dict[str, str]) -> None:
    """Fill the empty canonical values of one main-file row."""
    for canon, value in filled.get(key, {}).items():
        if out.get(canon) is None:
            out[canon] = value
    for canon, keys in flagged.items():
        if out.get(canon) is None:
            out[canon] = "true" if key in keys else "false"
    for canon, value in defaults.items():
        if out.get(canon) is None:
            out[canon] = value
