"""Agreement rates on a Likert item: of the people who answered, the share who chose
"agree" or "strongly agree" (the "top-two-box" percentage programmes publish, e.g. "75%
agree or strongly agree that the district invests in their leadership development").

Suppression is the warehouse's (`aimline.metrics.suppression`): a cell of fewer than
`min_n` respondents is hidden, and when exactly one group of an item is hidden the
next-smallest group is hidden too, so it cannot be recovered by subtracting the others
from the item's `all` row. The unit is the respondent, never the answer.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from aimline.metrics.suppression import complementary, too_small

# The five-point agreement scale, as stored: 1 = strongly disagree ... 5 = strongly agree.
SCALE = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree",
         4: "Agree", 5: "Strongly agree"}
AGREE = (4, 5)
ALL = "all"
COLUMNS = ["respondent", "group", "item", "answer"]


def agreement(responses: pd.DataFrame, min_n: int = 5, *,
              scale: Collection[int] = tuple(SCALE), agree: Collection[int] = AGREE
              ) -> pd.DataFrame:
    """responses: `respondent`, `group`, `item`, `answer` (a value of `scale`; empty: no
    answer). One row per item x group, then the item's `all` row: `item`, `group`, `n`
    (valid answers), `agree` (answers in `agree`), `share` (agree / n), `suppressed`;
    `n`, `agree` and `share` are empty where suppressed."""
    valid = _valid(responses, scale)
    valid = valid.assign(yes=valid.answer.isin(list(agree)))
    out = (pd.concat([valid, valid.assign(group=ALL)])  # each group, then every answer
           .groupby(["item", "group"], sort=False)
           .agg(n=("respondent", "nunique"), agree=("yes", "sum")).reset_index())
    out["suppressed"] = _hidden(out, min_n)
    out["share"] = out.agree / out.n
    for col in ("n", "agree", "share"):
        out[col] = out[col].astype(float).where(~out.suppressed)
    order = {item: k for k, item in enumerate(dict.fromkeys(responses["item"]))}
    out = out.sort_values(["item", "group"], key=lambda s: s.map(order) if s.name == "item"
                          else s.eq(ALL), kind="stable")
    return out[["item", "group", "n", "agree", "share", "suppressed"]].reset_index(drop=True)


def distribution(responses: pd.DataFrame, min_n: int = 5, *,
                 scale: Collection[int] = tuple(SCALE)) -> pd.DataFrame:
    """How many chose each answer, per item x group (and `all`), under the cells that
    `agreement` suppresses: `item`, `group`, one column per scale value, `suppressed`."""
    valid = _valid(responses, scale)
    counts = pd.concat([valid, valid.assign(group=ALL)]).pivot_table(
        index=["item", "group"], columns="answer", values="respondent", aggfunc="nunique",
        fill_value=0).reindex(columns=list(scale), fill_value=0)
    hidden = agreement(responses, min_n, scale=scale).set_index(["item", "group"]).suppressed
    counts = counts.reindex(hidden.index)
    counts = counts.astype(float).mask(hidden, np.nan)
    counts.columns = [str(c) for c in counts.columns]
    return counts.assign(suppressed=hidden).reset_index()


def _valid(responses: pd.DataFrame, scale: Collection[int]) -> pd.DataFrame:
    missing = set(COLUMNS) - set(responses.columns)
    if missing:
        raise ValueError(f"responses need the columns {', '.join(sorted(missing))}")
    given = responses[responses.answer.notna() & (responses.answer.astype(str) != "")]
    answer = pd.to_numeric(given.answer, errors="coerce")
    bad = given[~answer.isin(list(scale))]
    if not bad.empty:
        row = bad.iloc[0]
        raise ValueError(f"row {bad.index[0]}: respondent {row.respondent}, item {row['item']}:"
                         f" answer {row.answer} is not on the scale {sorted(scale)}")
    twice = given[given.duplicated(["respondent", "item"], keep=False)]
    if not twice.empty:
        row = twice.iloc[0]
        raise ValueError(f"respondent {row.respondent} answered item {row['item']} twice")
    return given.assign(answer=answer.astype(int))


def _hidden(cells: pd.DataFrame, min_n: int) -> pd.Series:
    hidden = pd.Series(too_small(cells.n, min_n), index=cells.index)
    for _, item in cells[cells.group != ALL].groupby("item", sort=False):
        sizes = dict(zip(item.index.astype(str), item.n, strict=True))
        primary = {str(i) for i in item.index[hidden[item.index]]}
        for key in complementary(sizes, primary):
            hidden[int(key)] = True
    return hidden
