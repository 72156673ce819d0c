"""Small-cell suppression: nothing leaves as an aggregate without passing through here.

1. Primary: a cell of fewer than `min_n` people (its `students` column: distinct students,
   never days or events; see `aimline.metrics.policy`) is suppressed.
2. Complementary: when exactly one cell of a group dimension (e.g. the race/ethnicity cells
   of one school, metric and period) is suppressed, the next-smallest cell of that
   dimension is suppressed too, so the first cannot be recovered by subtracting the others
   from the `all` row (NYSED; TEA 2015 masking rules).
3. Optional top/bottom coding (`coding="nm"`): New Mexico PED's tiers, which replace rates
   near 0% or 100% by a bound (e.g. "<=5", ">=95") depending on the group size.

A suppressed row keeps its reason; its numerator, denominator, value and student count
are emptied.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from aimline.metrics.policy import Policy

DIMENSION = ["metric", "scope", "lea_id", "school_id", "school_year", "period_end", "group_type"]
# New Mexico PED ESSA technical manual, "Masking": (largest N of the tier, low, high)
NM_TIERS = ((20, 20, 80), (40, 10, 90), (100, 5, 95), (300, 2, 98), (math.inf, 1, 99))


def nm_display(numerator: float, denominator: float, min_n: int = 10,
               people: float | None = None) -> str:
    """A rate as New Mexico publishes it: masked below `min_n`, bounded near 0 and 100
    (tiers by the number of people, the denominator unless `people` says otherwise), else
    a whole-number percent."""
    people = denominator if people is None else people
    if people < min_n:
        return "suppressed"
    low, high = next((lo, hi) for top, lo, hi in NM_TIERS if people <= top)
    pct = 100 * numerator / denominator
    if pct <= low:
        return f"<={low}"
    if pct >= high:
        return f">={high}"
    return str(round(pct))


def too_small(n: ArrayLike, min_n: int) -> np.ndarray:
    """The primary rule, for every aggregate that leaves (computed indicators and values
    a team enters by hand): a count below `min_n` is not published."""
    return np.asarray(n, dtype=float) < min_n


def complementary(sizes: dict[str, float], primary: set[str]) -> set[str]:
    """The cells to suppress in one dimension: the primary ones and, when exactly one is
    primary, the next-smallest other cell. Cells of size 0 are not reported at all."""
    cells = {k: v for k, v in sizes.items() if v > 0}
    out = {k for k in primary if k in cells}
    if len(out) == 1:
        rest = sorted((v, k) for k, v in cells.items() if k not in out)
        if rest:
            out.add(rest[0][1])
    return out


def _complementary_rows(df: pd.DataFrame, primary: pd.Series) -> pd.Index:
    """The rows `complementary` adds, for every dimension at once (vectorised: the table
    has a dimension per metric x unit x period x group type)."""
    cells = df[(df.group_type != "all") & (df.students > 0)]
    key = cells.groupby(DIMENSION, dropna=False, sort=False).ngroup()
    hits = primary[cells.index].groupby(key).transform("sum")
    lonely = cells[(hits == 1) & ~primary[cells.index]]  # other cells of one-hit dimensions
    if lonely.empty:
        return pd.Index([])
    # the smallest of them per dimension (ties: the first group value, as `complementary`)
    ranked = lonely.assign(_k=key[lonely.index]).sort_values(["_k", "students",
                                                              "group_value"])
    return ranked.groupby("_k").head(1).index


def suppress(df: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Add suppressed, suppression_reason and display; empty the numbers of suppressed rows.
    `df` needs `students`, the people behind each cell."""
    if "students" not in df.columns:
        raise ValueError("suppression counts people: the table needs a students column")
    out = df.copy()
    min_n = policy.min_n
    primary = pd.Series(too_small(out["students"], min_n), index=out.index)
    reason = pd.Series(np.where(primary, f"fewer than {min_n} students", None),
                       index=out.index, dtype=object)
    if policy.complementary:
        reason[_complementary_rows(out, primary)] = "complementary: protects a suppressed cell"
    display = [f"{v:.1f}" if pd.notna(v) else "" for v in out["value"]]
    if policy.coding == "nm":
        for i, (num, den, n, r) in enumerate(zip(out.numerator, out.denominator,
                                                 out.students, reason)):
            if r is None and out["unit"].iat[i] == "percent":
                shown = nm_display(num, den, min_n, people=n)
                if shown.startswith(("<=", ">=")):
                    reason.iat[i] = "top/bottom coded"
                display[i] = shown
    out["suppressed"] = reason.notna()
    out["suppression_reason"] = reason
    out["display"] = np.where(out["suppressed"] & (reason != "top/bottom coded"), "*", display)
    for col in ("numerator", "denominator", "value", "students"):
        out[col] = out[col].astype(float).where(~out["suppressed"])
    return out


def counts(table: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """A table of head counts (rows: e.g. cohorts; columns: e.g. race/ethnicity) as it may
    leave beside its row and column totals. A count from 1 to `min_n` - 1 is suppressed (0
    says nobody and stays). Then, in every row and column that hides anything, the hidden
    cells must be at least two and hold at least `min_n` people between them, else the
    totals would give them back (a reader knows a hidden cell is not 0): the smallest
    shown count of the line is hidden too, or, where none is left, the whole line with its
    zeros; repeated until nothing changes. Suppressed cells come back empty (NaN)."""
    values = table.astype(float)
    hidden = (values > 0) & pd.DataFrame(too_small(values, min_n), index=values.index,
                                         columns=values.columns)
    lines = ([[(r, c) for c in values.columns] for r in values.index]
             + [[(r, c) for r in values.index] for c in values.columns])
    changed = True
    while changed:
        changed = False
        for cells in lines:
            hid = [k for k in cells if hidden.at[k]]
            if not hid or len(hid) == len(cells):
                continue
            if len(hid) >= 2 and sum(values.at[k] for k in hid) >= min_n:
                continue
            shown = sorted((values.at[k], str(k), k) for k in cells
                           if not hidden.at[k] and values.at[k] > 0)
            for k in [shown[0][2]] if shown else cells:
                hidden.at[k] = True
            changed = True
    return values.mask(hidden)
