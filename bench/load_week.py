"""This week's data vs. the whole year again: a window load next to a full-year reload and
a raw DuckDB replace (no validation), on one warehouse of a synthetic district.

Each step runs in a fresh process on its own copy of the loaded warehouse, so wall time and
peak RSS are that step's alone. Usage:
    python bench/load_week.py [students]        default: 1000000 (one school year)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb

from common import in_subprocess, write

WORK = Path(__file__).parent / "work"
START, END = "2026-01-05", "2026-01-11"  # a school week (Monday to Sunday)


def week_extract(full: Path, out: Path) -> tuple[int, int]:
    """The week's absences and the enrollments that begin or end in it, as the SIS sends
    them: (attendance events, enrollment rows)."""
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT * FROM read_csv('{full}/attendance_events.csv', all_varchar=true)
                   WHERE date BETWEEN '{START}' AND '{END}')
                   TO '{out}/attendance_events.csv' (HEADER)""")
    con.execute(f"""COPY (SELECT * FROM read_csv('{full}/enrollments.csv', all_varchar=true)
                   WHERE entry_date BETWEEN '{START}' AND '{END}'
                      OR exit_date BETWEEN '{START}' AND '{END}')
                   TO '{out}/enrollments.csv' (HEADER)""")
    counts = tuple(con.execute(f"SELECT count(*) FROM read_csv('{out}/{t}.csv')").fetchone()[0]
                   for t in ("attendance_events", "enrollments"))
    con.close()
    return counts  # type: ignore[return-value]


def step(wh: Path, base: Path, code: str) -> tuple[float, float]:
    shutil.copyfile(base, wh)
    wall, rss, _ = in_subprocess(code)
    return wall, rss


def main() -> None:
    students = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    WORK.mkdir(exist_ok=True)
    full, week = WORK / f"year{students}", WORK / f"week{students}"
    base, wh = WORK / f"base{students}.duckdb", WORK / f"wk{students}.duckdb"
    for p in (full, week):
        shutil.rmtree(p, ignore_errors=True)
    base.unlink(missing_ok=True)
    in_subprocess("from pathlib import Path\nfrom aimline.data import synth\n"
                  f"synth.generate(Path({str(full)!r}), students={students}, years=1)")
    in_subprocess("from pathlib import Path\nfrom aimline import data\n"
                  f"data.load(Path({str(full)!r}), Path({str(base)!r}))")
    events, spans = week_extract(full, week)
    year_rows = sum(sum(1 for _ in f.open()) - 1 for f in full.glob("*.csv"))
    rows = []
    wall, rss = step(wh, base, (
        "import datetime as dt\nfrom pathlib import Path\nfrom aimline import data\n"
        f"data.load(Path({str(week)!r}), Path({str(wh)!r}), window=data.Window("
        f"dt.date.fromisoformat({START!r}), dt.date.fromisoformat({END!r})))"))
    rows.append(["Aimline window load (--from/--to): validated against extract + warehouse",
                 f"{events + spans:,}", f"{wall:.1f}", f"{rss:,.0f}"])
    wall, rss = step(wh, base, ("from pathlib import Path\nfrom aimline import data\n"
                                f"data.load(Path({str(full)!r}), Path({str(wh)!r}))"))
    rows.append(["Aimline full-year reload (today's way to stay current)", f"{year_rows:,}",
                 f"{wall:.1f}", f"{rss:,.0f}"])
    wall, rss = step(wh, base, (
        "import duckdb\n"
        f"con = duckdb.connect({str(wh)!r})\ncon.execute('BEGIN')\n"
        f"con.execute(\"DELETE FROM attendance_events WHERE date BETWEEN '{START}' AND '{END}'\")\n"
        f"con.execute(\"INSERT INTO attendance_events BY NAME SELECT * FROM "
        f"read_csv('{week}/attendance_events.csv')\")\n"
        "con.execute('COMMIT')\ncon.close()"))
    rows.append(["raw DuckDB replace of the week's absences (no validation, no enrollments)",
                 f"{events:,}", f"{wall:.1f}", f"{rss:,.0f}"])
    write("load_week", f"This week's data: a {START}..{END} window at {students:,} students",
          ["step", "rows in", "wall (s)", "peak RSS (MiB)"], rows,
          f"The week: {events:,} attendance events and {spans:,} enrollment rows that begin "
          "or end in it. Target (issue 15): the window load under 10 s and 1 GB at 1M "
          "students.")
    for p in (full, week):
        shutil.rmtree(p, ignore_errors=True)
    for p in (base, wh):
        p.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
