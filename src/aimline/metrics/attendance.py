"""Attendance: days enrolled and days absent per student, and the metrics built on them.

Days enrolled = instructional days of the school's calendar from entry_date to exit_date,
both inclusive (empty exit_date = to the end of the year), looked up in the cumulative
`calendar_index`. Days absent = the sum of the share of the day missed over absence events
(excused, unexcused, suspension; tardies and early departures are not absences).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from aimline.data.schema import ABSENCE_CATEGORIES
from aimline.metrics.catalog import Grain, Metric
from aimline.metrics.periods import Period, bucket, period_table, to_date
from aimline.metrics.tables import Tables


def unit_of(t: Tables, table: ir.Table, grain: Grain) -> ir.Table:
    """Add `unit_id`: the school, or the school's district for district rows."""
    if grain == "school":
        return table.mutate(unit_id=table.school_id)
    leas = t.schools.select(sid=t.schools.school_id, unit_id=t.schools.lea_id)
    return table.join(leas, table.school_id == leas.sid).drop("sid")


def membership(t: Tables, grain: Grain, period: Period,
               partial_day_threshold: float | None = None) -> ir.Table:
    """unit_id, student_id, period_no, grade_level, days (enrolled), absent (to date).

    `partial_day_threshold`: None counts the share of the day missed (0.5 for half a day);
    a number (e.g. 0.5) counts an absence of at least that share as a whole day and
    anything less as none, as some states' half-day rules do. District rows sum a
    student's days and absences over the district's schools.
    """
    e = unit_of(t, t.enrollments, grain)
    periods = period_table(t.year, period)
    single = len(periods) == 1  # the school year: no period grid, no running total
    if single:
        spans = e.mutate(period_no=ibis.literal(1), period_start=ibis.literal(t.year_start),
                         period_end=ibis.literal(t.year_end))
    else:
        grid = ibis.memtable(periods)
        spans = e.cross_join(grid).filter(
            e.entry_date <= grid.period_end,
            ibis.coalesce(e.exit_date, ibis.literal(t.year_end)) >= grid.period_start)
    # the instructional days of the span inside the period: through its cut, less those
    # before it began (or before the period began)
    spans = spans.mutate(
        cut=ibis.least(ibis.coalesce(spans.exit_date, ibis.literal(t.year_end)),
                       spans.period_end),
        before=ibis.greatest(spans.entry_date, spans.period_start) - ibis.interval(days=1))
    ci = t.calendar_index
    to_cut = ci.select(s1=ci.school_id, d1=ci.date, through_cut=ci.instr_through)
    to_before = ci.select(s2=ci.school_id, d2=ci.date, through_before=ci.instr_through)
    spans = spans.left_join(to_cut, [spans.school_id == to_cut.s1, spans.cut == to_cut.d1])
    spans = spans.left_join(to_before, [spans.school_id == to_before.s2,
                                        spans.before == to_before.d2])
    days = (spans.through_cut.fill_null(0) - spans.through_before.fill_null(0)).clip(lower=0)
    member = spans.group_by(["unit_id", "student_id", "period_no"]).aggregate(
        days=days.sum(), grade_level=spans.grade_level.argmax(spans.entry_date))

    ev = t.attendance_events
    ev = unit_of(t, ev.filter(ev.category.isin(list(ABSENCE_CATEGORIES))), grain)
    missed = (ev.day_fraction if partial_day_threshold is None
              else ibis.ifelse(ev.day_fraction >= partial_day_threshold, 1.0, 0.0))
    absent = ev.mutate(b=bucket(ev.date, t.year, period), missed=missed).group_by(
        a_unit=ibis._.unit_id, a_student=ibis._.student_id, b=ibis._.b).aggregate(
        absent_in=ibis._.missed.sum())
    joined = member.left_join(absent, [member.unit_id == absent.a_unit,
                                       member.student_id == absent.a_student,
                                       member.period_no == absent.b])
    absent_in = joined.absent_in.fill_null(0.0)
    if to_date(period):  # cumulative: add up the periods so far
        absent_in = absent_in.sum().over(ibis.cumulative_window(
            group_by=[joined.unit_id, joined.student_id], order_by=joined.period_no))
    return joined.select("unit_id", "student_id", "period_no", "grade_level", "days",
                         absent=absent_in)


