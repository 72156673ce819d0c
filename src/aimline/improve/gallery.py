"""One example of each chart type, on school data a team would chart (seeded, synthetic).

    python -m aimline.improve.gallery docs/charts          # writes <kind>.svg for each chart

Used for the documentation's pictures and by `make demo`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from aimline.improve import spc

WEEKS = pd.date_range("2025-08-25", periods=36, freq="W-MON")
CHANGE = 18  # the week a change idea was adopted in these examples


def examples() -> dict[str, spc.ChartResult]:
    rng = np.random.default_rng(2026)
    after = np.arange(36) >= CHANGE
    pdsa = [(WEEKS[CHANGE], "Change adopted", "change")]
    enrolled = rng.integers(480, 520, 36)
    district = rng.integers(19_000, 20_500, 36)
    absent = rng.binomial(enrolled, np.where(after, 0.07, 0.10))
    d_absent = rng.binomial(district, rng.uniform(0.085, 0.105, 36) * np.where(after, 0.85, 1))
    referrals = rng.poisson(np.where(after, 9, 14), 36)
    ada = 100 * (1 - rng.beta(20, 280, 36)) - np.where(after, -1.0, 0)
    classes = np.repeat(np.arange(36), 5)
    minutes = rng.normal(np.where(classes >= CHANGE, 6, 9), 2.5).clip(0)
    days_between = rng.exponential(np.r_[np.full(12, 9.0), np.full(12, 15.0)]).round(1) + 0.5
    between = rng.geometric(np.r_[np.full(15, 1 / 20), np.full(15, 1 / 45)])
    out = {
        "run": spc.chart("run", absent, x=WEEKS, title="Students absent per week (count)",
                         annotations=pdsa),
        "i": spc.chart("i", ada, x=WEEKS, freeze=CHANGE, title="Average daily attendance (%)",
                       annotations=pdsa, rules="nhs_mdc"),
        "mr": spc.chart("mr", ada, x=WEEKS, title="Average daily attendance: moving range"),
        "xbar": spc.chart("xbar", minutes, x=np.repeat(WEEKS, 5), part=[CHANGE],
                          title="Minutes lost to late starts (5 classrooms a week)"),
        "s": spc.chart("s", minutes, x=np.repeat(WEEKS, 5), part=[CHANGE],
                       title="Minutes lost to late starts: SD between classrooms"),
        "t": spc.chart("t", days_between, title="Days between serious incidents"),
        "p": spc.chart("p", absent, enrolled, WEEKS, multiply=100, freeze=CHANGE,
                       rules="nhs_mdc", target=8, annotations=pdsa,
                       title="Students absent at least once a week (%)"),
        "pp": spc.chart("pp", d_absent, district, WEEKS, multiply=100, freeze=CHANGE,
                        annotations=pdsa, title="District: students absent a week (%), Laney"),
        "c": spc.chart("c", referrals, x=WEEKS, part=[CHANGE], annotations=pdsa,
                       title="Office referrals per week"),
        "u": spc.chart("u", referrals, enrolled, WEEKS, multiply=100, part=[CHANGE],
                       title="Office referrals per 100 students"),
        "up": spc.chart("up", rng.poisson(district * 0.004), district, WEEKS, multiply=100,
                        title="District referrals per 100 students, Laney U′"),
        "g": spc.chart("g", between, title="Students between restraint incidents"),
    }
    return out


def main(folder: str = "docs/charts") -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for kind, res in examples().items():
        res.save(out / f"{kind}.svg", width=560, height=240)
        print(f"{out / kind}.svg  {res.title}: {res.signals}")


if __name__ == "__main__":
    main(*sys.argv[1:])
