"""`aimline mapping init`: propose a mapping.yaml for a folder of SIS export files.

For each canonical table the file whose name and columns fit best is chosen; each
canonical column gets the source column whose name is closest (difflib ratio on
normalised names, with the common SIS synonyms); the date format is guessed from the
values; and for every code column *every* distinct value is listed with its row count,
mapped where the value is plainly a canonical code and `?` where a person must decide.
`aimline import sis` refuses a mapping that still has a `?`, so nothing is silently
unmapped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

import yaml

from aimline.data.importers.sis import YEAR_FROM, read_rows
from aimline.data.schema import TABLES, Column, Table

TODO = "?"
MAX_CODES = 200  # more distinct values than this: not a code column
SYNONYMS = {
    "student_id": ["studentnumber", "studentid", "stuid", "localid", "studentno", "pupilid"],
    "school_id": ["schoolid", "schoolnumber", "schoolcode", "schid", "buildingid"],
    "lea_id": ["districtnumber", "districtid", "leaid", "districtcode"],
    "first_name": ["firstname", "givenname", "fname"],
    "last_name": ["lastname", "surname", "familyname", "lname"],
    "sex": ["gender", "sex"], "race_ethnicity": ["ethnicity", "race", "fedethnicity"],
    "birth_date": ["dob", "birthdate", "dateofbirth"],
    "economically_disadvantaged": ["lunchstatus", "frl", "econdisadv", "freereduced"],
    "english_learner": ["ell", "el", "lep", "englishlearner"],
    "disability": ["sped", "iep", "specialed", "swd"], "foster_care": ["foster"],
    "grade_level": ["gradelevel", "grade", "gr"], "entry_date": ["entrydate", "enterdate"],
    "exit_date": ["exitdate", "withdrawdate", "leavedate"],
    "exit_reason": ["exitcode", "withdrawcode", "exitreason"],
    "date": ["attdate", "datevalue", "incidentdate", "calendardate", "date"],
    "instructional": ["insession", "schoolday", "instructional"],
    "category": ["attcode", "attendancecode", "absencecode"],
    "day_fraction": ["dayportion", "portion", "dayfraction", "fteabsent"],
    "course_id": ["coursenumber", "courseid", "coursecode"],
    "title": ["coursename", "coursetitle", "title"], "subject": ["department", "subject"],
    "credits": ["credithours", "credits"], "mark": ["grade", "mark", "lettergrade"],
    "term": ["storecode", "term", "termcode"],
    "credits_attempted": ["potentialcrhrs", "creditsattempted", "attemptedcredits"],
    "credits_earned": ["earnedcrhrs", "creditsearned", "earnedcredits"],
    "incident_id": ["incidentid", "incidentnumber"],
    "behavior": ["behaviorcode", "offensecode", "behavior"],
    "action": ["actioncode", "consequence", "action"],
    "days": ["durationdays", "days", "duration"], "assessment": ["testname", "assessment"],
    "scale_score": ["scalescore", "score", "ss"],
    "performance_level": ["perflevel", "performancelevel", "level"],
    "name": ["schoolname", "districtname", "name"], "level": ["schoollevel", "level"],
    "low_grade": ["lowgrade", "gradelow"], "high_grade": ["highgrade", "gradehigh"],
    "title_i": ["title1", "titlei"],
}
FILE_HINTS = {
    "leas": ["district", "lea"], "schools": ["school"], "students": ["student", "demograph"],
    "courses": ["course", "catalog"], "enrollments": ["enrol", "membership"],
    "calendar_days": ["calendar"], "attendance_events": ["attend", "absence"],
    "course_marks": ["grade", "mark", "transcript"], "discipline_actions": ["disciplin",
                                                                            "incident"],
    "assessment_results": ["test", "score", "assess"], "staff_assignments": ["staff"],
    "cohort_outcomes": ["cohort", "graduat"], "section_rosters": ["roster", "section"],
}
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%m/%d/%y", "%Y%m%d", "%d.%m.%Y")
# plainly yes or no; F (free lunch? female? false?) and T are left to a person
BOOL_CODES = {"y": True, "yes": True, "true": True, "1": True,
              "n": False, "no": False, "false": False, "0": False}


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


def similarity(canonical: str, header: str) -> float:
    h = _norm(header)
    if h in SYNONYMS.get(canonical, ()) or h == _norm(canonical):
        return 1.0
    return max([SequenceMatcher(None, _norm(canonical), h).ratio()]
               + [SequenceMatcher(None, s, h).ratio() for s in SYNONYMS.get(canonical, ())])


def _match(t: Table, header: list[str]) -> dict[str, tuple[str, float]]:
    """Greedy: the best (canonical column, header) pairs first, each header used once."""
    pairs = sorted(((similarity(c.name, h), c.name, h) for c in t.columns for h in header),
                   reverse=True)
    used_c: set[str] = set()
    used_h: set[str] = set()
    out = {}
    for score, c, h in pairs:
        if score < 0.75 or c in used_c or h in used_h:
            continue
        out[c] = (h, score)
        used_c.add(c)
        used_h.add(h)
    return out


def _file_score(t: Table, path: Path, match: dict[str, tuple[str, float]]) -> float:
    hint = any(k in path.stem.lower() for k in FILE_HINTS.get(t.name, ()))
    required = [c.name for c in t.columns if c.required]
    covered = sum(match[c][1] for c in required if c in match) / max(len(required), 1)
    return covered + (0.5 if hint else 0)


def _code(c: Column, value: str) -> object:
    """The canonical code a source value plainly is, else TODO."""
    v = value.strip()
    if c.type == "boolean":
        return BOOL_CODES.get(v.lower(), TODO)
    for code in c.allowed or ():
        if v.lower() == code.lower():
            return code
    if (c.name.endswith("grade") or c.name == "grade_level") and v.lstrip("-").isdigit():
        n = int(v)
        return "PK" if n == -1 else "KG" if n == 0 else f"{n:02d}" if 1 <= n <= 12 else TODO
    return TODO


def _date_format(values: list[str]) -> str | None:
    for fmt in DATE_FORMATS:
        try:
            for v in values:
                dt.datetime.strptime(v, fmt)
            return fmt
        except ValueError:
            continue
    return None


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes, else Windows-1252, the
    encoding of most Windows SIS exports that are not UTF-8."""
    if path.suffix.lower() != ".csv":
        return "utf-8-sig"
    try:
        with path.open(encoding="utf-8-sig") as f:
            while f.read(1 << 20):
                pass
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"