def _attendance_rate(t: Tables, grain: Grain, period: Period,
                     partial_day_threshold: float | None) -> ir.Table:
    m = membership(t, grain, period, partial_day_threshold)
    m = m.filter(m.days > 0)
    return m.select("unit_id", "student_id", "period_no", "grade_level",
                    num=(m.days - m.absent).cast("float64"), den=m.days.cast("float64"))


def _chronic(t: Tables, grain: Grain, period: Period, threshold_pct: float, min_days: int,
             partial_day_threshold: float | None) -> ir.Table:
    m = membership(t, grain, period, partial_day_threshold)
    m = m.filter(m.days >= min_days)
    # absent/days >= threshold, compared without division so 18 of 180 is exactly 10%
    chronic = m.absent * 100 >= threshold_pct * m.days
    return m.select("unit_id", "student_id", "period_no", "grade_level",
                    num=chronic.cast("float64"), den=ibis.literal(1.0))


TIERS = {  # Attendance Works: share of days absent, in percent
    "satisfactory": (None, 5), "at_risk": (5, 10), "moderate": (10, 20), "severe": (20, None),
}


def _tier(tier: str):
    lo, hi = TIERS[tier]

    def units(t: Tables, grain: Grain, period: Period, min_days: int,
              partial_day_threshold: float | None) -> ir.Table:
        m = membership(t, grain, period, partial_day_threshold)
        m = m.filter(m.days >= min_days)
        pct = m.absent * 100
        inside = ibis.literal(True)
        if lo is not None:
            inside &= pct >= lo * m.days
        if hi is not None:
            inside &= pct < hi * m.days
        return m.select("unit_id", "student_id", "period_no", "grade_level",
                        num=inside.cast("float64"), den=ibis.literal(1.0))
    return units


ATTENDANCE_PERIODS: tuple[Period, ...] = ("year", "month", "week", "month_to_date",
                                          "week_to_date")
# a share of students needs each student's 10 days in the period: a week has 5
STUDENT_PERIODS: tuple[Period, ...] = ("year", "month", "month_to_date", "week_to_date")
PARTIAL = {"partial_day_threshold": None}
NEEDS = ("attendance_events",)

METRICS: tuple[Metric, ...] = (
    Metric(
        id="attendance_rate", title="Attendance rate (%)", unit="percent",
        higher_is_better=True,
        numerator="days attended (days enrolled minus days absent, partial days by fraction)",
        denominator="instructional days enrolled",
        definition="Days attended as a share of days enrolled, summed over students before "
                   "dividing (a student enrolled longer weighs more).",
        source="Average daily attendance as states compute it; Attendance Works",
        units=_attendance_rate, periods=ATTENDANCE_PERIODS, options=dict(PARTIAL),
        needs=NEEDS, per_student=True),
    Metric(
        id="chronic_absence", title="Chronically absent (%)", unit="percent",
        higher_is_better=False,
        numerator="students absent on at least 10% of the instructional days they were "
                  "enrolled at the school",
        denominator="students enrolled at the school for at least 10 instructional days",
        definition="A student is chronically absent at a school when absent >= 10% of the "
                   "instructional days enrolled there; a student in two schools counts at "
                   "each (and once, with summed days, in the district row).",
        source="EDFacts FS195 / DG814 (chronic absenteeism), U.S. Department of Education",
        units=_chronic, periods=STUDENT_PERIODS,
        options={"threshold_pct": 10, "min_days": 10, **PARTIAL}, needs=NEEDS,
        per_student=True),
    *[Metric(
        id=f"attendance_tier_{tier}", title=f"Attendance tier: {tier.replace('_', ' ')} (%)",
        unit="percent", higher_is_better=tier == "satisfactory",
        numerator=f"students whose absence rate is {_range}",
        denominator="students enrolled for at least 10 instructional days",
        definition=f"Share of students in the Attendance Works '{tier.replace('_', ' ')}' "
                   f"tier: absent {_range} of days enrolled.",
        source="Attendance Works, 'Attendance tiers' (satisfactory < 5%, at risk 5-<10%, "
               "moderate chronic 10-<20%, severe chronic >= 20%)",
        units=_tier(tier), periods=STUDENT_PERIODS, options={"min_days": 10, **PARTIAL},
        needs=NEEDS, per_student=True)
      for tier, _range in (("satisfactory", "below 5%"), ("at_risk", "5% to under 10%"),
                           ("moderate", "10% to under 20%"), ("severe", "20% or more"))],
)
