"""The synthetic district as a OneRoster 1.2 CSV bundle (bulk).

    write(Path("district/"), Path("oneroster/"))    # from a canonical extract

One homeroom class per school, school year and grade, taught by one teacher; every
enrollment span of a student is an enrollment in the homeroom of its grade with the
span's dates. Courses carry their SCED subject code. Demographics carry sex, race and
birth date. So an import gives back schools, students, enrollment spans and rosters.
"""

from __future__ import annotations

import csv
from pathlib import Path

from aimline.data.extract import open_views

STAMP = "2026-07-01T00:00:00.000Z"
SCED_CODE = {"ela": "01001", "math": "02052", "science": "03051", "social_studies": "04101",
             "arts": "05154", "world_language": "06101", "pe_health": "08001",
             "cte": "10001", "elective": "22999"}
SEX = {"F": "female", "M": "male", "X": "other"}
RACE_COLUMNS = ("americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
                "nativeHawaiianOrOtherPacificIslander", "white")
RACE_OF = {"american_indian": "americanIndianOrAlaskaNative", "asian": "asian",
           "black": "blackOrAfricanAmerican", "pacific_islander":
           "nativeHawaiianOrOtherPacificIslander", "white": "white"}
FILES = ("academicSessions", "classes", "courses", "demographics", "enrollments", "orgs",
         "roles", "users")


def _writer(out: Path, name: str, header: list[str]) -> tuple[csv.writer, object]:
    f = (out / f"{name}.csv").open("w", encoding="utf-8", newline="")
    w = csv.writer(f)
    w.writerow(header)
    return w, f


