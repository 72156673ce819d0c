"""Ed-Fi ODS/API JSON resources → canonical extract.

    report = import_json(Path("pages/"), Path("extract/"))

A folder of JSON files as the ODS/API returns them (v5-v7 resource shapes): each file is
one page, a JSON array of resources, named after its resource
(`studentSchoolAttendanceEvents.json`) or kept in a folder of that name
(`studentSchoolAttendanceEvents/00000000.json`, as `aimline import edfi --api` saves
pages). One page is in memory at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from aimline.data.extract import Format
from aimline.data.importers import edfi
from aimline.data.importers.common import as_text
from aimline.data.importers.descriptors import UnmappedDescriptor
from aimline.data.importers.report import ImportFailed, ImportReport


class JsonRecord:
    """One resource; fields looked up by the dotted JSON paths of its `edfi.Entity`
    (`races[].raceDescriptor` walks a list)."""

    __slots__ = ("obj", "paths", "where")

    def __init__(self, obj: dict, paths: dict[str, list[str]], where: str) -> None:
        self.obj = obj
        self.paths = paths
        self.where = where

    def all(self, name: str) -> list[str]:
        steps = self.paths.get(name)
        if steps is None:  # a field this shape has no path for
            return []
        values: list[object] = [self.obj]
        for step in steps:
            many = step.endswith("[]")
            key = step[:-2] if many else step
            nxt: list[object] = []
            for v in values:
                if isinstance(v, dict) and (x := v.get(key)) is not None:
                    nxt.extend(x if many and isinstance(x, list) else [x])
            values = nxt
        return [t for v in values if (t := as_text(v))]

    def get(self, name: str) -> str | None:
        found = self.all(name)
        return found[0] if found else None


def pages(folder: Path) -> Iterator[tuple[str, Path]]:
    """(resource, file) for every page under `folder`, resources in `edfi.ENTITIES` order
    (so lookups made by earlier resources are ready), pages in name order."""
    by_name = {e.json.lower(): e.json for e in edfi.ENTITIES}
    found: dict[str, list[Path]] = {}
    for p in sorted(folder.rglob("*.json")):
        if p.name == "import-report.json" or p.name.startswith("."):
            continue
        resource = by_name.get(p.stem.lower()) or by_name.get(p.parent.name.lower())
        found.setdefault(resource or p.stem, []).append(p)
    for e in edfi.ENTITIES:
        for p in found.pop(e.json, []):
            yield e.json, p
    for name, files in found.items():  # not a resource the importer reads
        for p in files:
            yield name, p


def read_page(path: Path, resource: str, ctx: edfi.Context, name: str) -> int:
    """Hand every resource of one page to its handler; returns the records read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise ImportFailed([f"{name}: not valid JSON: {e}"]) from None
    if not isinstance(data, list):
        raise ImportFailed([f"{name}: a page must be a JSON array of resources "
                            f"(got {type(data).__name__})"])
    entity = edfi.BY_JSON.get(resource)
    if entity is None:
        ctx.report.ignored[resource] += len(data)
        return len(data)
    paths = {k: j.split(".") for k, (_, j) in entity.fields.items() if j != "-"}
    paths = {k: v for k, v in paths.items() if v != ["-"]}
    report = ctx.report
    for i, obj in enumerate(data):
        if not isinstance(obj, dict):
            raise ImportFailed([f"{name}, item {i}: a resource must be a JSON object"])
        report.entity(entity.xml).read += 1
        try:
            entity.handler(JsonRecord(obj, paths, f"{name} item {i}"), ctx, entity.xml)
        except UnmappedDescriptor:
            report.entity(entity.xml).read -= 1
        except ValueError as e:  # a number or date that is not one
            raise ImportFailed([f"{name} item {i}, {entity.xml}: a value is not valid: {e}"]
                               ) from None
    return len(data)


def import_json(folder: Path, out: Path, *, descriptor_map: Path | None = None,
                fmt: Format = "csv", tick: Callable[[int], None] | None = None,
                kind: str = "edfi-json", source: str | None = None,
                enrollments: Path | None = None) -> ImportReport:
    """Import every page under `folder` into a canonical extract at `out`."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder of Ed-Fi JSON files")
    found = list(pages(folder))
    if not found:
        raise ImportFailed([f"{folder}: no .json files found"])

    def walk(ctx: edfi.Context) -> None:
        for resource, path in found:
            name = str(path.relative_to(folder))
            n = read_page(path, resource, ctx, name)
            ctx.report.files[name] = n
            if tick:
                tick(n)

    return edfi.run(kind, source or str(folder), walk, out, descriptor_map=descriptor_map,
                    fmt=fmt, enrollments=enrollments)
