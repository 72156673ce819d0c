"""OneRoster 1.1 / 1.2 CSV bundles → canonical extract.

    report = import_oneroster(Path("oneroster.zip"), Path("extract/"))

What OneRoster carries, and where it goes:

- `orgs`: districts → `leas`; schools (and any org classes name as their school) →
  `schools`, level and grades from the classes and students;
- `users` (role student; in 1.2 the role is on `roles`) + `demographics` → `students`
  (names, sex, race/ethnicity, birth date);
- `courses` → `courses` (subject from the SCED `subjectCodes`);
- `classes` + `enrollments` + `academicSessions` → `section_rosters` (students and
  teachers per class) and `enrollments`: a student's class enrollments at a school, with
  overlapping spans merged, are their enrollment spans.

OneRoster has no attendance, calendar, marks, discipline, assessments or student-group
flags (economically disadvantaged, English learner, ...): the report lists them as not
filled. Tolerant of what real exports get wrong without harm (BOM, header case, a missing
trailing newline, short rows, day/month dates that can only be read one way), with
warnings; strict where data would be wrong (a duplicate sourcedId, a reference to a
record that is not there, a file the manifest lists but the bundle lacks).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import duckdb

from aimline.data.extract import Format
from aimline.data.importers.common import grade_span
from aimline.data.importers.output import SEQ, SRC, Staging, atomic_folder, finish
from aimline.data.importers.report import ImportFailed, ImportReport
from aimline.data.schema import GRADE_LEVELS

REQUIRED = {
    "orgs": ("sourcedId", "name", "type"),
    "academicSessions": ("sourcedId", "title", "type", "startDate", "endDate", "schoolYear"),
    "courses": ("sourcedId", "title"),
    "classes": ("sourcedId", "title", "courseSourcedId", "schoolSourcedId", "termSourcedIds"),
    "users": ("sourcedId", "givenName", "familyName"),
    "roles": ("sourcedId", "userSourcedId", "role", "orgSourcedId"),
    "demographics": ("sourcedId",),
    "enrollments": ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
}
SPANS = ("student_id", "school_id", "school_year", "grade_level", "begin", "end")
# SCED course codes (NCES School Codes for the Exchange of Data): the first two digits
SCED = {"01": "ela", "02": "math", "03": "science", "04": "social_studies", "05": "arts",
        "06": "world_language", "07": "pe_health", "08": "pe_health"}
SEX = {"male": "M", "female": "F", "other": "X", "unspecified": "X"}
RACES = {"americanIndianOrAlaskaNative": "american_indian", "asian": "asian",
         "blackOrAfricanAmerican": "black",
         "nativeHawaiianOrOtherPacificIslander": "pacific_islander", "white": "white"}
MISSING = {
    "attendance_events": "OneRoster has no attendance", "calendar_days": "OneRoster has no "
    "school calendar", "course_marks": "OneRoster has no final marks (results are "
    "gradebook scores)", "discipline_actions": "OneRoster has no discipline records",
    "assessment_results": "OneRoster has no state assessment results",
    "cohort_outcomes": "OneRoster has no graduation cohorts",
    "staff_assignments": "OneRoster has no staff assignments with experience",
    "students.economically_disadvantaged": "OneRoster has no student-group flags",
    "students.english_learner": "OneRoster has no student-group flags",
    "students.disability": "OneRoster has no student-group flags",
    "students.homeless": "OneRoster has no student-group flags",
    "students.foster_care": "OneRoster has no student-group flags",
    "students.migrant": "OneRoster has no student-group flags",
    "students.sex": "no demographics.csv in the bundle",
    "students.race_ethnicity": "no demographics.csv in the bundle",
    "courses.credits": "OneRoster courses carry no credits",
    "leas": "no org of type district in orgs.csv",
}


@dataclass
class Row:
    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.values.get(key, "")


Opener = Callable[[], IO[str]]


@dataclass
class Bundle:
    """The bundle's files (opened on demand, read as streams) and what its manifest says."""

    files: dict[str, Opener]  # name (as in REQUIRED) -> opens the CSV as text
    modes: dict[str, str]  # name -> bulk / delta
    version: str
    warnings: list[str] = field(default_factory=list)


def _zip_member(source: Path, member: str) -> Opener:
    def opener() -> IO[str]:
        z = zipfile.ZipFile(source)  # closed with the stream: TextIOWrapper closes the member
        return io.TextIOWrapper(z.open(member), encoding="utf-8-sig", newline="")

    return opener


