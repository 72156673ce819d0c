"""Grand Bend ISD from two real sources (`make example-grand-bend`): the ODS table export
(enrollments, demographics, calendar) by the shipped SIS mapping, then the Ed-Fi XML sample
(attendance, discipline, staff, rosters) on top. Chronic absence per school equals a count
made here from the source files themselves."""

from __future__ import annotations

import csv
import datetime as dt
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest

from aimline import data
from aimline.data.importers import import_edfi
from aimline.data.importers.sis import import_sis
from aimline.metrics import engine
from tests.conftest import REALDATA

ODS = REALDATA / "edfi" / "grand_bend_ods"
XML = REALDATA / "edfi" / "grand_bend"
MAPPING = Path(__file__).resolve().parents[2] / "examples" / "grand-bend" / "mapping.yaml"
ON_TOP = {"attendance_events", "discipline_actions", "staff_assignments", "section_rosters"}
NS = "{http://ed-fi.org/5.2.0}"


@pytest.fixture(scope="module")
def grand_bend(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("grand_bend")
    wh = tmp / "aimline.duckdb"
    import_sis(ODS, MAPPING, tmp / "ods")
    data.load(tmp / "ods", wh)
    import_edfi(XML, tmp / "edfi")
    data.load(tmp / "edfi", wh, only=ON_TOP)
    return wh


def rows(name: str) -> list[dict[str, str]]:
    with (ODS / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def chronic_from_the_sources() -> dict[str, float]:
    """Per school: students enrolled >= 10 instructional days (CalendarDate.csv inside the
    StudentSchoolAssociation span), absent (Excused/Unexcused/Partial in
    StudentSchoolAttendance.xml, by EventDuration) on >= 10% of them."""
    days: dict[str, list[dt.date]] = defaultdict(list)
    for r in rows("CalendarDate.csv"):
        if r["CalendarEventDescriptor"].endswith("#Instructional day"):
            days[r["SchoolId"]].append(dt.date.fromisoformat(r["Date"]))
    absent: dict[tuple[str, str], float] = defaultdict(float)
    for ev in ET.parse(XML / "StudentSchoolAttendance.xml").getroot():
        cat = ev.findtext(f"{NS}AttendanceEvent/{NS}AttendanceEventCategory") or ""
        if cat.rsplit("#", 1)[-1] in ("Excused Absence", "Unexcused Absence", "Partial"):
            key = (ev.findtext(f".//{NS}StudentUniqueId") or "",
                   ev.findtext(f"{NS}SchoolReference//{NS}SchoolId") or "")
            absent[key] += float(ev.findtext(f"{NS}AttendanceEvent/{NS}EventDuration") or 1)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for e in rows("StudentSchoolAssociation.csv"):
        school = e["SchoolId"]
        start = dt.date.fromisoformat(e["EntryDate"])
        end = dt.date.fromisoformat(e["ExitWithdrawDate"]) if e["ExitWithdrawDate"] \
            else dt.date(2022, 6, 30)
        enrolled = sum(start <= d <= end for d in days[school])
        if enrolled >= 10:
            counts[school][1] += 1
            counts[school][0] += absent[(e["StudentUniqueId"], school)] >= 0.1 * enrolled
    return {s: 100 * n / d for s, (n, d) in counts.items()}


def test_chronic_absence_per_school_equals_a_count_from_the_source_files(grand_bend: Path
                                                                          ) -> None:
    got = engine.compute(grand_bend, 2022, metrics=["chronic_absence"], suppress=False)
    alls = got[(got.scope == "school") & (got.group_type == "all")]
    expected = chronic_from_the_sources()
    assert len(expected) == 3 and min(expected.values()) > 0
    assert dict(zip(alls.school_id, alls.value)) == pytest.approx(expected)


def test_each_source_filled_its_tables(grand_bend: Path) -> None:
    written = {(w.table, w.school_year): w.source for w in data.warehouse.sources(grand_bend)}
    assert written[("enrollments", 2022)].endswith("ods")
    assert written[("students", None)].endswith("ods")
    assert written[("attendance_events", 2022)].endswith("edfi")
    assert not any(t in ("students", "calendar_days") and src.endswith("edfi")
                   for (t, _), src in written.items())
