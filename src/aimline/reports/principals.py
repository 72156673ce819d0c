"""Principal assignments in one district, from the warehouse's staff assignments (role
principal): each school's principals over the years, each principal's years of
experience and the school years they have led a school now in support, and where the most
experienced principals are — by poverty quartile of schools and by support status.

- experienced: at least `experienced_years` years as an administrator (`years_experience`
  on the principal's assignment; default 5);
- support status: each school's support in `year` as identified
  (`reports.support.identification`: CSI, ATSI, the district's criteria; passed in as
  `support`, school → status), "none" for the rest; "years in struggling schools" counts
  the school years, up to `year`, in which the principal led a school now in support;
- poverty quartile: as in `reports.staffing` (share of students economically
  disadvantaged; quartiles of schools or of students).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from aimline.equity import educators
from aimline.reports.audit import district
from aimline.reports.staffing import school_frame


def history(warehouse: Path, lea: str, last: int) -> pd.DataFrame:
    """school_year, school_id, staff_id, years_experience: every principal's assignment in
    the district up to `last`."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("""
            SELECT a.school_year, a.school_id, s.name, a.staff_id, a.years_experience
            FROM staff_assignments a JOIN schools s USING (school_id)
            WHERE s.lea_id = ? AND a.role = 'principal' AND a.school_year <= ?
            ORDER BY a.school_year, a.school_id, a.staff_id""", [lea, last]).df()


def principals(warehouse: Path, year: int, *, lea: str | None = None,
               support: Mapping[str, str] | None = None, experienced_years: int = 5,
               basis: str = "schools") -> dict[str, Any]:
    educators.check_basis(basis)
    if experienced_years < 0:
        raise ValueError("experienced means at least that many years: 0 or more")
    lea, name, _ = district(warehouse, lea)
    h = history(warehouse, lea, year)
    now = h[h.school_year == year].copy()
    if now.empty:
        raise ValueError(f"no principal assignments in {year} (does the district load "
                         "staff assignments?)")
    support = {k: v for k, v in (support or {}).items() if v}
    led = h.assign(support=h.school_id.isin(set(support)))
    now["years_at_school"] = [int(((h.staff_id == r.staff_id) & (h.school_id == r.school_id)
                                   ).sum()) for r in now.itertuples()]
    now["years_in_struggling"] = now.staff_id.map(
        led[led.support].groupby("staff_id").school_year.nunique()).fillna(0).astype(int)
    now["support"] = [support.get(s, "none") for s in now.school_id]
    now["experienced"] = now.years_experience >= experienced_years
    schools = school_frame(warehouse, year, lea)
    q = educators.quartiles_of(schools, "pct_ed", basis=basis) if len(schools) >= 4 else None
    now["poverty_quartile"] = (now.school_id.map(q).astype("Int64") if q is not None
                               else pd.NA)

    def summary(by: str) -> pd.DataFrame:
        g = now.dropna(subset=[by]).groupby(by)
        return pd.DataFrame({"principals": g.size(),
                             "mean_years": g.years_experience.mean(),
                             "experienced_pct": 100 * g.experienced.mean(),
                             "years_in_struggling": g.years_in_struggling.sum()})

    return {"district": name, "lea": lea, "year": year,
            "experienced_years": experienced_years, "history": h,
            "principals": now.reset_index(drop=True),
            "by_poverty_quartile": summary("poverty_quartile") if q is not None else None,
            "by_support": summary("support")}
