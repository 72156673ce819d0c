"""Optimal assignment with capacities, against brute force over every assignment of small
random instances, and the constraints each use names (capacity, pairs left out, pairs
kept)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aimline.matching import Infeasible, assign


def brute(scores: pd.DataFrame, caps: dict[str, int]) -> tuple[int, float]:
    """(most seekers paired, greatest total score at that many) over every assignment."""
    allowed = {(r.seeker, r.provider): r.score for r in scores.itertuples()}
    seekers = list(dict.fromkeys(scores.seeker))
    best = (-1, -np.inf)
    for choice in itertools.product(*[[None, *caps] for _ in seekers]):
        used = dict.fromkeys(caps, 0)
        total, n = 0.0, 0
        for s, p in zip(seekers, choice, strict=True):
            if p is None:
                continue
            if (s, p) not in allowed or used[p] == caps[p]:
                break
            used[p] += 1
            total += allowed[s, p]
            n += 1
        else:
            if n > best[0] or (n == best[0] and total > best[1] + 1e-9):
                best = (n, total)
    return best


def table(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["seeker", "provider", "score"])


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 3), st.data())
def test_the_assignment_is_optimal_and_respects_every_constraint(seekers: int, providers: int,
                                                                data: st.DataObject) -> None:
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    pairs = [(f"s{i}", f"p{j}", float(rng.integers(-5, 20)))
             for i in range(seekers) for j in range(providers) if rng.random() > 0.25]
    if not pairs:
        return
    scores = table(pairs)
    caps = {f"p{j}": int(rng.integers(0, 3)) for j in range(providers)}
    exclude = [(s, p) for s, p, _ in pairs if rng.random() < 0.15]
    got = assign(scores, caps, exclude)
    left = scores[[(s, p) not in exclude for s, p in zip(scores.seeker, scores.provider,
                                                         strict=True)]]
    n, total = brute(left, caps)
    assert len(got) == n and got.score.sum() == pytest.approx(total)
    assert not set(zip(got.seeker, got.provider, strict=True)) & set(exclude)
    assert set(zip(got.seeker, got.provider, strict=True)) <= set(zip(
        scores.seeker, scores.provider, strict=True))
    used = got.provider.value_counts()
    assert all(used.get(p, 0) <= c for p, c in caps.items())
    assert got.seeker.is_unique


def test_more_pairs_come_before_a_higher_total() -> None:
    # a alone with c1 scores 10; pairing both a and b (a-c2, b-c1) scores only 2
    scores = table([("a", "c1", 10), ("a", "c2", 1), ("b", "c1", 1)])
    got = assign(scores, 1)
    assert set(zip(got.seeker, got.provider, strict=True)) == {("a", "c2"), ("b", "c1")}


def test_criterion_columns_are_carried_to_each_pair() -> None:
    scores = table([("a", "c1", 3), ("b", "c1", 5)]).assign(level=[1, 2], language=[2, 3])
    got = assign(scores, {"c1": 1})
    assert got.to_dict("records") == [{"seeker": "b", "provider": "c1", "score": 5.0,
                                       "level": 2, "language": 3, "kept": False}]


def test_mentor_schools_take_at_most_k_and_no_school_mentors_itself() -> None:
    strong = ["A", "B", "C"]
    similarity = {"A": [9, 8, 4], "B": [8, 9, 5], "C": [7, 7, 9], "D": [1, 6, 8]}
    scores = table([(s, m, v) for s, row in similarity.items()
                    for m, v in zip(strong, row, strict=True)])
    itself = [(s, s) for s in strong]
    got = assign(scores, 2, itself)
    assert all(got.seeker != got.provider)
    assert got.provider.value_counts().max() <= 2
    left = scores[scores.seeker != scores.provider]
    assert len(got) == 4 and got.score.sum() == brute(left, dict.fromkeys(strong, 2))[1]


def test_kept_pairs_stay_and_use_their_capacity() -> None:
    scores = table([("x", "c1", 9), ("x", "c2", 1), ("y", "c1", 9), ("y", "c2", 1)])
    got = assign(scores, 1, keep=[("x", "c2")])
    assert list(got[["seeker", "provider", "score", "kept"]].itertuples(
        index=False, name=None)) == [("x", "c2", 1.0, True), ("y", "c1", 9.0, False)]
    with pytest.raises(Infeasible, match="exceed the capacity of c1"):
        assign(scores, 1, keep=[("x", "c1"), ("y", "c1")])


def test_seekers_left_over_are_simply_not_paired() -> None:
    scores = table([("x", "c1", 1), ("z", "c1", 2), ("z", "c2", 3)])
    assert len(assign(scores, {"c1": 1, "c2": 0})) == 1
    assert assign(scores, 0).empty
    assert len(assign(scores, 1, exclude=[("x", "c1")])) == 1


def test_bad_tables_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="columns score"):
        assign(pd.DataFrame({"seeker": ["a"], "provider": ["b"]}))
    with pytest.raises(ValueError, match="appear once"):
        assign(table([("a", "b", 1), ("a", "b", 2)]))
    with pytest.raises(ValueError, match="score is missing"):
        assign(table([("a", "b", np.nan)]))
    with pytest.raises(ValueError, match="not among the allowed"):
        assign(table([("a", "b", 1)]), keep=[("a", "z")])
