"""Run the catalog on an engine and return (and store) the tidy indicator table.

    df = compute(Path("aimline.duckdb"), 2026, metrics=["chronic_absence"], period="month")

The same Ibis definitions run on DuckDB (the warehouse file, default) or on Spark (the
warehouse's tables exported to Parquet; `pip install aimline[spark]`).
"""

from __future__ import annotations

import contextlib
import functools
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.operations as ops
import pandas as pd

from aimline.data.warehouse import WarehouseError
from aimline.metrics import catalog, groups, tables
from aimline.metrics.periods import PERIODS, Period, period_table
from aimline.metrics.policy import Policy
from aimline.metrics.suppression import suppress as apply_suppression

ENGINES = ("duckdb", "spark")
READS = ("schools", "students", "enrollments", "calendar_index", "attendance_events",
         "course_marks", "discipline_actions", "assessment_results", "cohort_outcomes")
COLUMNS = ["metric", "scope", "lea_id", "school_id", "school_year", "period", "period_start",
           "period_end", "group_type", "group_value", "numerator", "denominator", "students",
           "value", "unit", "suppressed", "suppression_reason", "display"]


class MetricsError(ValueError):
    """Bad request to the metric engine: unknown metric, year, engine or empty warehouse."""


def years_in(warehouse: Path) -> list[int]:
    if not warehouse.exists():
        raise MetricsError(f"no warehouse at {warehouse}: load an extract first "
                           f"(aimline load district/ --warehouse {warehouse})")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        missing = [t for t in READS if t not in have]
        if missing:
            raise MetricsError(f"the warehouse {warehouse} is empty or incomplete (no "
                               f"{missing[0]} table): load an extract first")
        return [y for (y,) in con.execute(
            "SELECT DISTINCT school_year FROM enrollments ORDER BY 1").fetchall()]
    finally:
        con.close()


@contextlib.contextmanager
def connect(engine: str, warehouse: Path) -> Iterator[Any]:
    """An Ibis backend on which the canonical tables resolve by name."""
    if engine == "duckdb":
        con = ibis.duckdb.connect(str(warehouse), read_only=True)
        try:
            yield con
        finally:
            con.disconnect()
        return
    if engine != "spark":
        raise MetricsError(f"unknown engine {engine!r}; engines are: {', '.join(ENGINES)}")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise MetricsError("the spark engine is not installed: pip install 'aimline[spark]' "
                           "(and a Java 17+ runtime)") from None
    with tempfile.TemporaryDirectory(prefix="aimline-spark-") as tmp:
        src = duckdb.connect(str(warehouse), read_only=True)
        for name in READS:  # Spark reads the warehouse as Parquet, one file per table
            src.execute(f"COPY (SELECT * FROM {name}) TO '{tmp}/{name}.parquet' (FORMAT parquet)")
        src.close()
        session = (SparkSession.builder.master("local[2]").appName("aimline")
                   .config("spark.sql.shuffle.partitions", "4")
                   .config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false")
                   .config("spark.sql.session.timeZone", "UTC").getOrCreate())
        session.sparkContext.setLogLevel("ERROR")
        for name in READS:
            session.read.parquet(f"{tmp}/{name}.parquet").createOrReplaceTempView(name)
        try:
            yield ibis.pyspark.connect(session)
        finally:
            session.stop()


SCOPES = ("school", "district")


