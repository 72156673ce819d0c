"""Award-style screens over catalog metrics: a criteria set says which schools qualify, and
by how much the others fall short of each criterion.

A criterion names catalog metrics (or a school's share of a group: `pct_ed`, `pct_el`,
`pct_swd`), a comparison (`>`, `>=`, `<`, `<=`) with a threshold — a number, a number per
school level, or `"state"` (the state reference's value for the metric) — which rows must
pass (`all`: the all-students rate; `every_race`: every racial/ethnic group with a
published value), in how many of the latest school years, and how many of its metrics must
pass. Sets are data: `load()` reads one from JSON, and every metric id is checked against
the catalog before anything runs.

The default set, `ncust`, is NCUST's America's Best Urban Schools eligibility: low income
>= 60% / 50% / 40% (elementary / middle / high) in each of two years; every racial/ethnic
group above the state average in at least two subjects; attendance above 92% in each of
two years (checked against NCUST's published cases in tests/equity/test_spec_vectors.py).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from aimline.metrics import catalog

PROFILE = {"pct_ed": "economically_disadvantaged", "pct_el": "english_learner",
           "pct_swd": "disability"}
OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    metrics: tuple[str, ...]
    op: str
    threshold: float | Mapping[str, float] | str
    groups: str = "all"
    years: int = 1
    at_least: int | None = None

    def check(self) -> None:
        for m in self.metrics:
            if m not in PROFILE:
                try:
                    catalog.get(m)
                except KeyError:
                    known = ", ".join(x.id for x in catalog.all_metrics())
                    raise ValueError(f"criterion {self.id!r}: unknown metric {m!r}; metrics "
                                     f"are {known}, or one of {', '.join(PROFILE)}") from None
        if self.op not in OPS:
            raise ValueError(f"criterion {self.id!r}: op must be one of {', '.join(OPS)}")
        if self.groups not in ("all", "every_race"):
            raise ValueError(f"criterion {self.id!r}: groups must be 'all' or 'every_race'")
        if isinstance(self.threshold, str) and self.threshold != "state":
            raise ValueError(f"criterion {self.id!r}: threshold must be a number, a number "
                             "per level, or 'state'")
        if not 1 <= (self.at_least or len(self.metrics)) <= len(self.metrics):
            raise ValueError(f"criterion {self.id!r}: at_least must be between 1 and the "
                             f"number of metrics ({len(self.metrics)})")


@dataclass(frozen=True)
class CriteriaSet:
    name: str
    source: str
    criteria: tuple[Criterion, ...] = field(default_factory=tuple)

    def check(self) -> CriteriaSet:
        if not self.criteria:
            raise ValueError(f"criteria set {self.name!r} has no criteria")
        for c in self.criteria:
            c.check()
        return self

    @property
    def metrics(self) -> list[str]:
        return sorted({m for c in self.criteria for m in c.metrics if m not in PROFILE})


NCUST = CriteriaSet(
    "ncust", "NCUST, America's Best Urban Schools Award eligibility criteria ('at least 60%' "
    "read as >=, 'exceeded 92%' as >)",
    (Criterion("low_income", "Low income at least 60/50/40% (elem./middle/high), two years",
               ("pct_ed",), ">=", {"elementary": 60, "middle": 50, "high": 40}, years=2),
     Criterion("groups_above_state", "Every racial/ethnic group above the state average in "
               "at least two subjects", ("proficiency_ela", "proficiency_math",
                                         "proficiency_science"), ">", "state",
               groups="every_race", at_least=2),
     Criterion("attendance", "Attendance above 92%, two years", ("attendance_rate",), ">",
               92, years=2)))
SETS = {"ncust": NCUST}


def load(path: Path) -> CriteriaSet:
    """A criteria set from JSON: {"name", "source", "criteria": [{"id", "label", "metrics",
    "op", "threshold", "groups"?, "years"?, "at_least"?}]}; checked before it is used."""
    try:
        d = json.loads(path.read_text())
        crits = tuple(Criterion(c["id"], c.get("label", c["id"]), tuple(c["metrics"]),
                                c["op"], c["threshold"], c.get("groups", "all"),
                                int(c.get("years", 1)), c.get("at_least"))
                      for c in d["criteria"])
        return CriteriaSet(d["name"], d.get("source", str(path)), crits).check()
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as e:
        raise ValueError(f"{path}: not a criteria set ({type(e).__name__}: {e})") from None


def resolve(name: str) -> CriteriaSet | None:
    """A set by name (`SETS`), `none`, or a JSON file's path (`load`)."""
    if name == "none":
        return None
    return SETS[name] if name in SETS else load(Path(name))


