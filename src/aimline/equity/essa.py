"""ESSA school identification: comprehensive (CSI) and additional targeted (ATSI) support.

Rules are configuration: the share of Title I schools, the graduation-rate cut and the
minimum group size are parameters with the statute's defaults.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd


def lowest_performing(scores: Mapping[str, float] | pd.Series, *, share: float = 0.05
                      ) -> dict[str, object]:
    """CSI: "not less than the lowest-performing 5 percent" of Title I schools (ESSA
    1111(c)(4)(D)(i)(I)). 'Not less than' rounds the count up: ceil(share x n). Ties at the
    cut are all identified. Returns identified school ids, their count and the cut score
    (the highest identified score, which ATSI groups are compared with)."""
    s = pd.Series(scores, dtype=float).dropna()
    if s.empty:
        raise ValueError("no school has an index score: nothing to rank")
    count = math.ceil(share * len(s))
    cut = float(s.sort_values(kind="stable").iloc[count - 1])
    identified = s[s <= cut].sort_values(kind="stable")
    return {"n_schools": len(s), "n_identified": len(identified),
            "identified": list(identified.index), "cut_score": cut}


def atsi(group_scores: Mapping[str, Mapping[str, float]], cut_score: float, *,
         group_sizes: Mapping[str, Mapping[str, int]] | None = None, min_n: int = 10
         ) -> dict[str, dict[str, object]]:
    """ATSI (ESSA 1111(d)(2)(C)-(D)): a school is identified when any student group performs
    as poorly as (<=) the CSI cut score. Groups below `min_n` students are not evaluated.
    group_scores: school -> {group: score}; the 'all' group is skipped."""
    out = {}
    for school, groups in group_scores.items():
        flags = {}
        for g, score in groups.items():
            if g == "all":
                continue
            size = (group_sizes or {}).get(school, {}).get(g)
            if size is not None and size < min_n:
                continue
            flags[g] = score <= cut_score
        out[school] = {"flags": flags, "identified": any(flags.values())}
    return out


def low_graduation(rates: Mapping[str, float], *, cut: float = 67.0) -> list[str]:
    """CSI for high schools failing to graduate one third or more: ACGR below 67%
    (ESSA 1111(c)(4)(D)(i)(II)); rates in percent."""
    return [s for s, r in rates.items() if r < cut]
