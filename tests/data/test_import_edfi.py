"""Ed-Fi XML import: the real Grand Bend sample accounted for record by record, and the
synthetic district round-tripped through Ed-Fi XML back to the rows it came from."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from aimline import data
from aimline.cli import app
from aimline.data import synth
from aimline.data.importers.edfi_xml import import_xml
from aimline.data.importers.report import ImportFailed, ImportReport
from aimline.data.schema import TABLES
from aimline.data.synth import edfi_xml as synth_edfi
from tests.conftest import REALDATA
from tests.data.helpers import file_digest

GRAND_BEND = REALDATA / "edfi" / "grand_bend"
NS = "{http://ed-fi.org/5.2.0}"
runner = CliRunner()


# -- an independent reading of the sample, with the standard library's parser ---------------
def records(file: str, tag: str) -> list[ET.Element]:
    return [e for e in ET.parse(GRAND_BEND / file).getroot() if e.tag == NS + tag]


def text(e: ET.Element, path: str) -> str | None:
    found = e.find("/".join(NS + p for p in path.split("/")))
    return None if found is None or found.text is None else found.text.strip()


def rows(path: Path) -> list[dict[str, str]]:
    con = duckdb.connect()
    cur = con.execute(f"SELECT * FROM read_csv('{path}', all_varchar=true)")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


@pytest.fixture(scope="module")
def grand_bend(tmp_path_factory: pytest.TempPathFactory) -> tuple[ImportReport, Path]:
    out = tmp_path_factory.mktemp("gb") / "extract"
    return import_xml(GRAND_BEND, out), out


def test_every_record_read_is_used_or_dropped_with_a_reason(grand_bend) -> None:
    report, out = grand_bend
    for name, e in report.entities.items():
        assert e.read == e.used + e.dropped_total, name
        assert all(r for r in e.dropped), name
    saved = json.loads((out / "import-report.json").read_text())
    assert saved["entities"]["Student"]["read"] == 960


@pytest.mark.parametrize(("file", "tag"), [
    ("StudentSchoolAttendance.xml", "StudentSchoolAttendanceEvent"),
    ("StudentSectionAttendance-Tardy.xml", "StudentSectionAttendanceEvent"),
    ("StudentDiscipline.xml", "DisciplineAction"),
    ("Student.xml", "Student"),
    ("EducationOrganization.xml", "School"),
    ("EducationOrgCalendar.xml", "Session"),
    ("StudentAssessment-StateAssessment.xml", "StudentAssessment"),
    ("StudentProgram.xml", "StudentSpecialEducationProgramAssociation"),
])
def test_counts_match_an_independent_parse(grand_bend, file: str, tag: str) -> None:
    report, _ = grand_bend
    assert report.entities[tag].read == len(records(file, tag))


def test_attendance_rows_are_the_distinct_absences_and_tardies(grand_bend) -> None:
    _, out = grand_bend
    category = {"Excused Absence": "excused", "Unexcused Absence": "unexcused",
                "Tardy": "tardy"}
    expected = set()
    for file, tag, school in (
            ("StudentSchoolAttendance.xml", "StudentSchoolAttendanceEvent",
             "SchoolReference/SchoolIdentity/SchoolId"),
            ("StudentSectionAttendance-Tardy.xml", "StudentSectionAttendanceEvent",
             "SectionReference/SectionIdentity/CourseOfferingReference/CourseOfferingIdentity/"
             "SchoolReference/SchoolIdentity/SchoolId")):
        for e in records(file, tag):
            cat = text(e, "AttendanceEvent/AttendanceEventCategory").split("#")[1]
            if cat in category:  # the one Partial event has no EventDuration: dropped
                expected.add((text(e, "StudentReference/StudentIdentity/StudentUniqueId"),
                              text(e, school), text(e, "AttendanceEvent/EventDate"),
                              category[cat]))
    got = {(r["student_id"], r["school_id"], r["date"], r["category"])
           for r in rows(out / "attendance_events.csv")}
    assert got == expected
    assert len(rows(out / "attendance_events.csv")) == len(expected)


def test_the_partial_event_and_the_duplicate_tardies_are_reported(grand_bend) -> None:
    report, _ = grand_bend
    school = report.entities["StudentSchoolAttendanceEvent"]
    assert school.dropped == Counter({"Partial event without EventDuration: the share of "
                                      "the day missed is unknown": 1})
    assert "604822, 2021-12-15, Partial" in next(iter(school.examples.values()))
    section = report.entities["StudentSectionAttendanceEvent"]
    assert section.dropped_total == 66 and section.used == 0  # each is also a school tardy


def test_discipline_days_are_summed_per_incident_student_and_action(grand_bend) -> None:
    _, out = grand_bend
    expected: dict[tuple, float] = defaultdict(float)
    for e in records("StudentDiscipline.xml", "DisciplineAction"):
        kind = {"In School Suspension": "iss", "Expulsion": "expulsion"}[
            text(e, "Discipline").split("#")[1]]
        incident = text(e, "StudentDisciplineIncidentBehaviorAssociationReference/"
                           "StudentDisciplineIncidentBehaviorAssociationIdentity/"
                           "DisciplineIncidentReference/DisciplineIncidentIdentity/"
                           "IncidentIdentifier")
        key = (incident, text(e, "StudentReference/StudentIdentity/StudentUniqueId"), kind)
        expected[key] += float(text(e, "ActualDisciplineActionLength"))
    got = {(r["incident_id"], r["student_id"], r["action"]): float(r["days"])
           for r in rows(out / "discipline_actions.csv")}
    assert got == dict(expected)
    dates = {text(e, "IncidentIdentifier"): text(e, "IncidentDate")
             for e in records("StudentDiscipline.xml", "DisciplineIncident")}
    for r in rows(out / "discipline_actions.csv"):  # the incident's date, not the action's
        assert r["date"] == dates[r["incident_id"]]


def test_students_carry_names_and_program_groups(grand_bend) -> None:
    _, out = grand_bend
    students = {r["student_id"]: r for r in rows(out / "students.csv")}
    for e in records("Student.xml", "Student"):
        s = students[text(e, "StudentUniqueId")]
        assert (s["first_name"], s["last_name"]) == (text(e, "Name/FirstName"),
                                                     text(e, "Name/LastSurname"))
    sped = {text(e, "StudentReference/StudentIdentity/StudentUniqueId")
            for e in records("StudentProgram.xml", "StudentSpecialEducationProgramAssociation")}
    assert {k for k, s in students.items() if s["disability"] == "true"} == sped
    homeless = {text(e, "StudentReference/StudentIdentity/StudentUniqueId")
                for e in records("StudentProgram.xml", "StudentHomelessProgramAssociation")}
    assert {k for k, s in students.items() if s["homeless"] == "true"} == homeless


def test_staff_assignments_are_the_school_ones_active_in_the_sample_year(grand_bend) -> None:
    _, out = grand_bend
    experience = {text(e, "StaffUniqueId"): int(float(text(
        e, "YearsOfPriorProfessionalExperience"))) for e in records("StaffAssociation.xml",
                                                                    "Staff")}
    schools = {text(e, "SchoolId") for e in records("EducationOrganization.xml", "School")}
    role = {"Teacher": "teacher", "Principal": "principal", "Counselor": "counselor"}
    expected = set()
    for e in records("StaffAssociation.xml", "StaffEducationOrganizationAssignmentAssociation"):
        school = text(e, "EducationOrganizationReference/EducationOrganizationIdentity/"
                         "EducationOrganizationId")
        end = text(e, "EndDate")
        if school in schools and text(e, "BeginDate") <= "2022-06-30" and \
                (end is None or end >= "2021-07-01"):
            staff = text(e, "StaffReference/StaffIdentity/StaffUniqueId")
            expected.add((staff, school, "2022", role.get(
                text(e, "StaffClassification").split("#")[1], "other"), str(experience[staff])))
    got = {(r["staff_id"], r["school_id"], r["school_year"], r["role"], r["years_experience"])
           for r in rows(out / "staff_assignments.csv")}
    assert got == expected and len(got) > 50


def test_teachers_of_sections_are_on_the_rosters(grand_bend) -> None:
    report, out = grand_bend
    expected = {(text(e, "SectionReference/SectionIdentity/SectionIdentifier"),
                 text(e, "StaffReference/StaffIdentity/StaffUniqueId"))
                for e in records("StaffAssociation.xml", "StaffSectionAssociation")}
    got = [(r["section_id"], r["person_id"]) for r in rows(out / "section_rosters.csv")
           if r["role"] == "teacher"]
    assert sorted(got) == sorted(expected)  # one row per teacher and section
    # the 528 associations are all used: a teacher twice in a section is one row
    assert report.entities["StaffSectionAssociation"].used == 528 > len(expected)


def test_what_the_sample_lacks_is_said_and_the_rest_imports(grand_bend) -> None:
    report, out = grand_bend
    assert "StudentSchoolAssociation" in report.unfilled["enrollments"]
    assert "students.sex" in report.unfilled and "course_marks" in report.unfilled
    assert "all 34 StudentAssessment record(s) were dropped" in report.unfilled[
        "assessment_results"]
    assert any("calendar is incomplete" in w for w in report.warnings)
    assert {"leas", "schools", "students", "attendance_events",
            "discipline_actions"} <= set(report.tables)
    assert not (out / "enrollments.csv").exists()


def test_import_with_load_refuses_an_unloadable_extract(tmp_path: Path) -> None:
    wh = tmp_path / "w.duckdb"
    result = runner.invoke(app, ["import", "edfi", str(GRAND_BEND), "--out",
                                 str(tmp_path / "x"), "--load", "--warehouse", str(wh)])
    assert result.exit_code == 1
    said = " ".join(result.output.split())  # Rich wraps long lines
    assert "was not changed" in said and "StudentSchoolAssociation" in said
    assert not wh.exists()


# -- round trip -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, ImportReport]:
    tmp = tmp_path_factory.mktemp("edfi-rt")
    synth.generate(tmp / "canon", students=400, seed=5, years=2)
    synth_edfi.write(tmp / "canon", tmp / "xml")
    report = import_xml(tmp / "xml", tmp / "back",
                        descriptor_map=tmp / "xml" / "descriptor-map.yaml")
    return tmp / "canon", tmp / "back", report


def typed(con: duckdb.DuckDBPyConnection, folder: Path, t) -> str:
    cols = ", ".join(f'TRY_CAST("{c.name}" AS {c.duckdb_type}) AS "{c.name}"' for c in t.columns)
    return f"SELECT {cols} FROM read_csv('{folder}/{t.name}.csv', all_varchar=true)"


def test_the_synthetic_district_comes_back_row_for_row(round_trip) -> None:
    canon, back, report = round_trip
    con = duckdb.connect()
    compared = 0
    for t in TABLES:
        if t.name in ("cohort_outcomes", "staff_assignments", "section_rosters"):
            # not in the synthetic Ed-Fi files (staff: see the Grand Bend test)
            assert t.name in report.unfilled  # Ed-Fi has no such record (or not read yet)
            continue
        a, b = typed(con, canon, t), typed(con, back, t)
        assert con.execute(f"SELECT count(*) FROM (({a}) EXCEPT ALL ({b}))").fetchone()[0] == 0
        assert con.execute(f"SELECT count(*) FROM (({b}) EXCEPT ALL ({a}))").fetchone()[0] == 0
        compared += con.execute(f"SELECT count(*) FROM ({a})").fetchone()[0]
    assert compared > 10_000


def test_the_round_tripped_extract_loads(round_trip, tmp_path: Path) -> None:
    _, back, _ = round_trip
    result = runner.invoke(app, ["load", str(back), "--warehouse", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 0, result.output


def test_an_unmapped_district_descriptor_fails_and_writes_nothing(round_trip,
                                                                  tmp_path: Path) -> None:
    canon, _, _ = round_trip
    synth_edfi.write(canon, tmp_path / "xml")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("earlier extract")
    with pytest.raises(ImportFailed) as e:  # no --descriptor-map: the district's codes
        import_xml(tmp_path / "xml", tmp_path / "out")
    message = str(e.value)
    assert "AttendanceEventCategoryDescriptor value 'uri://aimline.example/" \
           "AttendanceEventCategoryDescriptor#Out-of-school suspension' is not mapped" in message
    assert "StudentAttendance.xml line" in message
    assert (tmp_path / "out" / "keep.txt").read_text() == "earlier extract"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "xml"]  # no work folder


def test_malformed_xml_names_the_line_and_element(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(GRAND_BEND / "EducationOrganization.xml", src)
    lines = (GRAND_BEND / "Student.xml").read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(lines) if "</FirstName>" in line)
    lines[i] = lines[i].replace("</FirstName>", "</FirstNam>")
    (src / "Student.xml").write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["import", "edfi", str(src), "--out", str(out)])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert f"Student.xml, line {i + 1}: malformed XML" in said and "FirstName" in said
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]  # no work folder left


def test_a_district_descriptor_map_extends_the_defaults(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    xml = (GRAND_BEND / "StudentSchoolAttendance.xml").read_text(encoding="utf-8")
    (src / "StudentSchoolAttendance.xml").write_text(xml.replace(
        "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Unexcused Absence",
        "uri://gbisd.edu/AttendanceEventCategoryDescriptor#Truant"), encoding="utf-8")
    before = file_digest(GRAND_BEND / "StudentSchoolAttendance.xml")
    with pytest.raises(ImportFailed, match="Truant"):
        import_xml(src, tmp_path / "a")
    (tmp_path / "map.yaml").write_text("AttendanceEventCategoryDescriptor:\n  Truant: unexcused\n")
    report = import_xml(src, tmp_path / "b", descriptor_map=tmp_path / "map.yaml")
    assert report.entities["StudentSchoolAttendanceEvent"].used == 1916
    cats = Counter(r["category"] for r in rows(tmp_path / "b" / "attendance_events.csv"))
    assert cats["unexcused"] == 773
    assert file_digest(GRAND_BEND / "StudentSchoolAttendance.xml") == before


def test_reading_files_in_parallel_gives_the_same_extract_and_report(
        round_trip, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aimline.data.importers import edfi_xml

    canon, back, report = round_trip
    xml = tmp_path / "xml"
    synth_edfi.write(canon, xml)
    monkeypatch.setattr(edfi_xml, "PARALLEL_BYTES", 0)  # every source goes to the workers
    parallel = import_xml(xml, tmp_path / "par", descriptor_map=xml / "descriptor-map.yaml")
    assert parallel.as_dict()["entities"] == report.as_dict()["entities"]
    assert parallel.tables == report.tables
    con = duckdb.connect()
    for t in TABLES:
        if t.name in report.tables:
            a, b = typed(con, back, t), typed(con, tmp_path / "par", t)
            assert con.execute(f"SELECT count(*) FROM (({a}) EXCEPT ALL ({b}))"
                               ).fetchone()[0] == 0, t.name
    # a problem found in a worker stops the import the same way
    (xml / "descriptor-map.yaml").unlink()
    with pytest.raises(ImportFailed, match="Out-of-school suspension"):
        import_xml(xml, tmp_path / "none")
    assert not (tmp_path / "none").exists()


def test_a_value_that_is_not_a_number_names_the_file_and_line(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    lines = (GRAND_BEND / "StudentSchoolAttendance.xml").read_text(encoding="utf-8").split("\n")
    i = next(i for i, line in enumerate(lines) if "<EventDuration>1</EventDuration>" in line)
    lines[i] = lines[i].replace(">1<", ">one<")
    (src / "StudentSchoolAttendance.xml").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ImportFailed) as e:
        import_xml(src, tmp_path / "out")
    assert "StudentSchoolAttendance.xml line" in str(e.value)
    assert "'one'" in str(e.value)
    assert not (tmp_path / "out").exists()


def test_records_missing_their_student_are_kept_for_validation_to_name(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    text = (GRAND_BEND / "StudentSchoolAttendance.xml").read_text(encoding="utf-8")
    # every event loses its student: events of one school, date and category must not
    # then be merged into one as if they were duplicates
    text = re.sub(r"<StudentUniqueId>\d+</StudentUniqueId>", "", text)
    (src / "StudentSchoolAttendance.xml").write_text(text, encoding="utf-8")
    report = import_xml(src, tmp_path / "out")
    assert report.entities["StudentSchoolAttendanceEvent"].used == 1916
    assert len(rows(tmp_path / "out" / "attendance_events.csv")) == 1916
    problems = [p for p in data.check(tmp_path / "out").problems if p.column == "student_id"]
    assert {p.rule for p in problems} == {"required value is missing"}


def test_results_naming_no_school_take_it_from_another_source_s_enrollments(
        tmp_path: Path) -> None:
    """An Ed-Fi feed of assessments alone (no StudentSchoolAssociation, results without a
    ReportedSchoolReference) drops every result for want of a school; given the SIS's
    extract (`--enrollments-from`), each takes the school enrolling the student that day."""
    import pandas as pd

    from aimline.data.importers import import_edfi

    synth.generate_source(tmp_path / "feed", students=300, seed=3, years=1,
                              fmt="edfi-xml")
    synth.generate(tmp_path / "sis", students=300, seed=3, years=1)
    feed = tmp_path / "feed"
    for keep in ("AssessmentMetadata.xml", "StudentAssessment.xml", "descriptor-map.yaml"):
        assert (feed / keep).exists()
    for p in feed.iterdir():
        if p.name not in ("AssessmentMetadata.xml", "StudentAssessment.xml",
                          "descriptor-map.yaml", "EducationOrganization.xml", "Student.xml"):
            p.unlink()
    results = feed / "StudentAssessment.xml"
    results.write_text(re.sub(r"<ReportedSchoolReference>.*?</ReportedSchoolReference>", "",
                              results.read_text(), flags=re.S))
    maps = feed / "descriptor-map.yaml"
    alone = import_edfi(feed, tmp_path / "alone", descriptor_map=maps)
    assert "assessment_results" in alone.unfilled
    report = import_edfi(feed, tmp_path / "joined", descriptor_map=maps,
                         enrollments=tmp_path / "sis")
    got = pd.read_csv(tmp_path / "joined" / "assessment_results.csv", dtype=str)
    truth = pd.read_csv(tmp_path / "sis" / "assessment_results.csv", dtype=str)
    assert report.entities["StudentAssessment"].used == len(got) == len(truth)
    key = ["student_id", "subject"]
    merged = got.merge(truth, on=key, suffixes=("", "_sis"))
    assert len(merged) == len(got) and (merged.school_id == merged.school_id_sis).all()
