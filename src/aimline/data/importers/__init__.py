"""Importers: from what a district has (Ed-Fi, OneRoster, its SIS's export) to a canonical
extract that `aimline load` reads. See docs/importing.md."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aimline.data.extract import Format
from aimline.data.importers.report import ImportReport


def import_edfi(folder: Path, out: Path, *, descriptor_map: Path | None = None,
                fmt: Format = "csv", tick: Callable[[int], None] | None = None,
                enrollments: Path | None = None) -> ImportReport:
    """A folder of Ed-Fi files: XML interchange files when it holds any, else ODS/API
    JSON pages. `enrollments`: another source's enrollments (a canonical extract folder or
    a warehouse), for the records that name no school (assessment results) when the Ed-Fi
    files hold no StudentSchoolAssociation of their own."""
    from aimline.data.importers import edfi_json, edfi_xml

    xml = folder.is_dir() and any(folder.rglob("*.xml"))
    reader = edfi_xml.import_xml if xml else edfi_json.import_json
    return reader(folder, out, descriptor_map=descriptor_map, fmt=fmt, tick=tick,
                  enrollments=enrollments)
