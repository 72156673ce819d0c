"""A catalogue of bad extracts: each is a valid synthetic district with one thing broken.

For each: `aimline check --json` names the file, row, column and rule; `aimline load`
exits non-zero; and the warehouse is byte-for-byte what it was before.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from aimline import data
from aimline.cli import app
from aimline.data import synth
from tests.data.helpers import (
    append_row,
    file_digest,
    get_field,
    line_of,
    query,
    read_lines,
    row_dict,
    set_field,
    warehouse_fingerprint,
)

runner = CliRunner()


@dataclass
class Expect:
    file: str
    row: int | None
    column: str | None
    rule: str  # a fragment of the rule text


Mutation = Callable[[Path], Expect]


def duplicate_key(d: Path) -> Expect:
    row = append_row(d, "students", row_dict(d, "students", 2))
    return Expect("students.csv", row, "student_id", "duplicate key")


def unknown_school_in_enrollments(d: Path) -> Expect:
    set_field(d, "enrollments", 3, "school_id", "9999")
    return Expect("enrollments.csv", 3, "school_id", "unknown school_id: not in schools.csv")


def absence_on_weekend(d: Path) -> Expect:
    line = line_of(d, "attendance_events", {"category": "excused"})
    day = dt.date.fromisoformat(get_field(d, "attendance_events", line, "date"))
    saturday = day + dt.timedelta(days=(5 - day.weekday()) % 7 or 7)
    set_field(d, "attendance_events", line, "date", saturday.isoformat())
    return Expect("attendance_events.csv", line, "date", "not an instructional day")


def absence_outside_enrollment(d: Path) -> Expect:
    # a student who left mid-year, marked absent on a school day after their last day
    student, school, year, day = query(d, """
        SELECT e.student_id, e.school_id, e.school_year, min(c.date)
        FROM enrollments e JOIN calendar_days c
          ON c.school_id = e.school_id AND c.school_year = e.school_year
         AND c.instructional AND c.date > e.exit_date
        WHERE e.exit_reason IN ('moved', 'transfer_out')
          AND NOT EXISTS (SELECT 1 FROM enrollments f WHERE f.student_id = e.student_id
                          AND f.school_id = e.school_id AND f.entry_date > e.entry_date)
        GROUP BY ALL ORDER BY 1 LIMIT 1""")[0]
    row = append_row(d, "attendance_events", {
        "student_id": student, "school_id": str(school), "school_year": str(year),
        "date": day.isoformat(), "category": "unexcused", "day_fraction": "1"})
    return Expect("attendance_events.csv", row, "date", "no enrollment span")


def overlapping_spans(d: Path) -> Expect:
    first = row_dict(d, "enrollments", 2)
    other = next(s for (s,) in query(d, "SELECT school_id FROM schools ORDER BY 1")
                 if str(s) != first["school_id"])
    row = append_row(d, "enrollments", {**first, "school_id": str(other)})
    return Expect("enrollments.csv", row, "entry_date", "must not overlap")


def bad_date(d: Path) -> Expect:
    set_field(d, "enrollments", 4, "entry_date", "2025-13-01")
    return Expect("enrollments.csv", 4, "entry_date", "not a real date: no such month or day")


def no_such_day(d: Path) -> Expect:
    line = line_of(d, "attendance_events", {"category": "excused"})
    set_field(d, "attendance_events", line, "date", "2026-02-30")
    return Expect("attendance_events.csv", line, "date", "not a real date")


def us_style_date(d: Path) -> Expect:
    set_field(d, "discipline_actions", 2, "date", "09/15/2025")
    return Expect("discipline_actions.csv", 2, "date", "date must be YYYY-MM-DD")


def text_in_numeric_column(d: Path) -> Expect:
    set_field(d, "attendance_events", 5, "day_fraction", "half")
    return Expect("attendance_events.csv", 5, "day_fraction", "must be a number")


def fraction_in_integer_column(d: Path) -> Expect:
    set_field(d, "enrollments", 6, "school_year", "2025.5")
    return Expect("enrollments.csv", 6, "school_year", "must be a whole number")


def missing_required_column(d: Path) -> Expect:
    path = d / "students.csv"
    lines = read_lines(path)
    header = lines[0].rstrip("\n").split(",")
    i = header.index('"sex"') if '"sex"' in header else header.index("sex")
    out = []
    for line in lines:
        parts = line.rstrip("\n").split(",")
        out.append(",".join(parts[:i] + parts[i + 1:]) + "\n")
    path.write_text("".join(out), encoding="utf-8")
    return Expect("students.csv", 1, "sex", "required column is missing")


def missing_required_value(d: Path) -> Expect:
    set_field(d, "students", 7, "sex", "")
    return Expect("students.csv", 7, "sex", "required value is missing")


def unknown_race_code(d: Path) -> Expect:
    set_field(d, "students", 8, "race_ethnicity", "Hispanic/Latino")
    return Expect("students.csv", 8, "race_ethnicity", "must be one of: hispanic")


def bad_boolean(d: Path) -> Expect:
    set_field(d, "students", 9, "economically_disadvantaged", "maybe")
    return Expect("students.csv", 9, "economically_disadvantaged", "must be true or false")


def negative_credits(d: Path) -> Expect:
    set_field(d, "course_marks", 3, "credits_attempted", "-1")
    return Expect("course_marks.csv", 3, "credits_attempted", "must be in [0, 10]")


def credits_earned_above_attempted(d: Path) -> Expect:
    line = line_of(d, "course_marks", {"credits_attempted": "0.5", "passed": "true"})
    set_field(d, "course_marks", line, "credits_earned", "1")
    return Expect("course_marks.csv", line, "credits_earned", "must not exceed credits_attempted")


def failing_mark_passed(d: Path) -> Expect:
    line = line_of(d, "course_marks", {"mark": "F"})
    set_field(d, "course_marks", line, "passed", "true")
    return Expect("course_marks.csv", line, "passed", "a failing mark cannot be passed")


def zero_day_fraction(d: Path) -> Expect:
    set_field(d, "attendance_events", 6, "day_fraction", "0")
    return Expect("attendance_events.csv", 6, "day_fraction", "must be in (0, 1]")


def day_fraction_above_one(d: Path) -> Expect:
    set_field(d, "attendance_events", 7, "day_fraction", "1.5")
    return Expect("attendance_events.csv", 7, "day_fraction", "must be in (0, 1]")


def absence_without_day_fraction(d: Path) -> Expect:
    line = line_of(d, "attendance_events", {"category": "unexcused"})
    set_field(d, "attendance_events", line, "day_fraction", "")
    return Expect("attendance_events.csv", line, "day_fraction", "an absence needs day_fraction")


def two_absences_same_day(d: Path) -> Expect:
    line = line_of(d, "attendance_events", {"category": "excused", "day_fraction": "1"})
    row = append_row(d, "attendance_events",
                     {**row_dict(d, "attendance_events", line), "category": "unexcused"})
    return Expect("attendance_events.csv", row, "day_fraction", "more than a whole day")


def date_outside_school_year(d: Path) -> Expect:
    set_field(d, "discipline_actions", 3, "date", "2031-01-15")
    return Expect("discipline_actions.csv", 3, "date", "inside its school year")


def exit_before_entry(d: Path) -> Expect:
    line = line_of(d, "enrollments", {"exit_reason": ""})
    entry = dt.date.fromisoformat(get_field(d, "enrollments", line, "entry_date"))
    set_field(d, "enrollments", line, "exit_date", (entry - dt.timedelta(days=1)).isoformat())
    return Expect("enrollments.csv", line, "exit_date", "on or after entry_date")


def unknown_course(d: Path) -> Expect:
    set_field(d, "course_marks", 4, "course_id", "BASKETWEAVING")
    return Expect("course_marks.csv", 4, "course_id", "unknown course_id")


def low_grade_above_high(d: Path) -> Expect:
    set_field(d, "schools", 2, "low_grade", "12")
    return Expect("schools.csv", 2, "high_grade", "low_grade must not be above high_grade")


def extra_field_in_row(d: Path) -> Expect:
    path = d / "leas.csv"
    lines = read_lines(path)
    lines[1] = lines[1].rstrip("\n") + ",surprise\n"
    path.write_text("".join(lines), encoding="utf-8")
    return Expect("leas.csv", 2, None, "malformed CSV")


def empty_file(d: Path) -> Expect:
    (d / "schools.csv").write_bytes(b"")
    return Expect("schools.csv", None, None, "file is empty")


def wrong_delimiter(d: Path) -> Expect:
    path = d / "leas.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    return Expect("leas.csv", 1, None, "wrong delimiter")


def non_utf8_bytes(d: Path) -> Expect:
    path = d / "schools.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b" ", "\u00a0".encode("latin-1"), 1)  # a Latin-1 no-break space
    path.write_bytes(b"\n".join(lines))
    return Expect("schools.csv", 3, None, "not UTF-8")


def missing_table(d: Path) -> Expect:
    """Refused where the warehouse lacks the table too (a partial extract loads on a
    warehouse that has it: tests/data/test_reach.py)."""
    (d / "students.csv").unlink()
    return Expect("students.csv", None, None, "required table is missing")


def csv_and_parquet_of_one_table(d: Path) -> Expect:
    import duckdb

    duckdb.execute(f"COPY (SELECT * FROM '{d / 'leas.csv'}') TO '{d / 'leas.parquet'}'")
    return Expect("leas.csv", None, None, "keep one file per table")


def truncated_parquet(d: Path) -> Expect:
    for p in d.glob("*.csv"):
        p.unlink()
    synth.generate(d, students=150, seed=11, years=1, fmt="parquet")
    path = d / "attendance_events.parquet"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return Expect("attendance_events.parquet", None, None, "not a readable Parquet file")


MUTATIONS: list[Mutation] = [
    duplicate_key, unknown_school_in_enrollments, absence_on_weekend,
    absence_outside_enrollment, overlapping_spans, bad_date, no_such_day, us_style_date,
    text_in_numeric_column, fraction_in_integer_column, missing_required_column,
    missing_required_value, unknown_race_code, bad_boolean, negative_credits,
    credits_earned_above_attempted, failing_mark_passed, zero_day_fraction,
    day_fraction_above_one, absence_without_day_fraction, two_absences_same_day,
    date_outside_school_year,
    exit_before_entry, unknown_course, low_grade_above_high, extra_field_in_row, empty_file,
    wrong_delimiter, non_utf8_bytes, missing_table, csv_and_parquet_of_one_table,
    truncated_parquet,
]


@pytest.fixture(scope="module")
def loaded(district: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse holding the valid district; tests copy it before loading into it."""
    path = tmp_path_factory.mktemp("wh") / "aimline.duckdb"
    data.load(district, path)
    return path


