"""Where a teacher stands on the district's career ladder.

A teacher holds a step when they meet its criteria and every step's below it: years of
teaching and the latest evaluation (from the warehouse's staff assignments, by their
staff id), the micro-credentials earned and the professional-learning hours those count
for (from the site). The next step's criteria are listed met or not, with the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from aimline.web.growth.models import LadderStep, Submission
from aimline.web.warehouse import has_table, in_list, system_connection

RANK = {"ineffective": 0, "developing": 1, "effective": 2, "highly_effective": 3}


@dataclass(frozen=True)
class Facts:
    """What the ladder's criteria read about one teacher."""

    years: int | None             # years of teaching, latest school year in the warehouse
    evaluation: str | None        # the latest evaluation (effectiveness)
    earned: frozenset[int] = frozenset()   # micro-credential ids
    hours: Decimal = Decimal(0)


@dataclass(frozen=True)
class Check:
    what: str
    met: bool


@dataclass
class Place:
    step: LadderStep | None       # the highest step held (None: below the first)
    next: LadderStep | None
    checks: list[Check] = field(default_factory=list)   # the next step's criteria


def hours(d: Decimal | float) -> str:
    """25.0 as "25", 7.5 as "7.5"."""
    return f"{Decimal(d).normalize():f}"


def checks(step: LadderStep, f: Facts, names: dict[int, str]) -> list[Check]:
    out = []
    if step.min_years:
        have = "not in the staff data" if f.years is None else f"{f.years}"
        out.append(Check(f"{step.min_years}+ years of teaching (has {have})",
                         f.years is not None and f.years >= step.min_years))
    if step.min_evaluation:
        label = dict(LadderStep.EVALUATIONS)[step.min_evaluation]
        out.append(Check(f"Latest evaluation {label.lower()} (is "
                         f"{(f.evaluation or 'none').replace('_', ' ')})",
                         RANK.get(f.evaluation or "", -1) >= RANK[step.min_evaluation]))
    for pk in sorted(step._required):  # type: ignore[attr-defined]
        out.append(Check(f"Micro-credential: {names[pk]}", pk in f.earned))
    if step.min_hours:
        out.append(Check(f"{hours(step.min_hours)} hours of professional learning (has "
                         f"{hours(f.hours)})", f.hours >= step.min_hours))
    return out


def place(steps: list[LadderStep], f: Facts, names: dict[int, str]) -> Place:
    """`steps` in order, each with `_required` (its micro-credentials' ids) set."""
    held = None
    for s in steps:
        got = checks(s, f, names)
        if not all(c.met for c in got):
            return Place(held, s, got)
        held = s
    return Place(held, None, [])


Earned = tuple[frozenset[int], Decimal]  # micro-credential ids, the hours they count for
NONE_EARNED: Earned = (frozenset(), Decimal(0))


@dataclass(frozen=True)
class Ladder:
    """A district's steps in order, each with `_required` set, and the names of the
    micro-credentials they ask for."""

    steps: list[LadderStep]
    names: dict[int, str]

    @classmethod
    def of(cls, district: Any) -> Ladder:
        steps = list(LadderStep.objects.filter(district=district).prefetch_related(
            "credentials"))
        names: dict[int, str] = {}
        for s in steps:
            s._required = {m.pk for m in s.credentials.all()}  # type: ignore[attr-defined]
            names |= {m.pk: m.name for m in s.credentials.all()}
        return cls(steps, names)

    def place_of(self, t: Teacher | None, got: Earned = NONE_EARNED) -> Place:
        """A teacher's place from their staff data (None: not in it) and what they have
        earned on the site."""
        return place(self.steps, Facts(t.years if t else None, t.evaluation if t else None,
                                       *got), self.names)


@dataclass(frozen=True)
class Teacher:
    staff_id: str
    school: str
    years: int | None
    evaluation: str | None
    current: bool  # teaching in the district's latest staff year


def teachers(lea: str, *, staff_ids: list[str] | None = None, path: Any = None
             ) -> list[Teacher]:
    """Each teacher of the district `lea` (its own rows only; or just `staff_ids`) as of
    their latest year teaching there: school, years of teaching, evaluation."""
    if staff_ids == []:
        return []
    with system_connection(path) as con:
        if not has_table(con, "staff_assignments"):
            return []
        sql, params = in_list("a.staff_id", staff_ids) if staff_ids else ("true", [])
        rows = con.execute(f"""
            WITH t AS (SELECT a.* FROM staff_assignments a JOIN schools s USING (school_id)
                       WHERE s.lea_id = ? AND a.role = 'teacher')
            SELECT a.staff_id, arg_max(a.school_id, a.school_year),
                   arg_max(a.years_experience, a.school_year),
                   arg_max(a.effectiveness, a.school_year),
                   max(a.school_year) = (SELECT max(school_year) FROM t)
            FROM t a WHERE {sql} GROUP BY a.staff_id ORDER BY 2, 1""",
                           [lea, *params]).fetchall()
    return [Teacher(sid, school, None if y is None else int(y), e, bool(now))
            for sid, school, y, e, now in rows]


def earned(users: list[Any]) -> dict[int, Earned]:
    """Each user's earned micro-credentials and the hours they count for."""
    out: dict[int, tuple[set[int], Decimal]] = {u.pk: (set(), Decimal(0)) for u in users}
    for s in Submission.objects.filter(teacher__in=users, state=Submission.EARNED
                                       ).select_related("credential"):
        ids, hours = out[s.teacher_id]
        ids.add(s.credential_id)
        out[s.teacher_id] = (ids, hours + s.credential.hours)
    return {k: (frozenset(ids), h) for k, (ids, h) in out.items()}
