"""chronic_absence by school x every student group (school year), four ways.

(a) Aimline's catalog on DuckDB; (b) pandas on the extract's Parquet files; (c) hand-written
DuckDB SQL on the warehouse; (d) a raw DuckDB scan of every column used (the floor).
The outputs of (a), (b) and (c) are checked identical before anything is timed; each
implementation then runs in a fresh process for its wall time and peak RSS (imports and
first compilation included), and again in a process that has run it once, for the hot
path alone (the target of "Speed at state scale": Aimline <= 1.1x the hand-written SQL).

    python bench/metrics.py [students ...]      default: 100000 1000000
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from common import in_subprocess, write

WORK = Path(__file__).parent / "work"
YEAR = 2026
GROUPS = ["race_ethnicity", "sex", "economically_disadvantaged", "english_learner",
          "disability", "homeless", "foster_care", "grade_level"]

AIMLINE = """
from pathlib import Path
from aimline.metrics import engine
df = engine.compute(Path(WH), 2026, metrics=["chronic_absence"], suppress=False,
                    scopes=["school"])
out = df[df.scope == "school"][["school_id", "group_type", "group_value", "numerator",
                                "denominator"]]
"""

PANDAS = """
import pandas as pd, numpy as np
d = Path(EXTRACT)
cal = pd.read_parquet(d / "calendar_days.parquet")
cal = cal[cal.school_year == 2026].sort_values(["school_id", "date"])
cal["through"] = cal.groupby("school_id").instructional.cumsum()
e = pd.read_parquet(d / "enrollments.parquet")
e = e[e.school_year == 2026].copy()
e["last"] = e.exit_date.fillna(pd.Timestamp("2026-06-30").date())
e["before"] = (pd.to_datetime(e.entry_date) - pd.Timedelta(days=1)).dt.date
idx = cal.set_index(["school_id", "date"]).through
def through(school, day):  # instructional days up to `day`: last calendar row on or before it
    c = cal[["school_id", "date", "through"]].rename(columns={"date": "d"})
    q = pd.DataFrame({"school_id": school, "d": pd.to_datetime(day)}).reset_index()
    c = c.assign(d=pd.to_datetime(c.d)).sort_values("d")
    m = pd.merge_asof(q.sort_values("d"), c, on="d", by="school_id", direction="backward")
    return m.set_index("index").through.reindex(q["index"]).fillna(0).to_numpy()
e["days"] = through(e.school_id.to_numpy(), e["last"]) - through(e.school_id.to_numpy(), e.before)
grade = e.sort_values("entry_date").groupby(["school_id", "student_id"]).grade_level.last()
days = e.groupby(["school_id", "student_id"]).days.sum()
a = pd.read_parquet(d / "attendance_events.parquet")
a = a[(a.school_year == 2026) & a.category.isin(["excused", "unexcused", "suspension"])]
absent = a.groupby(["school_id", "student_id"]).day_fraction.sum()
st = pd.concat({"days": days, "grade_level": grade}, axis=1)
st["absent"] = absent.reindex(st.index).fillna(0)
st = st[st.days >= 10].reset_index()
st["chronic"] = (st.absent * 100 >= 10 * st.days).astype(float)
s = pd.read_parquet(d / "students.parquet")
flags = ["economically_disadvantaged", "english_learner", "disability", "homeless", "foster_care"]
s[flags] = s[flags].astype(str).apply(lambda c: c.str.lower())
st = st.merge(s, on="student_id", how="left")
st["all"] = "all"
parts = []
for g in ["all"] + GROUPS:
    p = st.groupby(["school_id", g]).agg(numerator=("chronic", "sum"),
                                         denominator=("chronic", "size")).reset_index()
    parts.append(p.rename(columns={g: "group_value"}).assign(group_type=g))
