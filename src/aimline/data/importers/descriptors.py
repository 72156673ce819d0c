"""Ed-Fi descriptor values → canonical codes, one table a district can extend.

Ed-Fi writes coded values as descriptor URIs, `uri://ed-fi.org/SexDescriptor#Female`: a
namespace (who defined the value), the descriptor type and the code value. The defaults
below cover every code value of the standard Ed-Fi lists (Data Standard 4/5, the files in
Ed-Fi-Data-Standard `Descriptors/`) for the types the importer reads. A district's own
values (`uri://district.org/AttendanceEventCategoryDescriptor#Absent - Medical`) go in a
YAML or JSON file passed as `--descriptor-map`:

    AttendanceEventCategoryDescriptor:
      Absent - Medical: excused
      Virtual Present: drop          # skipped, counted in the report as mapped to drop
    uri://district.org/BehaviorDescriptor#Vaping: drugs   # a full URI wins over a code value

A value that is in neither table is an error naming the descriptor, the file and the line:
an unmapped attendance code silently dropped would change every absence rate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import yaml

from aimline.data.importers.common import as_text

DROP = "drop"  # the mapped value that means "skip this record, say so in the report"

# None = a value the canonical schema has no place for: the record is skipped with a reason
DEFAULTS: dict[str, dict[str, str | None]] = {
    "AttendanceEventCategoryDescriptor": {
        "Excused Absence": "excused", "Unexcused Absence": "unexcused", "Tardy": "tardy",
        "Early departure": "early_departure",
        # a part of the day missed, excused or not unknown: counted as unexcused, with the
        # share from EventDuration (a district that knows better maps it with --descriptor-map)
        "Partial": "unexcused",
        "In Attendance": None, "Present": None,
    },
    "BehaviorDescriptor": {
        "State Offense": "other", "School Violation": "other",
        "School Code of Conduct": "other", "Other": "other",
    },
    "DisciplineDescriptor": {
        "Removal from Classroom": "referral", "In School Suspension": "iss",
        "Out of School Suspension": "oss", "Expulsion": "expulsion",
        "Expulsion with Services": "expulsion", "Community Service": "other", "Other": "other",
        "No action for incident": "referral",
        "Expulsion under Guns Free School Act": "expulsion",
        "Expulsion under Guns Free School Act with Services": "expulsion",
    },
    "GradeLevelDescriptor": {
        "Preschool": "PK", "Prekindergarten": "PK", "Preschool/Prekindergarten": "PK",
        "Early Education": "PK", "Transitional Kindergarten": "KG", "Kindergarten": "KG",
        "First grade": "01", "Second grade": "02", "Third grade": "03", "Fourth grade": "04",
        "Fifth grade": "05", "Sixth grade": "06", "Seventh grade": "07", "Eighth grade": "08",
        "Ninth grade": "09", "Tenth grade": "10", "Eleventh grade": "11", "Twelfth grade": "12",
        "Infant/toddler": None, "Grade 13": None, "Postsecondary": None, "Ungraded": None,
        "Other": None, "Out of School": None, "Adult Education": None, "No grade level": None,
    },
    "SexDescriptor": {"Female": "F", "Male": "M", "Non-binary": "X", "Not Selected": "X"},
    "RaceDescriptor": {
        "American Indian or Alaska Native": "american_indian", "Asian": "asian",
        "Black or African American": "black", "White": "white",
        "Native Hawaiian or Pacific Islander": "pacific_islander",
        "Hispanic or Latino": "hispanic",
        # not one of the federal seven: the student's other races decide, else none
        "Middle Eastern or North African": None, "Choose Not to Respond": None, "Other": None,
    },
    "ExitWithdrawTypeDescriptor": {
        "Completed": "end_of_year", "End of school year": "end_of_year",
        "Died or is permanently incapacitated": "deceased", "Dropout": "dropped_out",
        "Enrolled in a high school diploma program": "other", "Expelled": "expelled",
        "Graduated": "graduated", "Incarcerated": "other", "Invalid enrollment": "other",
        "Involuntarily Removed": "other", "No show": "other", "Other": "other",
        "Reached maximum age": "other", "Transferred": "transfer_out", "Withdrawn": "moved",
    },
    "CalendarEventDescriptor": {
        "Instructional day": "true", "Make-up day": "true",
        "Student late arrival/early dismissal": "true",
        "Emergency day": "false", "Holiday": "false", "Other": "false", "Strike": "false",
        "Teacher only day": "false", "Weather day": "false", "Non-instructional day": "false",
    },
    "AcademicSubjectDescriptor": {
        "English Language Arts": "ela", "Reading": "ela", "Writing": "ela",
        "English": "ela", "Mathematics": "math", "Science": "science",
        "Life and Physical Sciences": "science", "Social Studies": "social_studies",
        "Social Sciences and History": "social_studies",
        "Foreign Language and Literature": "world_language",
        "Fine and Performing Arts": "arts", "Physical, Health, and Safety Education": "pe_health",
        "Career and Technical Education": "cte", "Composite": None,
        "Critical Reading": "ela", "Economics": "social_studies",
        "Religious Education and Theology": "elective", "Military Science": "elective",
        "Miscellaneous": "elective", "Other": "elective",
    },
    "CourseAttemptResultDescriptor": {"Pass": "true", "Fail": "false", "Incomplete": "false",
                                      "Withdrawn": "false"},
    "PerformanceLevelDescriptor": {
        # level 1..5 and whether it is at or above proficient, "level:proficient"
        "Did Not Meet Standard": "1:false", "Below Basic": "1:false", "Basic": "2:false",
        "Approaches Grade Level": "2:false", "Partially Meets": "2:false",
        "Met Standard": "3:true", "Proficient": "3:true", "Meets Grade Level": "3:true",
        "Meets": "3:true", "Commended": "4:true", "Advanced": "4:true",
        "Masters Grade Level": "4:true", "Exceeds": "4:true", "Pass": "3:true",
        "Fail": "1:false",
    },
    "ProgramTypeDescriptor": {
        "Special Education": "disability", "Bilingual": "english_learner",
        "English as a Second Language (ESL)": "english_learner",
        "Bilingual Summer": "english_learner", "Homeless": "homeless",
        "Migrant Education": "migrant",
        "Compensatory Services for Disadvantaged Students": "economically_disadvantaged",
        # programs that are not a student group of the canonical schema
        "Career and Technical Education": None, "Gifted and Talented": None,
        "Neglected and Delinquent Program": None, "Section 504 Placement": None,
        "Title I Part A": None, "Athletics": None, "Other": None,
    },
    "SchoolFoodServiceProgramServiceDescriptor": {
        "Free Breakfast": "true", "Free Lunch": "true", "Reduced Price Breakfast": "true",
        "Reduced Price Lunch": "true", "Full Price Breakfast": "false",
        "Full Price Lunch": "false",
    },
    "StudentCharacteristicDescriptor": {
        "Economic Disadvantaged": "economically_disadvantaged",
        "Economically Disadvantaged": "economically_disadvantaged",
        "Homeless": "homeless", "Migrant": "migrant", "Foster Care": "foster_care",
        "Limited English Proficiency": "english_learner", "Disability": "disability",
        "Immigrant": None, "Displaced Homemaker": None, "Parent in Military": None,
        "Pregnant": None, "Refugee": None, "Unaccompanied Youth": None,
        "Single Parent": None, "Section 504 Handicapped": None, "Other": None,
    },
    "LimitedEnglishProficiencyDescriptor": {"Limited": "true", "Limited Monitored 1": "true",
                                            "Limited Monitored 2": "true",
                                            "NotLimited": "false"},
    "StaffClassificationDescriptor": {
        "Teacher": "teacher", "Pre-Kindergarten Teacher": "teacher",
        "Kindergarten Teacher": "teacher", "Elementary Teacher": "teacher",
        "Secondary Teacher": "teacher", "Ungraded Teacher": "teacher",
        "Special Education Teacher": "teacher", "Substitute Teacher": "teacher",
        "Principal": "principal", "School Leader": "principal",
        "Assistant Principal": "assistant_principal", "Counselor": "counselor",
        "Instructional Coordinator": "coach", "Instructional Coach": "coach",
        "School Administrator": "other", "School Specialist": "other",
        "School Support Staff": "other", "Student Support Services Staff": "other",
        "Librarians/Media Specialists": "other", "Instructional Aide": "other",
        "Paraprofessional/Instructional Aide": "other", "Other": "other",
        "Superintendent": "other", "Assistant Superintendent": "other",
        "LEA Administrator": "other", "LEA Specialist": "other", "LEA Support Staff": "other",
        "LEA System Administrator": "other",
    },
    "SchoolCategoryDescriptor": {
        "Elementary School": "elementary", "Primary School": "elementary",
        "Intermediate School": "elementary", "Middle School": "middle",
        "Junior High School": "middle", "High School": "high", "Secondary School": "high",
        "Elementary/Secondary School": "other", "Adult School": "other",
        "Infant/toddler School": "other", "Preschool/early childhood": "other",
        "Ungraded": "other", "All Levels": "other", "Other": "other",
    },
}


class UnmappedDescriptor(ValueError):
    """A descriptor value no table maps; the importer collects them all and fails once."""


def split(uri: str) -> tuple[str, str]:
    """`uri://ed-fi.org/SexDescriptor#Female` → ('SexDescriptor', 'Female')."""
    head, _, code = uri.partition("#")
    if not code:  # a bare code value, as some APIs and hand-made files write them
        return "", uri.strip()
    return head.rstrip("/").rsplit("/", 1)[-1], code.strip()


class Descriptors:
    """Looks descriptor URIs up: the district's map first (full URI, then code value), then
    the defaults. Matching of code values ignores case."""

    def __init__(self, extra: Mapping[str, object] | None = None) -> None:
        self.by_uri: dict[str, str] = {}
        self.by_code: dict[str, dict[str, str | None]] = {
            kind: {k.lower(): v for k, v in codes.items()} for kind, codes in DEFAULTS.items()}
        for key, value in (extra or {}).items():
            if isinstance(value, Mapping):
                self.by_code.setdefault(key, {}).update(
                    {str(k).lower(): as_text(v) for k, v in value.items()})
            else:
                self.by_uri[key] = as_text(value)
        self._seen: dict[tuple[str, str], str | None] = {}  # a file repeats a few values
    @classmethod
    def load(cls, path: Path | None) -> Descriptors:
        if path is None:
            return cls()
        text = path.read_text(encoding="utf-8")
        try:
            extra = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError) as e:
            raise ValueError(f"{path}: not a valid descriptor map: {e}") from None
        if not isinstance(extra, dict):
            raise ValueError(f"{path}: a descriptor map is a mapping of descriptor type to "
                             "{code value: canonical code}")
        return cls(extra)

    def map(self, kind: str, uri: str) -> str | None:
        """The canonical code for `uri` of descriptor type `kind`; None = no canonical place;
        DROP = the district asked to skip it. Raises UnmappedDescriptor."""
        try:
            return self._seen[(kind, uri)]
        except KeyError:
            pass
        if uri in self.by_uri:
            return self.by_uri[uri]
        found_kind, code = split(uri)
        table = self.by_code.get(found_kind or kind, {})
        key = code.lower()
        if key in table:
            self._seen[(kind, uri)] = table[key]
            return table[key]
        raise UnmappedDescriptor(f"{found_kind or kind} value {uri!r} is not mapped: add it "
                                 "to a --descriptor-map file (or map it to 'drop')")
