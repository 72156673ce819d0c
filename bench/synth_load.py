"""`aimline synth` and `aimline load` at 100k and 1M students: wall time, peak RSS, rows/s.

Each step runs in a fresh process so peak RSS is that step's alone. Usage:
    python bench/synth_load.py [students,years ...]    default: 100000,1 1000000,1 100000,3
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from common import in_subprocess, write

WORK = Path(__file__).parent / "work"


def run(students: int, years: int) -> list[list[str]]:
    out = WORK / f"d{students}_{years}"
    wh = WORK / f"w{students}_{years}.duckdb"
    shutil.rmtree(out, ignore_errors=True)
    wh.unlink(missing_ok=True)
    wall, rss, printed = in_subprocess(
        "from pathlib import Path\nfrom aimline.data import synth\n"
        f"rows = synth.generate(Path({str(out)!r}), students={students}, years={years})\n"
        "print(sum(rows.values()), rows['attendance_events'])")
    total, absences = map(int, printed.split())
    size = sum(p.stat().st_size for p in out.iterdir()) / 2**20
    rows = [[f"synth {students:,} x {years} yr", f"{total:,}", f"{absences:,}", f"{wall:.1f}",
             f"{rss:,.0f}", f"{total / wall:,.0f}", f"{size:,.0f} MiB CSV"]]
    wall, rss, _ = in_subprocess(
        "from pathlib import Path\nfrom aimline import data\n"
        f"data.load(Path({str(out)!r}), Path({str(wh)!r}))")
    rows.append([f"load {students:,} x {years} yr", f"{total:,}", f"{absences:,}",
                 f"{wall:.1f}", f"{rss:,.0f}", f"{total / wall:,.0f}",
                 f"{wh.stat().st_size / 2**20:,.0f} MiB DuckDB"])
    shutil.rmtree(out, ignore_errors=True)
    wh.unlink(missing_ok=True)
    return rows


def main() -> None:
    sizes = [tuple(map(int, a.split(","))) for a in sys.argv[1:]] or \
        [(100_000, 1), (1_000_000, 1), (100_000, 3)]
    WORK.mkdir(exist_ok=True)
    rows = [r for students, years in sizes for r in run(students, years)]
    write("synth_load", "Synthetic district and warehouse load",
          ["step", "rows (all tables)", "attendance events", "wall (s)", "peak RSS (MiB)",
           "rows/s", "output"], rows,
          "load = validate every rule, then one transaction into a new DuckDB file.")


if __name__ == "__main__":
    main()
