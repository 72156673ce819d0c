"""Generate docs/data-format.md from the canonical schema (`make docs`).

A test compares the file with this output, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from aimline.data.schema import ABSENCE_CATEGORIES, TABLES, Column

HEAD = """\
# The district extract format

<!-- Generated from src/aimline/data/schema.py by `make docs`; do not edit by hand. -->

An extract is a folder with one file per table, named after the table: `schools.csv` or
`schools.parquet`, and so on. CSV files are UTF-8, comma-separated, with a header row of the
column names below (order does not matter; extra columns are ignored with a note). Dates
are `YYYY-MM-DD`; booleans are `true`/`false` (also `1`/`0`, `yes`/`no`); an empty field is
a missing value.

A **school year** is named by the year it ends: `2026` is 2025-26, from 1 July 2025 to
30 June 2026.

## Several districts, several sources, this week's data

One warehouse holds many districts and many school years (`aimline.data.reach`):

- **A load reaches exactly its (district, school year) pairs.** The extract's districts are
  those of its `leas.csv` and `schools.csv` (or of the warehouse schools it names); for each
  table it contains, the rows of those districts' schools in those school years are
  replaced, and tables without a year (districts, schools, students, courses, cohorts) are
  added to or updated by key. Loading district B never changes a row of district A. On the
  site, a district's load job takes only that district's extracts.
- **Ids are not qualified by district.** A student, staff member or school id the warehouse
  already holds for another district is refused, naming every such id (so two districts'
  students `1001` are never merged into one person); so is a course id describing another
  district's course differently. Give each district's ids a prefix (in the SIS mapping:
  `student_id: {{column: Student_Number, prefix: "B-"}}`), or load districts that share
  state ids together in one extract.
- **A window load** (`aimline load week/ --from 2026-01-05 --to 2026-01-09`, or the days on
  the site's load form) replaces the absences and discipline of the extract's districts
  dated inside the window, so a corrected or deleted absence is applied, and updates every
  other table by key (an enrollment that gains its exit date). Its dated rows must lie
  inside the window.
- **A partial extract** holds only some tables, the rest coming from the warehouse: Ed-Fi
  attendance on a SIS's enrollments, OneRoster rosters on top of a SIS load. `aimline load
  extract/ --only attendance_events` loads only the named tables of an extract. The tables
  marked *required* below are required only when the warehouse lacks them for the
  extract's district; the records tables are optional, and a metric whose records were
  never loaded for a district and year (say, no attendance yet) has no value there rather
  than a 0% it never measured. `aimline info` lists which source last wrote each table for
  each district and school year.

Every rule below is checked against the extract **plus** what the warehouse keeps after
the load: references, absences inside an enrollment span and on an instructional day,
spans that do not overlap. `aimline check week/ --against aimline.duckdb [--from … --to …]`
runs those checks without loading.

Validation (`aimline check`, and first thing in `aimline load`) reports every problem with
the file, the row (the line number in a CSV, header = 1), the column, the value and the rule.
Besides the rules in the tables below, it checks:

- every key is unique, and every reference resolves (student, school, course, district);
- dates fall inside their school year;
- an enrollment's `exit_date` is on or after its `entry_date`, and one student's enrollment
  spans never overlap; every school and year with enrollments has a calendar;
- absences fall on an instructional day of that school's calendar (a tardy or early
  departure on another day is reported as a note: it counts toward nothing), and every
  attendance event inside an enrollment span of that student at that school;
- absences ({absences}) on one day add up to at most one day;
- a course's `credits_earned` is at most `credits_attempted`; a failing mark is not passed;
- a school's `low_grade` is not above its `high_grade`.

**Days enrolled** are the instructional days of the school's calendar from `entry_date` to
`exit_date`, both inclusive (empty `exit_date` = to the end of the year). Attendance is
recorded as absences only (sparse): a student is present on every instructional day of a
span without an absence event.
"""


def _rule(c: Column) -> str:
    parts = []
    if c.allowed:
        parts.append("one of " + ", ".join(f"`{a}`" for a in c.allowed))
    if rng := c.range_rule():
        parts.append(rng.removeprefix("must be "))
    return "; ".join(parts)


def render() -> str:
    out = [HEAD.format(absences=", ".join(f"`{a}`" for a in ABSENCE_CATEGORIES))]
    for t in TABLES:
        out.append(f"\n## `{t.name}`\n\n{t.description}\n")
        extra = []
        extra.append(f"Key: ({', '.join(t.primary_key)}).")
        extra += [f"`{', '.join(r.columns)}` refers to `{r.target}`." for r in t.references]
        extra.append("Required file." if t.required else "Optional file.")
        extra.append("Loaded by school year." if t.year_column else "Upserted by key.")
        out.append(" ".join(extra) + "\n")
        out.append("| column | type | required | allowed values | description |")
        out.append("| --- | --- | --- | --- | --- |")
        for c in t.columns:
            out.append(f"| `{c.name}` | {c.type} | {'yes' if c.required else 'no'} | "
                       f"{_rule(c)} | {c.description} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render(), end="")
