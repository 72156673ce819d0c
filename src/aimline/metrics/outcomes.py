"""Course performance, discipline, assessment and graduation metrics (school year only)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from aimline.data.schema import FAILING_MARKS
from aimline.metrics.attendance import unit_of
from aimline.metrics.catalog import Grain, Metric
from aimline.metrics.periods import Period
from aimline.metrics.tables import Tables

CORE = ("ela", "math", "science", "social_studies")
SEMESTER_WEIGHT = {"FY": 2, "S1": 1, "S2": 1, "T1": 1, "T2": 1, "T3": 1}  # F's in semesters


def latest_grade(t: Tables, grain: Grain) -> ir.Table:
    """g_unit, g_student, grade_level: the grade of the student's latest span in the unit."""
    e = unit_of(t, t.enrollments, grain)
    return e.group_by(["unit_id", "student_id"]).aggregate(
        grade_level=e.grade_level.argmax(e.entry_date)).rename(
        g_unit="unit_id", g_student="student_id")


def _with_grade(t: Tables, grain: Grain, per: ir.Table) -> ir.Table:
    g = latest_grade(t, grain)
    j = per.left_join(g, [per.unit_id == g.g_unit, per.student_id == g.g_student])
    return j.drop("g_unit", "g_student")


def _one(table: ir.Table, num: ir.Value, den: ir.Value | float = 1.0) -> ir.Table:
    return table.select("unit_id", "student_id", "grade_level", period_no=ibis.literal(1),
                        num=num.cast("float64"),
                        den=ibis.literal(den) if isinstance(den, float) else den.cast("float64"))


def _course_failure(t: Tables, grain: Grain, period: Period, subjects: tuple[str, ...]
                    ) -> ir.Table:
    cm = t.course_marks
    cm = unit_of(t, cm.filter(cm.subject.isin(list(subjects))), grain)
    per = cm.group_by(["unit_id", "student_id"]).aggregate(
        failed=cm.mark.isin(list(FAILING_MARKS)).any())
    per = _with_grade(t, grain, per)
    return _one(per, per.failed)


def _on_track(t: Tables, grain: Grain, period: Period, min_credits: float,
              max_core_semester_fs: int) -> ir.Table:
    """UChicago Consortium: >= 5 full-year credits and <= 1 semester F in a core course by
    the end of grade 9. The student counts at the unit of their latest grade-9 span;
    credits and F's count wherever they were earned that year."""
    g = latest_grade(t, grain)
    ninth = g.filter(g.grade_level == "09")
    cm = t.course_marks
    weight = cm.term.cases(*SEMESTER_WEIGHT.items(), else_=0)
    core_f = (cm.subject.isin(list(CORE)) & cm.mark.isin(list(FAILING_MARKS))).ifelse(weight, 0)
    per = cm.group_by(c_student=cm.student_id).aggregate(
        credits=cm.credits_earned.sum(), core_fs=core_f.sum())
    j = ninth.left_join(per, ninth.g_student == per.c_student)
    on = (j.credits.fill_null(0) >= min_credits) & (j.core_fs.fill_null(0) <= max_core_semester_fs)
    j = j.select(unit_id=j.g_unit, student_id=j.g_student, grade_level=j.grade_level, on=on)
    return _one(j, j.on)


def _oss(t: Tables, grain: Grain) -> ir.Table:
    d = t.discipline_actions
    d = unit_of(t, d.filter(d.action == "oss"), grain)
    return d.group_by(["unit_id", "student_id"]).aggregate(actions=d.count()).rename(
        o_unit="unit_id", o_student="student_id")


def _enrolled(t: Tables, grain: Grain) -> ir.Table:
    g = latest_grade(t, grain)
    return g.select(unit_id=g.g_unit, student_id=g.g_student, grade_level=g.grade_level)


def _suspension(t: Tables, grain: Grain, period: Period, per_100: bool = False) -> ir.Table:
    e, o = _enrolled(t, grain), _oss(t, grain)
    j = e.left_join(o, [e.unit_id == o.o_unit, e.student_id == o.o_student])
    n = j.actions.fill_null(0)
    return _one(j, n if per_100 else n > 0)


