"""Which of a district's schools need support, and why: the ESSA methods of `essa` run on
the district's own indicators, and optionally the district's criteria set (`criteria`).

- **CSI, lowest-performing**: each school's index is the mean of the all-students values
  of the index metrics (default: ELA and mathematics proficiency); within each school
  level (school type, as Texas ranks campuses), `essa.lowest_performing` with the share
  (default 5%, rounded up) over the Title I schools, as the statute says; where no school
  carries the flag (`title_i` empty), over every school.
- **CSI, graduation**: a four-year graduation rate below the cut (default 67%,
  `essa.low_graduation`).
- **ATSI**: a student group whose index is at or below its level's CSI cut
  (`essa.atsi`).
- Schools and groups with fewer than `min_n` students tested (or in the graduation
  cohort) are not rated; callers pass at least the site's suppression minimum, so every
  number a reason shows stands on enough students to be published.
- **District criteria**: a criteria set whose every criterion a school must meet; a
  school missing one is identified, with the shortfall.

Rows are computed on true counts (`suppress=False`), inside Aimline; what leaves goes
through the site's suppression like any aggregate.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from aimline.equity import criteria as criteria_sets
from aimline.equity import essa
from aimline.metrics import catalog
from aimline.metrics.groups import FLAGS, label

INDEX = ("proficiency_ela", "proficiency_math")
GRADUATION = "graduation_4yr"
ESSA_GROUPS = ("race_ethnicity", "economically_disadvantaged", "english_learner",
               "disability")


def check_index(metrics: Sequence[str]) -> None:
    """Refuse an index of no metrics or of a metric the catalog does not have."""
    known = {m.id for m in catalog.all_metrics()}
    unknown = [m for m in metrics if m not in known]
    if unknown or not metrics:
        raise ValueError(f"the index needs catalog metrics: {', '.join(unknown) or 'none'}"
                         f" given; metrics are {', '.join(sorted(known))}")


def index_scores(ind: pd.DataFrame, year: int, metrics: Sequence[str] = INDEX,
                 *, min_n: int = 10) -> pd.DataFrame:
    """school_id, group_type, group_value, index, n (fewest tested of the metrics): the
    mean of the metrics' values for each school and group with every metric present and
    at least `min_n` tested (below it a school or group is not rated, as a state's
    accountability n-size says)."""
    check_index(metrics)
    d = ind[(ind.scope == "school") & (ind.school_year == year) & ind.metric.isin(metrics)
            & ind.value.notna()]
    d = d[(d.group_type == "all") | (d.group_type.isin(ESSA_GROUPS)
                                     & ~(d.group_type.isin(FLAGS) & (d.group_value != "true")))]
    g = d.groupby(["school_id", "group_type", "group_value"]).agg(
        index=("value", "mean"), n=("denominator", "min"), metrics=("metric", "nunique"))
    g = g[g.metrics == len(metrics)].drop(columns="metrics").reset_index()
    return g[g.n >= min_n]


def identify(ind: pd.DataFrame, schools: pd.DataFrame, year: int, *,
             index: Sequence[str] = INDEX, share: float = 0.05, graduation_cut: float = 67.0,
             min_n: int = 10, criteria: criteria_sets.CriteriaSet | None = None
             ) -> pd.DataFrame:
    """One row per school (schools: school_id, name, level, optionally title_i): its index,
    whether each method identifies it, the support it calls for (CSI before ATSI before
    the district's own), and the reasons with their numbers."""
    scores = index_scores(ind, year, index, min_n=min_n)
    alls = scores[scores.group_type == "all"].set_index("school_id")["index"]
    grad = ind[(ind.scope == "school") & (ind.school_year == year)
               & (ind.metric == GRADUATION) & (ind.group_type == "all") & ind.value.notna()
               & (ind.denominator >= min_n)].set_index("school_id")["value"]
    low_grad = set(essa.low_graduation(grad.to_dict(), cut=graduation_cut))
    screened = (criteria_sets.apply(ind, schools[["school_id", "level"]], criteria, year)
                if criteria is not None else None)
    title_i = (set(schools.school_id[schools.title_i.fillna(False).astype(bool)])
               if "title_i" in schools else set())
    groups: dict[str, dict[str, float]] = {}
    for s, t, v, i in scores[scores.group_type != "all"][
            ["school_id", "group_type", "group_value", "index"]].itertuples(index=False):
        groups.setdefault(s, {})[label(t, v)] = i
    rows = []
    for level, at_level in schools.groupby("level", sort=True):
        rated = [s for s in at_level.school_id if s in alls.index]
        ranked = [s for s in rated if not title_i or s in title_i]
        csi = essa.lowest_performing(alls[ranked], share=share) if ranked else None
        pool = f"{csi['n_schools']} {'Title I ' if title_i else ''}{level}" if csi else ""
        cut = csi["cut_score"] if csi else None
        flagged = (essa.atsi({s: groups.get(s, {}) for s in rated}, cut)
                   if cut is not None else {})
        for s in at_level.itertuples():
            reasons, support = [], ""
            if csi and s.school_id in csi["identified"]:
                support = "CSI"
                reasons.append(f"index {alls[s.school_id]:.1f}: among the lowest "
                               f"{share:.0%} of {pool} schools (cut {cut:.1f})")
            if s.school_id in low_grad:
                support = "CSI"
                reasons.append(f"graduation {grad[s.school_id]:.1f}% below "
                               f"{graduation_cut:g}%")
            low = [g for g, hit in flagged.get(s.school_id, {}).get("flags", {}).items()
                   if hit]
            if low:
                support = support or "ATSI"
                reasons.append("; ".join(f"{g} at {groups[s.school_id][g]:.1f}" for g in low)
                               + f", at or below the CSI cut {cut:.1f}")
            unmet = []
            if screened is not None:
                mine = screened[screened.school_id == s.school_id]
                unmet = list(mine[mine.met.eq(False)].criterion)
                for r in mine[mine.met.eq(False)].itertuples():
                    reasons.append(f"{r.label}: {r.worst_metric} {r.worst_value:.1f} "
                                   f"against {r.threshold:g} ({r.shortfall:.1f} short)")
                support = support or ("district criteria" if unmet else "")
            rows.append({"school_id": s.school_id, "name": s.name, "level": level,
                         "index": alls.get(s.school_id), "csi": support == "CSI",
                         "atsi_groups": low, "criteria_unmet": unmet,
                         "identified": bool(support), "support": support,
                         "reasons": reasons})
    out = pd.DataFrame(rows)
    return out.sort_values(["identified", "index"], ascending=[False, True],
                           na_position="last", kind="stable").reset_index(drop=True)
