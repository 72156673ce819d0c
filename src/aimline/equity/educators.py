"""Educator equity: inexperienced, out-of-field and ineffective teachers in high- vs
low-poverty schools (ESSA 1111(g)(1)(B); 34 CFR 200.37), and one-year retention (OpenSDP)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd


def xtile_cutpoints(values: Sequence[float], nq: int = 4) -> list[float]:
    """Stata `_pctile`/`xtile` cut points (equal weight per school): for the p-th
    percentile with n values, position n*p/100; a whole position averages that value and
    the next, otherwise the value at the next whole position."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    cuts = []
    for q in range(1, nq):
        pos = n * q / nq
        if math.isclose(pos, round(pos)):
            k = round(pos)
            cuts.append(float((x[k - 1] + x[k]) / 2))
        else:
            cuts.append(float(x[math.ceil(pos) - 1]))
    return cuts


def quartiles(values: pd.Series, nq: int = 4) -> pd.Series:
    """xtile: group 1 holds values <= the first cut point, and so on."""
    cuts = xtile_cutpoints(values.to_numpy(), nq)
    return pd.Series(np.searchsorted(cuts, values.to_numpy(), side="left") + 1,
                     index=values.index)


BASES = ("schools", "students")


def student_quartiles(values: pd.Series, students: pd.Series, nq: int = 4) -> pd.Series:
    """Quartiles of equal numbers of students rather than of schools: schools in order of
    `values` (ties by index), each in the quartile that holds the middle student of its
    enrollment in the running count, so a quartile holds about a quarter of the students."""
    order = values.sort_values(kind="stable").index
    n = students.reindex(order).astype(float)
    middle = n.cumsum() - n / 2
    q = np.floor(nq * middle / n.sum()).astype(int) + 1
    return q.clip(1, nq).reindex(values.index)


def check_basis(basis: str) -> None:
    if basis not in BASES:
        raise ValueError(f"quartiles are of {' or of '.join(BASES)}, not {basis!r}")


def quartiles_of(schools: pd.DataFrame, column: str, *, basis: str = "schools",
                 students: str = "students") -> pd.Series:
    """Each school's quartile of `column`: of equal numbers of schools (Stata xtile, as the
    Educator Equity Profiles) or of students (`student_quartiles`)."""
    check_basis(basis)
    if basis == "students":
        return student_quartiles(schools[column], schools[students])
    return quartiles(schools[column])


def gaps(schools: pd.DataFrame, *, poverty: str = "pct_frl", teachers: str = "teachers",
         measures: Sequence[str] = ("inexperienced", "out_of_field"),
         quartile: pd.Series | None = None) -> pd.DataFrame:
    """One row per measure: the rate in the highest- and lowest-poverty quartile of schools,
    pooled (teacher-weighted: sum of counts / sum of teachers, as ED's Educator Equity
    Profiles compute it) and as the mean of school rates; the gap in percentage points and
    the ratio. `schools` has one row per school with counts of teachers per measure;
    `quartile` (default: xtile of `poverty`) says which quartile each school is in."""
    q = quartiles(schools[poverty]) if quartile is None else quartile
    high, low = schools[q == q.max()], schools[q == 1]
    rows = []
    for m in measures:
        hp = high[m].sum() / high[teachers].sum()
        lp = low[m].sum() / low[teachers].sum()
        hm = (high[m] / high[teachers]).mean()
        lm = (low[m] / low[teachers]).mean()
        rows.append({"measure": m, "high_poverty_rate": hp, "low_poverty_rate": lp,
                     "gap_pp": 100 * (hp - lp), "ratio": hp / lp if lp else np.nan,
                     "high_mean_of_schools": hm, "low_mean_of_schools": lm,
                     "gap_pp_mean_of_schools": 100 * (hm - lm),
                     "high_schools": len(high), "low_schools": len(low),
                     "method": "pooled = teacher-weighted; mean_of_schools = school-averaged"})
    return pd.DataFrame(rows)


def retention(teacher_years: pd.DataFrame) -> pd.DataFrame:
    """One-year status per teacher-year (OpenSDP Connect.do 3.8): stay (same school, still
    teaching), transfer (another school, still teaching), leave (not teaching next year,
    in any role or none). Columns in: tid, year, school, next_year_school,
    next_year_is_teacher."""
    t = teacher_years
    teaching = t.next_year_is_teacher.astype(bool)
    stay = teaching & (t.next_year_school == t.school)
    transfer = teaching & t.next_year_school.notna() & (t.next_year_school != t.school)
    return t.assign(stay=stay.astype(int), transfer=transfer.astype(int),
                    leave=(~stay & ~transfer).astype(int))


def retention_by(status: pd.DataFrame, group: pd.Series | str) -> pd.DataFrame:
    """Shares who stay, transfer and leave per group (e.g. school poverty quartile)."""
    g = status[group] if isinstance(group, str) else group
    out = status.groupby(g)[["stay", "transfer", "leave"]].mean()
    out["n"] = status.groupby(g).size()
    return out


def scenario(schools: pd.DataFrame, quartile: pd.Series, n: int, *,
             measures: Sequence[str] = ("inexperienced", "out_of_field"),
             teachers: str = "teachers", movable: str = "movable") -> pd.DataFrame:
    """"Move `n` effective teachers into the highest-poverty quartile": `n` teachers who
    are experienced, in field and effective (`movable`, counted per school) leave the
    lowest quartile's schools and join the highest quartile's, as additional staff. Their
    counts of the measures are 0, so the lowest quartile's rates rise a little and the
    highest's fall. One row per measure: the pooled rates and gap before and after."""
    high, low = quartile == quartile.max(), quartile == 1
    available = int(schools.loc[low, movable].sum())
    if not 0 <= n <= available:
        raise ValueError(f"the lowest quartile has {available} experienced, in-field, "
                         f"effective teachers to move; {n} asked")
    th, tl = schools.loc[high, teachers].sum(), schools.loc[low, teachers].sum()
    rows = []
    for m in measures:
        mh, ml = schools.loc[high, m].sum(), schools.loc[low, m].sum()
        before_h, before_l = mh / th, ml / tl
        after_h, after_l = mh / (th + n), ml / (tl - n) if tl > n else float("nan")
        rows.append({"measure": m, "high_before": 100 * before_h, "low_before": 100 * before_l,
                     "gap_before_pp": 100 * (before_h - before_l),
                     "high_after": 100 * after_h, "low_after": 100 * after_l,
                     "gap_after_pp": 100 * (after_h - after_l), "moved": n})
    return pd.DataFrame(rows)
