"""The site's only way into the warehouse.

- `Reader(scope)`: what pages and the API read, every query cut to the user's scope.
  Aggregates come from the stored `indicators` table (already suppressed by the metric
  engine); student rows only for schools (or roster students) in scope. A school or
  student outside scope is indistinguishable from one that does not exist: both raise
  Http404. Reads that many users share (a school's series, its district's rows) are
  cached per warehouse version *after* the scope check, in functions only `Reader` calls.
- The stored indicators must have been suppressed under a policy at least as strong as
  the site's (`settings.SUPPRESSION`); else every read of them raises `PolicyRefused`,
  which pages and the API answer with 503 and how to recompute.
- `system_connection()`: for the site's own jobs (organisation sync, rosters, the demo),
  which act for no user; it never shares the request connections.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import duckdb
import pandas as pd
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from aimline.metrics import engine, tables
from aimline.metrics.ews import student_flags
from aimline.metrics.policy import Policy
from aimline.web.access import Net
from aimline.web.networks.access import NETWORKS
from aimline.web.orgs.scope import Scope

_open_lock = threading.Lock()
T = TypeVar("T")


def warehouse_path() -> Path:
    return Path(settings.WAREHOUSE)


def version(path: Path | None = None) -> tuple[int, int]:
    """Changes whenever a load replaces the warehouse file (caches key on it)."""
    try:
        st = (path or warehouse_path()).stat()
    except FileNotFoundError:
        return (0, 0)
    return (st.st_ino, st.st_mtime_ns)


_shared: dict[Path, tuple[tuple[int, int], duckdb.DuckDBPyConnection]] = {}


@contextlib.contextmanager
def connection(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only cursor for one request, on a connection shared by the process (opening
    the file costs ~8 ms). When a load replaces the file, the next request closes the old
    connection first: DuckDB keeps one instance per path, and would hand the old one back."""
    path = path or warehouse_path()
    if not path.exists():
        raise Http404("no data has been loaded yet")
    v = version(path)
    with _open_lock:
        held = _shared.get(path)
        if held is None or held[0] != v:
            if held is not None:
                held[1].close()
            _shared[path] = held = (v, duckdb.connect(str(path), read_only=True))
        cur = held[1].cursor()
    try:
        yield cur
    finally:
        cur.close()


@contextlib.contextmanager
def system_connection(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection of its own for a job that acts for no user (organisation
    sync, rosters, the demo): opened and closed here, never one a request is using."""
    con = duckdb.connect(str(path or warehouse_path()), read_only=True)
    try:
        yield con
    finally:
        con.close()


class PolicyRefused(Exception):
    """The warehouse's indicators were made under a weaker suppression policy than the
    site's: nothing of them is served until they are recomputed."""


@lru_cache(maxsize=8)
def _policy_refusal(path: Path, _version: tuple[int, int], site: Policy) -> str | None:
    """Why the stored indicators may not be served under the site's policy, or None."""
    with connection(path) as con:
        sets = engine.stored_policies(con)
    weak = []
    for metric, year, period, made in sets:
        why = ["no recorded policy (made before suppression counted students)"] \
            if made is None else made.weaker_than(site)
        if why:
            weak.append((metric, year, period, "; ".join(why)))
    if not weak:
        return None
    years = sorted({y for _, y, _, _ in weak})
    metric, year, period, why = weak[0]
    return (f"{len(weak)} stored indicator set(s) were suppressed under a weaker policy than "
            f"this site's ({site.describe()}): e.g. {metric} {year} by {period}: {why}. "
            "Nothing is shown until they are recomputed: "
            + "; ".join(f"aimline compute --year {y} --period year and --period month"
                        for y in years)
            + f" (with AIMLINE_MIN_N={site.min_n}), or load the data again on the site.")


def require_policy(path: Path) -> None:
    """Raise PolicyRefused when the stored indicators are weaker than the site's policy."""
    why = _policy_refusal(path, version(path), settings.SUPPRESSION)
    if why:
        raise PolicyRefused(why)


class PolicyMiddleware:
    """Pages that read indicators stored under a weaker policy answer 503, saying why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, PolicyRefused):
            return render(request, "aimline/refused.html", {"why": str(exc)}, status=503)
        return None


def suppression_context(request: HttpRequest) -> dict[str, Any]:
    """`suppression`: the site's policy, for every template that says what is hidden."""
    return {"suppression": settings.SUPPRESSION}


def in_list(column: str, values: Sequence[str]) -> tuple[str, list[str]]:
    """`column IN (?, …)` and its parameters; FALSE for no values (IN () is not SQL)."""
    if not values:
        return "FALSE", []
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
                            [name]).fetchone()[0])


