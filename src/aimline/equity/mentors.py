"""Mentor schools for the schools that need support: a stronger school of the same level
serving similar students, each mentor taking at most `capacity` schools, chosen by
`aimline.matching.assign` (as many schools paired as capacity allows, then the greatest
total score).

For a school s needing support and a candidate mentor m (same level; m not itself
identified; m's index above s's):

    similarity = 1 / (1 + d),  d = the standardised distance of `peers.nearest` over
                                    the profile features (default: the shares economically
                                    disadvantaged, English learners, with disabilities)
    strength   = m's percentile among the level's rated schools by the index (0–1)
    score      = w * similarity + (1 - w) * strength     (w = 0.5 by default)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from aimline.equity import peers
from aimline.matching import assign

FEATURES = ("pct_ed", "pct_el", "pct_swd")


def scores(schools: pd.DataFrame, *, features: Sequence[str] = FEATURES,
           weight: float = 0.5) -> pd.DataFrame:
    """schools: school_id, level, index, identified, and the features. One row per allowed
    pair: seeker, provider, score, similarity, strength."""
    if not 0 <= weight <= 1:
        raise ValueError(f"the similarity weight is between 0 and 1 (got {weight})")
    missing = {"school_id", "level", "index", "identified", *features} - set(schools)
    if missing:
        raise ValueError(f"schools need the columns {', '.join(sorted(missing))}")
    rated = schools.dropna(subset=["index", *features])
    rows = []
    for _, level in rated.groupby("level"):
        strength = level["index"].rank(pct=True)
        mentors = level[~level.identified.astype(bool)]
        for s in level[level.identified.astype(bool)].itertuples():
            pool = mentors[mentors["index"] > s.index]
            if pool.empty:
                continue
            target = pd.Series({"school_id": s.school_id, "level": s.level,
                                **{f: getattr(s, f) for f in features}})
            near = peers.nearest(target, pool, features=features, k=len(pool),
                                 standardise=True)
            for m in near.itertuples():
                sim = 1 / (1 + m.distance)
                st = float(strength[m.Index])
                rows.append({"seeker": s.school_id, "provider": m.school_id,
                             "score": weight * sim + (1 - weight) * st,
                             "similarity": sim, "strength": st})
    return pd.DataFrame(rows, columns=["seeker", "provider", "score", "similarity",
                                       "strength"])


def pair(schools: pd.DataFrame, *, capacity: int = 2, keep: Iterable[tuple[str, str]] = (),
         exclude: Iterable[tuple[str, str]] = (), features: Sequence[str] = FEATURES,
         weight: float = 0.5) -> pd.DataFrame:
    """The pairs made (seeker, provider, score, similarity, strength, kept) and, for each
    school needing support left without a mentor, a row with provider empty. `keep`:
    pairs already agreed, kept (and counted against capacity) where they are still
    allowed — the seeker still needs a mentor, the mentor is still stronger, of its level
    and not in support itself; others are left out."""
    if capacity < 1:
        raise ValueError("a mentor school takes at least one school")
    keep, exclude = list(keep), list(exclude)
    for s, m in [*keep, *exclude]:
        if s == m:
            raise ValueError(f"school {s} cannot mentor itself")
    table = scores(schools, features=features, weight=weight)
    allowed = set(zip(table.seeker, table.provider, strict=True))
    keep = [k for k in keep if k in allowed]
    made = (assign(table, capacity, exclude, keep=keep) if len(table)
            else table.assign(kept=pd.Series(dtype=bool)))
    alone = [s for s in schools[schools.identified.astype(bool)].school_id
             if s not in set(made.seeker)]
    return pd.concat([made, pd.DataFrame({"seeker": alone, "provider": np.nan})],
                     ignore_index=True)
