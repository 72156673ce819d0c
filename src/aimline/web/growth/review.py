"""The rules of a micro-credential submission, from draft to decision.

- A draft has three parts: an answer to every overview question, at least one artifact
  for every criterion, a reflection. It is submitted only when all are there (`submit`
  names what is missing and changes nothing).
- A reviewer decides every open criterion, demonstrated or not yet; "not yet" needs
  feedback. All demonstrated: earned, and the Open Badges 3.0 credential is issued
  (`credentials.issuing`, as the leadership certificates are).
- A resubmission revises only what fell short: the criteria demonstrated before are
  carried (with their artifacts, not reviewed again); the overview answers stay as they
  were; the teacher replaces or adds artifacts for the criteria marked not yet and
  revises the reflection.
- Time from submission to decision is kept; `turnaround` measures it against the
  programme's target (14 days unless the district says otherwise).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aimline.web.credentials import issuing
from aimline.web.credentials.models import Credential
from aimline.web.growth.ladder import hours
from aimline.web.growth.models import (
    Artifact,
    Criterion,
    Decision,
    MicroCredential,
    Submission,
)
from aimline.web.growth.seats import reviews
from aimline.web.orgs.models import Organisation


def start(mc: MicroCredential, teacher: Any, school: Organisation) -> Submission:
    if school.district_id != mc.district_id:
        raise ValidationError("this micro-credential is another district's")
    held = mc.submissions.filter(teacher=teacher, resubmission__isnull=True).exclude(
        state=Submission.NOT_YET).first()
    if held is not None:
        raise ValidationError(f"you have this micro-credential's submission already "
                              f"({held.get_state_display().lower()})")
    last = mc.submissions.filter(teacher=teacher, state=Submission.NOT_YET,
                                 resubmission__isnull=True).first()
    if last is not None:
        return resubmit(last)
    return Submission.objects.create(credential=mc, teacher=teacher, school=school)


def carried(sub: Submission) -> set[int]:
    """The criteria demonstrated in an earlier attempt: closed in this one."""
    return set(sub.decisions.filter(carried=True).values_list("criterion_id", flat=True))


def open_criteria(sub: Submission) -> list[Criterion]:
    done = carried(sub)
    return [c for c in sub.credential.criteria.all() if c.pk not in done]


def _editable(sub: Submission) -> None:
    if sub.state != Submission.DRAFT:
        raise ValidationError(f"the submission is {sub.get_state_display().lower()}: "
                              "nothing in it changes now")


def answer(sub: Submission, answers: dict[str, str]) -> None:
    _editable(sub)
    if sub.previous_id is not None:
        raise ValidationError("a resubmission revises only what fell short: the overview "
                              "answers stay as submitted")
    questions = sub.credential.questions
    unknown = set(answers) - set(questions)
    if unknown:
        raise ValidationError(f"not an overview question: {sorted(unknown)[0]!r}")
    sub.answers = {q: answers.get(q, sub.answers.get(q, "")).strip() for q in questions}
    sub.save()


def reflect(sub: Submission, text: str) -> None:
    _editable(sub)
    sub.reflection = text.strip()
    sub.save()


def add_artifact(sub: Submission, criterion: Criterion, title: str, *, link: str = "",
                 upload: Any = None) -> Artifact:
    _editable(sub)
    if criterion.pk in carried(sub):
        raise ValidationError(f"“{criterion.text}” was demonstrated before: a "
                              "resubmission revises only what fell short")
    a = Artifact(submission=sub, criterion=criterion, title=title.strip()[:200] or "Artifact",
                 link=link.strip())
    if upload is not None:
        a.filename, a.content_type = upload.name[:200], upload.content_type or ""
        a.content = upload.read()
    a.full_clean(exclude=["content"])
    a.save()
    return a


def remove_artifact(sub: Submission, artifact: Artifact) -> None:
    _editable(sub)
    if artifact.submission_id != sub.pk or artifact.criterion_id in carried(sub):
        raise ValidationError("that artifact is not one this submission may change")
    artifact.delete()


def missing(sub: Submission) -> list[str]:
    """The required parts not there yet, in words."""
    out = [f"an answer to “{q}”" for q in sub.credential.questions
           if not sub.answers.get(q, "").strip()]
    have = set(sub.artifacts.values_list("criterion_id", flat=True))
    out += [f"an artifact for “{c.text}”" for c in open_criteria(sub) if c.pk not in have]
    if not sub.reflection.strip():
        out.append("the reflection")
    if not sub.teacher.email.strip():
        out.append("your email address (on your account: the credential names you by it)")
    return out


def submit(sub: Submission) -> None:
    _editable(sub)
    lacking = missing(sub)
    if lacking:
        raise ValidationError("the submission is missing " + "; ".join(lacking))
    sub.state, sub.submitted_at = Submission.SUBMITTED, timezone.now()
    sub.save()


@transaction.atomic
def decide(sub: Submission, reviewer: Any, decisions: dict[int, tuple[bool, str]]
           ) -> Submission:
    """One decision per open criterion: {criterion id: (demonstrated, feedback)}."""
    if sub.state != Submission.SUBMITTED:
        raise ValidationError("only a submitted submission is decided")
    if reviewer.pk == sub.teacher_id or not reviews(reviewer, sub.credential):
        raise ValidationError("you are not a reviewer of this micro-credential")
    wanted = {c.pk: c for c in open_criteria(sub)}
    if set(decisions) != set(wanted):
        lacking = [wanted[k].text for k in wanted if k not in decisions]
        raise ValidationError("decide every open criterion" + (
            f": “{lacking[0]}” has no decision" if lacking else
            " and no other (one was demonstrated before, or is not on the rubric)"))
    for k, (shown, feedback) in decisions.items():
        if not shown and not feedback.strip():
            raise ValidationError(f"“{wanted[k].text}” is not yet: say what would show it")
    now = timezone.now()
    Decision.objects.bulk_create([
        Decision(submission=sub, criterion_id=k, demonstrated=shown,
                 feedback=feedback.strip(), reviewer=reviewer, at=now)
        for k, (shown, feedback) in decisions.items()])
    earned = all(shown for shown, _ in decisions.values())
    sub.state = Submission.EARNED if earned else Submission.NOT_YET
    sub.decided_at = now
    if earned:
        sub.issued = _issue(sub, reviewer)
    sub.save()
    return sub


def resubmit(sub: Submission) -> Submission:
    """The next attempt: demonstrated criteria carried, the rest open again with their
    artifacts to revise."""
    if sub.state != Submission.NOT_YET or hasattr(sub, "resubmission"):
        raise ValidationError("only a not-yet decision is resubmitted, once")
    nxt = Submission.objects.create(credential=sub.credential, teacher=sub.teacher,
                                    school=sub.school, previous=sub, answers=sub.answers,
                                    reflection=sub.reflection)
    for a in sub.artifacts.all():
        a.pk, a.submission = None, nxt
        a.save()
    now = timezone.now()
    Decision.objects.bulk_create([
        Decision(submission=nxt, criterion_id=d.criterion_id, demonstrated=True,
                 feedback=d.feedback, reviewer=d.reviewer, carried=True, at=now)
        for d in sub.decisions.filter(demonstrated=True)])
    return nxt


def _issue(sub: Submission, by: Any) -> Credential:
    mc, t = sub.credential, sub.teacher
    rubric = "; ".join(c.text for c in mc.criteria.all())
    return issuing.issue(
        kind=Credential.MICRO, recipient_name=t.get_full_name() or t.username,
        recipient_email=t.email, issuer_id=issuing.url("verify_issuer", mc.district_id),
        issuer_name=mc.district.name,
        achievement_id=issuing.url("growth_credential", mc.pk), achievement_name=mc.name,
        description=mc.competency,
        criteria=f"Demonstrated, as a reviewer judged the evidence, on every criterion of "
                 f"the public rubric: {rubric}.",
        statement=f"{mc.key_method}",
        result=f"Every criterion demonstrated on attempt {sub.attempt}; "
               f"{hours(mc.hours)} hours of professional learning.", by=by)


@dataclass(frozen=True)
class Turnaround:
    decided: int
    median_days: float | None
    within_target: float | None  # share of decisions within the target, 0–1
    waiting: int
    overdue: list[Submission]
    target_days: int


def days(sub: Submission, now: Any = None) -> float:
    end = sub.decided_at or now or timezone.now()
    return (end - sub.submitted_at).total_seconds() / 86400


def turnaround(mc: MicroCredential, now: Any = None) -> Turnaround:
    """Days from submission to decision, against the programme's target."""
    done = [days(s) for s in mc.submissions.filter(decided_at__isnull=False,
                                                   submitted_at__isnull=False)]
    waiting = list(mc.submissions.filter(state=Submission.SUBMITTED))
    target = mc.decision_days
    return Turnaround(
        decided=len(done), median_days=statistics.median(done) if done else None,
        within_target=sum(d <= target for d in done) / len(done) if done else None,
        waiting=len(waiting),
        overdue=[s for s in waiting if days(s, now) > target], target_days=target)