def open_bundle(source: Path) -> Bundle:
    """Find a folder's or .zip's OneRoster CSVs and check them against the manifest."""
    found: dict[str, Opener] = {}
    if source.is_file() and source.suffix.lower() == ".zip":
        with zipfile.ZipFile(source) as z:
            for info in z.infolist():  # base names only: no path inside the zip is trusted
                name = Path(info.filename).name
                if name.lower().endswith(".csv") and not info.is_dir():
                    found[name] = _zip_member(source, info.filename)
    elif source.is_dir():
        for p in sorted(source.glob("*.csv")):
            found[p.name] = lambda p=p: p.open(encoding="utf-8-sig", newline="")
    else:
        raise FileNotFoundError(f"{source}: no such folder or .zip of OneRoster CSV files")
    by_lower = {k.lower(): k for k in found}
    if "manifest.csv" not in by_lower:
        raise ImportFailed([f"{source}: manifest.csv is missing (a OneRoster bundle starts "
                            "with it)"])
    with found[by_lower["manifest.csv"]]() as f:
        manifest = {r[0].strip(): (r[1].strip() if len(r) > 1 else "")
                    for r in csv.reader(f) if r}
    version = manifest.get("oneroster.version", "")
    warnings = []
    if version not in ("1.1", "1.2"):
        warnings.append(f"manifest.csv: oneroster.version is {version!r}; read as 1.2")
    files, modes, problems = {}, {}, []
    for name in REQUIRED:
        mode = manifest.get(f"file.{name}", "absent").lower() or "absent"
        present = by_lower.get(f"{name.lower()}.csv")
        if mode in ("bulk", "delta"):
            if present is None:
                problems.append(f"manifest.csv lists file.{name} as {mode} but {name}.csv "
                                "is not in the bundle")
                continue
            files[name], modes[name] = found[present], mode
        elif present is not None:
            warnings.append(f"{present}: the manifest says {mode}; the file is ignored")
    if problems:
        raise ImportFailed(problems)
    return Bundle(files, modes, version, warnings)


def rows(bundle: Bundle, name: str, report: ImportReport) -> Iterator[Row]:
    """The rows of one file as dicts keyed by the standard column names (any header case),
    with the file line of each; short rows padded (with a warning), long rows refused."""
    opener = bundle.files.get(name)
    if opener is None:
        return
    with opener() as f:
        try:
            yield from _rows(f, name, report)
        except UnicodeDecodeError as e:
            raise ImportFailed([f"{name}.csv: not UTF-8 encoded ({e.reason} at byte "
                                f"{e.start} of a read block): save it as UTF-8"]) from None


def _rows(f: IO[str], name: str, report: ImportReport) -> Iterator[Row]:
    file = f"{name}.csv"
    reader = csv.reader(f)
    header = next(reader, None)
    if header is None:
        raise ImportFailed([f"{file}: the file is empty (no header row)"])
    standard = {c.lower(): c for c in REQUIRED[name]}
    names = [standard.get(h.strip().lower(), h.strip()) for h in header]
    missing = [c for c in REQUIRED[name] if c not in names]
    if missing:
        raise ImportFailed([f"{file}, line 1: required column {', '.join(missing)} is missing "
                            "from the header"])
    short = 0
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        extra = [v for v in values[len(names):] if v.strip()]
        if extra:
            raise ImportFailed([f"{file}, line {reader.line_num}: the row has more fields "
                                f"({len(values)}) than the header ({len(names)})"])
        if len(values) < len(names):
            short += 1
        report.entity(name).read += 1
        yield Row(file, reader.line_num, {n: v.strip() for n, v in zip(names, values) if n})
    if short:
        report.warnings.append(f"{file}: {short} row(s) have fewer fields than the header; "
                               "the missing fields were read as empty")


DAY_MONTH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def iso_date(value: str, row: Row, column: str, problems: list[str],
             warnings: set[str]) -> str | None:
    """YYYY-MM-DD from an ISO date or timestamp; d/m/yyyy or m/d/yyyy when only one reading
    is possible (with a warning); an ambiguous or unreadable date is a problem."""
    if not value:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ].*)?", value):
        return value[:10]
    m = DAY_MONTH.fullmatch(value)
    if m:
        a, b, y = int(m[1]), int(m[2]), m[3]
        if a > 12 >= b or b > 12 >= a:
            day, month = (a, b) if a > 12 else (b, a)
            warnings.add(f"{row.file}, column {column}: dates like {value!r} read as "
                         f"{y}-{month:02d}-{day:02d}; OneRoster dates are YYYY-MM-DD")
            return f"{y}-{month:02d}-{day:02d}"
        problems.append(f"{row.file}, line {row.line}, column {column}: {value!r} could be "
                        "day/month or month/day: write YYYY-MM-DD")
        return None
    problems.append(f"{row.file}, line {row.line}, column {column}: {value!r} is not a date "
                    "(YYYY-MM-DD)")
    return None


