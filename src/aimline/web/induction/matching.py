"""Proposing coaches for candidates: each allowed pair scored on stated, weighted criteria,
then paired by `aimline.matching.assign` (as many candidates as the coaches' free places
allow, then the greatest total score). The district accepts, vetoes or proposes another;
the programme confirms (`models.Match`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction

from aimline.matching import assign
from aimline.web.induction.models import Candidate, Coach, Match, Partnership

# criterion: (weight, what it measures); each criterion scores 0..1
CRITERIA = {
    "level": (3, "the coach has led a school of the candidate's level"),
    "context": (2, "the coach knows the candidate's district"),
    "language": (2, "they share a language (or the candidate names none)"),
    "experience": (1, "years as an administrator, 15 or more counting in full"),
    "room": (1, "the share of the coach's places still free"),
}


def exclusions(c: Candidate, coach: Coach) -> str | None:
    """Why a pair is never proposed, or None."""
    if coach.user_id in (c.user_id, c.supervisor_id):
        return "the coach is the candidate or their supervisor"
    if c.school_id and coach.conflicts.filter(pk=c.school_id).exists():
        return "conflict of interest at the candidate's school"
    if coach.hiring(c.district) == Coach.VETOED:
        return "the district vetoed this coach"
    if coach.trained_on is None:
        return "coach training not completed"
    if c.matches.filter(coach=coach, status=Match.VETOED).exists():
        return "the district vetoed this pair"
    return None


def scores(c: Candidate, coach: Coach, taken: int) -> dict[str, float]:
    """Each criterion's score (0..1) and the weighted `total`."""
    langs = {x.lower() for x in c.languages}
    out = {
        "level": float(bool(c.level) and c.level in coach.levels),
        "context": float(coach.districts.filter(pk=c.district_id).exists()),
        "language": float(not langs or bool(langs & {x.lower() for x in coach.languages})),
        "experience": min(coach.years, 15) / 15,
        "room": max(coach.capacity - taken, 0) / coach.capacity if coach.capacity else 0.0,
    }
    out["total"] = round(sum(CRITERIA[k][0] * v for k, v in out.items()), 3)
    return out


def waiting(p: Partnership) -> list[Candidate]:
    """Active candidates without a proposed, accepted or confirmed coach."""
    return list(p.candidates.filter(status=Candidate.ACTIVE)
                .exclude(matches__status__in=Match.OPEN).select_related("user"))


def table(p: Partnership) -> tuple[pd.DataFrame, dict[int, int]]:
    """Every allowed (candidate, coach) pair with its criterion scores, and each coach's
    free places."""
    coaches = list(p.coaches.select_related("user"))
    taken = {k.pk: k.taken() for k in coaches}
    rows = []
    for c in waiting(p):
        for k in coaches:
            if exclusions(c, k) is None:
                s = scores(c, k, taken[k.pk])
                rows.append({"seeker": c.pk, "provider": k.pk, "score": s.pop("total"), **s})
    free = {k.pk: max(k.capacity - taken[k.pk], 0) for k in coaches}
    return pd.DataFrame(rows, columns=["seeker", "provider", "score", *CRITERIA]), free


@transaction.atomic
def propose(p: Partnership) -> list[Match]:
    """Propose the optimal matches for every candidate waiting for a coach."""
    pairs, free = table(p)
    if pairs.empty:
        return []
    made = assign(pairs, free)
    out = []
    for r in made.itertuples(index=False):
        crit = {k: round(float(getattr(r, k)), 3) for k in CRITERIA}
        out.append(Match.objects.create(candidate_id=int(r.seeker), coach_id=int(r.provider),
                                        scores={**crit, "total": float(r.score)}))
    return out


@transaction.atomic
def decide(m: Match, by: Any, decision: str, reason: str = "",
           other: Coach | None = None) -> Match:
    """The district's word on a proposed match: accept it, veto it (with its reason), or
    veto it and propose `other` coach instead (accepted by the district as it is made).
    Returns the match now open for the candidate."""
    if m.status != Match.PROPOSED:
        raise ValidationError(f"this match is {m.get_status_display().lower()}, not proposed")
    if decision not in (Match.ACCEPTED, Match.VETOED):
        raise ValidationError("accept or veto")
    if decision == Match.VETOED or other is not None:
        m.status, m.reason, m.decided_by = Match.VETOED, reason.strip(), by
        m.save()
        if other is None:
            return m
        why = exclusions(m.candidate, other)
        if why:
            raise ValidationError(f"{other} cannot coach {m.candidate}: {why}")
        return Match.objects.create(candidate=m.candidate, coach=other, status=Match.ACCEPTED,
                                    reason=reason.strip(), proposed_by=by, decided_by=by,
                                    scores=scores(m.candidate, other, other.taken()))
    m.status, m.decided_by = Match.ACCEPTED, by
    m.save()
    return m


@transaction.atomic
def confirm(m: Match, by: Any, on: dt.date) -> Match:
    """The programme confirms the district's accepted coach; the 30-day clock stops."""
    if m.status != Match.ACCEPTED:
        raise ValidationError("only a match the district accepted is confirmed")
    m.status, m.confirmed_by, m.confirmed_on = Match.CONFIRMED, by, on
    m.save()
    return m


@transaction.atomic
def reassign(m: Match, by: Any, coach: Coach, reason: str) -> Match:
    """End a confirmed match with its reason and propose `coach` (to the district again)."""
    if m.status != Match.CONFIRMED:
        raise ValidationError("only a confirmed match is reassigned")
    if not reason.strip():
        raise ValidationError("a reassignment keeps its reason")
    why = exclusions(m.candidate, coach)
    if why or coach.pk == m.coach_id:
        raise ValidationError(f"{coach} cannot coach {m.candidate}: "
                              f"{why or 'already their coach'}")
    m.status, m.reason = Match.ENDED, reason.strip()
    m.save()
    return Match.objects.create(candidate=m.candidate, coach=coach, reason=reason.strip(),
                                proposed_by=by, scores=scores(m.candidate, coach, coach.taken()))
