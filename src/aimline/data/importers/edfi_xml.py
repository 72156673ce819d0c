"""Ed-Fi XML interchange files → canonical extract, streamed.

    report = import_xml(Path("edfi/"), Path("extract/"))

Every `*.xml` under the folder is read with lxml's `iterparse`, asking only for the
entity elements the importer knows (`edfi.BY_XML`); each is handed to its handler, then
cleared together with the siblings before it, so memory does not grow with file size.
Any Data Standard namespace is accepted (`http://ed-fi.org/4.0`, `.../5.2.0`, ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from aimline.data.extract import Format
from aimline.data.importers import edfi
from aimline.data.importers.descriptors import UnmappedDescriptor
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
            self.lists[name] = etree.XPath(
                xp if steps[-1].startswith("@") else f"{xp}/text()", namespaces={"e": ns})
        glue = f", '{SEP}', "
        self.joined = etree.XPath(f"concat({glue.join(parts)}, '')"
                                  if len(parts) > 1 else parts[0], namespaces={"e": ns})


class XmlRecord:
    """One entity element; field values looked up by its entity's compiled XPath."""

    __slots__ = ("elem", "fields", "values", "where")

    def __init__(self, elem: etree._Element, fields: Fields, where: str) -> None:
        self.elem = elem
        self.fields = fields
        self.where = where
        self.values: dict[str, str | None] | None = None

    def get(self, name: str) -> str | None:
        if self.values is None:
            self.values = {k: (v.strip() or None) for k, v in zip(
                self.fields.single, str(self.fields.joined(self.elem)).split(SEP))}
        return self.values[name]

    def all(self, name: str) -> list[str]:
        return [t for v in self.fields.lists[name](self.elem) if (t := str(v).strip())]


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
            try:
                edfi.BY_XML[tag].handler(XmlRecord(elem, fields[tag],
                                                   f"{name} line {elem.sourceline}"), ctx, tag)
            except UnmappedDescriptor:
                report.entity(tag).read -= 1  # the import fails; counted in ctx.unmapped
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


def import_xml(folder: Path, out: Path, *, descriptor_map: Path | None = None,
               fmt: Format = "csv", tick: Callable[[int], None] | None = None) -> ImportReport:
    """Import every Ed-Fi interchange file under `folder` into a canonical extract at `out`."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder of Ed-Fi XML files")
    files = sorted(p for p in folder.rglob("*.xml") if p.is_file())
    if not files:
        raise ImportFailed([f"{folder}: no .xml files found"])

    def walk(ctx: edfi.Context) -> None:
        for path in files:
            read_file(path, ctx, str(path.relative_to(folder)), tick)

    return edfi.run("edfi-xml", str(folder), walk, out, descriptor_map=descriptor_map, fmt=fmt)
