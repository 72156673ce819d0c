"""Minimum-cost assignment of items (candidates, struggling schools) to providers (coaches,
mentor schools) that each take at most `capacity` items.

The classic reduction: each provider is repeated once per unit of capacity and the
rectangular assignment problem is solved exactly by SciPy's `linear_sum_assignment`
(a modified Jonker–Volgenant algorithm; Crouse, IEEE Trans. AES 52(4), 2016). Pairs that
are not allowed (a school as its own mentor, a coach from the candidate's own school)
never appear; pairs already agreed are kept and use up their provider's capacity.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment


class Infeasible(ValueError):
    """No assignment meets the constraints; the message names what cannot be placed."""


def assign(cost: pd.DataFrame, capacity: dict[Hashable, int] | int = 1, *,
           allowed: pd.DataFrame | None = None,
           keep: Iterable[tuple[Hashable, Hashable]] = (),
           every_item: bool = True) -> pd.DataFrame:
    """cost: items (rows) x providers (columns), lower is better (NaN: not allowed);
    capacity: the most items each provider takes (one number for all, or per provider);
    allowed: a boolean table of the same shape (False: never pair); keep: (item, provider)
    pairs already agreed; every_item: raise `Infeasible` unless every item is placed
    (otherwise as many as capacity allows, at least cost).

    Returns one row per placed item: item, provider, cost, kept (True for a kept pair),
    in the order of `cost`'s rows."""
    if cost.index.has_duplicates or cost.columns.has_duplicates:
        raise ValueError("items and providers must each be named once")
    ok = cost.notna()
    if allowed is not None:
        ok &= allowed.reindex(index=cost.index, columns=cost.columns).fillna(False).astype(bool)
    caps = ({p: int(capacity) for p in cost.columns} if isinstance(capacity, int)
            else {p: int(capacity.get(p, 0)) for p in cost.columns})
    if any(c < 0 for c in caps.values()):
        raise ValueError("a capacity cannot be negative")
    kept = _kept(cost, keep, caps)
    for _, p in kept:
        caps[p] -= 1
    free = [i for i in cost.index if i not in {k for k, _ in kept}]
    slots: list[Hashable] = [p for p in cost.columns for _ in range(caps[p])]
    rows = _solve(cost.loc[free], ok.loc[free], slots) if free and slots else []
    placed = {i for i, _ in rows}
    missing = [i for i in free if i not in placed]
    if every_item and missing:
        raise Infeasible(_why(missing, ok, caps))
    out = [(i, p, float(cost.at[i, p]), True) for i, p in kept] + [
        (i, p, float(cost.at[i, p]), False) for i, p in rows]
    order = {i: n for n, i in enumerate(cost.index)}
    out.sort(key=lambda r: order[r[0]])
    return pd.DataFrame(out, columns=["item", "provider", "cost", "kept"])


def _kept(cost: pd.DataFrame, keep: Iterable[tuple[Hashable, Hashable]],
          caps: dict[Hashable, int]) -> list[tuple[Hashable, Hashable]]:
    kept = list(keep)
    seen: set[Hashable] = set()
    for i, p in kept:
        if i not in cost.index or p not in cost.columns:
            raise ValueError(f"kept pair ({i}, {p}) names an unknown item or provider")
        if i in seen:
            raise ValueError(f"{i} is kept with two providers")
        seen.add(i)
    over = {p for p in caps if sum(1 for _, q in kept if q == p) > caps[p]}
    if over:
        raise Infeasible(f"kept pairs exceed the capacity of {', '.join(map(str, over))}")
    return kept


def _solve(cost: pd.DataFrame, ok: pd.DataFrame, slots: Sequence[Hashable]
           ) -> list[tuple[Hashable, Hashable]]:
    """Exact: forbidden pairs get a cost above any sum of allowed ones, and any that the
    solver still had to use (no allowed choice left) are dropped, so the allowed pairs
    kept are a maximum-size, then minimum-cost, assignment."""
    c = cost.to_numpy(float)
    allowed = ok.to_numpy(bool)
    finite = np.where(allowed, c, 0.0)
    big = (np.abs(finite).sum() + 1) * (len(cost) + 1)
    base = np.where(allowed, c, big)
    col = [list(cost.columns).index(p) for p in slots]
    rows, cols = linear_sum_assignment(base[:, col])
    items = list(cost.index)
    return [(items[r], slots[k]) for r, k in zip(rows, cols, strict=True)
            if allowed[r, col[k]]]


def _why(missing: list[Hashable], ok: pd.DataFrame, caps: dict[Hashable, int]) -> str:
    alone = [i for i in missing if not ok.loc[i].any()]
    if alone:
        return f"no provider is allowed for {', '.join(map(str, alone))}"
    return (f"not enough places: {len(missing)} item(s) left over "
            f"({', '.join(map(str, missing[:5]))}) with {sum(caps.values())} place(s) free")
