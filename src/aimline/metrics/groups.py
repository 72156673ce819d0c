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


def aggregate(units: ir.Table, t: Tables) -> ir.Table:
    """unit_id, period_no, group_type, group_value, numerator, denominator, students.

    `students` counts the distinct people of the cell with a non-zero denominator: what
    suppression counts (a proficiency cell holds results, an attendance cell days)."""
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
        students=long.student_id.nunique(where=long.den > 0))
