"""Records of one school in one year: enrolments, calendar, absences, discipline, marks, tests.

Everything is drawn per school-year from its own random stream, so a district is the same
whatever order (or process) generates it, and memory is bounded by the largest school.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from aimline.data.synth.population import GRADES
from aimline.data.synth.story import Effect

# Grade effect on absence: kindergarten and the high-school years miss more school
# (Attendance Works, "Chronic absence by grade": U-shaped across K-12).
GRADE_ABSENCE = np.array([1.25, 1.0, 0.95, 0.9, 0.9, 0.95, 1.0, 1.1, 1.2, 1.35, 1.5, 1.65, 1.9])
SEMESTER_END = 89  # district instructional-day index that closes semester 1
TEST_DAY = 150  # spring testing window
SUBJECT_CODES = {"ela": "ELA", "math": "MTH", "science": "SCI", "social_studies": "SOC",
                 "pe_health": "PEH", "arts": "ART"}
SUBJECT_TITLES = {"ela": "English", "math": "Mathematics", "science": "Science",
                  "social_studies": "Social Studies", "pe_health": "PE and Health", "arts": "Art"}
TESTED = {"ela": range(3, 9), "math": range(3, 9), "science": (5, 8)}  # plus high school below
HS_TESTED = {"ela": 10, "math": 10, "science": 11}
BEHAVIOR_P = {"defiance": 0.3, "disruption": 0.25, "fighting": 0.18, "bullying": 0.08,
              "truancy": 0.08, "drugs": 0.05, "weapons": 0.01, "other": 0.05}
ACTION_P = {"oss": 0.32, "iss": 0.25, "detention": 0.2, "referral": 0.17,
            "law_enforcement_referral": 0.05, "expulsion": 0.01}


@dataclass
class SchoolYear:
    school: pd.Series  # a row of Population.schools
    year: int
    dates: np.ndarray  # every calendar date, first to last day of school
    instructional: np.ndarray  # bool per date
    district_days: np.ndarray  # the district's instructional dates (spans index into these)
    effect: Effect | None = None  # the demo story's change at this school, if any


def courses() -> pd.DataFrame:
    rows = []
    for gi in range(6, 13):
        grade = GRADES[gi]
        for subject, code in SUBJECT_CODES.items():
            core = subject in ("ela", "math", "science", "social_studies")
            rows.append({"course_id": f"{code}{grade}", "subject": subject, "grade_level": grade,
                         "title": f"{SUBJECT_TITLES[subject]} {grade}", "core": core,
                         "credits": 1.0 if gi >= 9 else 0.0})
    return pd.DataFrame(rows)


def generate(sy: SchoolYear, spans: pd.DataFrame, students: pd.DataFrame,
             rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    school_id = sy.school.school_id
    instr_dates = sy.dates[sy.instructional]
    entry_date = sy.district_days[spans.entry_idx.to_numpy()]
    exit_date = sy.district_days[spans.exit_idx.to_numpy()]
    # the span's first and last instructional day at this school
    first = np.searchsorted(instr_dates, entry_date, "left")
    last = np.searchsorted(instr_dates, exit_date, "right") - 1
    st = students.iloc[spans.sidx.to_numpy()]
    out = {
        "calendar_days": pd.DataFrame({"school_id": school_id, "school_year": sy.year,
                                       "date": sy.dates, "instructional": sy.instructional}),
        "enrollments": _enrollments(sy, spans, st, entry_date, exit_date),
    }
    disc, suspended = _discipline(sy, spans, st, first, last, instr_dates, rng)
    out["discipline_actions"] = disc
    events, absent_share = _attendance(sy, spans, st, first, last, instr_dates, suspended, rng)
    out["attendance_events"] = events
    out["course_marks"] = _marks(sy, spans, st, absent_share, rng)
    out["assessment_results"] = _assessments(sy, spans, st, rng)
    return out


def _enrollments(sy: SchoolYear, spans: pd.DataFrame, st: pd.DataFrame,
                 entry_date: np.ndarray, exit_date: np.ndarray) -> pd.DataFrame:
    stays = spans.exit_reason.to_numpy() == "end_of_year"
    graduates = stays & (spans.grade_index.to_numpy() == 12) & st.graduates.to_numpy()
    reason = np.where(graduates, "graduated", spans.exit_reason.to_numpy())
    return pd.DataFrame({
        "student_id": st.student_id.to_numpy(), "school_id": sy.school.school_id,
        "school_year": sy.year, "grade_level": np.array(GRADES)[spans.grade_index.to_numpy()],
        "entry_date": entry_date,
        # exit_date empty = enrolled to the end of the year, as SIS extracts leave it
        "exit_date": pd.Series(exit_date).where(~stays | graduates),
        "exit_reason": pd.Series(reason).where(~stays | graduates),
    })


def _discipline(sy: SchoolYear, spans: pd.DataFrame, st: pd.DataFrame, first: np.ndarray,
                last: np.ndarray, instr_dates: np.ndarray, rng: np.random.Generator
                ) -> tuple[pd.DataFrame, tuple[np.ndarray, np.ndarray]]:
    g = spans.grade_index.to_numpy()
    base = np.select([g <= 5, g <= 8], [0.06, 0.45], 0.32)
    # disparities of the kind equity audits look for (CRDC: Black students and students
    # with disabilities are suspended at higher rates), so the analytics have signal to find
    mult = (1 + 1.1 * (st.race_ethnicity.to_numpy() == "black") + 0.8 * st.disability.to_numpy()
            + 0.5 * st.economically_disadvantaged.to_numpy() + 0.6 * (st.sex.to_numpy() == "M"))
    length = (last - first + 1).clip(0)
    lam = base * mult * (0.6 + 0.8 * sy.school.poverty) * length / len(instr_dates)
    n_inc = rng.poisson(lam)
    row = np.repeat(np.arange(len(spans)), n_inc)
    k = len(row)
    day = first[row] + (rng.random(k) * length[row]).astype(int)
    action = rng.choice(list(ACTION_P), k, p=list(ACTION_P.values()))
    days = np.select([action == "oss", action == "iss", action == "expulsion"],
                     [rng.integers(1, 6, k), rng.integers(1, 4, k), np.full(k, 10)], 0)
    order = np.lexsort((row, day))
    row, day, action, days = row[order], day[order], action[order], days[order]
    df = pd.DataFrame({
        "incident_id": [f"{sy.school.school_id}-{sy.year}-{i:05d}" for i in range(1, k + 1)],
        "student_id": st.student_id.to_numpy()[row], "school_id": sy.school.school_id,
        "school_year": sy.year, "date": instr_dates[day] if k else instr_dates[:0],
        "behavior": rng.choice(list(BEHAVIOR_P), k, p=list(BEHAVIOR_P.values())),
        "action": action, "days": days.astype(float),
    })
    # out-of-school removals become 'suspension' absences on the following school days
    removed = np.isin(action, ["oss", "expulsion"])
    r_row, r_len, r_day = row[removed], days[removed], day[removed]
    rep_row = np.repeat(r_row, r_len)
    offset = np.arange(r_len.sum()) - np.repeat(np.cumsum(r_len) - r_len, r_len)
    rep_day = np.repeat(r_day, r_len) + 1 + offset
    keep = rep_day <= last[rep_row]
    return df, (rep_row[keep], rep_day[keep])


def _attendance(sy: SchoolYear, spans: pd.DataFrame, st: pd.DataFrame, first: np.ndarray,
                last: np.ndarray, instr_dates: np.ndarray,
                suspended: tuple[np.ndarray, np.ndarray], rng: np.random.Generator
                ) -> tuple[pd.DataFrame, np.ndarray]:
    n_days = len(instr_dates)
    month = (instr_dates.astype("datetime64[M]").astype(int) % 12) + 1
    season = np.where(np.isin(month, [12, 1, 2]), 1.1, np.where(month == 9, 0.9, 1.0))
    school_factor = 0.7 + 0.9 * sy.school.poverty
    if sy.effect is not None:  # the story: absences fall from the adoption date
        season = season * np.where(instr_dates >= np.datetime64(sy.effect.start),
                                   sy.effect.factor, 1.0)
    rate = (st.propensity.to_numpy() * GRADE_ABSENCE[spans.grade_index.to_numpy()]
            * school_factor)[:, None] * season[None, :]
    days = np.arange(n_days)[None, :]
    enrolled = (days >= first[:, None]) & (days <= last[:, None])
    absent = (rng.random(rate.shape) < rate) & enrolled
    susp = np.zeros_like(absent)
    susp[suspended] = True
    absent &= ~susp
    tardy = (rng.random(rate.shape) < 0.35 * rate + 0.01) & enrolled & ~absent & ~susp

    rows, cols = np.nonzero(absent)
    k = len(rows)
    fraction = rng.choice([1.0, 0.5, 0.25], k, p=[0.82, 0.14, 0.04])
    p_unexcused = 0.25 + 0.4 * sy.school.poverty
    category = np.where(rng.random(k) < p_unexcused, "unexcused", "excused")
    s_rows, s_cols = np.nonzero(susp)
    t_rows, t_cols = np.nonzero(tardy)
    ids = st.student_id.to_numpy()
    events = pd.DataFrame({
        "student_id": ids[np.concatenate([rows, s_rows, t_rows])],
        "school_id": sy.school.school_id, "school_year": sy.year,
        "date": instr_dates[np.concatenate([cols, s_cols, t_cols])],
        "category": np.concatenate([category, np.full(len(s_rows), "suspension"),
                                    np.full(len(t_rows), "tardy")]),
        "day_fraction": np.concatenate([fraction, np.ones(len(s_rows)),
                                        np.full(len(t_rows), 0.05)]),
    }).sort_values(["student_id", "date", "category"], kind="stable", ignore_index=True)
    missed = np.bincount(rows, weights=fraction, minlength=len(spans)) \
        + np.bincount(s_rows, minlength=len(spans))
    share = missed / np.maximum(enrolled.sum(axis=1), 1)
    return events, share


def _marks(sy: SchoolYear, spans: pd.DataFrame, st: pd.DataFrame, absent_share: np.ndarray,
           rng: np.random.Generator) -> pd.DataFrame:
    g = spans.grade_index.to_numpy()
    parts = []
    for term, day in (("S1", SEMESTER_END), ("S2", len(sy.district_days) - 1)):
        # a mark comes from the school the student attends at the end of the term
        at = np.flatnonzero((g >= 6) & (spans.entry_idx.to_numpy() <= day)
                            & (spans.exit_idx.to_numpy() >= day))
        for subject, code in SUBJECT_CODES.items():
            k = len(at)
            z = st.z.to_numpy()[at] + rng.normal(0, 0.6, k)
            logit = -3.7 - 1.3 * z + 14 * (absent_share[at] - 0.05) + 0.3 * (subject == "math")
            fail = rng.random(k) < 1 / (1 + np.exp(-logit))
            mark = np.where(fail, "F", np.select([z > 0.9, z > 0.0, z > -0.9], ["A", "B", "C"],
                                                 "D"))
            credits = np.where(g[at] >= 9, 0.5, 0.0)
            parts.append(pd.DataFrame({
                "student_id": st.student_id.to_numpy()[at], "school_id": sy.school.school_id,
                "school_year": sy.year, "term": term,
                "course_id": [f"{code}{GRADES[x]}" for x in g[at]], "subject": subject,
                "mark": mark, "passed": ~fail, "credits_attempted": credits,
                "credits_earned": np.where(fail, 0.0, credits),
            }))
    return pd.concat(parts, ignore_index=True)


def _assessments(sy: SchoolYear, spans: pd.DataFrame, st: pd.DataFrame,
                 rng: np.random.Generator) -> pd.DataFrame:
    g = spans.grade_index.to_numpy()
    here = (spans.entry_idx.to_numpy() <= TEST_DAY) & (spans.exit_idx.to_numpy() >= TEST_DAY)
    parts = []
    for subject, grades in TESTED.items():
        tested = here & (np.isin(g, list(grades)) | (g == HS_TESTED[subject]))
        at = np.flatnonzero(tested)
        k = len(at)
        t = st.z.to_numpy()[at] - 0.5 * (sy.school.poverty - 0.5) + rng.normal(0, 0.5, k)
        level = 1 + (t > -0.8).astype(int) + (t > 0.1) + (t > 1.0)
        parts.append(pd.DataFrame({
            "student_id": st.student_id.to_numpy()[at], "school_id": sy.school.school_id,
            "school_year": sy.year, "assessment": "state_summative", "subject": subject,
            "grade_level": np.array(GRADES)[g[at]],
            "scale_score": np.round(2450 + 15 * g[at] + 80 * t),
            "performance_level": level, "proficient": level >= 3,
        }))
    return pd.concat(parts, ignore_index=True)
