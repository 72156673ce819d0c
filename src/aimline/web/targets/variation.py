"""Is a proposed change bigger than chance? The control limits a school year's value would
have at the baseline's n: the P chart's limits for a percentage of n, p ± 3√(p(1−p)/n), and
the U chart's for events per 100, u ± 3√(u/n) (Montgomery, Introduction to Statistical
Quality Control, ch. 7; the same limits `aimline.improve.limits` draws), centred on the
baseline. A target inside them is a change that happens by chance alone, and reaching it
would prove nothing."""

from __future__ import annotations

import math
from dataclasses import dataclass

from aimline.metrics import catalog


@dataclass(frozen=True)
class Variation:
    low: float
    high: float
    inside: bool  # the target is within the limits
    words: str


def by_chance(metric: str, *, numerator: float, denominator: float,
              target: float) -> Variation:
    m = catalog.get(metric)
    kind = "p" if m.unit == "percent" else "u"
    rate = numerator / denominator
    spread = 3 * math.sqrt((rate * (1 - rate) if kind == "p" else rate) / denominator)
    low = 100 * max(0.0, rate - spread)
    high = 100 * (min(1.0, rate + spread) if kind == "p" else rate + spread)
    inside = low <= target <= high
    chart = "P chart" if kind == "p" else "U chart"
    span = f"{low:.1f} to {high:.1f}"
    if inside:
        words = (f"A change this small happens by chance: at n = {denominator:,.0f} a year's "
                 f"value varies between {span} without any real change (3-sigma limits of "
                 f"a {chart}). Reaching {target:g} would not show that anything improved.")
    else:
        words = (f"Beyond chance: at n = {denominator:,.0f} a year's value varies between "
                 f"{span} by chance alone (3-sigma limits of a {chart}); {target:g} lies "
                 "outside, so reaching it would be a real change.")
    return Variation(low, high, inside, words)
