"""Ed-Fi records → canonical rows, the same for XML interchange files and API JSON.

Each Ed-Fi entity the importer reads is declared once in `ENTITIES`: its XML element
name, its ODS/API resource name, where each field sits in either shape, and a handler
that turns one record into staged rows. `edfi_xml` and `edfi_json` only walk files and
hand records over. References to other records (a student's sex lives on the
StudentEducationOrganizationAssociation, a mark's subject on the Course) are staged as
they come and joined in DuckDB at the end (`edfi_finish.prepare`), so nothing is held in
memory.

Data Standard 4 and 5 (ODS/API v5-v7) element and resource names.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aimline.data.extract import Format
from aimline.data.importers.common import grade_span
from aimline.data.importers.descriptors import DROP, Descriptors
from aimline.data.importers.edfi_finish import missing_reasons, prepare
from aimline.data.importers.edfi_records import (
    Context,
    Entity,
    Handler,
    Record,
    staging_columns,
)
from aimline.data.importers.output import Staging, atomic_folder, finish
from aimline.data.importers.report import ImportFailed, ImportReport
from aimline.data.schema import school_year_of


# -- value helpers ---------------------------------------------------------------------------
def school_year(value: str | None, date: str | None = None) -> int | None:
    """'2021-2022' (XML) or '2022' (JSON) → 2022; else the year a date falls in (July-June)."""
    if value:
        return int(value.strip()[-4:])
    return school_year_of(date) if date else None


def _date(value: str | None) -> str | None:
    return value[:10] if value else None


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip().lower() in ("1", "true", "yes")


STUDENT = ("StudentReference/StudentIdentity/StudentUniqueId", "studentReference.studentUniqueId")
SCHOOL = ("SchoolReference/SchoolIdentity/SchoolId", "schoolReference.schoolId")


# -- handlers ----------------------------------------------------------------------------------
def _lea(r: Record, c: Context, src: str) -> None:
    lea = r.get("id")
    if r.get("ref_id"):  # XML schools may point at their LEA by this id attribute
        c.row("lea_refs", src, {"ref_id": r.get("ref_id"), "lea_id": lea})
    state = r.get("state")
    c.row("leas", src, {"lea_id": lea, "name": r.get("name"),
                        "state": state.rsplit("#", 1)[-1] if state else None})
    c.report.entity(src).used += 1


def _school(r: Record, c: Context, src: str) -> None:
    grades = [g for g in (c.code("GradeLevelDescriptor", u, r) for u in r.all("grades")) if g]
    level, low, high = grade_span(grades)
    category = r.get("category")
    if category:  # the school's own category wins over the grades it serves
        level = c.code("SchoolCategoryDescriptor", category, r)
    title = r.get("title_i")
    c.row("schools", src, {
        "school_id": r.get("id"), "lea_id": r.get("lea"), "_lea_ref": r.get("lea_ref"),
        "name": r.get("name"), "level": level,
        "low_grade": low, "high_grade": high,
        "title_i": None if title is None else not title.rsplit("#", 1)[-1].lower()
        .startswith("not"),
    })
    c.report.entity(src).used += 1


def _course(r: Record, c: Context, src: str) -> None:
    subject = c.code("AcademicSubjectDescriptor", r.get("subject"), r)
    core = any(u.endswith("#Core Subject") for u in r.all("characteristics"))
    c.row("courses", src, {
        "course_id": r.get("id"), "title": r.get("title"), "subject": subject,
        "core": core or subject in ("ela", "math", "science", "social_studies"),
        "credits": r.get("credits"),
        "grade_level": grades[0] if len(grades := [
            g for g in (c.code("GradeLevelDescriptor", u, r) for u in r.all("grades")) if g
        ]) == 1 else None,
    })
    c.report.entity(src).used += 1


def _session(r: Record, c: Context, src: str) -> None:
    # a session gives a school's term bounds and its count of instructional days, not which
    # days: used to check that the calendar the source gives is complete
    c.row("sessions", src, {"school_id": r.get("school"), "school_year": school_year(
        r.get("year"), _date(r.get("begin"))), "days": r.get("days")})
    c.report.entity(src).used += 1


def _calendar_date(r: Record, c: Context, src: str) -> None:
    events = [c.code("CalendarEventDescriptor", u, r) for u in r.all("events")]
    date = _date(r.get("date"))
    c.row("calendar_days", src, {
        "school_id": r.get("school"), "school_year": school_year(r.get("year"), date),
        "date": date, "instructional": "true" if "true" in events else "false"})
    c.report.entity(src).used += 1


def _student(r: Record, c: Context, src: str) -> None:
    c.row("students", src, {"student_id": r.get("id"), "first_name": r.get("first"),
                            "last_name": r.get("last"), "birth_date": _date(r.get("birth"))})
    c.report.entity(src).used += 1


def _enrollment(r: Record, c: Context, src: str) -> None:
    grade = c.code("GradeLevelDescriptor", r.get("grade"), r)
    student = r.get("student")
    if grade is None:
        c.report.drop(src, "entry grade is not a K-12 grade (PK to 12)",
                      f"{student}: {r.get('grade')}")
        return
    entry = _date(r.get("entry"))
    exit_type = r.get("exit_type")
    c.row("enrollments", src, {
        "student_id": student, "school_id": r.get("school"),
        "school_year": school_year(r.get("year"), entry), "grade_level": grade,
        "entry_date": entry, "exit_date": _date(r.get("exit")),
        "exit_reason": c.code("ExitWithdrawTypeDescriptor", exit_type, r) if exit_type else None,
    })
    c.report.entity(src).used += 1


def _demographics(r: Record, c: Context, src: str) -> None:
    races = [c.code("RaceDescriptor", u, r) for u in r.all("races")]
    lep = r.get("lep")
    chars = [c.code("StudentCharacteristicDescriptor", u, r) for u in r.all("characteristics")]
    c.row("demographics", src, {
        "student_id": r.get("student"), "sex": c.code("SexDescriptor", r.get("sex"), r),
        "hispanic": _bool(r.get("hispanic")),
        "races": ",".join(sorted({x for x in races if x})),
        "english_learner": None if lep is None else c.code(
            "LimitedEnglishProficiencyDescriptor", lep, r),
        "characteristics": ",".join(sorted({x for x in chars if x})),
    })
    c.report.entity(src).used += 1


def _attendance(r: Record, c: Context, src: str) -> None:
    # the hot path of a large import (one call per event): the example is built only for
    # a record that is dropped
    raw = r.get("category") or ""
    category = c.code("AttendanceEventCategoryDescriptor", raw or None, r)
    student, date = r.get("student"), _date(r.get("date"))
    duration = r.get("duration")
    why = None
    if category is None:
        why = "presence record: only absences and tardies are kept"
    elif category == DROP:
        why = "mapped to drop by the descriptor map"
    elif category in ("excused", "unexcused", "suspension"):
        if src == "StudentSectionAttendanceEvent":
            why = ("a class period missed is not a share of the school day (section "
                   "absences are not day absences)")
        elif duration is None and raw.endswith("#Partial"):
            why = "Partial event without EventDuration: the share of the day missed is unknown"
        elif not 0 < float(duration or 1) <= 1:
            why = "EventDuration outside (0, 1]"
        duration = duration or "1"
    if why:
        c.report.drop(src, why, f"{student}, {date}, {raw.rsplit('#', 1)[-1]}"
                      + (f": {duration}" if why.startswith("EventDuration") else ""))
        return
    # tardies and early departures need no share of the day (duration may be None)
    c.row("attendance_events", src, {
        "student_id": student, "school_id": r.get("school"),
        "school_year": school_year(r.get("year"), date), "date": date,
        "category": category, "day_fraction": duration})
    c.report.entity(src).used += 1


def _incident(r: Record, c: Context, src: str) -> None:
    c.row("incidents", src, {"school_id": r.get("school"), "incident_id": r.get("id"),
                             "date": _date(r.get("date"))})
    c.report.entity(src).used += 1


def _behavior(r: Record, c: Context, src: str) -> None:
    c.row("behaviors", src, {"school_id": r.get("school"), "incident_id": r.get("incident"),
                             "student_id": r.get("student"),
                             "behavior": c.code("BehaviorDescriptor", r.get("behavior"), r)})
    c.report.entity(src).used += 1


def _discipline_action(r: Record, c: Context, src: str) -> None:
    student, action_id = r.get("student"), r.get("id")
    incident = r.get("incident")
    if incident is None:
        c.report.drop(src, "no discipline incident referenced", f"action {action_id}")
        return
    actions = [a for a in (c.code("DisciplineDescriptor", u, r) for u in r.all("disciplines"))
               if a and a != DROP]
    if not actions:
        c.report.drop(src, "no discipline (action) given, or mapped to drop",
                      f"action {action_id}")
        return
    days = r.get("actual_length") or r.get("length") or "0"
    date = _date(r.get("date"))
    for action in actions:  # one canonical row per action taken
        c.row("discipline_actions", src, {
            "incident_id": incident, "student_id": student,
            # the school year comes in prepare(), from the incident's date when known
            "school_id": r.get("school") or r.get("incident_school"), "date": date,
            "behavior": c.code("BehaviorDescriptor", r.get("behavior"), r)
            if r.get("behavior") else None, "action": action, "days": days,
            "_incident_school": r.get("incident_school")})
    c.report.entity(src).used += 1


def _assessment_meta(r: Record, c: Context, src: str) -> None:
    subjects = [c.code("AcademicSubjectDescriptor", u, r) for u in r.all("subjects")]
    grades = [c.code("GradeLevelDescriptor", u, r) for u in r.all("grades")]
    c.row("assessments", src, {"assessment": r.get("id"), "title": r.get("title"),
                               "subject": next((s for s in subjects if s), None),
                               "grade_level": grades[0] if len(grades) == 1 else None})
    c.report.entity(src).used += 1


def _student_assessment(r: Record, c: Context, src: str) -> None:
    student = r.get("student")
    levels = [c.code("PerformanceLevelDescriptor", u, r) for u in r.all("levels")]
    level = next((x for x in levels if x and x != DROP), None)
    if level is None:
        c.report.drop(src, "no performance level", f"{student}, {r.get('assessment')}")
        return
    number, _, proficient = level.partition(":")
    scores = dict(zip(r.all("methods"), r.all("results")))
    scale = next((v for k, v in scores.items() if k.endswith(("#Scale score", "#Scale Score"))),
                 None)
    date = _date(r.get("date"))
    grade = r.get("grade")
    c.row("assessment_results", src, {
        "student_id": student, "school_id": r.get("school"),
        "school_year": school_year(r.get("year"), date), "assessment": r.get("assessment"),
        "grade_level": c.code("GradeLevelDescriptor", grade, r) if grade else None,
        "scale_score": scale, "performance_level": number, "proficient": proficient,
        "_date": date})
    c.report.entity(src).used += 1


TERMS = {"fall semester": "S1", "spring semester": "S2", "year round": "FY",
         "full year": "FY", "first quarter": "Q1", "second quarter": "Q2",
         "third quarter": "Q3", "fourth quarter": "Q4", "first trimester": "T1",
         "second trimester": "T2", "third trimester": "T3", "summer semester": None}
MARK_BY_RESULT = {"true": "P", "false": "NP"}


def _course_mark(r: Record, c: Context, src: str) -> None:
    student, course = r.get("student"), r.get("course")
    term_uri = r.get("term") or ""
    term = TERMS.get(term_uri.rsplit("#", 1)[-1].strip().lower(), "missing")
    if term in (None, "missing"):
        c.report.drop(src, "term is not one of FY, S1-S2, T1-T3, Q1-Q4",
                      f"{student}, {course}: {term_uri}")
        return
    passed = c.code("CourseAttemptResultDescriptor", r.get("result"), r)
    letter = (r.get("letter") or "").strip().upper().rstrip("+-")
    mark = letter if letter in ("A", "B", "C", "D", "F", "P", "NP", "I", "W") else \
        MARK_BY_RESULT.get(passed or "")
    result = r.get("result") or ""
    if result.endswith(("#Incomplete", "#Withdrawn")) and not letter:
        mark = "I" if result.endswith("#Incomplete") else "W"
    c.row("course_marks", src, {
        "student_id": student, "school_id": r.get("school"),
        "school_year": school_year(r.get("year")), "term": term, "course_id": course,
        "mark": mark, "passed": passed, "credits_attempted": r.get("attempted") or "0",
        "credits_earned": r.get("earned") or "0"})
    c.report.entity(src).used += 1


def _staff(r: Record, c: Context, src: str) -> None:
    c.row("staff", src, {"staff_id": r.get("id"), "experience": r.get("experience")})
    c.report.entity(src).used += 1


def _staff_assignment(r: Record, c: Context, src: str) -> None:
    role = c.code("StaffClassificationDescriptor", r.get("role"), r)
    c.row("staff_roles", src, {"staff_id": r.get("staff"), "edorg_id": r.get("edorg"),
                               "role": role, "begin": _date(r.get("begin")),
                               "end": _date(r.get("end"))})
    c.report.entity(src).used += 1


def _section_member(role: str) -> Handler:
    """A student's or a teacher's section association → one roster row."""

    def handle(r: Record, c: Context, src: str) -> None:
        c.row("section_rosters", src, {
            "section_id": r.get("section"), "school_id": r.get("school"),
            "school_year": school_year(r.get("year"), _date(r.get("begin"))),
            "course_id": r.get("course"), "person_id": r.get("person"), "role": role,
            "begin_date": _date(r.get("begin")), "end_date": _date(r.get("end"))})
        c.report.entity(src).used += 1

    return handle


def _section_fields(person: tuple[str, str]) -> dict[str, tuple[str, str]]:
    offering = "SectionReference/SectionIdentity/CourseOfferingReference/CourseOfferingIdentity/"
    return {"person": person,
            "section": ("SectionReference/SectionIdentity/SectionIdentifier",
                        "sectionReference.sectionIdentifier"),
            "school": (offering + "SchoolReference/SchoolIdentity/SchoolId",
                       "sectionReference.schoolId"),
            "year": (offering + "SessionReference/SessionIdentity/SchoolYear",
                     "sectionReference.schoolYear"),
            "course": (offering + "LocalCourseCode", "sectionReference.localCourseCode"),
            "begin": ("BeginDate", "beginDate"), "end": ("EndDate", "endDate")}


def _program(flag_by_entity: str | None) -> Handler:
    """A student program association → a student-group flag (held at some time)."""

    def handle(r: Record, c: Context, src: str) -> None:
        student = r.get("student")
        flag = flag_by_entity or c.code("ProgramTypeDescriptor", r.get("program"), r)
        if flag == "economically_disadvantaged" and r.all("services"):
            eligible = [c.code("SchoolFoodServiceProgramServiceDescriptor", u, r)
                        for u in r.all("services")]
            if "true" not in eligible:
                c.report.drop(src, "food service at full price: not economically "
                              "disadvantaged", student or "")
                return
        if flag is None or flag == DROP:
            c.report.drop(src, "program is not a student group of the canonical schema",
                          f"{student}: {(r.get('program') or '').rsplit('#', 1)[-1]}")
            return
        c.row("flags", src, {"student_id": student, "flag": flag, "value": "true"})
        c.report.entity(src).used += 1

    return handle


def _program_fields(extra: dict[str, tuple[str, str]] | None = None) -> dict:
    return {"student": STUDENT,
            "program": ("ProgramReference/ProgramIdentity/ProgramType",
                        "programReference.programTypeDescriptor"), **(extra or {})}


_SERVICES = {"services": ("SchoolFoodServiceProgramService/SchoolFoodServiceProgramService",
                          "schoolFoodServiceProgramServices[].schoolFoodServiceProgramServiceDescriptor")}
_BEHAVIOR_REF = "StudentDisciplineIncidentBehaviorAssociationReference/" \
                "StudentDisciplineIncidentBehaviorAssociationIdentity/"
_ASSOC_JSON = "studentDisciplineIncidentBehaviorAssociations[]." \
              "studentDisciplineIncidentBehaviorAssociationReference."
_ACADEMIC = "StudentAcademicRecordReference/StudentAcademicRecordIdentity/"

ENTITIES: tuple[Entity, ...] = (
    Entity("LocalEducationAgency", "localEducationAgencies", {
        "id": ("LocalEducationAgencyId", "localEducationAgencyId"),
        "ref_id": ("@id", "id"),
        "name": ("NameOfInstitution", "nameOfInstitution"),
        "state": ("Address/StateAbbreviation", "addresses[].stateAbbreviationDescriptor"),
    }, _lea),
    Entity("School", "schools", {
        "id": ("SchoolId", "schoolId"), "name": ("NameOfInstitution", "nameOfInstitution"),
        "grades": ("GradeLevel", "gradeLevels[].gradeLevelDescriptor"),
        "category": ("SchoolCategory", "schoolCategories[].schoolCategoryDescriptor"),
        "title_i": ("TitleIPartASchoolDesignation", "titleIPartASchoolDesignationDescriptor"),
        "lea": ("LocalEducationAgencyReference/LocalEducationAgencyIdentity/"
                "LocalEducationAgencyId", "localEducationAgencyReference.localEducationAgencyId"),
        "lea_ref": ("LocalEducationAgencyReference/@ref", "-"),
    }, _school),
    Entity("Course", "courses", {
        "id": ("CourseCode", "courseCode"), "title": ("CourseTitle", "courseTitle"),
        "subject": ("AcademicSubject", "academicSubjectDescriptor"),
        "characteristics": ("CourseLevelCharacteristic",
                            "levelCharacteristics[].courseLevelCharacteristicDescriptor"),
        "credits": ("MaximumAvailableCredits/Credits", "maximumAvailableCredits"),
        "grades": ("OfferedGradeLevel", "offeredGradeLevels[].gradeLevelDescriptor"),
    }, _course),
    Entity("Session", "sessions", {
        "school": SCHOOL, "year": ("SchoolYear", "schoolYearTypeReference.schoolYear"),
        "begin": ("BeginDate", "beginDate"),
        "days": ("TotalInstructionalDays", "totalInstructionalDays"),
    }, _session),
    Entity("CalendarDate", "calendarDates", {
        "date": ("Date", "date"),
        "events": ("CalendarEvent", "calendarEvents[].calendarEventDescriptor"),
        "school": ("CalendarReference/CalendarIdentity/SchoolReference/SchoolIdentity/SchoolId",
                   "calendarReference.schoolId"),
        "year": ("CalendarReference/CalendarIdentity/SchoolYear", "calendarReference.schoolYear"),
    }, _calendar_date),
    Entity("Student", "students", {
        "id": ("StudentUniqueId", "studentUniqueId"), "first": ("Name/FirstName", "firstName"),
        "last": ("Name/LastSurname", "lastSurname"),
        "birth": ("BirthData/BirthDate", "birthDate"),
    }, _student),
    Entity("StudentSchoolAssociation", "studentSchoolAssociations", {
        "student": STUDENT, "school": SCHOOL,
        "entry": ("EntryDate", "entryDate"),
        "grade": ("EntryGradeLevel", "entryGradeLevelDescriptor"),
        "exit": ("ExitWithdrawDate", "exitWithdrawDate"),
        "exit_type": ("ExitWithdrawType", "exitWithdrawTypeDescriptor"),
        "year": ("SchoolYear", "schoolYearTypeReference.schoolYear"),
    }, _enrollment),
    Entity("StudentEducationOrganizationAssociation",
           "studentEducationOrganizationAssociations", {
               "student": STUDENT, "sex": ("Sex", "sexDescriptor"),
               "hispanic": ("HispanicLatinoEthnicity", "hispanicLatinoEthnicity"),
               "races": ("Race", "races[].raceDescriptor"),
               "lep": ("LimitedEnglishProficiency", "limitedEnglishProficiencyDescriptor"),
               "characteristics": ("StudentCharacteristic/StudentCharacteristic",
                                   "studentCharacteristics[].studentCharacteristicDescriptor"),
           }, _demographics),
    Entity("StudentSchoolAttendanceEvent", "studentSchoolAttendanceEvents", {
        "student": STUDENT, "school": SCHOOL,
        "date": ("AttendanceEvent/EventDate", "eventDate"),
        "category": ("AttendanceEvent/AttendanceEventCategory",
                     "attendanceEventCategoryDescriptor"),
        "duration": ("AttendanceEvent/EventDuration", "eventDuration"),
        "year": ("SessionReference/SessionIdentity/SchoolYear", "sessionReference.schoolYear"),
    }, _attendance),
    Entity("StudentSectionAttendanceEvent", "studentSectionAttendanceEvents", {
        "student": STUDENT,
        "school": ("SectionReference/SectionIdentity/CourseOfferingReference/"
                   "CourseOfferingIdentity/SchoolReference/SchoolIdentity/SchoolId",
                   "sectionReference.schoolId"),
        "date": ("AttendanceEvent/EventDate", "eventDate"),
        "category": ("AttendanceEvent/AttendanceEventCategory",
                     "attendanceEventCategoryDescriptor"),
        "duration": ("AttendanceEvent/EventDuration", "eventDuration"),
        "year": ("SectionReference/SectionIdentity/CourseOfferingReference/"
                 "CourseOfferingIdentity/SessionReference/SessionIdentity/SchoolYear",
                 "sectionReference.schoolYear"),
    }, _attendance),
    Entity("DisciplineIncident", "disciplineIncidents", {
        "id": ("IncidentIdentifier", "incidentIdentifier"), "school": SCHOOL,
        "date": ("IncidentDate", "incidentDate"),
    }, _incident),
    Entity("StudentDisciplineIncidentBehaviorAssociation",
           "studentDisciplineIncidentBehaviorAssociations", {
               "student": STUDENT,
               "incident": ("DisciplineIncidentReference/DisciplineIncidentIdentity/"
                            "IncidentIdentifier",
                            "disciplineIncidentReference.incidentIdentifier"),
               "school": ("DisciplineIncidentReference/DisciplineIncidentIdentity/"
                          "SchoolReference/SchoolIdentity/SchoolId",
                          "disciplineIncidentReference.schoolId"),
               "behavior": ("Behavior", "behaviorDescriptor"),
           }, _behavior),
    Entity("DisciplineAction", "disciplineActions", {
        "id": ("DisciplineActionIdentifier", "disciplineActionIdentifier"),
        "disciplines": ("Discipline", "disciplines[].disciplineDescriptor"),
        "date": ("DisciplineDate", "disciplineDate"),
        "length": ("DisciplineActionLength", "disciplineActionLength"),
        "actual_length": ("ActualDisciplineActionLength", "actualDisciplineActionLength"),
        "student": STUDENT,
        "school": ("ResponsibilitySchoolReference/SchoolIdentity/SchoolId",
                   "responsibilitySchoolReference.schoolId"),
        "incident": (_BEHAVIOR_REF + "DisciplineIncidentReference/DisciplineIncidentIdentity/"
                     "IncidentIdentifier", _ASSOC_JSON + "incidentIdentifier"),
        "incident_school": (_BEHAVIOR_REF + "DisciplineIncidentReference/"
                            "DisciplineIncidentIdentity/SchoolReference/SchoolIdentity/SchoolId",
                            _ASSOC_JSON + "schoolId"),
        "behavior": (_BEHAVIOR_REF + "Behavior", _ASSOC_JSON + "behaviorDescriptor"),
    }, _discipline_action),
    Entity("Assessment", "assessments", {
        "id": ("AssessmentIdentifier", "assessmentIdentifier"),
        "title": ("AssessmentTitle", "assessmentTitle"),
        "subjects": ("AcademicSubject", "academicSubjects[].academicSubjectDescriptor"),
        "grades": ("AssessedGradeLevel", "assessedGradeLevels[].gradeLevelDescriptor"),
    }, _assessment_meta),
    Entity("StudentAssessment", "studentAssessments", {
        "student": STUDENT,
        "assessment": ("AssessmentReference/AssessmentIdentity/AssessmentIdentifier",
                       "assessmentReference.assessmentIdentifier"),
        "date": ("AdministrationDate", "administrationDate"),
        "year": ("SchoolYear", "schoolYearTypeReference.schoolYear"),
        "school": ("ReportedSchoolReference/SchoolIdentity/SchoolId",
                   "reportedSchoolReference.schoolId"),
        "grade": ("WhenAssessedGradeLevel", "whenAssessedGradeLevelDescriptor"),
        "levels": ("PerformanceLevel/PerformanceLevel",
                   "performanceLevels[].performanceLevelDescriptor"),
        "methods": ("ScoreResult/AssessmentReportingMethod",
                    "scoreResults[].assessmentReportingMethodDescriptor"),
        "results": ("ScoreResult/Result", "scoreResults[].result"),
    }, _student_assessment),
    Entity("CourseTranscript", "courseTranscripts", {
        "student": (_ACADEMIC + "StudentReference/StudentIdentity/StudentUniqueId",
                    "studentAcademicRecordReference.studentUniqueId"),
        "school": (_ACADEMIC + "EducationOrganizationReference/EducationOrganizationIdentity/"
                   "EducationOrganizationId", "studentAcademicRecordReference."
                   "educationOrganizationId"),
        "year": (_ACADEMIC + "SchoolYear", "studentAcademicRecordReference.schoolYear"),
        "term": (_ACADEMIC + "Term", "studentAcademicRecordReference.termDescriptor"),
        "course": ("CourseReference/CourseIdentity/CourseCode", "courseReference.courseCode"),
        "result": ("CourseAttemptResult", "courseAttemptResultDescriptor"),
        "letter": ("FinalLetterGradeEarned", "finalLetterGradeEarned"),
        "attempted": ("AttemptedCredits/Credits", "attemptedCredits"),
        "earned": ("EarnedCredits/Credits", "earnedCredits"),
    }, _course_mark),
    Entity("Staff", "staffs", {
        "id": ("StaffUniqueId", "staffUniqueId"),
        "experience": ("YearsOfPriorProfessionalExperience",
                       "yearsOfPriorProfessionalExperience"),
    }, _staff),
    Entity("StaffEducationOrganizationAssignmentAssociation",
           "staffEducationOrganizationAssignmentAssociations", {
               "staff": ("StaffReference/StaffIdentity/StaffUniqueId",
                         "staffReference.staffUniqueId"),
               "edorg": ("EducationOrganizationReference/EducationOrganizationIdentity/"
                         "EducationOrganizationId",
                         "educationOrganizationReference.educationOrganizationId"),
               "role": ("StaffClassification", "staffClassificationDescriptor"),
               "begin": ("BeginDate", "beginDate"), "end": ("EndDate", "endDate"),
           }, _staff_assignment),
    Entity("StudentSectionAssociation", "studentSectionAssociations",
           _section_fields(STUDENT), _section_member("student")),
    Entity("StaffSectionAssociation", "staffSectionAssociations",
           _section_fields(("StaffReference/StaffIdentity/StaffUniqueId",
                            "staffReference.staffUniqueId")), _section_member("teacher")),
    Entity("StudentProgramAssociation", "studentProgramAssociations", _program_fields(),
           _program(None)),
    Entity("StudentSpecialEducationProgramAssociation",
           "studentSpecialEducationProgramAssociations", _program_fields(),
           _program("disability")),
    Entity("StudentLanguageInstructionProgramAssociation",
           "studentLanguageInstructionProgramAssociations", _program_fields(),
           _program("english_learner")),
    Entity("StudentHomelessProgramAssociation", "studentHomelessProgramAssociations",
           _program_fields(), _program("homeless")),
    Entity("StudentMigrantEducationProgramAssociation",
           "studentMigrantEducationProgramAssociations", _program_fields(), _program("migrant")),
    Entity("StudentSchoolFoodServiceProgramAssociation",
           "studentSchoolFoodServiceProgramAssociations", _program_fields(_SERVICES),
           _program("economically_disadvantaged")),
    Entity("StudentCTEProgramAssociation", "studentCTEProgramAssociations", _program_fields(),
           _program(None)),
    Entity("StudentTitleIPartAProgramAssociation", "studentTitleIPartAProgramAssociations",
           _program_fields(), _program(None)),
    Entity("StudentNeglectedOrDelinquentProgramAssociation",
           "studentNeglectedOrDelinquentProgramAssociations", _program_fields(), _program(None)),
    Entity("StudentSection504ProgramAssociation", "studentSection504ProgramAssociations",
           _program_fields(), _program(None)),
)
BY_XML = {e.xml: e for e in ENTITIES}
BY_JSON = {e.json: e for e in ENTITIES}


def run(kind: str, source: str, walk: Callable[[Context], None], out: Path, *,
        descriptor_map: Path | None = None, fmt: Format = "csv",
        enrollments: Path | None = None) -> ImportReport:
    """Import with `walk(context)` handing every record over; write the extract to `out`.

    Raises ImportFailed (and leaves `out` as it was) on unmapped descriptors or bad input.
    """
    report = ImportReport(source=source, kind=kind)
    descriptors = Descriptors.load(descriptor_map)
    with atomic_folder(out) as work:
        staging = Staging(work / "staging", staging_columns())
        ctx = Context(staging, report, descriptors)
        walk(ctx)
        if ctx.unmapped:
            raise ImportFailed([f"{key.split(' ', 1)[0]} value {key.split(' ', 1)[1]!r} is not "
                                f"mapped ({n:,} record(s), first at {ctx.unmapped_at[key]}): "
                                "add it to a --descriptor-map file, or map it to 'drop'"
                                for key, n in ctx.unmapped.most_common()])
        finish(staging, work / "extract", report, fmt,
               prepare=lambda con: prepare(con, report, enrollments),
               missing=missing_reasons(report))
        report.save(work / "extract" / "import-report.json")
    return report