def covered(warehouse: Path, needs: set[str], year: int) -> dict[str, set[str]]:
    """For each table in `needs`, the districts whose table holds `year`: loaded
    (`load_writes`, even with no row: a district without suspensions) or, for warehouses
    older than that log, with rows. One connection for all of them; a district's rows are
    looked for until the first is found, not counted (a scan of every event otherwise)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        logged = bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = "
                                  "'load_writes'").fetchone()[0])
        schools: dict[str, list[str]] = {}
        for lea, school in con.execute("SELECT lea_id, school_id FROM schools").fetchall():
            schools.setdefault(lea, []).append(school)
        out = {}
        for table in sorted(needs):
            out[table] = {r[0] for r in con.execute(
                "SELECT DISTINCT lea_id FROM load_writes WHERE table_name = ? AND "
                "school_year = ?", [table, year]).fetchall()} if logged else set()
            for lea in sorted(set(schools) - out[table]):
                marks = ", ".join("?" * len(schools[lea]))
                if con.execute(f"""SELECT 1 FROM "{table}" WHERE school_year = ? AND
                                   school_id IN ({marks}) LIMIT 1""",
                               [year, *schools[lea]]).fetchone():
                    out[table].add(lea)
        return out
    finally:
        con.close()


@functools.lru_cache(maxsize=512)
def _compiled(metric: str, year: int, period: Period, options: tuple[tuple[str, Any], ...],
              scopes: tuple[str, ...]) -> tuple[str, Any] | None:
    """A metric's DuckDB SQL and its result schema: building and compiling the Ibis
    expression costs about a tenth of a second, every time, so it is done once. None where
    the expression holds an in-memory table (a period grid), which only its own execution
    registers."""
    expr = _expression(catalog.get(metric), tables.for_year(year), period, dict(options),
                       scopes)
    if expr.op().find(ops.InMemoryTable):
        return None
    return ibis.to_sql(expr, dialect="duckdb"), expr.schema()


def _expression(metric: catalog.Metric, t: tables.Tables, period: Period,
                options: dict[str, Any], scopes: Sequence[str] = SCOPES) -> ibis.Table:
    parts = []
    for grain in scopes:
        units = metric.build(t, grain, period, **options)  # type: ignore[arg-type]
        agg = groups.aggregate(units, t, per_student=metric.per_student)
        parts.append(agg.mutate(metric=ibis.literal(metric.id), scope=ibis.literal(grain)))
    return ibis.union(*parts)


def held(warehouse: Path, year: int) -> list[int]:
    """The school years the warehouse holds; refused unless `year` is one of them."""
    years = years_in(warehouse)
    if year not in years:
        raise MetricsError(f"school year {year} is not in the warehouse; it holds: "
                           f"{', '.join(map(str, years)) or 'no years'}")
    return years


def compute(warehouse: Path, year: int, *, metrics: Sequence[str] | None = None,
            period: Period = "year", engine: str = "duckdb", policy: Policy | None = None,
            suppress: bool = True, options: dict[str, dict[str, Any]] | None = None,
            scopes: Sequence[str] = SCOPES,
            progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Every requested metric x school (and district) x period x student group.

    Suppressed under `policy` (default: the configured one, `Policy.from_env()`).
    Unsuppressed rows (`suppress=False`) are for analytics inside Aimline only, never to be
    shown. `scopes` limits the rows to schools or the district.
    """
    policy = (policy or Policy.from_env()) if suppress else None
    if not scopes or set(scopes) - set(SCOPES):
        raise MetricsError(f"scopes must be among {', '.join(SCOPES)} (got {list(scopes)})")
    chosen = [catalog.get(m) for m in metrics] if metrics else catalog.all_metrics()
    if period not in PERIODS:
        raise MetricsError(f"unknown period {period!r}; periods are: {', '.join(PERIODS)}")
    if engine not in ENGINES:
        raise MetricsError(f"unknown engine {engine!r}; engines are: {', '.join(ENGINES)}")
    held(warehouse, year)
    unsupported = [m for m in chosen if period not in m.periods]
    if metrics and unsupported:
        m = unsupported[0]
        by = ("school year only" if m.periods == ("year",)
              else "period " + ", ".join(m.periods) + " only")
        raise MetricsError(f"{m.id} is reported by {by}, not by {period}; choose another "
                           "--period or drop the metric")
    chosen = [m for m in chosen if period in m.periods]
    frames = []
    with connect(engine, warehouse) as con:
        for m in chosen:
            if progress:
                progress(m.id)
            opts = tuple(sorted((options or {}).get(m.id, {}).items()))
            compiled = (_compiled(m.id, year, period, opts, tuple(scopes))
                        if engine == "duckdb" else None)
            frames.append(con.execute(
                con.sql(compiled[0], schema=compiled[1]) if compiled else _expression(
                    m, tables.for_year(year), period, dict(opts), scopes)))
        leas = con.execute(tables.unbound("schools").select("school_id", "lea_id"))
    df = finish(pd.concat(frames, ignore_index=True), year, period, leas, chosen,
                policy=policy)
    needs = {n for m in chosen for n in m.needs}
    have = covered(warehouse, needs, year) if needs else {}
    measured = pd.Series(True, index=df.index)
    for m in chosen:
        if m.needs:
            ok = set.intersection(*(have[n] for n in m.needs))
            measured &= (df.metric != m.id) | df.lea_id.isin(ok)
    out = df[measured].reset_index(drop=True)
    out.attrs = df.attrs
    return out


