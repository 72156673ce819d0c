"""Ed-Fi XML → canonical extract: events/s and peak RSS, beside two plain ways to read it.

For each district size the synthetic district is written as Ed-Fi XML once (not timed),
then, each in a fresh process so peak RSS is its own:
- aimline: `import_xml` of the whole folder (every entity, report, DuckDB finish);
- lxml scan: `iterparse` of the attendance file only, counting events and freeing each
  one (the floor for any tree-building parser: no field is read);
- ElementTree: `xml.etree.ElementTree.parse` of the attendance file, then one pass over
  the events reading their fields: the obvious script, whose memory grows with the file.

Usage: python bench/importers.py [students ...]     default: 20000 100000
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from common import in_subprocess, write

WORK = Path(__file__).parent / "work"
# the import reads large sources in worker processes: a thread samples their resident
# memory (VmRSS of this process's children, every 0.1 s) so their peak is reported too
WATCH_WORKERS = """
import os, threading, time
PEAK = [0]
def _watch():
    me = f"PPid:\\t{os.getpid()}\\n"
    while True:
        for pid in filter(str.isdigit, os.listdir('/proc')):
            try:
                st = open(f'/proc/{pid}/status').read()
            except OSError:
                continue
            if me in st:
                kb = int(next(x for x in st.splitlines() if x.startswith('VmRSS')).split()[1])
                PEAK[0] = max(PEAK[0], kb)
        time.sleep(0.1)
threading.Thread(target=_watch, daemon=True).start()
"""


def run(students: int) -> list[list[str]]:
    canon, xml, out = (WORK / f"{k}{students}" for k in ("canon", "edfi", "extract"))
    for p in (canon, xml, out):
        shutil.rmtree(p, ignore_errors=True)
    in_subprocess(
        "from pathlib import Path\nfrom aimline.data import synth\n"
        "from aimline.data.synth import edfi_xml\n"
        f"synth.generate(Path({str(canon)!r}), students={students}, years=1)\n"
        f"edfi_xml.write(Path({str(canon)!r}), Path({str(xml)!r}))")
    size = sum(p.stat().st_size for p in xml.iterdir()) / 2**20
    att = xml / "StudentAttendance.xml"
    att_size = att.stat().st_size / 2**20
    wall, rss, printed = in_subprocess(
        WATCH_WORKERS +
        "from pathlib import Path\nfrom aimline.data.importers.edfi_xml import import_xml\n"
        f"r = import_xml(Path({str(xml)!r}), Path({str(out)!r}), "
        f"descriptor_map=Path({str(xml / 'descriptor-map.yaml')!r}))\n"
        "print(r.entities['StudentSchoolAttendanceEvent'].read, "
        "sum(e.read for e in r.entities.values()), PEAK[0] // 1024)")
    events, records, worker = map(int, printed.split())
    rows = [[f"aimline import, {students:,} students", f"{size:,.0f} MiB (all files)",
             f"{records:,}", f"{events:,}", f"{wall:.1f}", f"{records / wall:,.0f}",
             f"{events / wall:,.0f} (whole import)", f"{rss:,.0f} + {worker:,} per worker"]]
    scans = {
        "lxml iterparse scan": (
            "from lxml import etree\nn = 0\n"
            f"for _, e in etree.iterparse({str(att)!r}, events=('end',), "
            "tag='{http://ed-fi.org/5.2.0}StudentSchoolAttendanceEvent'):\n"
            "    n += 1\n    e.clear(keep_tail=False)\n"
            "    while e.getprevious() is not None:\n        del e.getparent()[0]\nprint(n)"),
        "ElementTree parse + read": (
            "import xml.etree.ElementTree as ET\n"
            "ns = '{http://ed-fi.org/5.2.0}'\n"
            f"root = ET.parse({str(att)!r}).getroot()\nn = 0\n"
            "for e in root:\n"
            "    d = e.find(ns + 'AttendanceEvent/' + ns + 'EventDate').text\n"
            "    c = e.find(ns + 'AttendanceEvent/' + ns + 'AttendanceEventCategory').text\n"
            "    s = e.find(ns + 'StudentReference/' + ns + 'StudentIdentity/' + ns + "
            "'StudentUniqueId').text\n"
            "    n += 1\nprint(n)"),
    }
    for label, code in scans.items():
        wall, rss, printed = in_subprocess(code)
        n = int(printed)
        rows.append([f"{label}, {students:,}", f"{att_size:,.0f} MiB (attendance)", f"{n:,}",
                     f"{n:,}", f"{wall:.1f}", f"{n / wall:,.0f}", f"{n / wall:,.0f}",
                     f"{rss:,.0f}"])
    for p in (canon, xml, out):
        shutil.rmtree(p, ignore_errors=True)
    return rows


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [20_000, 100_000]
    WORK.mkdir(exist_ok=True)
    rows = [r for s in sizes for r in run(s)]
    write("importers", "Ed-Fi XML import: synthetic district, one school year",
          ["run", "input", "records read", "attendance events", "wall (s)", "records/s",
           "attendance events/s", "peak RSS (MiB)"], rows,
          "Target (issue 7): >= 200,000 attendance events/s and memory flat in the size of "
          "the input. Events/s for the import is attendance events over the whole import's "
          "wall time (every file, the report and the DuckDB finish included). Peak RSS for "
          "the import: the main process (its DuckDB finish is capped at 512 MB) + the "
          "largest worker process (sources over 64 MiB are read by one worker per core).")


if __name__ == "__main__":
    main()
