"""Anhøj runs analysis: unusually long runs and too few crossings of the centre line.

Anhøj J, Olesen AV (2014). Run charts revisited: a simulation study of run chart rules for
detection of non-random variation in health care processes. PLoS ONE 9(11): e113825.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.stats import binom


@lru_cache(maxsize=4096)
def longest_run_max(n_useful: int) -> int:
    """Longest run expected by chance: round(log2(n)) + 3 (Schilling 2012)."""
    return round(math.log2(n_useful)) + 3  # Python and R both round half to even


@lru_cache(maxsize=4096)
def n_crossings_min(n_useful: int) -> int:
    """Fewest crossings expected by chance: the 5th percentile of Binom(n - 1, 0.5)
    (Chen 2010), i.e. the smallest k with P(X <= k) >= 0.05."""
    return int(binom.ppf(0.05, max(n_useful - 1, 0), 0.5))


@dataclass(frozen=True)
class Runs:
    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    analysed: bool = True  # False on MR charts: the numbers are shown, no signal is raised

    @property
    def long_run(self) -> bool:
        return (self.analysed and self.longest_run is not None
                and self.longest_run > self.longest_run_max)

    @property
    def few_crossings(self) -> bool:
        return (self.analysed and self.n_crossings is not None
                and self.n_crossings < self.n_crossings_min)

    @property
    def signal(self) -> bool:
        return self.long_run or self.few_crossings


def run_lengths(side: np.ndarray) -> np.ndarray:
    """Lengths of runs of equal non-zero signs (points on the centre line are dropped)."""
    side = side[side != 0]
    if not len(side):
        return np.array([], dtype=int)
    edges = np.flatnonzero(np.diff(side) != 0)
    return np.diff(np.concatenate([[-1], edges, [len(side) - 1]]))


def analyse(y: np.ndarray, cl: np.ndarray) -> Runs:
    """Runs analysis of the included points of one part (qicharts2 `runs.analysis`)."""
    with np.errstate(invalid="ignore"):
        side = np.sign(y - cl)
    side = side[~np.isnan(side)]
    lengths = run_lengths(side)
    n = int(lengths.sum())
    if not n:
        return Runs(len(y), 0, None, None, None, None)
    return Runs(len(y), n, int(lengths.max()), longest_run_max(n),
                len(lengths) - 1, n_crossings_min(n))
