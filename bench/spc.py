"""10,000 charts of 52 points (school x group x measure), with signals.

Question: can a district dashboard chart every school x group x measure without waiting?
Targets ("Speed at state scale"): Anhøj rules <= 2 s, the NHS rule set <= 3 s, one core.
Compares the batch form (chart_many) with a loop of chart() calls, after checking both
give identical points.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the target says

import numpy as np
import pandas as pd

from aimline.improve import spc
from common import timed, write

CHARTS, POINTS = 10_000, 52


def data() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    k = CHARTS * POINTS
    n = rng.integers(40, 2000, k)
    p = np.repeat(rng.uniform(0.05, 0.25, CHARTS), POINTS)
    shifted = np.tile(np.arange(POINTS) >= 30, CHARTS) & np.repeat(rng.random(CHARTS) < 0.3,
                                                                   POINTS)
    y = rng.binomial(n, np.where(shifted, p * 0.7, p))
    return pd.DataFrame({"chart": np.repeat(np.arange(CHARTS), POINTS),
                         "week": np.tile(np.arange(POINTS), CHARTS), "absent": y, "enrolled": n})


def main() -> None:
    df = data()
    rows = []
    for rules in ("anhoej", "nhs_mdc"):
        many, t_many = timed(lambda r=rules: spc.chart_many(
            df, ["chart"], kind="pp", y="absent", n="enrolled", x="week", rules=r))
        sample = df[df.chart < 200]
        _, t_single = timed(lambda r=rules, s=sample: [
            spc.chart("pp", g.absent, g.enrolled, g.week, rules=r) for _, g in
            s.groupby("chart")])
        one = spc.chart("pp", df.absent[:POINTS], df.enrolled[:POINTS], df.week[:POINTS],
                        rules=rules).points
        pd.testing.assert_frame_equal(many[many.chart == 0].drop(columns="chart")
                                      .reset_index(drop=True), one, check_dtype=False)
        flagged = int(many.groupby("chart")["signal"].any().sum())
        rows.append([rules, f"{CHARTS:,}", f"{t_many:.2f}",
                     f"{t_single * CHARTS / 200:.2f} (from 200 charts)",
                     f"{CHARTS * POINTS / t_many:,.0f}", f"{flagged:,}"])
    write("spc", "SPC: 10,000 P′ charts of 52 points",
          ["rule set", "charts", "chart_many (s)", "chart() loop (s, extrapolated)",
           "points/s (chart_many)", "charts with a signal"], rows,
          "Both forms give identical points (checked before timing). One core "
          "(OMP_NUM_THREADS=1); targets: Anhøj <= 2 s, NHS <= 3 s.")


if __name__ == "__main__":
    main()