@pytest.mark.parametrize("mutate", MUTATIONS, ids=lambda m: m.__name__)
def test_it_reports_the_rule_and_leaves_the_warehouse_unchanged(
        mutate: Mutation, district_copy: Path, loaded: Path, tmp_path: Path) -> None:
    expect = mutate(district_copy)
    wh = tmp_path / "wh.duckdb"
    if mutate is missing_table:  # a warehouse with every table but the missing one
        shutil.copy(loaded, wh)
        with duckdb.connect(str(wh)) as con:
            con.execute("DELETE FROM students")
    else:
        shutil.copy(loaded, wh)
    before, rows_before = file_digest(wh), warehouse_fingerprint(wh)

    checked = runner.invoke(app, ["check", str(district_copy), "--json"])
    assert checked.exit_code == 1, checked.output
    report = json.loads(checked.stdout)
    assert not report["ok"] and report["total"] >= 1
    matches = [p for p in report["problems"]
               if p["file"] == expect.file and p["row"] == expect.row
               and p["column"] == expect.column and expect.rule in p["rule"]]
    assert matches, f"expected {expect} among {report['problems'][:5]}"

    loaded_run = runner.invoke(app, ["load", str(district_copy), "--warehouse", str(wh)])
    assert loaded_run.exit_code == 1
    assert "was not changed" in " ".join(loaded_run.stderr.split())
    assert file_digest(wh) == before
    assert warehouse_fingerprint(wh) == rows_before