def _proficiency(subject: str):
    def units(t: Tables, grain: Grain, period: Period, assessment: str | None) -> ir.Table:
        a = t.assessment_results
        a = a.filter(a.subject == subject)
        if assessment is not None:
            a = a.filter(a.assessment == assessment)
        a = unit_of(t, a, grain)
        return _one(a, a.proficient)
    return units


def _graduation(t: Tables, grain: Grain, period: Period) -> ir.Table:
    """ACGR: on-time regular diplomas over the adjusted cohort (transfers out and deaths
    removed). `school_year` is the cohort's expected graduation year."""
    c = t.cohort_outcomes
    c = unit_of(t, c.filter(~c.outcome.isin(["transferred_out", "deceased"])), grain)
    c = c.mutate(grade_level=ibis.null("string"))
    return _one(c, c.outcome == "graduated")


METRICS: tuple[Metric, ...] = (
    Metric(
        id="course_failure", title="Failing ELA or math (%)", unit="percent",
        higher_is_better=False,
        numerator="students with at least one failing mark (F, NP) in ELA or math",
        denominator="students with at least one ELA or math mark at the school",
        definition="Share of students with one or more failing final marks in English "
                   "language arts or mathematics in the school year.",
        source="Early-warning indicator 'C' (course performance): Balfanz, Herzog & Mac Iver "
               "2007; Everyone Graduates Center",
        units=_course_failure, options={"subjects": ("ela", "math")}),
    Metric(
        id="ninth_grade_on_track", title="9th grade on track (%)", unit="percent",
        higher_is_better=True,
        numerator="9th graders with >= 5 credits and <= 1 semester F in a core course",
        denominator="students whose latest span at the school in the year is in grade 9",
        definition="Freshman On-Track: at least five full-year course credits and no more "
                   "than one semester F in a core course (ELA, math, science, social "
                   "studies) by the end of 9th grade.",
        source="UChicago Consortium on School Research, Allensworth & Easton 2005",
        units=_on_track, options={"min_credits": 5.0, "max_core_semester_fs": 1},
        needs=("course_marks",)),
    Metric(
        id="suspension", title="Suspended out of school (%)", unit="percent",
        higher_is_better=False,
        numerator="students with at least one out-of-school suspension at the school",
        denominator="students enrolled at the school in the year",
        definition="Share of enrolled students who received one or more out-of-school "
                   "suspensions.",
        source="Civil Rights Data Collection (CRDC), U.S. Department of Education",
        units=_suspension, needs=("discipline_actions",)),
    Metric(
        id="suspensions_per_100", title="Out-of-school suspensions per 100 students",
        unit="per_100", higher_is_better=False,
        numerator="out-of-school suspension actions", denominator="students enrolled",
        definition="Out-of-school suspension actions per 100 enrolled students (a student "
                   "suspended twice counts twice).",
        source="CRDC; Losen & Martinez 2013 (suspensions per 100 students)",
        units=lambda t, grain, period: _suspension(t, grain, period, per_100=True),
        needs=("discipline_actions",)),
    *[Metric(
        id=f"proficiency_{subject}", title=f"Proficient in {label} (%)", unit="percent",
        higher_is_better=True,
        numerator=f"{label} results at or above proficient",
        denominator=f"{label} results (students tested)",
        definition=f"Share of {label} assessment results at or above the proficient level, "
                   "by the school accountable for the result.",
        source="ESSA academic achievement indicator; EDFacts FS175/FS178",
        units=_proficiency(subject), options={"assessment": None})
      for subject, label in (("ela", "ELA"), ("math", "mathematics"), ("science", "science"))],
    Metric(
        id="graduation_4yr", title="Four-year graduation rate (%)", unit="percent",
        higher_is_better=True,
        numerator="cohort members who earned a regular diploma within four years",
        denominator="the adjusted cohort: first-time 9th graders four years earlier, plus "
                    "transfers in, minus transfers out and deaths",
        definition="Adjusted cohort graduation rate for the cohort expected to graduate in "
                   "the school year.",
        source="34 CFR 200.19(b)(1); EDFacts FS150/FS151 (ACGR)",
        units=_graduation),
)