def _values(ind: pd.DataFrame, school: str, metric: str, year: int, groups: str
            ) -> list[float]:
    """The published values a criterion tests for one school, metric and year."""
    d = ind[(ind.school_id == school) & (ind.school_year == year) & (ind.scope == "school")]
    if metric in PROFILE:  # a share of students, from chronic absence's denominators
        d = d[d.metric == "chronic_absence"]
        alls = d[d.group_type == "all"].denominator
        part = d[(d.group_type == PROFILE[metric]) & (d.group_value == "true")].denominator
        if alls.empty:
            return []
        return [float(100 * (part.sum() if len(part) else 0) / alls.iloc[0])]
    d = d[(d.metric == metric) & d.value.notna() & ~d.suppressed.astype(bool)]
    d = d[d.group_type == "all"] if groups == "all" else d[d.group_type == "race_ethnicity"]
    return [float(v) for v in d.value]


def _threshold(c: Criterion, level: str, metric: str, state: pd.DataFrame | None
               ) -> float | None:
    if c.threshold == "state":
        if state is None:
            return None
        row = state[(state.metric == metric) & (state.group_type == "all")]
        return float(row.value.iloc[0]) if len(row) else None
    if isinstance(c.threshold, Mapping):
        return float(c.threshold[level]) if level in c.threshold else None
    return float(c.threshold)


def apply(ind: pd.DataFrame, schools: pd.DataFrame, cs: CriteriaSet, year: int, *,
          state: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per school and criterion: met (True / False / None when it cannot be told),
    metrics passed of those needed, and for a criterion not met the shortfall in points
    (with the metric, its worst value in the years tested and the threshold): the gap the
    school must close on the cheapest metric(s) that would make it pass; a note says why a
    verdict is missing.

    ind: indicator rows (several years); schools: school_id, level."""
    cs.check()
    years = sorted(y for y in ind.school_year.unique() if y <= year)
    rows = []
    for s in schools.itertuples():
        for c in cs.criteria:
            span = years[-c.years:]
            note, passed = "", 0
            failing = []  # (gap in points, metric, worst value, threshold)
            for m in c.metrics:
                thr = _threshold(c, s.level, m, state)
                if thr is None:
                    note = ("needs a state reference" if c.threshold == "state"
                            else f"no threshold for {s.level} schools")
                    continue
                vals = [v for y in span for v in _values(ind, s.school_id, m, y, c.groups)]
                if len(span) < c.years or not vals:
                    note = note or f"no published value in each of {c.years} year(s)"
                    continue
                if all(OPS[c.op](v, thr) for v in vals):
                    passed += 1
                    continue
                low = c.op in (">", ">=")
                worst = min(vals) if low else max(vals)
                failing.append((max(0.0, thr - worst if low else worst - thr), m, worst, thr))
            need = c.at_least or len(c.metrics)
            met = passed >= need
            # to pass, the school must close the gaps of the (need - passed) cheapest
            # failing metrics: the shortfall is the largest of those
            cheapest = sorted(failing)[:max(0, need - passed)]
            gap, metric, worst, thr = cheapest[-1] if cheapest and not met else (
                0.0, None, np.nan, np.nan)
            rows.append({
                "school_id": s.school_id, "criterion": c.id, "label": c.label,
                "met": met if met or not note else None, "passed": passed, "needed": need,
                "worst_metric": metric, "worst_value": worst, "threshold": thr,
                "shortfall": gap if (met or not note) else np.nan, "note": note})
    return pd.DataFrame(rows)