def write(extract: Path, out: Path) -> dict[str, int]:
    """Write the bundle for the canonical extract in `extract`; rows per file."""
    out.mkdir(parents=True, exist_ok=True)
    con = open_views(extract)
    counts: dict[str, int] = {}
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerows([("propertyName", "value"), ("manifest.version", "1.0"),
                     ("oneroster.version", "1.2"), *[(f"file.{n}", "bulk") for n in FILES],
                     ("file.results", "absent"), ("file.lineItems", "absent"),
                     ("source.systemName", "Aimline synthetic district")])
    base = ["sourcedId", "status", "dateLastModified"]

    w, f = _writer(out, "orgs", [*base, "name", "type", "identifier", "parentSourcedId"])
    rows = [(lea, "active", STAMP, name, "district", lea, "")
            for lea, name in con.execute("SELECT lea_id, name FROM leas").fetchall()]
    rows += [(s, "active", STAMP, name, "school", s, lea) for s, name, lea in con.execute(
        "SELECT school_id, name, lea_id FROM schools ORDER BY school_id").fetchall()]
    w.writerows(rows)
    f.close()
    counts["orgs"] = len(rows)

    years = [int(y) for (y,) in con.execute(
        "SELECT DISTINCT school_year FROM enrollments ORDER BY 1").fetchall()]
    w, f = _writer(out, "academicSessions", [*base, "title", "type", "startDate", "endDate",
                                             "parentSourcedId", "schoolYear"])
    w.writerows((f"SY{y}", "active", STAMP, f"{y - 1}-{y}", "schoolYear", f"{y - 1}-07-01",
                 f"{y}-06-30", "", y) for y in years)
    f.close()
    counts["academicSessions"] = len(years)

    w, f = _writer(out, "courses", [*base, "schoolYearSourcedId", "title", "courseCode",
                                    "grades", "orgSourcedId", "subjects", "subjectCodes"])
    lea = con.execute("SELECT min(lea_id) FROM leas").fetchone()[0]
    courses = con.execute("SELECT course_id, title, grade_level, subject FROM courses "
                          "ORDER BY course_id").fetchall()
    w.writerows((f"C-{c}", "active", STAMP, "", title, c, grade or "", lea, subject,
                 SCED_CODE[subject]) for c, title, grade, subject in courses)
    w.writerow(("C-HOMEROOM", "active", STAMP, "", "Homeroom", "HOMEROOM", "", lea,
                "homeroom", ""))
    f.close()
    counts["courses"] = len(courses) + 1

    homerooms = con.execute("SELECT DISTINCT school_id, school_year, grade_level FROM "
                            "enrollments ORDER BY ALL").fetchall()
    w, f = _writer(out, "classes", [*base, "title", "grades", "courseSourcedId", "classCode",
                                    "classType", "location", "schoolSourcedId",
                                    "termSourcedIds", "subjects", "subjectCodes", "periods"])
    w.writerows((f"HR-{s}-{y}-{g}", "active", STAMP, f"Homeroom {g}", g, "C-HOMEROOM",
                 f"HR{g}", "homeroom", "", s, f"SY{y}", "", "", "")
                for s, y, g in homerooms)
    f.close()
    counts["classes"] = len(homerooms)

    user_cols = [*base, "enabledUser", "username", "userIds", "givenName", "familyName",
                 "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds",
                 "grades", "password", "userMasterIdentifier", "preferredGivenName",
                 "preferredMiddleName", "preferredFamilyName", "primaryOrgSourcedId",
                 "pronouns"]
    uw, uf = _writer(out, "users", user_cols)
    rw, rf = _writer(out, "roles", [*base, "userSourcedId", "roleType", "role", "beginDate",
                                    "endDate", "orgSourcedId", "userProfileSourcedId"])
    dw, df = _writer(out, "demographics", [*base, "birthDate", "sex", *RACE_COLUMNS,
                                           "demographicRaceTwoOrMoreRaces",
                                           "hispanicOrLatinoEthnicity"])
    students = con.execute("""
        SELECT s.student_id, s.first_name, s.last_name, s.sex, s.race_ethnicity, s.birth_date,
               arg_max(e.school_id, e.entry_date), arg_max(e.grade_level, e.entry_date)
        FROM students s LEFT JOIN enrollments e USING (student_id)
        GROUP BY ALL ORDER BY s.student_id""").fetchall()
    for sid, first, last, sex, race, birth, school, grade in students:
        uw.writerow((sid, "active", STAMP, "true", sid.lower(), "", first or "", last or "", "",
                     sid, "", "", "", "", grade or "", "", "", "", "", "", school or "", ""))
        rw.writerow((f"R-{sid}", "active", STAMP, sid, "primary", "student", "", "",
                     school or "", ""))
        races = {c: "" for c in RACE_COLUMNS}
        if race in RACE_OF:
            races[RACE_OF[race]] = "true"
        dw.writerow((sid, "active", STAMP, birth or "", SEX[sex], *races.values(),
                     "true" if race == "two_or_more" else "false",
                     "true" if race == "hispanic" else "false"))
    teachers = sorted({(s, g) for s, _, g in homerooms})
    for s, g in teachers:
        tid = f"T-{s}-{g}"
        uw.writerow((tid, "active", STAMP, "true", tid.lower(), "", "Teacher", f"{s} {g}", "",
                     tid, "", "", "", "", g, "", "", "", "", "", s, ""))
        rw.writerow((f"R-{tid}", "active", STAMP, tid, "primary", "teacher", "", "", s, ""))
    for fh in (uf, rf, df):
        fh.close()  # type: ignore[attr-defined]
    counts["users"] = counts["roles"] = len(students) + len(teachers)
    counts["demographics"] = len(students)

    w, f = _writer(out, "enrollments", [*base, "classSourcedId", "schoolSourcedId",
                                        "userSourcedId", "role", "primary", "beginDate",
                                        "endDate"])
    spans = con.execute("SELECT student_id, school_id, school_year, grade_level, entry_date, "
                        "exit_date FROM enrollments ORDER BY ALL").fetchall()
    for i, (sid, s, y, g, entry, exit_) in enumerate(spans):
        w.writerow((f"E{i}", "active", STAMP, f"HR-{s}-{y}-{g}", s, sid, "student", "false",
                    entry, exit_ or ""))
    for s, y, g in homerooms:
        w.writerow((f"E-T-{s}-{y}-{g}", "active", STAMP, f"HR-{s}-{y}-{g}", s, f"T-{s}-{g}",
                    "teacher", "true", "", ""))
    f.close()
    counts["enrollments"] = len(spans) + len(homerooms)
    con.close()
    return counts