class Reader:
    def __init__(self, scope: Scope, path: Path | None = None) -> None:
        self.scope = scope
        self.path = path or warehouse_path()

    # ----- aggregates ------------------------------------------------------------------
    def schools(self) -> pd.DataFrame:
        """The schools whose aggregates the user may see."""
        where, params = in_list("s.school_id", sorted(self.scope.aggregate_schools))
        with connection(self.path) as con:
            return con.execute(
                f"""SELECT s.school_id, s.name, s.level, s.lea_id, l.name AS district
                    FROM schools s JOIN leas l USING (lea_id) WHERE {where}
                    ORDER BY s.level, s.name""", params).df()

    def district_names(self) -> dict[str, str]:
        """lea_id -> name of the districts whose own rows the user may see."""
        where, params = in_list("lea_id", sorted(self.scope.districts))
        with connection(self.path) as con:
            return dict(con.execute(f"SELECT lea_id, name FROM leas WHERE {where}",
                                    params).fetchall())

    def years(self) -> list[int]:
        return _years(self.path, version(self.path))

    def indicators(self, *, metric: str | None = None, school: str | None = None,
                   lea: str | None = None, district: bool = True,
                   group_type: str | None = None, group_value: str | None = None,
                   period: str = "year", year: int | None = None, limit: int | None = None,
                   offset: int = 0) -> pd.DataFrame:
        """Suppressed indicator rows for schools and districts in scope: every school (and
        district row unless `district=False`), one `school`, or one district (`lea`)."""
        if lea is not None:
            d_where, params = in_list("lea_id", [lea] if lea in self.scope.districts else [])
            units = f"(scope = 'district' AND {d_where})"
        else:
            schools = sorted(self.scope.aggregate_schools)
            if school is not None:
                schools = [school] if school in self.scope.aggregate_schools else []
            s_where, params = in_list("school_id", schools)
            units = f"(scope = 'school' AND {s_where})"
            if district and school is None:
                d_where, d_params = in_list("lea_id", sorted(self.scope.districts))
                units = f"({units} OR (scope = 'district' AND {d_where}))"
                params = params + d_params
        return _select(self.path, units, params, metric=metric, group_type=group_type,
                       group_value=group_value, period=period, year=year, limit=limit,
                       offset=offset)

    def school_series(self, school_id: str, *, metric: str, period: str = "year",
                      group_type: str = "all", group_value: str = "all",
                      year: int | None = None) -> pd.DataFrame:
        """One school's suppressed rows of one metric and group (every school year, or one
        year's months or weeks): a chart's points. 404 outside scope; shared by everyone
        who may see the school, so cached per warehouse version after the check."""
        self.scope.school(school_id)
        return _school_series(self.path, version(self.path), school_id, metric, period,
                              group_type, group_value, year).copy()

    def shared(self, school_id: str, key: tuple, compute: Callable[[], T]) -> T:
        """A result built from a school's aggregates that everyone who may see the school
        shares (its dashboard, a drawn chart): 404 outside scope, then cached per
        warehouse version under `key`, which names everything else the check let through
        (e.g. whether the district's rows are shown)."""
        self.scope.school(school_id)
        full = (self.path, version(self.path), school_id, *key)
        with _shared_lock:
            if full in _results:
                _results.move_to_end(full)
                return _results[full]
        value = compute()
        with _shared_lock:
            _results[full] = value
            while len(_results) > 2048:
                _results.popitem(last=False)
        return value

    def network_series(self, net: Net, school_id: str, *, metric: str) -> pd.DataFrame:
        """A network school's monthly rows of a measure's metric, all students: network
        members see the network's measures at every one of its schools (`access.NETWORKS`
        "read"). 404 otherwise."""
        if school_id not in net.schools:
            raise Http404("no such school in this network")
        NETWORKS.require(self.scope, "read", net, hidden=True)
        return _school_series(self.path, version(self.path), school_id, metric, "month",
                              "all", "all", None).copy()

    def school_info(self, school_id: str) -> dict[str, Any]:
        """name, level, lea_id, district of a school in scope."""
        self.scope.school(school_id)
        return dict(_school_info(self.path, version(self.path), school_id))

    def district_rows(self, lea: str, year: int) -> pd.DataFrame:
        """A district's own rows for a year, if its district rows are in scope (else empty)."""
        if lea not in self.scope.districts:
            return pd.DataFrame(columns=engine.COLUMNS)
        return _district_rows(self.path, version(self.path), lea, year).copy()

    def population_rows(self, schools: Sequence[str], *, metric: str, year: int,
                        group_type: str, group_value: str, period: str = "year",
                        period_end: dt.date | None = None) -> list[dict[str, Any]]:
        """Each school's published row of one metric, school year and group (a target's
        evidence): the year's, or with `period="month_to_date"` the cumulative one
        through `period_end`. Every school must be in scope. A suppressed cell's true
        counts come under `hidden` (numerator, denominator, students), for
        `targets.evaluation.measure` to add into the population's total and never to
        show."""
        if not set(schools) <= self.scope.aggregate_schools:
            raise Http404("no such schools")
        where, params = in_list("school_id", sorted(schools))
        rows = records(_select(self.path, f"(scope = 'school' AND {where})", params,
                               metric=metric, group_type=group_type,
                               group_value=group_value, period=period, year=year))
        if period_end is not None:
            rows = [r for r in rows if pd.Timestamp(r["period_end"]).date() == period_end]
        with connection(self.path) as con:
            hidden = {} if not has_table(con, "suppressed_counts") else {
                sid: (num, den, n) for sid, num, den, n in con.execute(
                    f"""SELECT school_id, numerator, denominator, students
                        FROM suppressed_counts WHERE scope = 'school' AND {where}
                        AND metric = ? AND school_year = ? AND period = ?
                        AND (CAST(? AS DATE) IS NULL OR period_end = ?)
                        AND group_type = ? AND group_value = ?""",
                    [*params, metric, year, period, period_end, period_end, group_type,
                     group_value]).fetchall()}
        for r in rows:
            if r["suppressed"] and r["school_id"] in hidden:
                r["hidden"] = hidden[r["school_id"]]
        return rows

    def last_load(self) -> str:
        """When the warehouse was last loaded (ISO time; "" for none): the version of the
        data a frozen number came from."""
        with connection(self.path) as con:
            if not has_table(con, "load_log"):
                return ""
            (at,) = con.execute("SELECT max(loaded_at) FROM load_log").fetchone()
        return at.isoformat(timespec="seconds") if at else ""

    # ----- students ----------------------------------------------------------------------
    def watchlist(self, year: int, *, school: str | None = None,
                  min_flags: int = 0) -> pd.DataFrame:
        """Early-warning flags for the students in scope (a teacher: their roster)."""
        flags = _flags(self.path, version(self.path), year)
        visible = flags.school_id.isin(self.scope.student_schools) | (
            flags.student_id.isin(self.scope.roster)
            & flags.school_id.isin(self.scope.roster_schools))
        out = flags[visible & (flags["flags"] >= min_flags)]
        if school is not None:
            out = out[out.school_id == school]
        return out.reset_index(drop=True)

    def student_schools(self, student_id: str) -> set[str]:
        with connection(self.path) as con:
            return {r[0] for r in con.execute(
                "SELECT DISTINCT school_id FROM enrollments WHERE student_id = ?",
                [student_id]).fetchall()}

    def check_student(self, student_id: str) -> set[str]:
        schools = self.student_schools(student_id)
        if not schools or not self.scope.may_see_student(student_id, schools):
            raise Http404("no such student")
        return schools

    def student(self, student_id: str) -> dict[str, Any]:
        """One student's record: profile, enrollments, attendance, discipline, marks,
        assessments — only inside the student's enrolment windows at the schools the user
        sees (a principal does not follow a student to the next school), plus whether the
        student was enrolled anywhere else, nothing more. Callers log the view
        (`audit.log_students`)."""
        schools = self.check_student(student_id)
        visible = self.scope.student_visible_at(student_id, schools)
        where, params = in_list("school_id", sorted(visible))
        # a record belongs to a window: same school and year, dated inside entry..exit
        inside = """EXISTS (SELECT 1 FROM windows w WHERE w.school_id = r.school_id
                            AND w.school_year = r.school_year{dated})"""
        dated = " AND r.date >= w.entry_date AND (w.exit_date IS NULL OR r.date <= w.exit_date)"
        q = {
            "enrollments": """SELECT w.school_year, w.school_id, s.name AS school,
                                     w.grade_level, w.entry_date, w.exit_date, w.exit_reason
                              FROM windows w JOIN schools s USING (school_id)
                              ORDER BY entry_date""",
            "attendance": f"""SELECT date, school_id, category, day_fraction
                              FROM attendance_events r WHERE student_id = ?
                              AND {inside.format(dated=dated)} ORDER BY date""",
            "discipline": f"""SELECT date, school_id, incident_id, behavior, action, days
                              FROM discipline_actions r WHERE student_id = ?
                              AND {inside.format(dated=dated)} ORDER BY date""",
            "marks": f"""SELECT school_year, term, school_id, course_id, subject, mark, passed,
                                credits_earned FROM course_marks r WHERE student_id = ?
                         AND {inside.format(dated="")} ORDER BY school_year, term, subject""",
            "assessments": f"""SELECT school_year, assessment, subject, grade_level,
                                      scale_score, performance_level, proficient
                               FROM assessment_results r WHERE student_id = ?
                               AND {inside.format(dated="")} ORDER BY school_year, subject""",
        }
        windows = f"WITH windows AS (SELECT * FROM enrollments WHERE student_id = ? AND {where}) "
        with connection(self.path) as con:
            profile = con.execute("SELECT * FROM students WHERE student_id = ?",
                                  [student_id]).df().iloc[0].to_dict()
            out = {k: _no_missing(con.execute(windows + sql, [student_id, *params] + (
                [] if k == "enrollments" else [student_id])).df()) for k, sql in q.items()}
            (elsewhere,) = con.execute(
                f"SELECT count(*) FROM enrollments WHERE student_id = ? AND NOT ({where})",
                [student_id, *params]).fetchone()
        out["profile"] = profile
        out["enrolled_elsewhere"] = bool(elsewhere)
        return out


