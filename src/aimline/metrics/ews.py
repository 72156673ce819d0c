"""Early-warning ABC flags per student: Attendance, Behaviour, Course performance."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from aimline.data.schema import FAILING_MARKS
from aimline.metrics.attendance import membership, unit_of
from aimline.metrics.catalog import Grain, Metric
from aimline.metrics.periods import Period
from aimline.metrics.tables import Tables


def student_flags(t: Tables, grain: Grain = "school", *, attendance_below_pct: float = 90,
                  behaviour_actions: tuple[str, ...] = ("oss", "iss"),
                  course_subjects: tuple[str, ...] = ("ela", "math")) -> ir.Table:
    """One row per unit and student: attendance_rate, the three flags and their count.

    Flags (Balfanz, Herzog & Mac Iver 2007): attendance below 90%; at least one suspension;
    a failing mark in ELA or math. Thresholds are options.
    """
    m = membership(t, grain, "year")
    m = m.filter(m.days > 0)
    d = t.discipline_actions
    d = unit_of(t, d.filter(d.action.isin(list(behaviour_actions))), grain)
    d = d.group_by(["unit_id", "student_id"]).aggregate(suspensions=d.count()).rename(
        d_unit="unit_id", d_student="student_id")
    c = t.course_marks
    c = unit_of(t, c.filter(c.subject.isin(list(course_subjects))), grain)
    c = c.group_by(["unit_id", "student_id"]).aggregate(
        failing=c.mark.isin(list(FAILING_MARKS)).sum()).rename(
        c_unit="unit_id", c_student="student_id")
    j = m.left_join(d, [m.unit_id == d.d_unit, m.student_id == d.d_student])
    j = j.left_join(c, [j.unit_id == c.c_unit, j.student_id == c.c_student])
    a = (j.days - j.absent) * 100 < attendance_below_pct * j.days
    b = j.suspensions.fill_null(0) > 0
    cf = j.failing.fill_null(0) > 0
    return j.select(
        "unit_id", "student_id", "grade_level", "days", "absent",
        attendance_rate=(j.days - j.absent) * 100.0 / j.days,
        suspensions=j.suspensions.fill_null(0), failing_marks=j.failing.fill_null(0),
        flag_attendance=a, flag_behaviour=b, flag_course=cf,
        flags=a.cast("int8") + b.cast("int8") + cf.cast("int8"))


def _flag_count(k: int):
    def units(t: Tables, grain: Grain, period: Period, attendance_below_pct: float) -> ir.Table:
        f = student_flags(t, grain, attendance_below_pct=attendance_below_pct)
        return f.select("unit_id", "student_id", "grade_level", period_no=ibis.literal(1),
                        num=(f.flags == k).cast("float64"), den=ibis.literal(1.0))
    return units


METRICS: tuple[Metric, ...] = tuple(
    Metric(
        id=f"ews_abc_{k}", title=f"Early-warning flags: {k} of 3 (%)", unit="percent",
        higher_is_better=k == 0,
        numerator=f"students with exactly {k} of the flags: attendance < 90%, >= 1 "
                  "suspension, a failing ELA or math mark",
        denominator="students enrolled at the school in the year",
        definition=f"Share of students with {k} early-warning (ABC) flag(s). The flags per "
                   "student are listed by `aimline students flags`.",
        source="Balfanz, Herzog & Mac Iver 2007, Educational Psychologist 42(4); "
               "Everyone Graduates Center early-warning indicators",
        units=_flag_count(k), options={"attendance_below_pct": 90},
        needs=("attendance_events", "discipline_actions", "course_marks"))
    for k in range(4))
