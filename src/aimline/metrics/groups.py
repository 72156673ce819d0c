"""Disaggregation: every unit x period x student group, in one pass over the units.

The student table is joined once and unpivoted to (group_type, group_value) pairs, so each
unit row feeds the `all` row and one row per group dimension without re-reading anything.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from aimline.metrics.tables import Tables

FLAGS = ("economically_disadvantaged", "english_learner", "disability", "homeless",
         "foster_care")
GROUP_TYPES = ("all", "race_ethnicity", "sex", *FLAGS, "grade_level")
# how a page or a report names a group in a sentence ("a gap for English learners")
LABELS = {
    ("all", "all"): "all students",
    ("race_ethnicity", "hispanic"): "Hispanic students", ("race_ethnicity", "black"):
    "Black students", ("race_ethnicity", "white"): "White students",
    ("race_ethnicity", "asian"): "Asian students", ("race_ethnicity", "american_indian"):
    "American Indian students", ("race_ethnicity", "pacific_islander"):
    "Pacific Islander students", ("race_ethnicity", "two_or_more"):
    "students of two or more races", ("sex", "F"): "girls", ("sex", "M"): "boys",
    ("sex", "X"): "students of another gender",
    ("economically_disadvantaged", "true"): "economically disadvantaged students",
    ("economically_disadvantaged", "false"): "students not economically disadvantaged",
    ("english_learner", "true"): "English learners",
    ("english_learner", "false"): "students who are not English learners",
    ("disability", "true"): "students with disabilities",
    ("disability", "false"): "students without disabilities",
    ("homeless", "true"): "students experiencing homelessness",
    ("homeless", "false"): "students not experiencing homelessness",
    ("foster_care", "true"): "students in foster care",
    ("foster_care", "false"): "students not in foster care",
    ("migrant", "true"): "migrant students", ("migrant", "false"): "students not migrant"}


def label(group_type: str, group_value: str) -> str:
    """'English learners', 'grade 09 students'; a group this table does not know reads as
    its type and value in words."""
    if group_type == "grade_level":
        return f"grade {group_value} students"
    return LABELS.get((group_type, group_value),
                      f"{group_type.replace('_', ' ')}: {group_value}")


def catalog() -> list[tuple[str, str]]:
    """Every student group a metric is reported for, as (group_type, group_value), in
    the order pages list them: all students, race/ethnicity, sex, each flag, grade."""
    from aimline.data.schema import GRADE_LEVELS, RACE_ETHNICITY, SEX

    out = [("all", "all")]
    out += [("race_ethnicity", v) for v in RACE_ETHNICITY]
    out += [("sex", v) for v in SEX]
    out += [(f, v) for f in FLAGS for v in ("true", "false")]
    out += [("grade_level", g) for g in GRADE_LEVELS]
    return out


def title(group_type: str, group_value: str) -> str:
    """The label for a table cell or a menu: 'English learners', 'All students'."""
    s = label(group_type, group_value)
    return s[0].upper() + s[1:]


def aggregate(units: ir.Table, t: Tables, *, per_student: bool = False) -> ir.Table:
    """unit_id, period_no, group_type, group_value, numerator, denominator, students.

    `students` counts the distinct people of the cell with a non-zero denominator: what
    suppression counts (a proficiency cell holds results, an attendance cell days).
    `per_student`: the units hold one row per unit, student and period, so the rows with
    a denominator are those people (`catalog.Metric.per_student`)."""
    s = t.students
    st = s.select(sid=s.student_id, race_ethnicity=s.race_ethnicity, sex=s.sex,
                  **{f: s[f].cast("string").lower() for f in FLAGS})
    w = units.left_join(st, units.student_id == st.sid)
    w = w.select("unit_id", "student_id", "period_no", "num", "den", "race_ethnicity", "sex",
                 *FLAGS,
                 all=ibis.literal("all"), grade_level=w.grade_level.cast("string"))
    long = w.pivot_longer(list(GROUP_TYPES), names_to="group_type", values_to="group_value")
    long = long.filter(long.group_value.notnull())
    return long.group_by(["unit_id", "period_no", "group_type", "group_value"]).aggregate(
        numerator=long.num.sum(), denominator=long.den.sum(),
        students=(long.student_id.count(where=long.den > 0) if per_student
                  else long.student_id.nunique(where=long.den > 0)))
