"""Small rules every importer shares."""

from __future__ import annotations

import datetime as dt

from aimline.data.schema import GRADE_LEVELS


def grade_span(grades: list[str]) -> tuple[str | None, str | None, str | None]:
    """(level, low grade, high grade) of a school from the grades it serves.

    The level follows the NCES school-level rule: elementary when the highest grade is 6 or
    below, middle when grades 6-9 only, high when it starts at 9 or above, else other.
    """
    order = sorted({g for g in grades if g in GRADE_LEVELS}, key=GRADE_LEVELS.index)
    if not order:
        return None, None, None
    lo, hi = GRADE_LEVELS.index(order[0]), GRADE_LEVELS.index(order[-1])
    six, nine = GRADE_LEVELS.index("06"), GRADE_LEVELS.index("09")
    level = ("elementary" if hi <= six else "middle" if lo >= six and hi <= nine
             else "high" if lo >= nine else "other")
    return level, order[0], order[-1]


def as_text(v: object) -> str | None:
    """A source value as the text an extract holds: booleans as true/false, whole floats
    without their .0 (Excel and JSON write 3 as 3.0), dates as YYYY-MM-DD, None as None."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()
