"""Staff assignments: high-poverty schools get less experience, fewer in-field teachers and
lower ratings on average, and lose more teachers each year (the educator-equity gap that
ESSA 1111(g)(1)(B) asks states to report)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def assignments(school: pd.Series, enrolled_by_year: dict[int, int],
                rng: np.random.Generator) -> pd.DataFrame:
    pov = float(school.poverty)
    rows: list[dict] = []
    staff: list[dict] = []
    next_id = 1

    def hire(role: str, experienced: bool) -> dict:
        nonlocal next_id
        exp = (rng.integers(3, 25) if experienced or rng.random() > 0.1 + 0.6 * pov
               else rng.integers(0, 3))
        person = {"staff_id": f"E{school.school_id}{next_id:04d}", "role": role,
                  "years_experience": int(exp), "in_field": bool(rng.random() > 0.03 + 0.2 * pov)}
        next_id += 1
        return person

    for i, (year, enrolled) in enumerate(sorted(enrolled_by_year.items())):
        need = {"teacher": max(2, round(enrolled / 16)), "principal": 1,
                "assistant_principal": enrolled // 600, "counselor": max(1, enrolled // 400)}
        if i:  # turnover: each person stays with a probability that falls with poverty
            stay = rng.random(len(staff)) < 0.9 - 0.14 * pov
            staff = [dict(p, years_experience=p["years_experience"] + 1)
                     for p, s in zip(staff, stay) if s]
        for role, n in need.items():
            have = [p for p in staff if p["role"] == role]
            for p in have[n:]:
                staff.remove(p)
            staff += [hire(role, experienced=role != "teacher") for _ in range(n - len(have))]
        for p in staff:
            skill = rng.normal(0.3 - 0.6 * pov + 0.04 * min(p["years_experience"], 10), 0.8)
            rating = ("highly_effective" if skill > 1.0 else "effective" if skill > -0.6
                      else "developing" if skill > -1.5 else "ineffective")
            rows.append({**p, "school_id": school.school_id, "school_year": year,
                         "effectiveness": rating})
    return pd.DataFrame(rows)
