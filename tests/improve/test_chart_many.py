"""The batch form gives exactly what one call per group gives."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aimline.improve import spc


def test_chart_many_equals_single_calls() -> None:
    rng = np.random.default_rng(3)
    rows = []
    for school in ("A", "B", "C"):
        for group in ("all", "ell"):
            n = rng.integers(30, 300, 26)
            y = rng.binomial(n, 0.1 + 0.05 * (group == "ell"))
            rows += [{"school": school, "group": group, "week": w, "absent": a, "enrolled": e}
                     for w, a, e in zip(range(26), y, n)]
    df = pd.DataFrame(rows).sample(frac=1, random_state=1)  # order must not matter
    many = spc.chart_many(df, ["school", "group"], kind="pp", y="absent", n="enrolled",
                          x="week", freeze=13, rules="nhs_mdc")
    assert len(many) == 6 * 26
    for (school, group), g in df.groupby(["school", "group"]):
        one = spc.chart("pp", g["absent"], g["enrolled"], g["week"], freeze=13, rules="nhs_mdc")
        got = many[(many.school == school) & (many.group == group)].drop(
            columns=["school", "group"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, one.points, check_dtype=False)
