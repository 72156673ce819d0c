"""IDEA significant disproportionality (34 CFR 300.647): risk, risk ratio, alternate risk
ratio, weighted risk ratio, and the multi-year identification rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

NOT_CALCULATED = "not_calculated_group_below_cell_or_n"


def _risk(n: float, count: float) -> float | None:
    return count / n if n else None


def risk_ratio(group_n: float, group_count: float, comparison_n: float,
               comparison_count: float, *, min_cell: int = 10, min_n: int = 30,
               district_comparison: tuple[float, float] | None = None) -> dict[str, Any]:
    """Risk of the group over the risk of all other children (300.647(b)).

    `group_n`/`comparison_n` are children enrolled (the risk denominators), the `_count`s
    those identified, placed or disciplined (the numerators). A risk ratio is calculated
    only when the group meets the minimum cell size (numerator) and n-size (denominator)
    (300.647(b)(1)(iii), (b)(3)-(4)). When the comparison group misses either, the
    *alternate* risk ratio divides by the risk of the comparison group one level up
    (`district_comparison` = (n, count): the State's comparison group for an LEA, 300.647
    (b)(5); the district's for a school).
    """
    risk = _risk(group_n, group_count)
    out: dict[str, Any] = {"risk": risk, "comparison_risk": None, "risk_ratio": None,
                           "alternate": False, "status": "risk_ratio", "reason": None}
    if group_count < min_cell or group_n < min_n:
        out.update(status=NOT_CALCULATED, reason=f"group below minimum cell ({min_cell}) "
                   f"or n-size ({min_n}): {group_count:g} of {group_n:g}")
        return out
    comparison_fails = comparison_count < min_cell or comparison_n < min_n
    if comparison_fails:
        if district_comparison is None:
            out.update(status="not_calculated_comparison_below_cell_or_n",
                       reason="comparison group below minimum cell or n-size and no "
                              "higher-level comparison given for an alternate risk ratio")
            return out
        n, count = district_comparison
        out.update(alternate=True, status="alternate_risk_ratio",
                   reason=f"comparison group below minimum cell ({comparison_count:g} < "
                          f"{min_cell}) or n-size ({comparison_n:g} < {min_n}): "
                          "alternate risk ratio")
        comparison = _risk(n, count)
    else:
        comparison = _risk(comparison_n, comparison_count)
    out["comparison_risk"] = comparison
    if not comparison:
        out.update(status="not_calculated_zero_comparison_risk",
                   reason="the comparison group's risk is zero")
        return out
    out["risk_ratio"] = risk / comparison  # type: ignore[operator]
    return out


def by_group(counts: Mapping[str, tuple[float, float]], *, min_cell: int = 10, min_n: int = 30,
             higher_level: Mapping[str, tuple[float, float]] | None = None
             ) -> dict[str, dict[str, Any]]:
    """Risk ratio of every group against all the other groups combined.

    counts: group -> (enrolled, identified). higher_level: group -> (enrolled, identified)
    one level up, for alternate risk ratios."""
    total_n = sum(n for n, _ in counts.values())
    total_c = sum(c for _, c in counts.values())
    out = {}
    for g, (n, c) in counts.items():
        alt = None
        if higher_level is not None:
            alt = (sum(v[0] for k, v in higher_level.items() if k != g),
                   sum(v[1] for k, v in higher_level.items() if k != g))
        out[g] = risk_ratio(n, c, total_n - n, total_c - c, min_cell=min_cell, min_n=min_n,
                            district_comparison=alt)
    return out


def weighted_risk_ratio(state_share: Mapping[str, float], district_risk: Mapping[str, float],
                        group: str) -> float:
    """Weighted risk ratio: the group's district risk over the other groups' district risks
    weighted by their share of the State's enrollment (Westat 2003, 'Methods for assessing
    racial/ethnic disproportionality in special education'):

        WRR_i = R_i * sum_{j != i} p_j / sum_{j != i} p_j R_j
    """
    others = [g for g in district_risk if g != group]
    weight = sum(state_share[g] for g in others)
    weighted = sum(state_share[g] * district_risk[g] for g in others)
    if not weighted:
        raise ValueError("the other groups' weighted risk is zero: no weighted risk ratio")
    return district_risk[group] * weight / weighted


def identify(risk_ratio_history: Sequence[float | None], *, threshold: float = 3.0,
             consecutive_years: int = 3, reasonable_progress: float | None = None
             ) -> dict[str, Any]:
    """Significant disproportionality: the risk ratio *exceeds* the threshold (strictly
    greater, as WAC 392-172A-07040 reads "> 3.0") in each of the last `consecutive_years`
    years (300.647(d)(1)). With `reasonable_progress` (a minimum decrease per year, set by
    the State), an LEA that lowered its risk ratio by at least that much in each of the two
    prior consecutive years is not identified (300.647(d)(2)).
    """
    history = list(risk_ratio_history)
    if len(history) < consecutive_years:
        return {"identified": False, "reason": f"fewer than {consecutive_years} years of data"}
    recent = history[-consecutive_years:]
    if not all(r is not None and r > threshold for r in recent):
        return {"identified": False,
                "reason": "threshold not exceeded in required consecutive years"}
    if reasonable_progress is not None and len(history) >= 3:
        a, b, c = history[-3:]
        if (a is not None and b is not None and c is not None
                and a - b >= reasonable_progress and b - c >= reasonable_progress):
            return {"identified": False,
                    "reason": "reasonable progress in each of the two prior years"}
    return {"identified": True, "reason": "identified"}
