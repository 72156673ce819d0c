"""Four-year graduation cohort outcomes (ACGR): who graduated on time, and why not."""

from __future__ import annotations

import numpy as np
import pandas as pd


def outcomes(students: pd.DataFrame, spans: pd.DataFrame, schools: pd.DataFrame,
             years: list[int], rng: np.random.Generator) -> pd.DataFrame:
    """One row per student of a cohort expected to graduate within `years`.

    The cohort is every student enrolled in a high school of the district in the window;
    leavers are classified by their exit reason (transferred out = removed from the cohort,
    as the ACGR adjusts), the rest by a probability that falls with absence and achievement.
    """
    hs = spans[spans.grade_index >= 9]
    last = hs.sort_values(["sidx", "school_year", "exit_idx"]).groupby("sidx").tail(1)
    st = students.iloc[last.sidx.to_numpy()]
    cohort_year = st.cohort.to_numpy() + 12
    keep = np.isin(cohort_year, years)
    last, st, cohort_year = last[keep], st[keep], cohort_year[keep]
    k = len(st)
    logit = 2.6 + 0.9 * st.z.to_numpy() - 18 * (st.propensity.to_numpy() - 0.04)
    grad = rng.random(k) < 1 / (1 + np.exp(-logit))
    other = rng.choice(["dropped_out", "still_enrolled", "ged", "certificate", "graduated_late"],
                       k, p=[0.35, 0.35, 0.12, 0.06, 0.12])
    left = last.exit_reason.to_numpy()
    outcome = np.select(
        [left == "dropped_out", np.isin(left, ["transfer_out", "moved"]), grad],
        ["dropped_out", "transferred_out", "graduated"], other)
    # a student still in grade 11 or below at the end of the window has no outcome yet
    done = (last.grade_index.to_numpy() == 12) | (outcome != "graduated")
    return pd.DataFrame({
        "student_id": st.student_id.to_numpy(),
        "school_id": schools.school_id.to_numpy()[last.school_row.to_numpy()],
        "cohort_year": cohort_year, "outcome": outcome,
    })[done].reset_index(drop=True)
