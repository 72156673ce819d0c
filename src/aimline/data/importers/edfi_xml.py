"""Ed-Fi XML interchange files → canonical extract, streamed.

    report = import_xml(Path("edfi/"), Path("extract/"))

Every `*.xml` under the folder is read with lxml's `iterparse`, asking only for the
entity elements the importer knows (`edfi.BY_XML`); each is handed to its handler, then
cleared together with the siblings before it, so memory does not grow with file size.
Any Data Standard namespace is accepted (`http://ed-fi.org/4.0`, `.../5.2.0`, ...).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

from lxml import etree

from aimline.data.extract import Format
from aimline.data.importers import edfi
from aimline.data.importers.descriptors import Descriptors, UnmappedDescriptor
from aimline.data.importers.output import Staging
from aimline.data.importers.report import ImportFailed, ImportReport

NAMESPACE = re.compile(rb'xmlns="([^"]+)"')


SEP = "\ue000"  # a private-use character: joins one record's field values in one XPath call


class Fields:
    """Compiled XPath for one entity in one namespace: a single call returns every
    single-valued field (joined by SEP), and one per list field; evaluated in libxml2,
    several times faster than ElementPath lookups field by field."""

    def __init__(self, entity: edfi.Entity, ns: str) -> None:
        self.single: list[str] = []
        self.lists: dict[str, etree.XPath] = {}
        parts = []
        for name, (path, _) in entity.fields.items():
            if path == "-":
                continue
            steps = path.split("/")
            xp = "/".join(s if s.startswith("@") else f"e:{s}" for s in steps)
            self.single.append(name)
            parts.append(f"string({xp})")
            # plain strings, not lxml's "smart" ones that keep the tree alive
            self.lists[name] = etree.XPath(
                xp if steps[-1].startswith("@") else f"{xp}/text()", namespaces={"e": ns},
                smart_strings=False)
        glue = f", '{SEP}', "
        self.joined = etree.XPath(f"concat({glue.join(parts)}, '')" if len(parts) > 1
                                  else parts[0], namespaces={"e": ns}, smart_strings=False)


class XmlRecord:
    """One entity element; its single-valued fields read in one XPath call, up front."""

    __slots__ = ("elem", "fields", "get", "where")

    def __init__(self, elem: etree._Element, fields: Fields, where: str) -> None:
        self.elem = elem
        self.fields = fields
        self.where = where
        values = {k: (v.strip() or None) for k, v in
                  zip(fields.single, str(fields.joined(elem)).split(SEP))}
        self.get = values.get  # the dict's own method: the hot path has no Python frame

    def all(self, name: str) -> list[str]:
        xpath = self.fields.lists.get(name)  # None: a field only the JSON shape has
        return [] if xpath is None else [t for v in xpath(self.elem) if (t := str(v).strip())]


def _namespace(path: Path) -> str | None:
    with path.open("rb") as f:
        m = NAMESPACE.search(f.read(4096))
    return m.group(1).decode() if m else None


def read_file(path: Path, ctx: edfi.Context, name: str,
              tick: Callable[[int], None] | None = None) -> None:
    """Hand every known entity of one interchange file to its handler."""
    ns = _namespace(path)
    if ns is None or "ed-fi.org" not in ns:
        ctx.report.warnings.append(f"{name}: not an Ed-Fi interchange file (no ed-fi.org "
                                   "namespace); skipped")
        return
    fields = {e.xml: Fields(e, ns) for e in edfi.ENTITIES}
    known = {f"{{{ns}}}{tag}": tag for tag in edfi.BY_XML}
    report = ctx.report
    count = 0
    context = etree.iterparse(str(path), events=("end",), tag=list(known), huge_tree=True)
    try:
        for _, elem in context:
            parent = elem.getparent()
            if parent is None or parent.getparent() is not None:
                continue  # an element of the same name nested inside another record
            tag = known[elem.tag]
            report.entity(tag).read += 1
            count += 1
            where = f"{name} line {elem.sourceline}"
            try:
                edfi.BY_XML[tag].handler(XmlRecord(elem, fields[tag], where), ctx, tag)
            except UnmappedDescriptor:
                report.entity(tag).read -= 1  # the import fails; counted in ctx.unmapped
            except ValueError as e:  # a number or date that is not one
                raise ImportFailed([f"{where}, {tag}: a value is not valid: {e}"]) from None
            # free what was read: this record and every sibling before it
            elem.clear(keep_tail=False)
            while (prev := elem.getprevious()) is not None:
                _ignore(prev, known, report)
                del parent[0]
            if tick and count % 100_000 == 0:
                tick(100_000)
        root = context.root
    except etree.XMLSyntaxError as e:
        raise ImportFailed([f"{name}, line {e.lineno}: malformed XML: {e.msg}"]) from None
    for child in root:
        _ignore(child, known, report)
    report.files[name] = count
    if tick:
        tick(count % 100_000)


def _ignore(elem: etree._Element, known: dict[str, str], report: ImportReport) -> None:
    """Count a top-level record that has no canonical place (e.g. Location, BellSchedule)."""
    if isinstance(elem.tag, str) and elem.tag not in known:
        report.ignored[etree.QName(elem).localname] += 1


PARALLEL_BYTES = 64 << 20  # below this the files are read in this process


def _read_in_worker(path: Path, name: str, folder: Path, descriptor_map: Path | None,
                    seq_start: int) -> tuple[ImportReport, Counter[str], dict[str, str]]:
    """Read one file in a worker process into its own staging folder."""
    staging = Staging(folder, edfi.staging_columns(), seq_start=seq_start)
    ctx = edfi.Context(staging, ImportReport("", ""), Descriptors.load(descriptor_map))
    read_file(path, ctx, name)
    staging.close()
    return ctx.report, ctx.unmapped, ctx.unmapped_at


def _read_parallel(files: list[tuple[Path, str]], ctx: edfi.Context,
                   descriptor_map: Path | None, tick: Callable[[int], None] | None) -> None:
    """One process per core, the largest files first; each stages its own Parquet files,
    which the finish reads together, and its counts are merged into the report."""
    work = ctx.staging.folder.parent
    order = sorted(files, key=lambda f: -f[0].stat().st_size)
    workers = min(os.cpu_count() or 1, len(order))
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        jobs = {pool.submit(_read_in_worker, path, name, work / f"staging-{i}",
                            descriptor_map, (i + 1) << 40): i
                for i, (path, name) in enumerate(order)}
        for job in as_completed(jobs):
            report, unmapped, unmapped_at = job.result()
            ctx.report.merge(report)
            ctx.unmapped.update(unmapped)
            for key, where in unmapped_at.items():
                ctx.unmapped_at.setdefault(key, where)
            ctx.staging.more.append(work / f"staging-{jobs[job]}")
            if tick:
                tick(sum(report.files.values()))


def import_xml(folder: Path, out: Path, *, descriptor_map: Path | None = None,
               fmt: Format = "csv", tick: Callable[[int], None] | None = None,
               enrollments: Path | None = None) -> ImportReport:
    """Import every Ed-Fi interchange file under `folder` into a canonical extract at `out`.

    Sources over PARALLEL_BYTES are read file by file in parallel ("spawn") processes: a
    script calling this must do so under `if __name__ == "__main__":`, as Python's
    multiprocessing requires (the `aimline` command does)."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder of Ed-Fi XML files")
    files = sorted(p for p in folder.rglob("*.xml") if p.is_file())
    if not files:
        raise ImportFailed([f"{folder}: no .xml files found"])
    named = [(p, str(p.relative_to(folder))) for p in files]

    def walk(ctx: edfi.Context) -> None:
        if (os.cpu_count() or 1) > 1 and len(files) > 1 and \
                sum(p.stat().st_size for p in files) > PARALLEL_BYTES:
            _read_parallel(named, ctx, descriptor_map, tick)
            return
        for path, name in named:
            read_file(path, ctx, name, tick)

    return edfi.run("edfi-xml", str(folder), walk, out, descriptor_map=descriptor_map, fmt=fmt,
                    enrollments=enrollments)
