"""Hours, completion and retention: what the programme reports against the standards.

Professional development and coaching are counted per school year (July–June) against
the partnership's settings (20–30 and e.g. 40–60 hours). Retention: for each school year
after completion, whether the administrator still works in the district — read from the
warehouse's staff assignments where the district loads them and the candidate's staff id
is known, else as recorded — giving per cohort the share who stayed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from aimline.web.coaching.models import Entry
from aimline.web.induction.models import Candidate, Partnership, Retention
from aimline.web.warehouse import StaffYears, staff_years


def school_year(d: dt.date) -> int:
    """The school year a date falls in, named by the year it ends (July–June)."""
    return d.year + (d.month >= 7)


def per_year(dated: Iterable[tuple[dt.date, Decimal | float]]) -> dict[int, float]:
    out: dict[int, float] = {}
    for on, hours in dated:
        out[school_year(on)] = out.get(school_year(on), 0.0) + float(hours)
    return {y: round(h, 2) for y, h in sorted(out.items())}


def pd_hours(c: Candidate) -> dict[int, float]:
    """Professional-learning hours per school year."""
    return per_year(c.learning.values_list("on", "hours"))


def coaching_hours(c: Candidate) -> dict[int, float]:
    """Hours of submitted coaching sessions per school year (the shared coaching log)."""
    done = c.coaching.filter(status=Entry.SUBMITTED).values_list("date", "minutes")
    return per_year((on, minutes / 60) for on, minutes in done)


def against(hours: dict[int, float], band: list[int]) -> list[dict[str, Any]]:
    """Each school year's hours beside the programme's [least, most]."""
    low, high = band
    return [{"year": y, "hours": h, "ok": low <= h <= high} for y, h in hours.items()]


def pd_total(c: Candidate) -> float:
    return float(c.learning.aggregate(h=Sum("hours"))["h"] or 0)


@dataclass(frozen=True)
class Stay:
    school_year: int
    in_district: bool | None  # None: not known
    source: str  # "warehouse", "recorded" or ""


def retention(c: Candidate, through: int, loaded: StaffYears | None = None) -> list[Stay]:
    """Each school year after completion, up to `through`. `loaded` is the warehouse's
    staff years for the district (`warehouse.staff_years`), None where it has none."""
    done = getattr(c, "completion", None)
    if done is None:
        return []
    recorded = {r.school_year: r.in_district for r in c.retention.all()}
    out = []
    for y in range(school_year(done.recommended_on) + 1, through + 1):
        if loaded is not None and c.staff_id and y <= loaded.last:
            out.append(Stay(y, y in loaded.years.get(c.staff_id, set()), "warehouse"))
        elif y in recorded:
            out.append(Stay(y, recorded[y], "recorded"))
        else:
            out.append(Stay(y, None, ""))
    return out


@dataclass(frozen=True)
class CohortRetention:
    cohort: str
    completed: int
    known: int
    stayed: int

    @property
    def share(self) -> float | None:
        return self.stayed / self.known if self.known else None


def by_cohort(p: Partnership, through: int) -> list[CohortRetention]:
    """Per cohort: completers, how many have a known status in their latest year after
    completion, and how many of those still work in the district."""
    done = [c for c in p.candidates.select_related("completion", "district")
            if getattr(c, "completion", None) is not None]
    loaded = {lea: staff_years(lea, sorted({c.staff_id for c in done
                                            if c.district.code == lea and c.staff_id}))
              for lea in {c.district.code for c in done}}
    out = []
    cohorts = p.candidates.order_by("cohort").values_list("cohort", flat=True).distinct()
    for cohort in cohorts:
        mine = [c for c in done if c.cohort == cohort]
        known = stayed = 0
        for c in mine:
            stays = [s for s in retention(c, through, loaded[c.district.code])
                     if s.in_district is not None]
            if stays:
                known += 1
                stayed += stays[-1].in_district is True
        out.append(CohortRetention(cohort, len(mine), known, stayed))
    return out


def record(c: Candidate, year: int, in_district: bool, by: object) -> Retention:
    return Retention.objects.update_or_create(candidate=c, school_year=year, defaults={
        "in_district": in_district, "by": by})[0]
