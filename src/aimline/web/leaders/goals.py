"""A candidate's target from proposal to certificate: the steps the pages and the API
call. Each step checks who is acting and writes through the models, whose `save` holds
the lifecycle rules (so the admin cannot skip them either)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from aimline.data.schema import school_year_of
from aimline.metrics import catalog, groups
from aimline.web.credentials import issuing
from aimline.web.credentials.models import Credential
from aimline.web.leaders.models import (
    Candidate,
    Certificate,
    Decision,
    ExceptionRequest,
    Goal,
    refuse,
)
from aimline.web.orgs.scope import scope_for
from aimline.web.targets import service
from aimline.web.targets.evaluation import STATES, through
from aimline.web.targets.models import Evaluation
from aimline.web.warehouse import Reader


def current(c: Candidate) -> Goal | None:
    """The version in play: the newest one (a draft or in approval), else None."""
    return c.goals.order_by("-version").first()


def approved(c: Candidate) -> Goal | None:
    return c.goals.filter(status=Goal.APPROVED).first()


def check_proposal(c: Candidate, fields: dict[str, Any]) -> None:
    """What a draft may say: a catalog metric, a group the catalog knows, the candidate's
    own schools, a target date after the baseline year."""
    catalog.get(fields["metric"])
    known = {(t, v) for t, v in groups.catalog()}
    if (fields["group_type"], fields["group_value"]) not in known:
        raise ValidationError(f"no student group {fields['group_type']}="
                              f"{fields['group_value']}")
    mine = set(c.codes())
    outside = sorted(set(fields["schools"]) - mine)
    if not fields["schools"] or outside:
        raise ValidationError("the population is the candidate's own school(s)" + (
            f": {', '.join(outside)} is not one" if outside else ""))
    if fields["due"] <= dt.date(fields["baseline_year"], 6, 30):
        raise ValidationError("the target date comes after the baseline school year")
    service.check_period(fields["metric"], fields.get("period", "year"))


@transaction.atomic
def propose(c: Candidate, by: Any, **fields: Any) -> Goal:
    """Write the draft (a new one, or the current draft or returned version)."""
    if by.pk != c.user_id:
        raise ValidationError("only the candidate proposes their target")
    check_proposal(c, fields)
    g = current(c)
    if g is None or g.status in (Goal.APPROVED, Goal.SUPERSEDED):
        g = Goal(candidate=c, version=(g.version + 1) if g else 1, created_by=by)
    elif g.status != Goal.DRAFT:
        raise ValidationError("this version is waiting for approval: it cannot change now")
    for k, v in fields.items():
        setattr(g, k, v)
    g.target = None
    g.save()
    return g


def reader_for(user: Any) -> Reader:
    return Reader(scope_for(user))


@transaction.atomic
def submit(g: Goal, by: Any) -> Goal:
    """Freeze the baseline from the warehouse through the candidate's own scope and send
    the version to the approver. Refused (nothing changed) in the wrong direction or when
    the group's baseline is below the suppression minimum (`targets.service.freeze`)."""
    if by.pk != g.candidate.user_id:
        raise ValidationError("only the candidate submits their target")
    if g.status != Goal.DRAFT:
        raise ValidationError("only a draft is submitted")
    g.target = service.freeze(reader_for(by), by, metric=g.metric, schools=g.schools,
                              baseline_year=g.baseline_year, target=g.target_value,
                              due=g.due, group_type=g.group_type, group_value=g.group_value,
                              period=g.period)
    g.status, g._move = Goal.SUBMITTED, "submit"
    g.save()
    return g


@transaction.atomic
def decide(g: Goal, by: Any, *, approve: bool, comment: str = "") -> Decision:
    step = Decision.DISTRICT if g.status == Goal.SUBMITTED else Decision.PROGRAMME
    return Decision.objects.create(goal=g, step=step, by=by, comment=comment.strip(),
                                   outcome=Decision.APPROVE if approve else Decision.RETURN)


def evaluate(g: Goal, *, today: dt.date | None = None) -> Evaluation:
    """Where the approved target stands in the warehouse now, stored with its evidence;
    read through the target's own population (`service.target_reader`)."""
    if g.target is None or g.status != Goal.APPROVED:
        raise ValidationError("only an approved target is evaluated")
    return service.evaluate(g.target, service.target_reader(g.schools), today=today)