def _select(path: Path, units: str, params: list[Any], *, metric: str | None,
            group_type: str | None, group_value: str | None, period: str, year: int | None,
            limit: int | None = None, offset: int = 0) -> pd.DataFrame:
    """Indicator rows of the units `units` (SQL over scope, lea_id, school_id) already
    cut to scope by the caller; suppressed cells carry no numbers."""
    clauses, extra = [units, "period = ?"], [period]
    for col, val in (("metric", metric), ("group_type", group_type),
                     ("group_value", group_value), ("school_year", year)):
        if val is not None:
            clauses.append(f"{col} = ?")
            extra.append(val)
    sql = (f"SELECT * FROM indicators WHERE {' AND '.join(clauses)} "
           "ORDER BY metric, scope DESC, school_id, school_year, period_end, group_type, "
           "group_value")
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    if not _years(path, version(path)):  # no indicators stored yet (cached per version)
        return pd.DataFrame(columns=engine.COLUMNS)
    require_policy(path)
    with connection(path) as con:
        df = con.execute(sql, params + extra).df()
    # numerators and denominators of suppressed cells never leave the warehouse
    hide = df.suppressed.astype(bool)
    for col in ("numerator", "denominator", "value", "students"):
        df[col] = df[col].astype(float).where(~hide)
    return df


