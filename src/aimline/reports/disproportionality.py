"""Significant disproportionality in discipline (IDEA, 34 CFR 300.647) in one district:
for children with disabilities, by race/ethnicity, the risk of an out-of-school suspension
or expulsion in a school year, the risk ratio against all other children with
disabilities, and the three-year identification (`equity.disproportionality`). (An
alternate risk ratio needs the State's comparison group, which a district's warehouse
does not hold: where the comparison group is too small, none is calculated.)

Counted from the warehouse: enrolled = children with a disability enrolled at a school of
the district that year; removed = those of them with at least one `oss` or `expulsion`
action that year. Groups below the minimum cell (numerator, default 10) or n-size
(denominator, default 30) are not calculated, as the regulation lets a State set; the
counts behind a ratio stay inside Aimline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from aimline.equity import disproportionality as rules
from aimline.metrics import engine
from aimline.reports.audit import district


def counts(warehouse: Path, lea: str, years: list[int]) -> pd.DataFrame:
    """school_year, race_ethnicity, enrolled, removed (children with disabilities)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"""
            WITH kids AS (
                SELECT DISTINCT e.school_year, e.student_id, st.race_ethnicity
                FROM enrollments e JOIN students st USING (student_id)
                JOIN schools s ON s.school_id = e.school_id
                WHERE s.lea_id = ? AND st.disability
                  AND e.school_year IN ({', '.join('?' * len(years))})),
            removed AS (
                SELECT DISTINCT d.school_year, d.student_id FROM discipline_actions d
                JOIN schools s ON s.school_id = d.school_id
                WHERE s.lea_id = ? AND d.action IN ('oss', 'expulsion'))
            SELECT k.school_year, k.race_ethnicity, count(*) AS enrolled,
                   count(r.student_id) AS removed
            FROM kids k LEFT JOIN removed r USING (school_year, student_id)
            GROUP BY ALL ORDER BY ALL""", [lea, *years, lea]).df()


def disproportionality(warehouse: Path, year: int, *, lea: str | None = None,
                       threshold: float = 3.0, years: int = 3, min_cell: int = 10,
                       min_n: int = 30) -> dict[str, Any]:
    """Per race/ethnicity: each year's risk, comparison risk and risk ratio (or why not
    calculated), and whether the last `years` years identify the district."""
    if threshold <= 0 or years < 1:
        raise ValueError("the threshold is above 0 and at least one year is needed")
    lea, name, _ = district(warehouse, lea)
    span = [y for y in engine.held(warehouse, year) if y <= year][-years:]
    c = counts(warehouse, lea, span)
    rows = []
    for y in span:
        d = c[c.school_year == y]
        got = rules.by_group({r.race_ethnicity: (r.enrolled, r.removed) for r in
                              d.itertuples()}, min_cell=min_cell, min_n=min_n)
        rows += [{"school_year": y, "group": g, **v} for g, v in got.items()]
    table = pd.DataFrame(rows)
    verdicts = {}
    for g, hist in table.groupby("group"):
        ratios = [hist.set_index("school_year").risk_ratio.get(y) for y in span]
        verdicts[g] = rules.identify([None if r != r else r for r in ratios],
                                     threshold=threshold, consecutive_years=years)
    return {"district": name, "years": span, "threshold": threshold, "table": table,
            "identified": verdicts}
