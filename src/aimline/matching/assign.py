"""Optimal assignment of seekers (candidates, struggling schools) to providers (coaches,
mentor schools) that each take at most their capacity.

The classic reduction: each provider is repeated once per unit of its capacity and the
rectangular assignment problem is solved exactly by SciPy's `linear_sum_assignment`
(a modified Jonker–Volgenant algorithm; Crouse, IEEE Trans. AES 52(4), 2016). A pair
missing from the table, or left out (a school as its own mentor, a coach with a conflict
of interest), is never made; pairs already agreed are kept and use up their provider's
capacity.

The objective is lexicographic: first pair as many seekers as capacity allows, then, among
those, the greatest total score. Both come from one solve: every allowed pair's score is
lifted by a constant larger than any possible sum of score differences, so one more pair
always outweighs any gain in score.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

Pair = tuple[Hashable, Hashable]


class Infeasible(ValueError):
    """The constraints contradict each other; the message names how."""


def assign(scores: pd.DataFrame, capacity: Mapping[Hashable, int] | int = 1,
           exclude: Iterable[Pair] = (), *, keep: Iterable[Pair] = ()) -> pd.DataFrame:
    """scores: one row per allowed pair, columns `seeker`, `provider`, `score` (higher is
    better) and any criterion columns, which are carried to the result; capacity: the most
    seekers each provider takes (one number for all, or per provider; a provider not named
    takes none); exclude: (seeker, provider) pairs never to make; keep: pairs already agreed,
    made first and counted against capacity.

    Returns the pairs made, one row per paired seeker in the order seekers first appear in
    `scores`: `seeker`, `provider`, `score`, the criterion columns, and `kept`."""
    missing = {"seeker", "provider", "score"} - set(scores.columns)
    if missing:
        raise ValueError(f"scores needs the columns {', '.join(sorted(missing))}")
    if scores.duplicated(["seeker", "provider"]).any():
        raise ValueError("each (seeker, provider) pair may appear once")
    if scores.score.isna().any():
        raise ValueError("a score is missing; leave the pair out instead")
    providers = list(dict.fromkeys(scores.provider))
    caps = ({p: int(capacity) for p in providers} if isinstance(capacity, int)
            else {p: int(capacity.get(p, 0)) for p in providers})
    if any(c < 0 for c in caps.values()):
        raise ValueError("a capacity cannot be negative")
    table = scores.set_index(["seeker", "provider"])
    kept = _kept(table, keep, caps)
    out = set(exclude)
    done = {s for s, _ in kept}
    free = scores[~scores.seeker.isin(done)
                  & ~pd.Series(list(zip(scores.seeker, scores.provider, strict=True)),
                               index=scores.index).isin(out)]
    made = kept + _solve(free, {p: caps[p] - sum(q == p for _, q in kept) for p in caps})
    rows = table.loc[made].reset_index()
    rows["kept"] = [pair in set(kept) for pair in made]
    order = {s: n for n, s in enumerate(dict.fromkeys(scores.seeker))}
    return rows.sort_values("seeker", key=lambda s: s.map(order), kind="stable"
                            ).reset_index(drop=True)


def _kept(table: pd.DataFrame, keep: Iterable[Pair], caps: dict[Hashable, int]) -> list[Pair]:
    kept = list(keep)
    seen: set[Hashable] = set()
    for s, p in kept:
        if (s, p) not in table.index:
            raise ValueError(f"kept pair ({s}, {p}) is not among the allowed pairs")
        if s in seen:
            raise ValueError(f"{s} is kept with two providers")
        seen.add(s)
    over = [str(p) for p in caps if sum(q == p for _, q in kept) > caps[p]]
    if over:
        raise Infeasible(f"kept pairs exceed the capacity of {', '.join(over)}")
    return kept


def _solve(free: pd.DataFrame, caps: dict[Hashable, int]) -> list[Pair]:
    seekers = list(dict.fromkeys(free.seeker))
    slots = [p for p, c in caps.items() for _ in range(c)]
    if not seekers or not slots:
        return []
    at = {p: [k for k, q in enumerate(slots) if q == p] for p in caps}
    row = {s: n for n, s in enumerate(seekers)}
    score = free.score.to_numpy(float)
    # One more pair beats any difference in total score between two assignments.
    lift = (score.max() - score.min()) * len(seekers) + 1 if len(score) else 1.0
    gain = np.zeros((len(seekers), len(slots)))
    for s, p, v in zip(free.seeker, free.provider, score, strict=True):
        gain[row[s], at[p]] = v - score.min() + lift
    r, c = linear_sum_assignment(gain, maximize=True)
    return [(seekers[i], slots[k]) for i, k in zip(r, c, strict=True) if gain[i, k] > 0]