# ----- shared reads, cached per warehouse version: called by `Reader` after its check ----
@lru_cache(maxsize=1024)
def _school_series(path: Path, _version: tuple[int, int], school_id: str, metric: str,
                   period: str, group_type: str, group_value: str, year: int | None
                   ) -> pd.DataFrame:
    return _select(path, "(scope = 'school' AND school_id = ?)", [school_id], metric=metric,
                   group_type=group_type, group_value=group_value, period=period,
                   year=None if period == "year" else year)


@lru_cache(maxsize=256)
def _school_info(path: Path, _version: tuple[int, int], school_id: str) -> tuple:
    with connection(path) as con:
        row = con.execute("""SELECT s.name, s.level, s.lea_id, l.name AS district
                             FROM schools s JOIN leas l USING (lea_id)
                             WHERE s.school_id = ?""", [school_id]).fetchone()
    if row is None:
        raise Http404("no such school")
    return tuple(zip(("name", "level", "lea_id", "district"), row))


@lru_cache(maxsize=256)
def _district_rows(path: Path, _version: tuple[int, int], lea: str, year: int
                   ) -> pd.DataFrame:
    return _select(path, "(scope = 'district' AND lea_id = ?)", [lea], metric=None,
                   group_type=None, group_value=None, period="year", year=year)


