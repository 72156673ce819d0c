"""Minimum-cost assignment with capacities, against brute force over every assignment of
small random instances, and the constraints each use names (capacity, forbidden pairs,
pairs kept)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimline.matching import Infeasible, assign


def brute(cost: pd.DataFrame, caps: dict[str, int], ok: pd.DataFrame) -> tuple[int, float]:
    """(most items placed, least cost at that many) over every assignment."""
    best = (-1, np.inf)
    options = [[None, *cost.columns] for _ in cost.index]
    for choice in itertools.product(*options):
        used = {p: 0 for p in cost.columns}
        total, n, fine = 0.0, 0, True
        for i, p in zip(cost.index, choice, strict=True):
            if p is None:
                continue
            used[p] += 1
            if used[p] > caps[p] or not ok.at[i, p]:
                fine = False
                break
            total += cost.at[i, p]
            n += 1
        if fine and (n > best[0] or (n == best[0] and total < best[1] - 1e-9)):
            best = (n, total)
    return best


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 3), st.data())
def test_the_assignment_is_optimal_and_respects_every_constraint(items: int, providers: int,
                                                                data: st.DataObject) -> None:
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    cost = pd.DataFrame(rng.integers(0, 20, (items, providers)).astype(float),
                        index=[f"i{k}" for k in range(items)],
                        columns=[f"p{k}" for k in range(providers)])
    ok = pd.DataFrame(rng.random((items, providers)) > 0.25, index=cost.index,
                      columns=cost.columns)
    caps = {p: int(rng.integers(0, 3)) for p in cost.columns}
    got = assign(cost, caps, allowed=ok, every_item=False)
    n, total = brute(cost, caps, ok)
    assert len(got) == n and got.cost.sum() == pytest.approx(total)
    assert all(ok.at[r.item, r.provider] for r in got.itertuples())
    used = got.provider.value_counts()
    assert all(used.get(p, 0) <= c for p, c in caps.items())
    assert got.item.is_unique


def test_mentor_schools_take_at_most_k_and_no_school_mentors_itself() -> None:
    schools = ["A", "B", "C", "D"]
    # distance in similarity between each struggling school and each strong one
    cost = pd.DataFrame([[0, 1, 5], [1, 0, 4], [2, 2, 0], [9, 3, 1]], index=schools,
                        columns=["A", "B", "C"], dtype=float)
    self_pair = pd.DataFrame([[r != c for c in cost.columns] for r in cost.index],
                             index=cost.index, columns=cost.columns)
    got = assign(cost, 2, allowed=self_pair)
    assert all(got.item != got.provider)
    assert got.provider.value_counts().max() <= 2
    assert len(got) == 4 and got.cost.sum() == brute(cost, dict.fromkeys(cost.columns, 2),
                                                     self_pair)[1]


def test_kept_pairs_stay_and_use_their_capacity() -> None:
    cost = pd.DataFrame([[1.0, 9.0], [1.0, 9.0]], index=["x", "y"], columns=["c1", "c2"])
    got = assign(cost, 1, keep=[("x", "c2")])
    assert list(got.itertuples(index=False, name=None)) == [("x", "c2", 9.0, True),
                                                           ("y", "c1", 1.0, False)]
    with pytest.raises(Infeasible, match="exceed the capacity"):
        assign(cost, 1, keep=[("x", "c1"), ("y", "c1")])


def test_an_impossible_assignment_names_what_cannot_be_placed() -> None:
    cost = pd.DataFrame([[1.0, np.nan], [np.nan, np.nan], [2.0, 3.0]],
                        index=["x", "y", "z"], columns=["c1", "c2"])
    with pytest.raises(Infeasible, match="no provider is allowed for y"):
        assign(cost, 1)
    with pytest.raises(Infeasible, match="not enough places"):
        assign(cost.drop("y"), {"c1": 1, "c2": 0})
    assert len(assign(cost, 1, every_item=False)) == 2  # as many as can be placed
