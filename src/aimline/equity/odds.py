"""Beating the odds: schools whose results are well above what their poverty predicts."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def beating_the_odds(schools: pd.DataFrame, *, x: str | list[str], y: str, n: str,
                     min_n: int = 25, band: float = 10) -> pd.DataFrame:
    """Regress `y` (e.g. % proficient) on `x` (e.g. % economically disadvantaged, and any
    covariates) across schools with at least `min_n` tested, by ordinary least squares.

    Adds predicted, residual (y - predicted), the 95% prediction interval (pi_low, pi_high)
    and label: beating (residual >= band), falling_short (<= -band), expected, or excluded
    (n < min_n; still predicted, never labelled). The fitted model is in `.attrs["model"]`:
    coefficients, r2, residual SD, schools used.
    """
    xs = [x] if isinstance(x, str) else list(x)
    used = schools[schools[n] >= min_n].dropna(subset=[*xs, y])
    k = len(xs)
    if len(used) < k + 3:
        raise ValueError(f"too few schools to fit a model: {len(used)} with {n} >= {min_n} "
                         f"(need at least {k + 3})")
    X = np.column_stack([np.ones(len(used)), used[xs].to_numpy(float)])
    beta, *_ = np.linalg.lstsq(X, used[y].to_numpy(float), rcond=None)
    resid = used[y].to_numpy(float) - X @ beta
    dof = len(used) - k - 1
    s2 = float(resid @ resid / dof)
    xtx_inv = np.linalg.inv(X.T @ X)
    Xa = np.column_stack([np.ones(len(schools)), schools[xs].to_numpy(float)])
    predicted = Xa @ beta
    # prediction interval for a new school: s * sqrt(1 + x0' (X'X)^-1 x0)
    se = np.sqrt(s2 * (1 + np.einsum("ij,jk,ik->i", Xa, xtx_inv, Xa)))
    tcrit = stats.t.ppf(0.975, dof)
    out = schools.copy()
    out["predicted"] = predicted
    out["residual"] = out[y] - predicted
    out["pi_low"], out["pi_high"] = predicted - tcrit * se, predicted + tcrit * se
    label = np.select([out.residual >= band, out.residual <= -band],
                      ["beating", "falling_short"], "expected")
    out["label"] = np.where(out[n] >= min_n, label, "excluded")
    ss_tot = float(((used[y] - used[y].mean()) ** 2).sum())
    out.attrs["model"] = {"intercept": float(beta[0]),
                          "coefficients": dict(zip(xs, map(float, beta[1:]))),
                          "r2": 1 - float(resid @ resid) / ss_tot if ss_tot else float("nan"),
                          "residual_sd": s2 ** 0.5, "schools": len(used), "band": band,
                          "min_n": min_n}
    return out


def consistent(labels_by_year: pd.DataFrame, *, years: int = 2) -> pd.Series:
    """'Consistently beating the odds': labelled beating in each of the last `years` years.
    labels_by_year: index = school, one column per year (in order), values = label."""
    recent = labels_by_year.iloc[:, -years:]
    return (recent == "beating").all(axis=1) & (recent.shape[1] >= years)