def propose(folder: Path) -> tuple[str, list[str]]:
    """The proposed mapping as YAML text (with counts as comments), and what needs a person."""
    files = sorted(p for p in folder.iterdir()
                   if p.suffix.lower() in (".csv", ".xlsx") and not p.name.startswith("."))
    encodings = {p: _encoding(p) for p in files}
    headers = {p: list(next(read_rows(p, encoding=encodings[p]), (0, {}))[1].keys())
               for p in files}
    todo: list[str] = []
    lines = ["# Proposed by `aimline mapping init`: check every line, replace each ? with the",
             "# canonical code (or list the value under drop:), then run aimline import sis.",
             "date_format: \"%Y-%m-%d\"", "tables:"]
    for t in TABLES:
        scored = [(_file_score(t, p, m := _match(t, headers[p])), p, m) for p in files]
        if not scored:
            break
        score, path, match = max(scored, key=lambda x: x[0])
        if score < 0.6:
            if t.required:
                todo.append(f"{t.name}: no file fits (the best, {path.name}, only "
                            f"{score:.0%})")
            continue
        values: dict[str, Counter[str]] = {}
        dates: dict[str, list[str]] = {}
        code_cols = {c.name: match[c.name][0] for c in t.columns if c.name in match
                     and (c.allowed or c.type == "boolean")}
        date_cols = {c.name: match[c.name][0] for c in t.columns if c.name in match
                     and c.type == "date"}
        for _, row in read_rows(path, encoding=encodings[path]):
            for c, h in code_cols.items():
                values.setdefault(c, Counter())[row.get(h, "")] += 1
            for c, h in date_cols.items():
                if len(dates.setdefault(c, [])) < 200 and row.get(h):
                    dates[c].append(row[h])
        lines += [f"  {t.name}:", f"    file: {path.name}"]
        if encodings[path] != "utf-8-sig":
            lines.append(f"    encoding: {encodings[path]}  # not UTF-8: read as Windows-1252")
        lines.append("    columns:")
        for c in t.columns:
            if c.name in match:
                h, s = match[c.name]
                fmt = _date_format(dates.get(c.name, []))
                src = (yaml.safe_dump({"column": h, "date_format": fmt},
                                      default_flow_style=True).strip()
                       if c.name in date_cols and fmt else yaml.safe_dump(h).strip()
                       .removesuffix("...").strip())
                lines.append(f"      {c.name}: {src}" + ("" if s == 1.0 else
                                                         f"  # guessed ({s:.0%} alike)"))
            elif c.required and not (c.name == t.year_column and t.name in YEAR_FROM):
                lines.append(f"      # {c.name}: ?   (required; no column found)")
                todo.append(f"{t.name}.{c.name}: no column found in {path.name}")
        coded = {c: n for c, n in values.items() if len(n) <= MAX_CODES}
        if coded:
            lines.append("    values:")
        for c, counts in coded.items():
            col = t.column(c)
            lines.append(f"      {c}:")
            for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                if v == "" and not col.required:
                    continue
                target = _code(col, v)
                if target == TODO:
                    todo.append(f"{path.name}, column {code_cols[c]}: code {v!r} "
                                f"({n:,} rows) needs a {t.name}.{c} code")
                shown = yaml.safe_dump(target, default_flow_style=True).strip().removesuffix(
                    "...").strip()
                key = yaml.safe_dump(v, default_flow_style=True).strip().removesuffix(
                    "...").strip()
                lines.append(f"        {key}: {shown}  # {n:,} row{'' if n == 1 else 's'}")
    return "\n".join(lines) + "\n", todo
