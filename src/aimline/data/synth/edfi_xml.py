"""The synthetic district as Ed-Fi XML interchange files (Data Standard 5.2 names).

    write(Path("district/"), Path("edfi-xml/"))    # from a canonical extract

Written from the canonical extract, so a test can import the files back and compare
with the rows they came from. Values the standard Ed-Fi descriptor lists have no code
for (an out-of-school-suspension absence, a fighting behaviour, detention, performance
levels 1-5) use the district's own namespace, `uri://aimline.example/...`, and
`descriptor-map.yaml` written beside the files tells the importer what they mean, as a
real district's map would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb
import yaml

from aimline.data.extract import open_views
from aimline.data.schema import BEHAVIORS, GRADE_LEVELS

NS = "http://ed-fi.org/5.2.0"
ED = "uri://ed-fi.org/"
OWN = "uri://aimline.example/"
GRADE_NAMES = {
    "PK": "Prekindergarten", "KG": "Kindergarten", "01": "First grade", "02": "Second grade",
    "03": "Third grade", "04": "Fourth grade", "05": "Fifth grade", "06": "Sixth grade",
    "07": "Seventh grade", "08": "Eighth grade", "09": "Ninth grade", "10": "Tenth grade",
    "11": "Eleventh grade", "12": "Twelfth grade"}
SUBJECT_NAMES = {
    "ela": "English Language Arts", "math": "Mathematics", "science": "Science",
    "social_studies": "Social Studies", "world_language": "Foreign Language and Literature",
    "arts": "Fine and Performing Arts", "pe_health": "Physical, Health, and Safety Education",
    "cte": "Career and Technical Education", "elective": "Miscellaneous"}
CATEGORY = {"excused": f"{ED}AttendanceEventCategoryDescriptor#Excused Absence",
            "unexcused": f"{ED}AttendanceEventCategoryDescriptor#Unexcused Absence",
            "tardy": f"{ED}AttendanceEventCategoryDescriptor#Tardy",
            "early_departure": f"{ED}AttendanceEventCategoryDescriptor#Early departure",
            "suspension": f"{OWN}AttendanceEventCategoryDescriptor#Out-of-school suspension"}
ACTION = {"oss": f"{ED}DisciplineDescriptor#Out of School Suspension",
          "iss": f"{ED}DisciplineDescriptor#In School Suspension",
          "expulsion": f"{ED}DisciplineDescriptor#Expulsion",
          "referral": f"{ED}DisciplineDescriptor#Removal from Classroom",
          "other": f"{ED}DisciplineDescriptor#Other",
          "detention": f"{OWN}DisciplineDescriptor#Detention",
          "law_enforcement_referral": f"{OWN}DisciplineDescriptor#Referral to law enforcement"}
RACE = {"american_indian": "American Indian or Alaska Native", "asian": "Asian",
        "black": "Black or African American", "white": "White",
        "pacific_islander": "Native Hawaiian or Pacific Islander"}
SCHOOL_CATEGORY = {"elementary": "Elementary School", "middle": "Middle School",
                   "high": "High School", "other": "All Levels"}
EXIT = {"transfer_out": "Transferred",
        "transfer_in_district": "Transferred within the district",
        "graduated": "Graduated", "dropped_out": "Dropout", "expelled": "Expelled",
        "deceased": "Died or is permanently incapacitated", "end_of_year": "End of school year",
        "moved": "Withdrawn", "other": "Other"}
TERM = {"S1": "Fall Semester", "S2": "Spring Semester", "FY": "Year Round",
        "Q1": "First Quarter", "Q2": "Second Quarter", "Q3": "Third Quarter",
        "Q4": "Fourth Quarter", "T1": "First Trimester", "T2": "Second Trimester",
        "T3": "Third Trimester"}
# what the district's own descriptors mean: written as descriptor-map.yaml
DESCRIPTOR_MAP = {
    "AttendanceEventCategoryDescriptor": {"Out-of-school suspension": "suspension"},
    "DisciplineDescriptor": {"Detention": "detention",
                             "Referral to law enforcement": "law_enforcement_referral"},
    "BehaviorDescriptor": {v: k for k, v in BEHAVIORS.items()},
    "ExitWithdrawTypeDescriptor": {"Transferred within the district": "transfer_in_district"},
    "PerformanceLevelDescriptor": {f"Level {n}": f"{n}:{str(n >= 3).lower()}"
                                   for n in range(1, 6)},
}


def _x(v: object) -> str:
    return escape(str(v))


def _year(y: int) -> str:
    return f"{y - 1}-{y}"


def _school_ref(school: object, tag: str = "SchoolReference") -> str:
    return f"<{tag}><SchoolIdentity><SchoolId>{school}</SchoolId></SchoolIdentity></{tag}>"


def _student_ref(student: object) -> str:
    return (f"<StudentReference><StudentIdentity><StudentUniqueId>{_x(student)}"
            "</StudentUniqueId></StudentIdentity></StudentReference>")


class Interchange:
    """One interchange file, written element by element."""

    def __init__(self, path: Path, name: str) -> None:
        self.f = path.open("w", encoding="utf-8", buffering=1 << 20)
        self.f.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<Interchange{name} '
                     f'xmlns="{NS}">\n')
        self.name = name

    def add(self, xml: str) -> int:
        self.f.write(xml)
        self.f.write("\n")
        return 1

    def close(self) -> None:
        self.f.write(f"</Interchange{self.name}>\n")
        self.f.close()


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[tuple]:
    cur = con.execute(sql)
    while batch := cur.fetchmany(50_000):
        yield from batch


def write(extract: Path, out: Path) -> dict[str, int]:
    """Write the interchange files for the canonical extract in `extract`; returns the
    elements written per interchange file."""
    out.mkdir(parents=True, exist_ok=True)
    con = open_views(extract)
    counts = {}
    for name, fn in (("EducationOrganization", _organizations), ("EducationOrgCalendar", _calendar),
                     ("Student", _students), ("StudentEnrollment", _enrollment),
                     ("StudentProgram", _programs), ("StudentAttendance", _attendance),
                     ("StudentDiscipline", _discipline), ("AssessmentMetadata", _assessment_meta),
                     ("StudentAssessment", _assessments), ("StudentTranscript", _transcripts)):
        ic = Interchange(out / f"{name}.xml", name)
        counts[name] = sum(ic.add(element) for element in fn(con))
        ic.close()
    (out / "descriptor-map.yaml").write_text(
        "# the district's own Ed-Fi descriptor values and what they mean in Aimline\n"
        + yaml.safe_dump(DESCRIPTOR_MAP, sort_keys=True), encoding="utf-8")
    con.close()
    return counts


def _organizations(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    for lea, name, state in _rows(con, "SELECT lea_id, name, state FROM leas"):
        st = (f"<Address><StateAbbreviation>{ED}StateAbbreviationDescriptor#{state}"
              "</StateAbbreviation></Address>" if state else "")
        yield (f"<LocalEducationAgency><NameOfInstitution>{_x(name)}</NameOfInstitution>{st}"
               f"<LocalEducationAgencyId>{lea}</LocalEducationAgencyId></LocalEducationAgency>")
    for sid, lea, name, level, lo, hi, title in _rows(
            con, "SELECT school_id, lea_id, name, level, low_grade, high_grade, title_i "
                 "FROM schools"):
        grades = "".join(f"<GradeLevel>{ED}GradeLevelDescriptor#{GRADE_NAMES[g]}</GradeLevel>"
                         for g in GRADE_LEVELS[GRADE_LEVELS.index(lo):GRADE_LEVELS.index(hi) + 1])
        t1 = ("Title I Schoolwide School" if str(title).lower() == "true"
              else "Not A Title I School")
        yield (f"<School><NameOfInstitution>{_x(name)}</NameOfInstitution>"
               f"<SchoolId>{sid}</SchoolId>{grades}<SchoolCategory>{ED}SchoolCategoryDescriptor#"
               f"{SCHOOL_CATEGORY[level]}</SchoolCategory><TitleIPartASchoolDesignation>{ED}"
               f"TitleIPartASchoolDesignationDescriptor#{t1}</TitleIPartASchoolDesignation>"
               "<LocalEducationAgencyReference><LocalEducationAgencyIdentity>"
               f"<LocalEducationAgencyId>{lea}</LocalEducationAgencyId>"
               "</LocalEducationAgencyIdentity></LocalEducationAgencyReference></School>")
    for cid, title, subject, core, credits, grade in _rows(
            con, "SELECT course_id, title, subject, core, credits, grade_level FROM courses"):
        offered = (f"<OfferedGradeLevel>{ED}GradeLevelDescriptor#{GRADE_NAMES[grade]}"
                   "</OfferedGradeLevel>" if grade else "")
        core_x = (f"<CourseLevelCharacteristic>{ED}CourseLevelCharacteristicDescriptor#Core "
                  "Subject</CourseLevelCharacteristic>" if str(core).lower() == "true" else "")
        yield (f"<Course><CourseCode>{_x(cid)}</CourseCode><CourseTitle>{_x(title)}"
               f"</CourseTitle>{core_x}<AcademicSubject>{ED}AcademicSubjectDescriptor#"
               f"{SUBJECT_NAMES[subject]}</AcademicSubject>{offered}<MaximumAvailableCredits>"
               f"<Credits>{credits}</Credits></MaximumAvailableCredits></Course>")


def _calendar(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    for school, year, date, instr in _rows(
            con, "SELECT school_id, school_year, date, instructional FROM calendar_days "
                 "ORDER BY school_id, date"):
        event = "Instructional day" if str(instr).lower() == "true" else "Non-instructional day"
        yield (f"<CalendarDate><Date>{date}</Date><CalendarEvent>{ED}CalendarEventDescriptor#"
               f"{event}</CalendarEvent><CalendarReference><CalendarIdentity><CalendarCode>"
               f"{school}-{year}</CalendarCode>{_school_ref(school)}<SchoolYear>{_year(int(year))}"
               "</SchoolYear></CalendarIdentity></CalendarReference></CalendarDate>")


def _students(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    for sid, first, last, birth in _rows(
            con, "SELECT student_id, first_name, last_name, birth_date FROM students"):
        born = f"<BirthData><BirthDate>{birth}</BirthDate></BirthData>" if birth else ""
        yield (f"<Student><StudentUniqueId>{_x(sid)}</StudentUniqueId><Name><FirstName>"
               f"{_x(first or '')}</FirstName><LastSurname>{_x(last or '')}</LastSurname></Name>"
               f"{born}</Student>")


def _enrollment(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    for sid, school, year, grade, entry, exit_, reason in _rows(
            con, "SELECT student_id, school_id, school_year, grade_level, entry_date, "
                 "exit_date, exit_reason FROM enrollments"):
        ex = f"<ExitWithdrawDate>{exit_}</ExitWithdrawDate>" if exit_ else ""
        ns = OWN if reason == "transfer_in_district" else ED
        ex += (f"<ExitWithdrawType>{ns}ExitWithdrawTypeDescriptor#{EXIT[reason]}"
               "</ExitWithdrawType>" if reason else "")
        yield (f"<StudentSchoolAssociation>{_student_ref(sid)}{_school_ref(school)}"
               f"<SchoolYear>{_year(int(year))}</SchoolYear><EntryDate>{entry}</EntryDate>"
               f"<EntryGradeLevel>{ED}GradeLevelDescriptor#{GRADE_NAMES[grade]}</EntryGradeLevel>"
               f"{ex}</StudentSchoolAssociation>")
    lea = con.execute("SELECT min(lea_id) FROM leas").fetchone()[0]
    chars = {"economically_disadvantaged": "Economic Disadvantaged", "homeless": "Homeless",
             "migrant": "Migrant", "foster_care": "Foster Care"}
    for sid, sex, race, ed, el, hl, fc, mg in _rows(
            con, "SELECT student_id, sex, race_ethnicity, economically_disadvantaged, "
                 "english_learner, homeless, foster_care, migrant FROM students"):
        sex_name = {"F": "Female", "M": "Male", "X": "Non-binary"}[sex]
        if race == "hispanic":
            races, hisp = ["White"], "true"
        elif race == "two_or_more":
            races, hisp = ["White", "Black or African American"], "false"
        else:
            races, hisp = [RACE[race]], "false"
        flags = dict(zip(chars, (ed, hl, mg, fc)))
        ch = "".join(f"<StudentCharacteristic><StudentCharacteristic>{ED}"
                     f"StudentCharacteristicDescriptor#{chars[k]}</StudentCharacteristic>"
                     "</StudentCharacteristic>" for k, v in flags.items()
                     if str(v).lower() == "true")
        lep = "Limited" if str(el).lower() == "true" else "NotLimited"
        yield (f"<StudentEducationOrganizationAssociation>{_student_ref(sid)}"
               "<EducationOrganizationReference><EducationOrganizationIdentity>"
               f"<EducationOrganizationId>{lea}</EducationOrganizationId>"
               "</EducationOrganizationIdentity></EducationOrganizationReference>"
               f"<Sex>{ED}SexDescriptor#{sex_name}</Sex>"
               f"<HispanicLatinoEthnicity>{hisp}</HispanicLatinoEthnicity>"
               + "".join(f"<Race>{ED}RaceDescriptor#{r}</Race>" for r in races)
               + f"<LimitedEnglishProficiency>{ED}LimitedEnglishProficiencyDescriptor#{lep}"
               f"</LimitedEnglishProficiency>{ch}</StudentEducationOrganizationAssociation>")


def _programs(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    lea = con.execute("SELECT min(lea_id) FROM leas").fetchone()[0]
    for (sid,) in _rows(con, "SELECT student_id FROM students WHERE lower(disability) = 'true'"):
        yield (f"<StudentSpecialEducationProgramAssociation>{_student_ref(sid)}"
               "<ProgramReference><ProgramIdentity><EducationOrganizationReference>"
               "<EducationOrganizationIdentity><EducationOrganizationId>"
               f"{lea}</EducationOrganizationId></EducationOrganizationIdentity>"
               "</EducationOrganizationReference><ProgramName>Special Education</ProgramName>"
               f"<ProgramType>{ED}ProgramTypeDescriptor#Special Education</ProgramType>"
               "</ProgramIdentity></ProgramReference><IdeaEligibility>true</IdeaEligibility>"
               "</StudentSpecialEducationProgramAssociation>")


def _attendance(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    for sid, school, year, date, category, fraction in _rows(
            con, "SELECT student_id, school_id, school_year, date, category, day_fraction "
                 "FROM attendance_events"):
        dur = f"<EventDuration>{fraction}</EventDuration>" if fraction else ""
        yield (f"<StudentSchoolAttendanceEvent><AttendanceEvent><EventDate>{date}</EventDate>"
              f"<AttendanceEventCategory>{CATEGORY[category]}</AttendanceEventCategory>{dur}"
              f"</AttendanceEvent>{_student_ref(sid)}{_school_ref(school)}<SessionReference>"
              f"<SessionIdentity><SessionName>{_year(int(year))} School Year</SessionName>"
              f"<SchoolYear>{_year(int(year))}</SchoolYear>{_school_ref(school)}"
              "</SessionIdentity></SessionReference></StudentSchoolAttendanceEvent>")


def _discipline(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    for incident, school, date in _rows(
            con, "SELECT incident_id, school_id, min(date) FROM discipline_actions GROUP BY ALL"):
        yield (f"<DisciplineIncident><IncidentIdentifier>{_x(incident)}</IncidentIdentifier>"
               f"<IncidentDate>{date}</IncidentDate>{_school_ref(school)}</DisciplineIncident>")
    for i, (incident, sid, school, date, behavior, action, days) in enumerate(_rows(
            con, "SELECT incident_id, student_id, school_id, date, behavior, action, days "
                 "FROM discipline_actions")):
        ref = (f"<DisciplineIncidentReference><DisciplineIncidentIdentity><IncidentIdentifier>"
               f"{_x(incident)}</IncidentIdentifier>{_school_ref(school)}"
               "</DisciplineIncidentIdentity></DisciplineIncidentReference>")
        beh = f"<Behavior>{OWN}BehaviorDescriptor#{BEHAVIORS[behavior]}</Behavior>"
        yield (f"<StudentDisciplineIncidentBehaviorAssociation>{_student_ref(sid)}{ref}{beh}"
               "</StudentDisciplineIncidentBehaviorAssociation>")
        yield (f"<DisciplineAction><DisciplineActionIdentifier>{i + 1}"
               f"</DisciplineActionIdentifier><Discipline>{ACTION[action]}</Discipline>"
               f"<DisciplineDate>{date}</DisciplineDate><DisciplineActionLength>{days}"
               f"</DisciplineActionLength>{_student_ref(sid)}"
               f"{_school_ref(school, 'ResponsibilitySchoolReference')}"
               "<StudentDisciplineIncidentBehaviorAssociationReference>"
               f"<StudentDisciplineIncidentBehaviorAssociationIdentity>{_student_ref(sid)}"
               f"{ref}{beh}</StudentDisciplineIncidentBehaviorAssociationIdentity>"
               "</StudentDisciplineIncidentBehaviorAssociationReference></DisciplineAction>")


def _assessment_meta(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    for assessment, subject in _rows(
            con, "SELECT DISTINCT assessment, subject FROM assessment_results ORDER BY ALL"):
        yield (f"<Assessment><AssessmentIdentifier>{_x(assessment)}-{subject}"
               f"</AssessmentIdentifier><AssessmentTitle>{_x(assessment)}</AssessmentTitle>"
               f"<AcademicSubject>{ED}AcademicSubjectDescriptor#{SUBJECT_NAMES[subject]}"
               "</AcademicSubject></Assessment>")


def _assessments(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    for n, (sid, school, year, assessment, subject, grade, score, level) in enumerate(_rows(
            con, "SELECT student_id, school_id, school_year, assessment, subject, grade_level, "
                 "scale_score, performance_level FROM assessment_results"), start=1):
        sc = (f"<ScoreResult><Result>{score}</Result><AssessmentReportingMethod>{ED}"
              "AssessmentReportingMethodDescriptor#Scale score</AssessmentReportingMethod>"
              "</ScoreResult>" if score else "")
        yield (f"<StudentAssessment><StudentAssessmentIdentifier>{n}"
               f"</StudentAssessmentIdentifier><AdministrationDate>{int(year)}-04-15"
               f"</AdministrationDate>{sc}<WhenAssessedGradeLevel>{ED}GradeLevelDescriptor#"
               f"{GRADE_NAMES[grade]}</WhenAssessedGradeLevel><PerformanceLevel>"
               f"<PerformanceLevel>{OWN}PerformanceLevelDescriptor#Level {level}"
               f"</PerformanceLevel></PerformanceLevel><SchoolYear>{_year(int(year))}"
               f"</SchoolYear>{_school_ref(school, 'ReportedSchoolReference')}"
               f"{_student_ref(sid)}<AssessmentReference><AssessmentIdentity>"
               f"<AssessmentIdentifier>{_x(assessment)}-{subject}</AssessmentIdentifier>"
               "</AssessmentIdentity></AssessmentReference></StudentAssessment>")


def _transcripts(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    for sid, school, year, term, course, mark, passed, attempted, earned in _rows(
            con, "SELECT student_id, school_id, school_year, term, course_id, mark, passed, "
                 "credits_attempted, credits_earned FROM course_marks"):
        result = "Pass" if str(passed).lower() == "true" else "Fail"
        yield ("<CourseTranscript><StudentAcademicRecordReference>"
               f"<StudentAcademicRecordIdentity>{_student_ref(sid)}"
               "<EducationOrganizationReference><EducationOrganizationIdentity>"
               f"<EducationOrganizationId>{school}</EducationOrganizationId>"
               "</EducationOrganizationIdentity></EducationOrganizationReference>"
               f"<SchoolYear>{_year(int(year))}</SchoolYear><Term>{ED}TermDescriptor#"
               f"{TERM[term]}</Term></StudentAcademicRecordIdentity>"
               "</StudentAcademicRecordReference><CourseReference><CourseIdentity>"
               f"<CourseCode>{_x(course)}</CourseCode></CourseIdentity></CourseReference>"
               f"<CourseAttemptResult>{ED}CourseAttemptResultDescriptor#{result}"
               f"</CourseAttemptResult><FinalLetterGradeEarned>{mark}</FinalLetterGradeEarned>"
               f"<AttemptedCredits><Credits>{attempted}</Credits></AttemptedCredits>"
               f"<EarnedCredits><Credits>{earned}</Credits></EarnedCredits></CourseTranscript>")