def grade_code(value: str) -> str | None:
    """CEDS grade codes as OneRoster writes them ('9', '09', 'KG', 'PK') → canonical."""
    v = value.strip().upper()
    if v.isdigit() and 1 <= int(v) <= 12:
        return f"{int(v):02d}"
    return v if v in GRADE_LEVELS else None


def _subject(codes: str) -> str | None:
    for code in (c.strip() for c in codes.split(",")):
        if code[:2].isdigit():
            return SCED.get(code[:2], "cte" if "10" <= code[:2] <= "21" else "elective")
    return None


class Reader:
    """Reads a bundle into staged rows, checking sourcedIds and references."""

    def __init__(self, bundle: Bundle, staging: Staging, report: ImportReport) -> None:
        self.b = bundle
        self.staging = staging
        self.report = report
        self.problems: list[str] = []
        self.date_warnings: set[str] = set()
        self.orgs: dict[str, Row] = {}
        self.sessions: dict[str, Row] = {}
        self.courses: dict[str, Row] = {}
        self.classes: dict[str, Row] = {}
        self.users: dict[str, Row] = {}
        self.student_ids: set[str] = set()
        self.school_grades: dict[str, set[str]] = defaultdict(set)
        self.schools: set[str] = set()

    def live(self, name: str, row: Row) -> bool:
        """False (and counted as dropped) for deleted or inactive records."""
        status = row["status"].lower()
        if status == "tobedeleted":
            why = ("deleted in this delta feed" if self.b.modes.get(name) == "delta"
                   else "status tobedeleted")
            self.report.drop(name, why, row["sourcedId"])
            return False
        if status == "inactive":
            self.report.drop(name, "status inactive", row["sourcedId"])
            return False
        return True

    def load(self, name: str, into: dict[str, Row]) -> None:
        for row in rows(self.b, name, self.report):
            sid = row["sourcedId"]
            if sid in into:
                self.problems.append(f"{row.file}, line {row.line}, column sourcedId: "
                                     f"{sid!r} appears more than once (first on line "
                                     f"{into[sid].line})")
                continue
            into[sid] = row

    def unknown(self, row: Row, column: str, value: str, target: str) -> None:
        self.problems.append(f"{row.file}, line {row.line}, column {column}: {value!r} is not "
                             f"a sourcedId in {target}.csv")

    def read(self) -> None:
        self.load("orgs", self.orgs)
        self.load("academicSessions", self.sessions)
        self.load("courses", self.courses)
        self.load("classes", self.classes)
        self.load("users", self.users)
        for name, records in (("academicSessions", self.sessions), ("classes", self.classes)):
            # they give rosters their school year and school; counted used when live
            self.report.entity(name).used += sum(self.live(name, r) for r in records.values())
        roles: dict[str, set[str]] = defaultdict(set)
        for row in rows(self.b, "roles", self.report):
            if self.live("roles", row):
                roles[row["userSourcedId"]].add(row["role"].lower())
                self.report.entity("roles").used += 1
        for sid, user in self.users.items():
            if not self.live("users", user):
                continue
            kinds = roles.get(sid, set()) | {user["role"].lower()} - {""}
            if "student" in kinds:
                self.student_ids.add(sid)
                self.staging.add("students", "users", {
                    "student_id": sid, "first_name": user["givenName"] or None,
                    "last_name": user["familyName"] or None})
                self.report.entity("users").used += 1
            else:
                self.report.drop("users", "not a student (teachers are kept on the rosters)",
                                 f"{sid} ({', '.join(sorted(kinds)) or 'no role'})")
        self._demographics()
        self._courses()
        self._enrollments()
        self._orgs()

    def _demographics(self) -> None:
        for row in rows(self.b, "demographics", self.report):
            sid = row["sourcedId"]
            if not self.live("demographics", row):
                continue
            if sid not in self.users:
                self.unknown(row, "sourcedId", sid, "users")
                continue
            if sid not in self.student_ids:
                self.report.drop("demographics", "not a student", sid)
                continue
            races = [code for col, code in RACES.items() if row[col].lower() == "true"]
            race = ("hispanic" if row["hispanicOrLatinoEthnicity"].lower() == "true"
                    else "two_or_more" if len(races) > 1
                    or row["demographicRaceTwoOrMoreRaces"].lower() == "true"
                    else races[0] if races else None)
            self.staging.add("demographics", "demographics", {
                "student_id": sid, "sex": SEX.get(row["sex"].lower()),
                "race_ethnicity": race,
                "birth_date": iso_date(row["birthDate"], row, "birthDate", self.problems,
                                       self.date_warnings)})
            self.report.entity("demographics").used += 1

    def _courses(self) -> None:
        unmapped = 0
        for sid, row in self.courses.items():
            if not self.live("courses", row):
                continue
            subject = _subject(row["subjectCodes"])
            if subject is None:
                unmapped += 1
                subject = "elective"
            grades = [g for g in map(grade_code, row["grades"].split(",")) if g]
            self.staging.add("courses", "courses", {
                "course_id": row["courseCode"] or sid, "title": row["title"],
                "subject": subject, "grade_level": grades[0] if len(grades) == 1 else None,
                "core": subject in ("ela", "math", "science", "social_studies")})
            self.report.entity("courses").used += 1
        if unmapped:
            self.report.warnings.append(
                f"courses.csv: {unmapped} course(s) have no SCED subjectCodes; their subject "
                "was set to elective")

    def _term(self, cls: Row) -> Row | None:
        for term in (t.strip() for t in cls["termSourcedIds"].split(",") if t.strip()):
            if term not in self.sessions:
                self.unknown(cls, "termSourcedIds", term, "academicSessions")
                return None
            return self.sessions[term]
        return None

    def _enrollments(self) -> None:
        for row in rows(self.b, "enrollments", self.report):
            if not self.live("enrollments", row):
                continue
            cls = self.classes.get(row["classSourcedId"])
            user = row["userSourcedId"]
            if cls is None:
                self.unknown(row, "classSourcedId", row["classSourcedId"], "classes")
                continue
            if user not in self.users:
                self.unknown(row, "userSourcedId", user, "users")
                continue
            if cls["status"].lower() in ("tobedeleted", "inactive"):
                self.report.drop("enrollments", f"the class is {cls['status'].lower()}",
                                 row["sourcedId"])
                continue
            school = cls["schoolSourcedId"]
            if school not in self.orgs:
                self.unknown(cls, "schoolSourcedId", school, "orgs")
                continue
            role = row["role"].lower()
            if role == "student" and user not in self.student_ids:
                self.report.drop("enrollments", "enrolled as a student but not a student in "
                                 "users.csv", f"{row['sourcedId']}: {user}")
                continue
            if role not in ("student", "teacher"):
                self.report.drop("enrollments", f"role {role}: rosters keep students and "
                                 "teachers", row["sourcedId"])
                continue
            term = self._term(cls)
            if term is None:
                self.report.drop("enrollments", "the class has no term (no school year)",
                                 row["sourcedId"])
                continue
            year = term["schoolYear"]
            begin = iso_date(row["beginDate"], row, "beginDate", self.problems,
                             self.date_warnings) or iso_date(
                term["startDate"], term, "startDate", self.problems, self.date_warnings)
            end = iso_date(row["endDate"], row, "endDate", self.problems, self.date_warnings)
            course = self.courses.get(cls["courseSourcedId"])
            if course is None and "courses" in self.b.files:
                self.unknown(cls, "courseSourcedId", cls["courseSourcedId"], "courses")
                continue
            self.schools.add(school)
            self.staging.add("section_rosters", "enrollments", {
                "section_id": cls["sourcedId"], "school_id": school, "school_year": year,
                "course_id": (course["courseCode"] or course["sourcedId"]) if course else None,
                "person_id": user, "role": role, "begin_date": begin, "end_date": end})
            if role == "student":
                class_grades = [g for g in map(grade_code, cls["grades"].split(",")) if g]
                grade = class_grades[0] if len(class_grades) == 1 else next(
                    (g for g in map(grade_code, self.users[user]["grades"].split(",")) if g),
                    None)
                self.school_grades[school] |= set(class_grades) | ({grade} - {None})
                self.staging.add("spans", "enrollments", {
                    "student_id": user, "school_id": school, "school_year": year,
                    "grade_level": grade, "begin": begin, "end": end})
            self.report.entity("enrollments").used += 1

    def _orgs(self) -> None:
        used = 0
        for sid, org in self.orgs.items():
            kind = org["type"].lower()
            if not self.live("orgs", org):
                continue
            if kind == "district":
                self.staging.add("leas", "orgs", {"lea_id": sid, "name": org["name"]})
                used += 1
            elif kind == "school" or sid in self.schools:
                if kind != "school":
                    self.report.warnings.append(
                        f"orgs.csv, line {org.line}: {sid!r} is of type {kind!r} but classes "
                        "name it as their school: imported as a school")
                level, low, high = grade_span(sorted(self.school_grades.get(sid, ())))
                self.staging.add("schools", "orgs", {
                    "school_id": sid, "lea_id": self._district(org), "name": org["name"],
                    "level": level, "low_grade": low, "high_grade": high})
                used += 1
            else:
                self.report.drop("orgs", f"an org of type {kind} is neither a district nor a "
                                 "school", sid)
        self.report.entity("orgs").used += used

    def _district(self, org: Row) -> str | None:
        seen = set()
        while org["parentSourcedId"] and org["sourcedId"] not in seen:
            seen.add(org["sourcedId"])
            parent = self.orgs.get(org["parentSourcedId"])
            if parent is None:
                self.report.warnings.append(
                    f"{org.file}, line {org.line}: parentSourcedId {org['parentSourcedId']!r} "
                    "is not in orgs.csv, so the school's district is unknown")
                return None
            if parent["type"].lower() == "district":
                return parent["sourcedId"]
            org = parent
        return None


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Students with their demographics; enrollment spans from class enrollments (spans of
    one student at one school in one year that overlap merged into one; a student who
    leaves and comes back keeps two spans)."""
    con.execute(f"""CREATE OR REPLACE TABLE stg_students AS
        SELECT s.* EXCLUDE (sex, race_ethnicity, birth_date), d.sex, d.race_ethnicity,
               d.birth_date FROM stg_students s LEFT JOIN stg_demographics d USING (student_id)
        ORDER BY s.{SEQ}""")
    con.execute(f"""CREATE OR REPLACE TABLE stg_enrollments AS
        WITH s AS (SELECT *, CAST(begin AS DATE) AS b,
                          coalesce(CAST("end" AS DATE), DATE '9999-12-31') AS e FROM stg_spans),
        o AS (SELECT *, CASE WHEN b <= max(e) OVER (
                    PARTITION BY student_id, school_id, school_year ORDER BY b, {SEQ}
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) THEN 0 ELSE 1 END
                  AS starts FROM s),
        g AS (SELECT *, sum(starts) OVER (PARTITION BY student_id, school_id, school_year
                                          ORDER BY b, {SEQ}) AS island FROM o)
        SELECT student_id, school_id, school_year, arg_min(grade_level, b) AS grade_level,
               CAST(min(b) AS VARCHAR) AS entry_date,
               CAST(nullif(max(e), DATE '9999-12-31') AS VARCHAR) AS exit_date,
               NULL AS exit_reason, 'enrollments' AS {SRC}, min({SEQ}) AS {SEQ}
        FROM g GROUP BY student_id, school_id, school_year, island ORDER BY {SEQ}""")


def import_oneroster(source: Path, out: Path, *, fmt: Format = "csv",
                     tick: Callable[[int], None] | None = None) -> ImportReport:
    """Import a OneRoster CSV bundle (folder or .zip) into a canonical extract at `out`."""
    bundle = open_bundle(source)
    report = ImportReport(source=str(source), kind=f"oneroster {bundle.version}")
    report.warnings.extend(bundle.warnings)
    if "delta" in bundle.modes.values():
        report.warnings.append("a delta feed: the extract holds only the changed records. "
                               "Load it only on top of the bulk feed it changes: enrollments "
                               "replace whole school years")
    with atomic_folder(out) as work:
        staging = Staging(work / "staging", {
            "demographics": ("student_id", "sex", "race_ethnicity", "birth_date"),
            "spans": SPANS})
        reader = Reader(bundle, staging, report)
        reader.read()
        report.warnings.extend(sorted(reader.date_warnings))
        if reader.problems:
            raise ImportFailed(reader.problems)
        for name in REQUIRED:
            if name in bundle.files:
                report.files[f"{name}.csv"] = report.entity(name).read
        if tick:
            tick(sum(report.files.values()))
        missing = dict(MISSING)
        if "demographics" in bundle.files:
            missing["students.sex"] = "demographics.csv has no sex for these students"
            missing["students.race_ethnicity"] = "demographics.csv has no race for them"
        finish(staging, work / "extract", report, fmt, prepare=prepare, missing=missing)
        report.save(work / "extract" / "import-report.json")
    return report