def latest(g: Goal | None) -> Evaluation | None:
    """The newest evaluation of a version's target (None without one, or without a version)."""
    return g.target.evaluations.first() if g is not None and g.target else None


def statement(g: Goal) -> str:
    """The target in words, e.g. 'Chronically absent, Black students at Lincoln High: from
    31.2% (2025) to 25.0% or lower by 30 June 2026'."""
    m = catalog.get(g.metric)
    t, unit = g.target, _unit(g.metric)
    sense = "or higher" if m.higher_is_better else "or lower"
    who = groups.label(g.group_type, g.group_value)
    where = ", ".join(g.candidate.schools.filter(code__in=g.schools)
                      .values_list("name", flat=True))
    if g.period == "to_date":
        then = f"the year to {through(g.due, t.baseline_year):%-d %B %Y}" if t else ""
        base = f"from {t.baseline:g}{unit} ({then}) " if t else ""
        cut = through(g.due, school_year_of(g.due))
        return (f"{m.short_title} for the year to date, {who} at {where}: {base}to "
                f"{g.target_value:g}{unit} {sense} through {cut:%-d %B %Y}")
    base = f"from {t.baseline:g}{unit} ({t.baseline_year}) " if t else ""
    return (f"{m.short_title}, {who} at {where}: {base}to {g.target_value:g}{unit} {sense} "
            f"by {g.due:%-d %B %Y}")


def _unit(metric: str) -> str:
    return "%" if catalog.get(metric).unit == "percent" else " per 100"


def result(e: Evaluation | None, g: Goal) -> str:
    if e is None:
        return "Not evaluated yet."
    unit = _unit(g.metric)
    if e.value is None:
        return f"{STATES[e.state]}: {e.reason}"
    return (f"{STATES[e.state]}: {e.value:g}{unit} in {e.school_year - 1}–{e.school_year} "
            f"against a target of {g.target_value:g}{unit}, from the warehouse loaded "
            f"{e.load or '(unknown)'}, published under a minimum n of {e.min_n}.")


@transaction.atomic
def issue(g: Goal, by: Any, *, exception: ExceptionRequest | None = None) -> Certificate:
    """The certificate and its signed credential, only when `models.refuse` allows it:
    the latest evaluation says attained (or a signed exception). Nothing is written
    otherwise."""
    e = None if exception else latest(g)
    refuse(g, e, exception, by)
    c = g.candidate
    programme = c.cohort.programme
    cred = issuing.issue(
        kind=Credential.CERTIFICATE, recipient_name=c.name, recipient_email=c.user.email,
        issuer_id=issuing.url("verify_issuer", programme.provider_id),
        issuer_name=programme.provider.name,
        achievement_id=issuing.url("leaders_achievement", programme.pk),
        achievement_name=programme.name,
        description=programme.description or programme.get_kind_display(),
        criteria=("Earned only by attaining a specific, objective target that advances "
                  "equity and excellence for the students the leader serves, approved by "
                  "the district and the programme and measured in the district's own data; "
                  "not by seat time or assignments."),
        statement=statement(g), result=result(e, g) if e else "Not attained as measured.",
        exception=exception.reason if exception else "", by=by)
    return Certificate.objects.create(candidate=c, goal=g, evaluation=e, exception=exception,
                                      credential=cred, issued_by=by)


def ask_exception(g: Goal, by: Any, reason: str) -> ExceptionRequest:
    if not g.candidate.cohort.programme.staff.filter(pk=by.pk).exists():
        raise ValidationError("programme staff ask for an exception")
    return ExceptionRequest.objects.create(goal=g, reason=reason.strip(), requested_by=by)


def sign_exception(x: ExceptionRequest, by: Any) -> ExceptionRequest:
    c = x.goal.candidate
    if by.pk == c.approver_id and x.district_by_id is None:
        x.district_by = by
    elif c.cohort.programme.staff.filter(pk=by.pk).exists() and x.programme_by_id is None:
        x.programme_by = by
    else:
        raise ValidationError("you are not an approver with a signature still to give")
    x.save()
    return x
