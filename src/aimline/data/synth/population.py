"""Schools and students of the synthetic district, and who is enrolled where each year.

Students belong to a kindergarten cohort and move up a grade each year. Each lives in a
neighbourhood `u` in [0, 1): neighbourhoods are ordered by poverty, and a student attends
the school of their level whose catchment holds `u`, so schools differ in poverty and
their students' groups differ with it. Mobility: late entry, mid-year exit and transfers
between schools of the same level within a year.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aimline.data.schema import GRADE_LEVELS, RACE_ETHNICITY

GRADES = GRADE_LEVELS[1:]  # KG..12; the synthetic district has no pre-kindergarten
LEVEL_GRADES = {"elementary": (0, 5), "middle": (6, 8), "high": (9, 12)}  # index into GRADES
LEVEL_SIZE = {"elementary": 450, "middle": 750, "high": 1300}  # typical enrolment
LEAVE_RATE = 0.06  # share of students who leave the district during a year
ENTRY_RATE = 0.06  # newcomers a year, as a share of a cohort
TRANSFER_RATE = 0.03  # mid-year moves between schools of the same level
RACES = tuple(RACE_ETHNICITY)


@dataclass
class Population:
    schools: pd.DataFrame  # school_id, name, level, low/high grade, poverty, catchment bounds
    students: pd.DataFrame  # canonical student columns plus latent u, z, propensity, cohort
    spans: pd.DataFrame  # one row per enrollment span: student, school, year, grade, day indices


def level_of(grade_index: np.ndarray) -> np.ndarray:
    return np.select([grade_index <= 5, grade_index <= 8], ["elementary", "middle"], "high")


def make_schools(n_students: int, lea_id: str, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for level, (lo, hi) in LEVEL_GRADES.items():
        enrolled = n_students * (hi - lo + 1) / len(GRADES)
        count = max(1, round(enrolled / LEVEL_SIZE[level]))
        # catchments: equal shares of neighbourhoods, ordered from least to most poor
        for i in range(count):
            lo_u, hi_u = i / count, (i + 1) / count
            rows.append({
                "level": level, "low_grade": GRADES[lo], "high_grade": GRADES[hi],
                "u_lo": lo_u, "u_hi": hi_u, "rank": i,
            })
    schools = pd.DataFrame(rows)
    code = {"elementary": 1, "middle": 2, "high": 3}
    schools["school_id"] = [f"{code[lv]}{r + 1:03d}"
                            for lv, r in zip(schools.level, schools["rank"])]
    names = _school_names(len(schools), rng)
    suffix = {"elementary": "Elementary", "middle": "Middle School", "high": "High School"}
    schools["name"] = [f"{n} {suffix[lv]}" for n, lv in zip(names, schools.level)]
    schools["lea_id"] = lea_id
    mid = (schools.u_lo + schools.u_hi) / 2
    schools["poverty"] = np.clip(0.08 + 0.82 * mid + rng.normal(0, 0.03, len(schools)), 0.03, 0.97)
    schools["title_i"] = schools.poverty >= 0.40
    return schools


_NAME_PARTS = (
    "Lincoln", "Washington", "Jefferson", "Roosevelt", "Douglass", "Tubman", "Chavez", "King",
    "Parks", "Mann", "Dewey", "Addams", "Curie", "Franklin", "Hamilton", "Madison", "Carver",
    "Bethune", "Du Bois", "Sotomayor", "Lakeview", "Riverside", "Hillcrest", "Oakwood", "Maple",
    "Cedar", "Pinecrest", "Westside", "Eastside", "Northgate", "Southridge", "Sunnyvale",
    "Brookside", "Fairview", "Highland", "Meadowbrook", "Valley View", "Greenfield", "Bayside",
)


def _school_names(n: int, rng: np.random.Generator) -> list[str]:
    base = list(rng.permutation(_NAME_PARTS))
    return [base[i % len(base)] + ("" if i < len(base) else f" {i // len(base) + 1}")
            for i in range(n)]


def make_students(n_students: int, years: list[int], rng: np.random.Generator) -> pd.DataFrame:
    """Every student who is in the district at some point in `years`, with latent traits."""
    per_cohort = max(1, round(n_students / len(GRADES)))
    first, last = years[0], years[-1]
    cohorts, first_years, late = [], [], []
    for cohort in range(first - 12, last + 1):  # cohort = the year the student is in KG
        in_window = [y for y in years if 0 <= y - cohort <= 12]
        cohorts.append(np.full(per_cohort, cohort))
        first_years.append(np.full(per_cohort, in_window[0]))
        late.append(np.zeros(per_cohort, bool))
        for y in in_window:  # newcomers, arriving at the start of a year or later in it
            k = rng.poisson(per_cohort * ENTRY_RATE)
            cohorts.append(np.full(k, cohort))
            first_years.append(np.full(k, y))
            late.append(rng.random(k) < 0.6)
    s = pd.DataFrame({
        "cohort": np.concatenate(cohorts),
        "first_year": np.concatenate(first_years),
        "late_entry": np.concatenate(late),
    })
    n = len(s)
    s["student_id"] = [f"S{i:07d}" for i in range(1, n + 1)]
    s["first_name"], s["last_name"] = _names(s.student_id)
    u = rng.random(n)
    s["u"] = u
    s["sex"] = rng.choice(["F", "M", "X"], size=n, p=[0.49, 0.50, 0.01])
    s["race_ethnicity"] = _race(u, rng)
    s["economically_disadvantaged"] = rng.random(n) < np.clip(0.05 + 0.85 * u, 0, 0.95)
    el_p = np.where(np.isin(s.race_ethnicity, ["hispanic", "asian"]), 0.28, 0.03)
    s["english_learner"] = rng.random(n) < el_p
    s["disability"] = rng.random(n) < 0.14
    s["homeless"] = rng.random(n) < 0.005 + 0.05 * u
    s["foster_care"] = rng.random(n) < 0.002 + 0.008 * u
    s["migrant"] = rng.random(n) < np.where(s.race_ethnicity == "hispanic", 0.03, 0.002)
    kg = pd.to_datetime(s.cohort.astype(str) + "-09-01") - pd.Timedelta(days=5 * 365)
    s["birth_date"] = (kg - pd.to_timedelta(rng.integers(0, 365, n), unit="D")).dt.date
    # latent achievement: lower on average where schools and families have less (realistic
    # gaps for audits to find), with most variation within groups
    s["z"] = (rng.normal(0, 1, n) - 0.45 * s.economically_disadvantaged
              - 0.35 * s.english_learner - 0.6 * s.disability - 0.3 * s.homeless)
    # absence propensity, daily probability of missing school before school/grade effects
    mult = (1 + 0.55 * s.economically_disadvantaged + 0.35 * s.disability + 1.0 * s.homeless
            + 0.6 * s.foster_care + 0.15 * (s.race_ethnicity == "american_indian")
            + 0.25 * (s.race_ethnicity == "black") + 0.1 * (s.race_ethnicity == "hispanic")
            - 0.25 * (s.race_ethnicity == "asian"))
    s["propensity"] = rng.gamma(1.6, 0.032 / 1.6, n) * mult
    # leaving the district: the first year in which the student leaves mid-year, if any
    s["leave_year"] = s.first_year + rng.geometric(LEAVE_RATE, n) - 1
    return s


_FIRST = (
    "Amara", "Ben", "Carlos", "Dana", "Elif", "Farah", "Gabriel", "Hana", "Isaac", "Jada",
    "Kofi", "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Samuel", "Tamar",
    "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Aiden", "Bea", "Chen", "Diego",
    "Emma", "Femi", "Grace", "Hugo", "Iris", "Jamal", "Kai", "Luz", "Maya", "Noah",
)
_LAST = (
    "Adams", "Baker", "Castillo", "Diaz", "Evans", "Fischer", "Garcia", "Haddad", "Ito",
    "Johnson", "Kim", "Lopez", "Martin", "Nguyen", "Okafor", "Patel", "Quispe", "Rivera",
    "Smith", "Tran", "Usman", "Vargas", "Williams", "Xu", "Yang", "Zamora", "Brooks",
    "Cohen", "Dubois", "Esposito",
)


def _names(ids: pd.Series) -> tuple[list[str], list[str]]:
    """Fictional names from the id alone (CRC32), so they draw nothing from the RNG streams
    and the rest of the district stays as it was."""
    h = [zlib.crc32(i.encode()) for i in ids]
    return [_FIRST[x % len(_FIRST)] for x in h], [_LAST[(x >> 8) % len(_LAST)] for x in h]


def _race(u: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    # composition shifts with neighbourhood poverty, as it does in real districts
    base = np.array([0.28, 0.01, 0.06, 0.18, 0.004, 0.43, 0.046])
    tilt = np.array([0.30, 0.01, -0.06, 0.25, 0.002, -0.52, 0.018])
    p = np.clip(base[None, :] + (u[:, None] - 0.5) * tilt[None, :], 0.001, None)
    p /= p.sum(axis=1, keepdims=True)
    cum = p.cumsum(axis=1)
    pick = (rng.random(len(u))[:, None] > cum).sum(axis=1)
    return np.array(RACES)[np.minimum(pick, len(RACES) - 1)]


def make_spans(students: pd.DataFrame, schools: pd.DataFrame, years: list[int],
               n_days: int, rng: np.random.Generator) -> pd.DataFrame:
    """Enrollment spans per student-year, as instructional-day indices (0-based, inclusive).

    Day indices are into the district calendar's instructional days; schools drop a few PD
    days, which are mapped to real dates later.
    """
    parts = []
    for year in years:
        grade = year - students.cohort.to_numpy()
        alive = (grade >= 0) & (grade <= 12) & (students.first_year.to_numpy() <= year) \
            & (students.leave_year.to_numpy() >= year)
        st = students[alive]
        g = grade[alive]
        k = len(st)
        entry = np.where((st.first_year.to_numpy() == year) & st.late_entry.to_numpy(),
                         rng.integers(5, n_days - 40, k), 0)
        leaving = st.leave_year.to_numpy() == year
        exit_ = np.where(leaving, np.minimum(entry + rng.integers(15, n_days, k), n_days - 2),
                         n_days - 1)
        school = _school_for(st.u.to_numpy(), level_of(g), schools)
        reason = np.where(leaving, np.where((g >= 9) & (rng.random(k) < 0.3), "dropped_out",
                                            rng.choice(["transfer_out", "moved"], k)),
                          "end_of_year")
        df = pd.DataFrame({
            "sidx": np.flatnonzero(alive), "school_year": year, "grade_index": g,
            "school_row": school, "entry_idx": entry, "exit_idx": exit_, "exit_reason": reason,
        })
        # mid-year transfers: split a span in two at a random day, at another school
        moves = (rng.random(k) < TRANSFER_RATE) & (exit_ - entry > 40)
        if moves.any():
            mv = df[moves].copy()
            cut = mv.entry_idx + rng.integers(15, (mv.exit_idx - mv.entry_idx - 15).clip(16))
            second = mv.copy()
            second["entry_idx"] = cut + 1
            second["school_row"] = _other_school(mv.school_row.to_numpy(), schools, rng)
            df.loc[moves, "exit_idx"] = cut
            df.loc[moves, "exit_reason"] = "transfer_in_district"
            df = pd.concat([df, second], ignore_index=True)
        parts.append(df)
    spans = pd.concat(parts, ignore_index=True)
    return spans.sort_values(["school_year", "school_row", "sidx", "entry_idx"],
                             ignore_index=True)


def _school_for(u: np.ndarray, level: np.ndarray, schools: pd.DataFrame) -> np.ndarray:
    out = np.empty(len(u), dtype=np.int64)
    for lv in LEVEL_GRADES:
        rows = np.flatnonzero(schools.level.to_numpy() == lv)
        m = level == lv
        out[m] = rows[np.minimum((u[m] * len(rows)).astype(int), len(rows) - 1)]
    return out


def _other_school(rows: np.ndarray, schools: pd.DataFrame, rng: np.random.Generator
                  ) -> np.ndarray:
    levels = schools.level.to_numpy()
    out = rows.copy()
    for i, r in enumerate(rows):
        peers = np.flatnonzero((levels == levels[r]) & (np.arange(len(levels)) != r))
        if len(peers):
            out[i] = rng.choice(peers)
    return out