_results: OrderedDict[tuple, Any] = OrderedDict()  # Reader.shared's, least recent first
_shared_lock = threading.Lock()


@lru_cache(maxsize=8)
def _years(path: Path, _version: tuple[int, int]) -> list[int]:
    with connection(path) as con:
        if not has_table(con, "indicators"):
            return []
        return [y for (y,) in con.execute(
            "SELECT DISTINCT school_year FROM indicators ORDER BY 1").fetchall()]


def _no_missing(df: pd.DataFrame) -> pd.DataFrame:
    """NaN/NaT as None and numpy scalars as Python ones, so templates, JSON and the
    site database show an empty cell."""
    return df.astype(object).where(df.notna(), None)


def records(df: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Rows as dictionaries, ready for JSON: missing values are None."""
    if df is None or df.empty:
        return []
    return [{str(k): v for k, v in r.items()} for r in _no_missing(df).to_dict("records")]


@lru_cache(maxsize=8)
def _flags(path: Path, _version: tuple[int, int], year: int) -> pd.DataFrame:
    """Every student's ABC flags for a year, with names; cached per warehouse version."""
    expr = student_flags(tables.for_year(year))
    with engine.connect("duckdb", path) as con:
        df = con.execute(expr).rename(columns={"unit_id": "school_id"})
        names = con.execute(tables.unbound("students").select(
            "student_id", "first_name", "last_name"))
        schools = con.execute(tables.unbound("schools").select("school_id", "name"))
    df = df.merge(names, on="student_id", how="left").merge(
        schools.rename(columns={"name": "school"}), on="school_id", how="left")
    return df.sort_values(["flags", "attendance_rate"], ascending=[False, True],
                          ignore_index=True)


class StaffYears(NamedTuple):
    last: int  # the district's latest school year of staff assignments
    years: dict[str, set[int]]  # staff id -> school years with an assignment


def staff_years(lea: str, staff_ids: Sequence[str], path: Path | None = None
                ) -> StaffYears | None:
    """The school years in which each staff id held any assignment at a school of the
    district `lea` (that district's rows only). None where the district loads no staff
    assignments: retention must then be recorded by hand."""
    with system_connection(path) as con:
        if not has_table(con, "staff_assignments"):
            return None
        (last,) = con.execute("""SELECT max(a.school_year) FROM staff_assignments a
                                 JOIN schools s USING (school_id) WHERE s.lea_id = ?""",
                              [lea]).fetchone()
        if last is None:
            return None
        out: dict[str, set[int]] = {s: set() for s in staff_ids}
        if staff_ids:
            sql, params = in_list("a.staff_id", list(staff_ids))
            for staff_id, year in con.execute(
                    f"""SELECT DISTINCT a.staff_id, a.school_year FROM staff_assignments a
                        JOIN schools s USING (school_id) WHERE s.lea_id = ? AND {sql}""",
                    [lea, *params]).fetchall():
                out[staff_id].add(int(year))
        return StaffYears(int(last), out)


def staff_at(school: str, year: int, path: Path | None = None) -> list[tuple[str, str]]:
    """(staff_id, role) of one school's assignments in a year, for the demo's people."""
    with system_connection(path) as con:
        if not has_table(con, "staff_assignments"):
            return []
        return [tuple(r) for r in con.execute(
            """SELECT staff_id, role FROM staff_assignments WHERE school_id = ?
               AND school_year = ? ORDER BY role, staff_id""", [school, year]).fetchall()]