def finish(raw: pd.DataFrame, year: int, period: Period, leas: pd.DataFrame,
           chosen: list[catalog.Metric], *, policy: Policy | None) -> pd.DataFrame:
    """From engine rows to the published table: ids, dates, rates, then suppression."""
    df = raw.copy()
    school = df.scope == "school"
    lea_of = dict(zip(leas.school_id, leas.lea_id))
    df["school_id"] = df.unit_id.where(school)
    df["lea_id"] = df.unit_id.where(~school, df.unit_id.map(lea_of))
    periods = period_table(year, period).set_index("period_no")
    df["period_start"] = df.period_no.map(periods.period_start)
    df["period_end"] = df.period_no.map(periods.period_end)
    df["school_year"] = year
    df["period"] = period
    df["unit"] = df.metric.map({m.id: m.unit for m in chosen})
    df["value"] = 100 * df.numerator / df.denominator
    df["students"] = df.students.astype(float)
    order = {m.id: i for i, m in enumerate(chosen)}
    group_order = {g: i for i, g in enumerate(groups.GROUP_TYPES)}
    df = df.assign(_m=df.metric.map(order), _g=df.group_type.map(group_order),
                   _s=~school).sort_values(["_m", "_s", "school_id", "period_no", "_g",
                                            "group_value"]).reset_index(drop=True)
    if policy is not None:
        df = apply_suppression(df, policy)
    else:
        df["suppressed"] = False
        df["suppression_reason"] = None
        df["display"] = [f"{v:.1f}" for v in df["value"]]
    df = df[COLUMNS]
    # the policy it was suppressed under (None: unsuppressed, never stored); kept by Parquet
    df.attrs["policy"] = policy.as_record() if policy else None
    return df


KEY = ["metric", "scope", "lea_id", "school_id", "school_year", "period", "period_end",
       "group_type", "group_value"]
SETS_DDL = """CREATE TABLE IF NOT EXISTS indicator_sets (metric VARCHAR, school_year INTEGER,
    period VARCHAR, min_n INTEGER, complementary BOOLEAN, coding VARCHAR, computed_at TIMESTAMP)"""


def store(raw: pd.DataFrame, warehouse: Path, policy: Policy) -> pd.DataFrame:
    """Suppress `raw` (unsuppressed `compute` rows) under `policy` and replace the same
    metrics, year and period in the warehouse: `indicators`, what may be shown;
    `indicator_sets`, the policy each set was made under; `suppressed_counts`, the true
    counts of the suppressed cells, for analytics that sum over many schools (a network's
    baseline) and never to be shown. Returns the published rows."""
    if raw.attrs.get("policy") is not None or raw["suppressed"].any():
        raise WarehouseError("store takes unsuppressed rows (compute(..., suppress=False))")
    df = apply_suppression(raw, policy)
    counts = raw.loc[df.suppressed, [*KEY, "numerator", "denominator", "students"]]
    con = duckdb.connect(str(warehouse))
    try:
        con.register("incoming", df[COLUMNS])
        con.register("counts", counts)
        con.execute("BEGIN TRANSACTION")
        con.execute("CREATE TABLE IF NOT EXISTS indicators AS SELECT * FROM incoming LIMIT 0")
        have = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() "
                                          "WHERE table_name = 'indicators'").fetchall()}
        if "students" not in have:  # stored before suppression counted people
            con.execute("ALTER TABLE indicators ADD COLUMN students DOUBLE")
        con.execute(SETS_DDL)
        con.execute("CREATE TABLE IF NOT EXISTS suppressed_counts AS SELECT * FROM counts "
                    "LIMIT 0")
        for table in ("indicators", "indicator_sets", "suppressed_counts"):
            con.execute(f"""DELETE FROM {table} WHERE (metric, school_year, period) IN
                           (SELECT DISTINCT metric, school_year, period FROM incoming)""")
        con.execute("INSERT INTO indicators BY NAME SELECT * FROM incoming")
        con.execute("INSERT INTO suppressed_counts BY NAME SELECT * FROM counts")
        con.execute("""INSERT INTO indicator_sets SELECT DISTINCT metric, school_year, period,
                       ?, ?, ?, now()::TIMESTAMP FROM incoming""",
                    [policy.min_n, policy.complementary, policy.coding])
        con.execute("COMMIT")
    finally:
        con.close()
    df.attrs["policy"] = policy.as_record()
    return df


def stored_policies(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, str, Policy | None]]:
    """(metric, school_year, period, policy) of every stored indicator set; None where the
    indicators predate recorded policies (made by counting the denominator, not people)."""
    tables_ = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "indicators" not in tables_:
        return []
    if "indicator_sets" not in tables_:
        return [(m, y, p, None) for m, y, p in con.execute(
            "SELECT DISTINCT metric, school_year, period FROM indicators").fetchall()]
    return [(m, y, p, None if n is None else Policy(n, c, code)) for m, y, p, n, c, code in
            con.execute("""SELECT DISTINCT i.metric, i.school_year, i.period, s.min_n,
                                  s.complementary, s.coding
                           FROM indicators i LEFT JOIN indicator_sets s
                             USING (metric, school_year, period)""").fetchall()]
