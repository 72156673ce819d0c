"""Gaps by group: every school x metric x student group against the school's all-students
rate, the district's rate for the same group, a state reference and the best group.

Input is the published (suppressed) indicator table for one or more school years, so a
suppressed cell stays empty here too; the metric catalog says which direction is better.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

KEY = ["metric", "school_id", "group_type", "group_value"]


def gaps(indicators: pd.DataFrame, higher_is_better: Mapping[str, bool], *,
         state: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per metric x school x year x group (not 'all'), with:

    value, school_all, gap_to_school (points; + means above the school's rate),
    district_group (the district's rate for this group), gap_to_district_group,
    state_value and gap_to_state (when `state` has metric, group_type, group_value, value),
    best_group / best_value within the same dimension and gap_to_best, direction
    ('worse' / 'better' / 'same' than the school's all-students rate, by the metric's
    better direction), prior_year / prior_gap, and narrowed (True when the gap to the
    school's rate is smaller now than in the first year with both values).
    """
    yearly = indicators[indicators.period == "year"] if "period" in indicators else indicators
    school = yearly[yearly.scope == "school"]
    district = yearly[yearly.scope == "district"]
    cols = [*KEY, "school_year", "value", "numerator", "denominator", "suppressed"]
    groups = school[school.group_type != "all"][cols].copy()
    alls = school[school.group_type == "all"].set_index(
        ["metric", "school_id", "school_year"]).value.rename("school_all")
    groups = groups.join(alls, on=["metric", "school_id", "school_year"])
    dist = district.set_index(["metric", "group_type", "group_value", "school_year"]).value
    groups = groups.join(dist.rename("district_group"),
                         on=["metric", "group_type", "group_value", "school_year"])
    groups["gap_to_school"] = groups.value - groups.school_all
    groups["gap_to_district_group"] = groups.value - groups.district_group
    if state is not None:
        ref = state.set_index(["metric", "group_type", "group_value"]).value
        groups = groups.join(ref.rename("state_value"), on=["metric", "group_type",
                                                             "group_value"])
        groups["gap_to_state"] = groups.value - groups.state_value
    sign = groups.metric.map(lambda m: 1 if higher_is_better[m] else -1)
    merit = groups.value * sign  # larger is better, whatever the metric
    dim = ["metric", "school_id", "school_year", "group_type"]
    best = groups.assign(merit=merit).dropna(subset=["merit"]).sort_values(
        "merit", ascending=False).groupby(dim).head(1).set_index(dim)
    groups = groups.join(best.group_value.rename("best_group"), on=dim)
    groups = groups.join(best.value.rename("best_value"), on=dim)
    groups["gap_to_best"] = groups.value - groups.best_value
    signed = groups.gap_to_school * sign
    groups["direction"] = np.select([signed < 0, signed > 0], ["worse", "better"],
                                    np.where(signed.isna(), "", "same"))
    # trend: against the latest earlier year with a value (last year, where it has one)
    have = groups.dropna(subset=["gap_to_school"]).sort_values("school_year")
    earlier = have.assign(prior_year=have.groupby(KEY, dropna=False).school_year.shift(),
                          prior_gap=have.groupby(KEY, dropna=False).gap_to_school.shift())
    groups = groups.join(earlier.set_index([*KEY, "school_year"])[["prior_year", "prior_gap"]],
                         on=[*KEY, "school_year"])
    later = groups.school_year > groups.prior_year
    groups["narrowed"] = np.where(later & groups.gap_to_school.notna(),
                                  groups.gap_to_school.abs() < groups.prior_gap.abs(), None)
    return groups.reset_index(drop=True)


def sentence(row: pd.Series, title: str, group_label: str, unit: str = "%") -> str:
    """A finding in plain words, e.g. 'Chronically absent for students with disabilities is
    31%, 14 points above the school's all-students rate; the gap widened from 9 points in
    2024.'"""
    name = title.replace(" (%)", "")
    gap = row.gap_to_school
    where = "above" if gap > 0 else "below" if gap < 0 else "equal to"
    text = (f"{name} for {group_label} is {row.value:.0f}{unit}, "
            + (f"{abs(gap):.0f} points {where} the school's all-students rate"
               if where != "equal to" else "equal to the school's all-students rate"))
    if pd.notna(row.prior_year) and row.school_year > row.prior_year and pd.notna(row.narrowed):
        verb = "narrowed" if row.narrowed else "widened"
        if abs(abs(gap) - abs(row.prior_gap)) < 0.5:
            verb = "held steady"
        text += (f"; the gap {verb} from {abs(row.prior_gap):.0f} points in "
                 f"{int(row.prior_year)}")
    return text + "."
