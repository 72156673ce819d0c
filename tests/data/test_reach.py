"""What a load reaches: its own districts' years, its window's days, and nothing else.

Two real districts in one warehouse (the second a copy of the first under its own ids),
reloaded, incremented week by week, and loaded from partial extracts."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from aimline import data
from aimline.cli import app
from aimline.data.reach import DistrictError, Window
from aimline.data.schema import TABLES
from aimline.metrics import engine
from tests.data.helpers import data_fingerprint, file_digest

runner = CliRunner()
B = "0900009"
IDS = ("school_id", "student_id", "staff_id", "incident_id", "section_id", "person_id")


def tables_of(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False)
            for p in sorted(folder.glob("*.csv"))}


def write(folder: Path, frames: dict[str, pd.DataFrame]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in frames.items():
        df.to_csv(folder / f"{name}.csv", index=False)
    return folder


def other_district(src: Path, dst: Path, *, prefix: str = "B", keep_students: bool = False
                   ) -> Path:
    """The district `src` again as district B: its own lea_id and ids (or, with
    `keep_students`, the same student ids: two districts' students 1001)."""
    out = {}
    for name, df in tables_of(src).items():
        df = df.copy()
        if "lea_id" in df:
            df["lea_id"] = B
        if name == "leas":
            df["name"] = "Second Unified"
        for col in IDS:
            if col in df and not (keep_students and col in ("student_id", "person_id")):
                df[col] = prefix + df[col]
        out[name] = df
    return write(dst, out)


def rows_of(wh: Path, lea: str) -> dict[str, list[tuple]]:
    """Every row of district `lea`, table by table, sorted: compared row for row."""
    out = {}
    with duckdb.connect(str(wh), read_only=True) as con:
        schools = "(SELECT school_id FROM schools WHERE lea_id = ?)"
        for t in TABLES:
            cols = t.column_names
            if "school_id" in cols:
                sql, params = f"SELECT * FROM {t.name} WHERE school_id IN {schools}", [lea]
            elif t.name == "students":
                sql = (f"SELECT * FROM students WHERE student_id IN (SELECT student_id FROM "
                       f"enrollments WHERE school_id IN {schools})")
                params = [lea]
            elif t.name == "leas":
                sql, params = "SELECT * FROM leas WHERE lea_id = ?", [lea]
            else:
                sql, params = f"SELECT * FROM {t.name}", []
            out[t.name] = sorted(map(repr, con.execute(sql, params).fetchall()))
    return out


@pytest.fixture(scope="module")
def two(district: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(warehouse holding A and B, A's extract, B's extract)."""
    tmp = tmp_path_factory.mktemp("two")
    b = other_district(district, tmp / "b")
    wh = tmp / "w.duckdb"
    data.load(district, wh)
    data.load(b, wh)
    return wh, district, b


def test_loading_district_b_never_changes_a_row_of_district_a(two: tuple[Path, Path, Path],
                                                              tmp_path: Path) -> None:
    wh0, a_extract, b_extract = two
    wh = tmp_path / "w.duckdb"
    shutil.copy(wh0, wh)
    a_lea = pd.read_csv(a_extract / "leas.csv", dtype=str).lea_id[0]
    a_before, b_before = rows_of(wh, a_lea), rows_of(wh, B)
    assert a_before["attendance_events"] and b_before["attendance_events"]
    # B reloads its years with a corrected attendance file: half its absences are gone
    fixed = tables_of(b_extract)
    fixed["attendance_events"] = fixed["attendance_events"].iloc[::2]
    _, result = data.load(write(tmp_path / "b2", fixed), wh)
    assert result.districts == [B]
    assert rows_of(wh, a_lea) == a_before  # row for row
    after = rows_of(wh, B)["attendance_events"]
    assert len(after) == len(fixed["attendance_events"]) < len(b_before["attendance_events"])


def test_an_extract_of_another_district_is_refused_by_a_district_load(
        two: tuple[Path, Path, Path], tmp_path: Path) -> None:
    wh0, a_extract, b_extract = two
    wh = tmp_path / "w.duckdb"
    shutil.copy(wh0, wh)
    before = file_digest(wh)
    a_lea = pd.read_csv(a_extract / "leas.csv", dtype=str).lea_id[0]
    with pytest.raises(DistrictError, match=f"holds district\\(s\\) {B}, not only {a_lea}"):
        data.load(b_extract, wh, districts={a_lea})
    assert file_digest(wh) == before


def test_colliding_student_ids_are_refused_naming_each(two: tuple[Path, Path, Path],
                                                       tmp_path: Path) -> None:
    wh0, a_extract, _ = two
    wh = tmp_path / "w.duckdb"
    shutil.copy(wh0, wh)
    before = file_digest(wh)
    c = other_district(a_extract, tmp_path / "c", prefix="C", keep_students=True)
    tables = tables_of(c)
    write(c, {"leas": tables["leas"].assign(lea_id="0700007")})
    for name in ("schools",):
        write(c, {name: tables[name].assign(lea_id="0700007")})
    result = runner.invoke(app, ["load", str(c), "--warehouse", str(wh)])
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    ids = sorted(set(tables["students"].student_id))
    assert f"{len(ids)} id(s) of the extract belong to another district" in message
    assert all(f"student {i} (district" in message for i in ids[:50])
    assert file_digest(wh) == before


def weekly(extract: Path, tmp: Path, year: int) -> tuple[Path, list[tuple[Window, Path]]]:
    """`extract` as a base (everything but `year`'s enrollments, absences and discipline)
    and one increment per week of `year`: that week's absences and discipline, the
    enrollments that begin in it (still open), and those that end in it (now closed)."""
    t = tables_of(extract)
    ev, disc, enr = t["attendance_events"], t["discipline_actions"], t["enrollments"]
    this = enr.school_year == str(year)
    base = {**t, "enrollments": enr[~this],
            "attendance_events": ev[ev.school_year != str(year)],
            "discipline_actions": disc[disc.school_year != str(year)]}
    out, start = [], dt.date(year - 1, 7, 1)
    while start <= dt.date(year, 6, 30):
        end = min(start + dt.timedelta(days=6), dt.date(year, 6, 30))
        w = Window(start, end)

        def inside(col: pd.Series, w: Window = w) -> pd.Series:
            d = pd.to_datetime(col).dt.date
            return (d >= w.start) & (d <= w.end)

        mine = enr[this]
        exit_ = pd.to_datetime(mine.exit_date.replace("", None)).dt.date
        begins, ends = mine[inside(mine.entry_date)], mine[inside(mine.exit_date.replace(
            "", "1900-01-01"))]
        still_open = begins.assign(exit_date=[
            "" if e is pd.NaT or e is None or pd.isna(e) or e > end else str(e)
            for e in exit_[begins.index]],
            exit_reason=[r if (not pd.isna(e) and e <= end) else ""
                         for r, e in zip(begins.exit_reason, exit_[begins.index])])
        increment = {"enrollments": pd.concat([still_open, ends]).drop_duplicates(),
                     "attendance_events": ev[(ev.school_year == str(year)) & inside(ev.date)],
                     "discipline_actions": disc[(disc.school_year == str(year))
                                                & inside(disc.date)]}
        out.append((w, write(tmp / f"week-{start}", increment)))
        start = end + dt.timedelta(days=1)
    return write(tmp / "base", base), out


def test_a_year_loaded_week_by_week_equals_the_year_loaded_at_once(district: Path,
                                                                    tmp_path: Path) -> None:
    year = 2026
    at_once = tmp_path / "once.duckdb"
    data.load(district, at_once)
    base, weeks = weekly(district, tmp_path, year)
    assert len(weeks) >= 40
    weekly_wh = tmp_path / "weekly.duckdb"
    data.load(base, weekly_wh)
    for w, folder in weeks:
        data.load(folder, weekly_wh, window=w)
    assert data_fingerprint(weekly_wh) == data_fingerprint(at_once)
    for period in ("year", "month", "week"):
        one = engine.compute(at_once, year, period=period, suppress=False)  # type: ignore[arg-type]
        other = engine.compute(weekly_wh, year, period=period,  # type: ignore[arg-type]
                               suppress=False)
        pd.testing.assert_frame_equal(one, other)


def test_a_window_replaces_corrected_and_deleted_absences(district: Path, tmp_path: Path
                                                          ) -> None:
    wh = tmp_path / "w.duckdb"
    data.load(district, wh)
    ev = tables_of(district)["attendance_events"]
    w = Window(dt.date(2026, 1, 5), dt.date(2026, 1, 9))
    days = pd.to_datetime(ev.date).dt.date
    week = ev[(days >= w.start) & (days <= w.end)]
    assert len(week) > 4
    corrected = week.iloc[1:].copy()  # the first absence was recorded in error
    corrected.loc[corrected.index[0], "day_fraction"] = "0.5"
    result = runner.invoke(app, ["load", str(write(tmp_path / "wk", {
        "attendance_events": corrected})), "--warehouse", str(wh), "--from", "2026-01-05",
        "--to", "2026-01-09"])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(wh), read_only=True) as con:
        n_week, = con.execute("SELECT count(*) FROM attendance_events WHERE date BETWEEN ? AND ?",
                              [w.start, w.end]).fetchone()
        n_all, = con.execute("SELECT count(*) FROM attendance_events").fetchone()
        half, = con.execute("SELECT day_fraction FROM attendance_events WHERE student_id = ? "
                            "AND date = ? AND category = ?",
                            [corrected.student_id.iloc[0], corrected.date.iloc[0],
                             corrected.category.iloc[0]]).fetchone()
    assert (n_week, n_all, half) == (len(corrected), len(ev) - 1, 0.5)


def test_bad_increments_are_refused_and_change_nothing(district: Path, tmp_path: Path) -> None:
    wh = tmp_path / "w.duckdb"
    data.load(district, wh)
    before = file_digest(wh)
    t = tables_of(district)
    ev = t["attendance_events"]
    window = ["--from", "2026-01-05", "--to", "2026-01-09"]
    outside = write(tmp_path / "outside", {"attendance_events": ev.iloc[:3]})
    stranger = t["enrollments"].iloc[:1].assign(student_id="NOBODY-1")
    cases = {
        "outside the load window": outside,
        "unknown student_id: not in the extract or the warehouse":
            write(tmp_path / "stranger", {"enrollments": stranger}),
    }
    for rule, folder in cases.items():
        result = runner.invoke(app, ["load", str(folder), "--warehouse", str(wh), *window])
        assert result.exit_code == 1, rule
        with pytest.raises(data.ValidationFailed) as failed:
            data.load(folder, wh, window=Window(dt.date(2026, 1, 5), dt.date(2026, 1, 9)))
        assert [p.rule for p in failed.value.report.problems if rule in p.rule], rule
        assert file_digest(wh) == before
    assert runner.invoke(app, ["load", str(outside), "--warehouse", str(wh), "--from",
                               "2026-01-09", "--to", "2026-01-05"]).exit_code == 1


def test_a_partial_extract_loads_onto_a_warehouse_that_has_the_rest(district: Path,
                                                                     tmp_path: Path) -> None:
    """Attendance alone (as an Ed-Fi attendance feed sends it) on the SIS's enrollments:
    the same warehouse as the whole extract; `aimline info` says which source wrote what."""
    whole = tmp_path / "whole.duckdb"
    data.load(district, whole)
    t = tables_of(district)
    # the SIS sends no attendance, and a discipline file without a row
    sis = write(tmp_path / "sis", {**{k: v for k, v in t.items() if k != "attendance_events"},
                                   "discipline_actions": t["discipline_actions"].iloc[:0]})
    feed = write(tmp_path / "feed", {"attendance_events": t["attendance_events"]})
    wh = tmp_path / "w.duckdb"
    assert "required table is missing" in " ".join(
        runner.invoke(app, ["load", str(feed), "--warehouse", str(wh)]).stderr.split())
    data.load(sis, wh)
    # not loaded is not "no absences": no chronic-absence rows until the feed comes...
    ca = engine.compute(wh, 2026, metrics=["chronic_absence", "suspension"], suppress=False)
    assert set(ca.metric) == {"suspension"}
    # ...while a district that loaded no suspensions at all has 0% suspended
    assert (ca.numerator == 0).all()
    data.load(write(tmp_path / "disc", {"discipline_actions": t["discipline_actions"]}), wh)
    data.load(feed, wh)
    assert data_fingerprint(wh) == data_fingerprint(whole)
    info = json.loads(runner.invoke(app, ["info", "--warehouse", str(wh), "--json"]).stdout)
    by = {(s["table"], s["school_year"]): s["source"] for s in info["sources"]}
    assert by[("attendance_events", 2026)] == str(feed)
    assert by[("enrollments", 2026)] == str(sis) and by[("students", None)] == str(sis)


def test_an_empty_week_sent_for_a_district_clears_its_absences(district: Path,
                                                               tmp_path: Path) -> None:
    """A week without a single absence names no school: sent for its district (as the
    site's job sends it), it still empties that district's week."""
    wh = tmp_path / "w.duckdb"
    data.load(district, wh)
    ev = tables_of(district)["attendance_events"]
    lea = pd.read_csv(district / "leas.csv", dtype=str).lea_id[0]
    w = Window(dt.date(2026, 1, 5), dt.date(2026, 1, 9))
    empty = write(tmp_path / "wk", {"attendance_events": ev.iloc[:0]})
    data.load(empty, wh, window=w, districts={lea})
    with duckdb.connect(str(wh), read_only=True) as con:
        left, = con.execute("SELECT count(*) FROM attendance_events WHERE date BETWEEN ? AND ?",
                            [w.start, w.end]).fetchone()
    assert left == 0


def test_check_against_the_warehouse_says_what_the_load_would(district: Path,
                                                             tmp_path: Path) -> None:
    t = tables_of(district)
    feed = write(tmp_path / "feed", {"attendance_events": t["attendance_events"]})
    wh = tmp_path / "w.duckdb"
    data.load(district, wh)
    before = file_digest(wh)
    alone = runner.invoke(app, ["check", str(feed), "--json"])
    assert alone.exit_code == 1 and "required table is missing" in alone.stdout
    against = runner.invoke(app, ["check", str(feed), "--against", str(wh), "--json"])
    assert against.exit_code == 0, against.stdout[-2000:]
    week = runner.invoke(app, ["check", str(feed), "--against", str(wh), "--from",
                               "2026-01-05", "--to", "2026-01-09", "--json"])
    assert week.exit_code == 1 and "outside the load window" in week.stdout
    assert file_digest(wh) == before


def test_a_span_cut_short_may_not_strand_the_absences_the_warehouse_keeps(
        district: Path, tmp_path: Path) -> None:
    """An enrollment that gains an exit date while the warehouse keeps absences after it:
    refused, naming them, until their correction comes in the same load."""
    wh = tmp_path / "w.duckdb"
    data.load(district, wh)
    before = file_digest(wh)
    t = tables_of(district)
    ev, enr = t["attendance_events"], t["enrollments"]
    ev26 = ev[ev.school_year == "2026"]
    late = ev26[ev26.date > "2026-03-01"].iloc[0]
    span = enr[(enr.student_id == late.student_id) & (enr.school_id == late.school_id)
               & (enr.school_year == "2026")].assign(exit_date="2026-02-27",
                                                      exit_reason="moved")
    cut = write(tmp_path / "cut", {"enrollments": span})
    w = Window(dt.date(2026, 2, 23), dt.date(2026, 3, 1))
    with pytest.raises(data.ValidationFailed) as failed:
        data.load(cut, wh, window=w)
    stranded = [p for p in failed.value.report.problems if "warehouse keeps" in p.rule]
    assert stranded and all(p.value.startswith(f"{late.student_id}, ") for p in stranded)
    assert file_digest(wh) == before