def test_a_date_that_is_not_a_date_is_said_once(district_copy: Path) -> None:
    """2026-02-30 is one problem: not the calendar and enrollment rules again on a date
    that could not be read."""
    expect = no_such_day(district_copy)
    report = json.loads(runner.invoke(app, ["check", str(district_copy), "--json"]).stdout)
    assert [(p["row"], p["column"], p["rule"]) for p in report["problems"]] == [
        (expect.row, "date", "not a real date: no such month or day")]


def test_the_catalogue_has_at_least_twenty_distinct_bad_inputs() -> None:
    assert len({m.__name__ for m in MUTATIONS}) >= 20


def test_a_valid_extract_passes(district: Path) -> None:
    result = runner.invoke(app, ["check", str(district)])
    assert result.exit_code == 0, result.output
    assert "broke no rule" in result.stdout


def test_every_problem_is_counted_beyond_the_listed_ones(district_copy: Path) -> None:
    for line in range(2, 40):
        set_field(district_copy, "attendance_events", line, "category", "sick")
    report = data.check(district_copy, limit=5)
    assert report.total == 38
    assert len(report.problems) == 5
    assert report.counts[("attendance_events.csv", "category",
                          "must be one of: excused, unexcused, suspension, tardy, "
                          "early_departure")] == 38


def test_check_on_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "no such folder" in " ".join(result.stderr.split())


def test_values_that_look_like_markup_are_shown_verbatim(district_copy: Path) -> None:
    set_field(district_copy, "students", 2, "sex", "[bold]")
    result = CliRunner().invoke(app, ["check", str(district_copy)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "[bold]" in result.stderr