out = pd.concat(parts)
""".replace("GROUPS", repr(GROUPS))

SQL = """
import duckdb
con = duckdb.connect(WH, read_only=True)
out = con.execute('''
WITH span AS (
  SELECT e.*, coalesce(e.exit_date, DATE '2026-06-30') AS last_day
  FROM enrollments e WHERE school_year = 2026),
days AS (
  SELECT s.school_id, s.student_id,
         sum(coalesce(c1.instr_through, 0) - coalesce(c0.instr_through, 0)) AS days,
         arg_max(s.grade_level, s.entry_date) AS grade_level
  FROM span s
  LEFT JOIN calendar_index c1 ON c1.school_id = s.school_id AND c1.date = s.last_day
  LEFT JOIN calendar_index c0 ON c0.school_id = s.school_id
                             AND c0.date = s.entry_date - INTERVAL 1 DAY
  GROUP BY ALL),
absent AS (
  SELECT school_id, student_id, sum(day_fraction) AS absent FROM attendance_events
  WHERE school_year = 2026 AND category IN ('excused', 'unexcused', 'suspension')
  GROUP BY ALL),
st AS (
  SELECT d.*, CAST(coalesce(a.absent, 0) * 100 >= 10 * d.days AS DOUBLE) AS chronic,
         s.race_ethnicity, s.sex,
         lower(CAST(s.economically_disadvantaged AS VARCHAR)) AS economically_disadvantaged,
         lower(CAST(s.english_learner AS VARCHAR)) AS english_learner,
         lower(CAST(s.disability AS VARCHAR)) AS disability,
         lower(CAST(s.homeless AS VARCHAR)) AS homeless,
         lower(CAST(s.foster_care AS VARCHAR)) AS foster_care
  FROM days d LEFT JOIN absent a USING (school_id, student_id)
  JOIN students s USING (student_id) WHERE d.days >= 10)
SELECT school_id, group_type, group_value, sum(chronic) AS numerator,
       count(*) AS denominator
FROM (UNPIVOT (SELECT *, 'all' AS "all" FROM st)
      ON "all", race_ethnicity, sex, economically_disadvantaged, english_learner,
         disability, homeless, foster_care, grade_level
      INTO NAME group_type VALUE group_value)
GROUP BY ALL''').df()
"""

SCAN = """
import duckdb
con = duckdb.connect(WH, read_only=True)
con.execute('''SELECT count(*), count(DISTINCT student_id), min(entry_date),
  max(exit_date), count(grade_level), count(school_id) FROM enrollments''').fetchall()
con.execute('''SELECT count(*), sum(day_fraction), count(category), count(student_id),
  count(school_id) FROM attendance_events''').fetchall()
con.execute("SELECT count(*), sum(instr_through), count(date) FROM calendar_index").fetchall()
con.execute("SELECT count(*), count(race_ethnicity), count(sex), count(disability) FROM students"
            ).fetchall()
out = None
"""

# the hot path: the same code a second time in the process that has just run it
HOT = """
import time
exec({code!r}, globals())
_t = time.perf_counter()
exec({code!r}, globals())
print("hot", time.perf_counter() - _t)
"""

KEYS = ["school_id", "group_type", "group_value"]


def _compare(wh: Path, extract: Path) -> None:
    import pandas as pd

    results = {}
    for name, code in (("aimline", AIMLINE), ("pandas", PANDAS), ("sql", SQL)):
        scope: dict = {"WH": str(wh), "EXTRACT": str(extract), "Path": Path}
        exec(code, scope)
        df = scope["out"].copy()
        df["numerator"] = df.numerator.astype(float)
        df["denominator"] = df.denominator.astype(float)
        results[name] = df.astype({k: str for k in KEYS}).sort_values(KEYS).reset_index(
            drop=True)[[*KEYS, "numerator", "denominator"]]
    for name in ("pandas", "sql"):
        pd.testing.assert_frame_equal(results["aimline"], results[name], check_dtype=False)


def run(students: int) -> list[list[str]]:
    extract = WORK / f"m{students}"
    wh = WORK / f"m{students}.duckdb"
    shutil.rmtree(extract, ignore_errors=True)
    wh.unlink(missing_ok=True)
    in_subprocess("from pathlib import Path\nfrom aimline.data import synth\nfrom aimline import"
                  f" data\nsynth.generate(Path({str(extract)!r}), students={students}, years=1,"
                  f" fmt='parquet')\ndata.load(Path({str(extract)!r}), Path({str(wh)!r}))")
    _compare(wh, extract)
    rows = []
    for name, code in (("(a) Aimline (Ibis on DuckDB)", AIMLINE), ("(b) pandas", PANDAS),
                       ("(c) hand-written DuckDB SQL", SQL), ("(d) raw DuckDB scan", SCAN)):
        prelude = f"from pathlib import Path\nWH = {str(wh)!r}\nEXTRACT = {str(extract)!r}\n"
        wall, rss, _ = in_subprocess(prelude + code)
        _, _, said = in_subprocess(prelude + HOT.format(code=code))
        hot = float(said.split()[-1])
        rows.append([f"{students:,}", name, f"{wall:.2f}", f"{hot:.2f}", f"{rss:,.0f}"])
    shutil.rmtree(extract, ignore_errors=True)
    wh.unlink(missing_ok=True)
    return rows


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]
    WORK.mkdir(exist_ok=True)
    rows = [r for n in sizes for r in run(n)]
    write("metrics", "chronic_absence by school x all student groups, one school year",
          ["students", "implementation", "wall (s), fresh process", "hot path (s)",
           "peak RSS (MiB)"], rows,
          "(a), (b) and (c) were checked to give identical numerators and denominators for "
          "every school x group before timing. Wall: a fresh process, imports included. "
          "Hot path: the same computation again in a process that has run it once.")


if __name__ == "__main__":
    main()
