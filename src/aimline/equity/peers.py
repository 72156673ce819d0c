"""Similar schools: the k nearest by a documented distance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd


def nearest(target: pd.Series, candidates: pd.DataFrame, *, features: Sequence[str], k: int,
            same_level: bool = True, standardise: bool = False,
            weights: Mapping[str, float] | None = None, id_col: str = "school_id"
            ) -> pd.DataFrame:
    """The k candidates closest to `target` by weighted Euclidean distance over `features`:

        d = sqrt( sum_f w_f * ((x_f - t_f) / s_f)^2 )

    with s_f the candidates' standard deviation of f when `standardise`, else 1, and w_f = 1
    unless `weights` says otherwise. The target itself and, with `same_level`, schools of
    another level are left out. Returns the candidates with `distance` and `rank` (1 =
    most similar), nearest first.
    """
    pool = candidates
    if id_col in pool and id_col in target.index:
        pool = pool[pool[id_col] != target[id_col]]
    if same_level and "level" in pool and "level" in target.index:
        pool = pool[pool["level"] == target["level"]]
    if pool.empty:
        raise ValueError("no candidate schools to compare with")
    feats = list(features)
    X = pool[feats].to_numpy(float)
    t = target[feats].to_numpy(float)
    scale = candidates[feats].std(ddof=1).to_numpy(float) if standardise else np.ones(len(feats))
    scale = np.where(scale > 0, scale, 1.0)
    w = np.array([(weights or {}).get(f, 1.0) for f in feats])
    d = np.sqrt((w * ((X - t) / scale) ** 2).sum(axis=1))
    out = pool.assign(distance=d).sort_values("distance", kind="stable").head(k)
    return out.assign(rank=np.arange(1, len(out) + 1))
