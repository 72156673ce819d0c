"""SIS import by mapping: the PowerSchool-style example round-trips, `mapping init`
proposes what it can and lists every code, and bad input is refused with its place."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from aimline.cli import app
from aimline.data import synth
from aimline.data.importers.mapping_init import propose
from aimline.data.importers.report import ImportFailed
from aimline.data.importers.sis import import_sis
from aimline.data.schema import TABLES
from aimline.data.synth import sis_example

runner = CliRunner()


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("sis")
    synth.generate(tmp / "canon", students=500, seed=9, years=2)
    sis_example.write(tmp / "canon", tmp / "export")
    return tmp / "canon", tmp / "export"


def typed(folder: Path, t) -> str:
    cols = ", ".join(f'TRY_CAST("{c.name}" AS {c.duckdb_type}) AS "{c.name}"' for c in t.columns)
    return f"SELECT {cols} FROM read_csv('{folder}/{t.name}.csv', all_varchar=true)"


def test_the_example_export_comes_back_row_for_row(example, tmp_path: Path) -> None:
    canon, export = example
    report = import_sis(export, export / "mapping.yaml", tmp_path / "out")
    con = duckdb.connect()
    for t in TABLES:
        if t.name in ("cohort_outcomes", "staff_assignments", "section_rosters"):
            assert report.unfilled[t.name] == "not in the mapping"
            continue
        a, b = typed(canon, t), typed(tmp_path / "out", t)
        assert con.execute(f"SELECT count(*) FROM (({a}) EXCEPT ALL ({b}))").fetchone()[0] == 0
        assert con.execute(f"SELECT count(*) FROM (({b}) EXCEPT ALL ({a}))").fetchone()[0] == 0
    for name, e in report.entities.items():
        assert e.read == e.used + e.dropped_total, name
    assert report.entities["Attendance.xlsx [Attendance]"].read > 1000  # read from Excel


def test_import_and_load_in_one_step(example, tmp_path: Path) -> None:
    _, export = example
    wh = tmp_path / "w.duckdb"
    r = runner.invoke(app, ["import", "sis", str(export), "--mapping",
                            str(export / "mapping.yaml"), "--out", str(tmp_path / "x"),
                            "--load", "--warehouse", str(wh)])
    assert r.exit_code == 0, r.output
    assert "Loaded" in r.output and wh.exists()


def _mapping(export: Path, tmp: Path, change) -> Path:
    doc = yaml.safe_load((export / "mapping.yaml").read_text())
    change(doc["tables"])
    path = tmp / "mapping.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def test_an_unmapped_code_names_file_column_value_and_count(example, tmp_path: Path) -> None:
    _, export = example
    path = _mapping(export, tmp_path, lambda t: t["students"]["values"]["sex"].pop("U"))
    with pytest.raises(ImportFailed) as e:
        import_sis(export, path, tmp_path / "out")
    with (export / "Students.csv").open() as f:
        n = sum(1 for r in csv.DictReader(f) if r["Gender"] == "U")
    assert f"Students.csv, column Gender: code 'U' is not mapped ({n:,} row(s))" in str(e.value)
    assert not (tmp_path / "out").exists()


def test_a_code_mapped_to_drop_is_counted(example, tmp_path: Path) -> None:
    _, export = example
    path = _mapping(export, tmp_path, lambda t: t["attendance_events"].setdefault(
        "drop", {"category": ["T"]}))
    report = import_sis(export, path, tmp_path / "out")
    e = report.entities["Attendance.xlsx [Attendance]"]
    assert e.dropped["Att_Code = 'T' is mapped to drop"] > 0
    assert e.read == e.used + e.dropped_total


def test_a_date_in_the_wrong_format_names_the_row(example, tmp_path: Path) -> None:
    _, export = example
    src = tmp_path / "export"
    shutil.copytree(export, src)
    lines = (src / "Enrollments.csv").read_text().splitlines()
    fields = lines[4].split(",")
    fields[3] = "2025-08-19"
    lines[4] = ",".join(fields)
    (src / "Enrollments.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(ImportFailed, match=r"Enrollments\.csv, row 5, column EntryDate: "
                                           r"'2025-08-19' does not match the date format"):
        import_sis(src, src / "mapping.yaml", tmp_path / "out")


def test_mapping_problems_are_reported_before_reading(example, tmp_path: Path) -> None:
    _, export = example
    path = _mapping(export, tmp_path, lambda t: (t["students"]["columns"].pop("sex"),
                                                 t.setdefault("pupils", {"file": "x.csv"})))
    with pytest.raises(ImportFailed) as e:
        import_sis(export, path, tmp_path / "out")
    assert "tables.students: required column(s) not mapped: sex" in str(e.value)
    assert "no canonical table 'pupils'" in str(e.value)


def test_mapping_init_matches_columns_and_lists_every_code(example, tmp_path: Path) -> None:
    _, export = example
    text, todo = propose(export)
    proposed = yaml.safe_load(text)["tables"]
    shipped = yaml.safe_load((export / "mapping.yaml").read_text())["tables"]
    agree = total = 0
    for table, spec in shipped.items():
        for canon, src in spec["columns"].items():
            src = src["column"] if isinstance(src, dict) else src
            got = proposed.get(table, {}).get("columns", {}).get(canon)
            got = got["column"] if isinstance(got, dict) else got
            total += 1
            agree += got == src and proposed[table]["file"] == spec["file"]
    assert agree / total >= 0.85, (agree, total)
    with (export / "Students.csv").open() as f:
        genders = Counter(r["Gender"] for r in csv.DictReader(f))
    assert set(proposed["students"]["values"]["sex"]) == set(genders)
    for code, n in genders.items():
        assert f"{code}: " in text and f"# {n:,} row" in text
    assert proposed["students"]["values"]["sex"]["F"] == "F"
    assert proposed["students"]["values"]["race_ethnicity"]["6"] == "?"  # a person decides
    assert any("code '6'" in line for line in todo)
    assert proposed["enrollments"]["columns"]["entry_date"]["date_format"] == "%m/%d/%Y"


def test_a_mapping_with_a_question_mark_is_refused(example, tmp_path: Path) -> None:
    _, export = example
    r = runner.invoke(app, ["mapping", "init", str(export), "--out", str(tmp_path / "m.yaml")])
    assert r.exit_code == 0, r.output
    again = runner.invoke(app, ["mapping", "init", str(export), "--out",
                                str(tmp_path / "m.yaml")])
    assert again.exit_code == 1 and "exists" in again.output
    with pytest.raises(ImportFailed, match="is still '\\?'"):
        import_sis(export, tmp_path / "m.yaml", tmp_path / "out")


def test_a_parquet_extract_loads_like_the_csv_one(example, tmp_path: Path) -> None:
    from aimline import data

    _, export = example
    report = import_sis(export, export / "mapping.yaml", tmp_path / "pq", fmt="parquet")
    assert sorted(p.name for p in (tmp_path / "pq").glob("*.parquet")) == sorted(
        f"{t}.parquet" for t in report.tables)
    _, loaded = data.load(tmp_path / "pq", tmp_path / "w.duckdb")
    assert loaded.rows == report.tables


def test_a_windows_1252_export_is_named_and_read_with_its_encoding(example,
                                                                   tmp_path: Path) -> None:
    _, export = example
    src = tmp_path / "export"
    shutil.copytree(export, src)
    text = (src / "Students.csv").read_text(encoding="utf-8")
    first = text.splitlines()[1].split(",")[2]  # First_Name of the first student
    (src / "Students.csv").write_bytes(text.replace(first, "Zoë", 1).encode("cp1252"))
    with pytest.raises(ImportFailed, match=r"Students\.csv: not utf-8-sig text"):
        import_sis(src, src / "mapping.yaml", tmp_path / "a")
    path = _mapping(src, tmp_path, lambda t: t["students"].setdefault("encoding", "cp1252"))
    import_sis(src, path, tmp_path / "b")
    with (tmp_path / "b" / "students.csv").open(encoding="utf-8") as f:
        assert "Zoë" in f.read()
    text, _ = propose(src)
    assert yaml.safe_load(text)["tables"]["students"]["encoding"] == "cp1252"


def test_a_bad_value_in_a_parquet_extract_is_named_by_validation(example,
                                                                 tmp_path: Path) -> None:
    from aimline import data

    _, export = example
    src = tmp_path / "export"
    shutil.copytree(export, src)
    lines = (src / "TestScores.csv").read_text().splitlines()
    fields = lines[1].split(",")
    fields[6] = "high"  # Scale_Score
    lines[1] = ",".join(fields)
    (src / "TestScores.csv").write_text("\n".join(lines) + "\n")
    import_sis(src, src / "mapping.yaml", tmp_path / "pq", fmt="parquet")
    problems = [p for p in data.check(tmp_path / "pq").problems
                if p.file == "assessment_results.parquet"]
    assert [(p.column, p.value, p.rule) for p in problems] == [
        ("scale_score", "high", "must be a number")]


def test_a_prefix_keeps_a_district_s_ids_apart(example, tmp_path: Path) -> None:
    """`prefix:` on every student id column: the same export, as district B's students."""
    _, export = example
    doc = yaml.safe_load((export / "mapping.yaml").read_text())
    for spec in doc["tables"].values():
        col = (spec.get("columns") or {}).get("student_id")
        if col is not None:
            spec["columns"]["student_id"] = {"column": col, "prefix": "B-"}
    (tmp_path / "mapping.yaml").write_text(yaml.safe_dump(doc))
    import_sis(export, tmp_path / "mapping.yaml", tmp_path / "out")
    for name in ("students", "enrollments", "attendance_events"):
        with (tmp_path / "out" / f"{name}.csv").open() as f:
            ids = {r["student_id"] for r in csv.DictReader(f)}
        assert ids and all(i.startswith("B-") and len(i) > 2 for i in ids), name
