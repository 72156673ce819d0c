"""OneRoster import: the three public fixture sets (read where they are, never copied into
the repository), the synthetic district round-tripped, and the input it must refuse."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from aimline.cli import app
from aimline.data import synth
from aimline.data.importers.oneroster import import_oneroster
from aimline.data.importers.report import ImportFailed
from aimline.data.synth import oneroster as synth_oneroster
from tests.conftest import REALDATA

FIXTURES = REALDATA / "oneroster" / "moodle_enrol_oneroster_fixtures"
runner = CliRunner()


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def copy(name: str, tmp: Path) -> Path:
    dst = tmp / name
    shutil.copytree(FIXTURES / name, dst)
    return dst


@pytest.mark.parametrize("name", ["Test_full_data_set", "v1p2_full_dataset",
                                  "oneroster_test_data"])
def test_each_fixture_imports_and_every_record_is_accounted_for(name: str,
                                                                tmp_path: Path) -> None:
    report = import_oneroster(FIXTURES / name, tmp_path / "out")
    for entity, e in report.entities.items():
        assert e.read == e.used + e.dropped_total, entity
    for file in ("users", "enrollments", "classes", "orgs", "academicSessions"):
        assert report.entities[file].read == len(table(FIXTURES / name / f"{file}.csv"))
    assert (tmp_path / "out" / "import-report.json").exists()
    assert "attendance_events" in report.unfilled  # OneRoster has none


@pytest.mark.parametrize("name", ["Test_full_data_set", "v1p2_full_dataset"])
def test_the_moodle_sets_keep_students_and_drop_what_is_deleted(name: str,
                                                                tmp_path: Path) -> None:
    report = import_oneroster(FIXTURES / name, tmp_path / "out")
    if name == "Test_full_data_set":  # 1.1: the role is on users.csv
        students = {u["sourcedId"] for u in table(FIXTURES / name / "users.csv")
                    if u["role"] == "student"}
    else:  # 1.2: the role is on roles.csv
        students = {r["userSourcedId"] for r in table(FIXTURES / name / "roles.csv")
                    if r["role"] == "student"}
    got = table(tmp_path / "out" / "students.csv")
    assert {s["student_id"] for s in got} == students
    enrollments = report.entities["enrollments"]
    assert enrollments.dropped["the class is tobedeleted"] == 3
    # a teacher in users.csv enrolled as a student is not made a student
    assert enrollments.dropped["enrolled as a student but not a student in users.csv"] == 1
    spans = table(tmp_path / "out" / "enrollments.csv")
    assert [(s["student_id"], s["entry_date"], s["exit_date"]) for s in spans] == [
        ("usr-222-1234561232", "2022-03-15", "2022-06-15")]
    assert any("type 'department'" in w for w in report.warnings)
    assert any("district is unknown" in w for w in report.warnings)


def test_the_gotham_set_brings_demographics_and_the_sced_subject(tmp_path: Path) -> None:
    report = import_oneroster(FIXTURES / "oneroster_test_data", tmp_path / "out")
    (student,) = table(tmp_path / "out" / "students.csv")
    assert (student["first_name"], student["last_name"], student["birth_date"]) == (
        "Bruce", "Wayne", "2010-04-17")
    (course,) = table(tmp_path / "out" / "courses.csv")
    assert course["subject"] == "ela"  # SCED 0101: English language and literature
    (school,) = table(tmp_path / "out" / "schools.csv")
    assert school["name"] == "Gotham High School"
    assert any("delta feed" in w for w in report.warnings)


def test_a_zip_reads_like_its_folder_and_paths_inside_it_are_not_trusted(
        tmp_path: Path) -> None:
    zipped = tmp_path / "bundle.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        for p in (FIXTURES / "v1p2_full_dataset").glob("*.csv"):
            z.write(p, f"../../evil/{p.name}")
    import_oneroster(zipped, tmp_path / "a")
    import_oneroster(FIXTURES / "v1p2_full_dataset", tmp_path / "b")
    for f in (tmp_path / "b").glob("*.csv"):
        assert (tmp_path / "a" / f.name).read_text() == f.read_text()
    assert not (tmp_path.parent / "evil").exists()


def test_bom_header_case_and_a_missing_final_newline_are_tolerated(tmp_path: Path) -> None:
    src = copy("oneroster_test_data", tmp_path)
    users = (src / "users.csv").read_text(encoding="utf-8")
    header, rest = users.split("\n", 1)
    (src / "users.csv").write_text("\ufeff" + header.upper() + "\n" + rest.rstrip("\n"),
                                   encoding="utf-8")
    import_oneroster(src, tmp_path / "out")
    assert table(tmp_path / "out" / "students.csv")[0]["first_name"] == "Bruce"


def _fails(src: Path, tmp: Path, *needles: str) -> None:
    (tmp / "out").mkdir()
    (tmp / "out" / "keep.txt").write_text("earlier")
    with pytest.raises(ImportFailed) as e:
        import_oneroster(src, tmp / "out")
    for n in needles:
        assert n in str(e.value)
    assert (tmp / "out" / "keep.txt").read_text() == "earlier"
    assert sorted(p.name for p in (tmp / "out").iterdir()) == ["keep.txt"]


def test_a_missing_required_column_is_refused(tmp_path: Path) -> None:
    src = copy("oneroster_test_data", tmp_path)
    text = (src / "enrollments.csv").read_text().replace("userSourcedId", "user")
    (src / "enrollments.csv").write_text(text)
    _fails(src, tmp_path, "enrollments.csv, line 1: required column userSourcedId is missing")


def test_a_duplicate_sourced_id_is_refused(tmp_path: Path) -> None:
    src = copy("oneroster_test_data", tmp_path)
    with (src / "users.csv").open("a") as f:
        f.write((src / "users.csv").read_text().splitlines()[1] + "\n")
    _fails(src, tmp_path, "users.csv, line 3, column sourcedId: 'USER_0' appears more than "
           "once (first on line 2)")


def test_an_unknown_reference_is_refused(tmp_path: Path) -> None:
    src = copy("oneroster_test_data", tmp_path)
    text = (src / "enrollments.csv").read_text().replace("CLASS_001", "CLASS_999")
    (src / "enrollments.csv").write_text(text)
    _fails(src, tmp_path, "enrollments.csv, line 2, column classSourcedId: 'CLASS_999' is "
           "not a sourcedId in classes.csv")


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    src = copy("oneroster_test_data", tmp_path)
    text = (src / "users.csv").read_text().replace("Bruce", "Brücé")
    (src / "users.csv").write_bytes(text.encode("latin-1"))
    _fails(src, tmp_path, "users.csv: not UTF-8 encoded")


def test_a_file_the_manifest_lists_must_be_there(tmp_path: Path) -> None:
    src = copy("oneroster_test_data", tmp_path)
    (src / "courses.csv").unlink()
    _fails(src, tmp_path, "manifest.csv lists file.courses as delta but courses.csv is not")


def test_an_ambiguous_date_is_refused_and_a_readable_one_warned(tmp_path: Path) -> None:
    src = copy("oneroster_test_data", tmp_path)
    demo = (src / "demographics.csv").read_text()
    (src / "demographics.csv").write_text(demo.replace("2010-04-17", "17/04/2010"))
    report = import_oneroster(src, tmp_path / "ok")
    assert table(tmp_path / "ok" / "students.csv")[0]["birth_date"] == "2010-04-17"
    assert any("read as 2010-04-17" in w for w in report.warnings)
    (src / "demographics.csv").write_text(demo.replace("2010-04-17", "04/05/2010"))
    _fails(src, tmp_path, "could be day/month or month/day")


def test_the_cli_reports_and_exits_non_zero_on_bad_input(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["import", "oneroster", str(FIXTURES / "oneroster_test_data"),
                             "--out", str(tmp_path / "x")])
    assert ok.exit_code == 0, ok.output
    assert "Not filled from this source" in ok.output
    bad = runner.invoke(app, ["import", "oneroster", str(tmp_path / "nowhere"),
                              "--out", str(tmp_path / "y")])
    assert bad.exit_code == 1 and "no such folder" in " ".join(bad.output.split())


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("or-rt")
    synth.generate(tmp / "canon", students=600, seed=3, years=2)
    synth_oneroster.write(tmp / "canon", tmp / "bundle")
    import_oneroster(tmp / "bundle", tmp / "back")
    return tmp / "canon", tmp / "back"


@pytest.mark.parametrize(("name", "columns"), [
    ("schools", "school_id, lea_id, name, level, low_grade, high_grade"),
    ("students", "student_id, first_name, last_name, sex, race_ethnicity, birth_date"),
    ("enrollments", "student_id, school_id, school_year, grade_level, entry_date, "
                    "coalesce(exit_date, '')"),
])
def test_the_synthetic_district_round_trips(round_trip, name: str, columns: str) -> None:
    canon, back = round_trip
    con = duckdb.connect()
    a = f"SELECT {columns} FROM read_csv('{canon}/{name}.csv', all_varchar=true)"
    b = f"SELECT {columns} FROM read_csv('{back}/{name}.csv', all_varchar=true)"
    assert con.execute(f"SELECT count(*) FROM ({a})").fetchone()[0] > 0
    assert con.execute(f"SELECT count(*) FROM (({a}) EXCEPT ALL ({b}))").fetchone()[0] == 0
    assert con.execute(f"SELECT count(*) FROM (({b}) EXCEPT ALL ({a}))").fetchone()[0] == 0


def test_every_enrolled_student_is_on_a_roster_with_a_teacher(round_trip) -> None:
    _, back = round_trip
    con = duckdb.connect()
    r = f"read_csv('{back}/section_rosters.csv', all_varchar=true)"
    e = f"read_csv('{back}/enrollments.csv', all_varchar=true)"
    assert con.execute(f"""SELECT count(*) FROM (SELECT DISTINCT student_id, school_id,
        school_year FROM {e}) x ANTI JOIN {r} AS r ON r.person_id = x.student_id
        AND r.role = 'student' AND r.school_id = x.school_id""").fetchone()[0] == 0
    assert con.execute(f"""SELECT count(*) FROM (SELECT DISTINCT section_id FROM {r}) s
        ANTI JOIN (SELECT section_id FROM {r} WHERE role = 'teacher') t
        USING (section_id)""").fetchone()[0] == 0
