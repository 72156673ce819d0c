"""Induction pages: a person's list, the partnership (MOU, commitments coming due,
signatures, reflections, candidates and their clocks, the coach pool, matching), and a
candidate's page (clocks, coach, triad meetings). Who may do each is `access.py`, asked
through `seats`; every change goes through `mou`, `matching` or a model's own rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from aimline.web.coaching import subjects
from aimline.web.induction import (
    deadlines,
    evaluation,
    matching,
    mou,
    outcomes,
    report,
    seats,
    work_views,
)
from aimline.web.induction.access import INDUCTION, PARTNER, PARTNERSHIPS
from aimline.web.induction.forms import CommitmentForm, ReflectionForm, TriadForm
from aimline.web.induction.models import (
    CATEGORIES,
    Coach,
    CommitmentDone,
    Grant,
    Hiring,
    Match,
    Mou,
    Partnership,
    Triad,
)
from aimline.web.orgs.models import Organisation
from aimline.web.pdf import pdf
from aimline.web.steps import refusing, step_view
from aimline.web.surveys.models import Survey


def today() -> dt.date:
    return dt.date.today()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    rows = [{"c": c, "clocks": deadlines.clocks(c, today())}
            for c in seats.candidates(request.user)]
    return render(request, "induction/home.html", {
        "partnerships": seats.partnerships(request.user), "candidates": rows,
        "granted": [p for p in Partnership.objects.all() if seats.granted(request.user, p)]
        if request.user.roles.filter(role="partner").exists() else []})


def visible_candidates(p: Partnership, user: Any) -> list[Any]:
    """Staff see every candidate; a coordinator their district's."""
    qs = p.candidates.select_related("user", "school", "district")
    if not p.staff.filter(pk=user.pk).exists():
        qs = qs.filter(district__in=p.coordinators.filter(user=user).values("district"))
    return list(qs)


@login_required
def partnership(request: HttpRequest, pk: int) -> HttpResponse:
    p, seat = seats.partnership(request, pk)
    may = PARTNERSHIPS.may(request.scope, seat)
    shown = visible_candidates(p, request.user)
    versions = list(p.mous.prefetch_related("commitments__party", "signatures__party"))
    newest = versions[0] if versions else None
    mine = {s.party_id for s in p.signers.filter(user=request.user)}
    return render(request, "induction/partnership.html", {
        "p": p, "may": may, "current": mou.current(p), "newest": newest,
        "versions": versions, "categories": CATEGORIES,
        "sections": _sections(newest), "reminders": mou.reminders(p, today()),
        "sign_for": [o for o in (newest.missing() if newest else []) if o.pk in mine],
        "reflections": p.reflections.order_by("-school_year", "category"),
        "candidates": [{"c": c, "clocks": deadlines.clocks(c, today()),
                        "match": c.matches.filter(status__in=Match.OPEN).first()}
                       for c in shown],
        "coaches": _coaches(p), "criteria": matching.CRITERIA,
        "matches": Match.objects.filter(candidate__in=shown, status__in=(
            Match.PROPOSED, Match.ACCEPTED)).select_related("candidate__user", "coach__user"),
        "coordinating": set(p.coordinators.filter(user=request.user)
                            .values_list("district_id", flat=True)),
        "retention": [r for r in outcomes.by_cohort(p, outcomes.school_year(today()))
                      if any(c.cohort == r.cohort for c in shown)],
        "logic": getattr(p, "logic_model", None), "questions": evaluation.answers(p),
        "surveys": [(s, s.staff.filter(pk=request.user.pk).exists(),
                     s.readers.filter(pk=request.user.pk).exists()) for s in p.surveys.all()],
        "commitment_form": CommitmentForm(), "reflection_form": ReflectionForm(),
        "partner_orgs": partner_orgs(p), "grant_kinds": Grant.WHAT})


def partner_orgs(p: Partnership) -> Any:
    """The organisations an MOU may grant access: partners in the data agreement of one
    of the partnership's districts."""
    return Organisation.objects.filter(partner_in__district__in=p.districts.all()).distinct()


def _sections(m: Mou | None) -> list[tuple[str, list[Any]]]:
    if m is None:
        return []
    return [(label, [c for c in m.commitments.all() if c.category == key])
            for key, label in CATEGORIES]


def _coaches(p: Partnership) -> list[dict[str, Any]]:
    out = []
    for k in p.coaches.select_related("user").prefetch_related("districts"):
        out.append({"k": k, "taken": k.taken(),
                    "hiring": {d.name: k.hiring(d) for d in p.districts.all()}})
    return out


def _do(request: HttpRequest, p: Partnership, what: str) -> str:
    """One partnership step; returns what to say. Raises ValidationError to refuse."""
    post, me = request.POST, request.user
    newest = mou.latest(p)
    if what == "draft":
        mou.draft(p, me, dt.date.fromisoformat(post["starts"]),
                  dt.date.fromisoformat(post["ends"]))
        return "Version 1 drafted"
    if what == "amend":
        current = mou.current(p)
        if current is None:
            raise ValidationError("there is no signed version to amend")
        return f"Version {mou.amend(current, me, post.get('changes', '')).version} drafted"
    if what == "commit":
        form = CommitmentForm(post)
        if newest is None or not form.is_valid():
            raise ValidationError(form.errors.as_text() or "draft a version first")
        c = form.save(commit=False)
        c.mou = newest
        c.save()
        return "Commitment added"
    if what == "sign":
        party = next((o for o in p.parties() if str(o.pk) == post.get("party")), None)
        if party is None:
            raise ValidationError("name one of the partnership's parties")
        if newest is None:
            raise ValidationError("there is nothing to sign")
        target = get_object_or_404(Mou, pk=post.get("mou", newest.pk), partnership=p)
        mou.sign(target, me, party, post.get("typed_name", ""))
        return f"Signed for {party}"
    if what == "done":
        signed = mou.current(p)
        if signed is None:
            raise ValidationError("no MOU is in force")
        c = get_object_or_404(signed.commitments, pk=post.get("commitment"))
        CommitmentDone.objects.create(commitment=c, on=dt.date.fromisoformat(post["on"]),
                                      note=post.get("note", "")[:400], by=me)
        return "Recorded as done"
    if what == "grant":
        if newest is None or newest.status != Mou.DRAFT:
            raise ValidationError("a grant is written into a draft version")
        partner = partner_orgs(p).filter(pk=post.get("partner") or 0).first()
        if partner is None:
            raise ValidationError("name a partner of one of the districts' data agreements")
        if post.get("what") not in dict(Grant.WHAT):
            raise ValidationError("grant the report or the survey results")
        Grant.objects.get_or_create(mou=newest, partner=partner, what=post["what"])
        return f"Version {newest.version} grants {partner} access"
    if what == "reflect":
        form = ReflectionForm(post)
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        r = form.save(commit=False)
        r.partnership, r.by = p, me
        r.save()
        return "Reflection saved"
    if what == "propose":
        return f"{len(matching.propose(p))} match(es) proposed"
    if what == "survey":
        title = post.get("title", "").strip()
        if not title:
            raise ValidationError("name the survey")
        s = Survey.objects.create(title=title[:200], owner=p.provider,
                                  audiences=[Survey.EMPLOYER, Survey.CANDIDATE, Survey.COACH])
        s.staff.set([me])
        s.readers.set({c.user for c in p.coordinators.select_related("user")})
        p.surveys.add(s)
        return f"Survey “{s.title}” made: add its items under Edit"
    if what == "hire":
        k = get_object_or_404(Coach, pk=post.get("coach"), partnership=p)
        district = p.coordinators.filter(user=me).first()
        Hiring.objects.create(coach=k, district=district.district, by=me,
                              decision=post.get("decision", ""), reason=post.get("reason", ""))
        return "Hiring decision recorded"
    raise Http404("no such step")


STEPS: dict[str, str] = {"draft": "draft", "amend": "draft", "commit": "draft",
                         "done": "draft", "reflect": "draft", "grant": "draft",
                         "sign": "sign",
                         "propose": "manage", "survey": "manage", "hire": "hire"}


step = step_view(STEPS, seats.partnership, _do, "induction_partnership")


@login_required
@require_POST
def match_step(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    m = get_object_or_404(Match, pk=pk)
    action = {"accept": "decide_match", "veto": "decide_match", "other": "decide_match",
              "confirm": "confirm_match", "reassign": "confirm_match"}.get(what)
    if action is None:
        raise Http404("no such step")
    c, _ = seats.candidate(request, m.candidate_id, action)
    post = request.POST

    def other() -> Coach:
        return get_object_or_404(Coach, pk=post.get("coach"), partnership=c.partnership)

    steps: dict[str, Callable[[], Any]] = {
        "accept": lambda: matching.decide(m, request.user, Match.ACCEPTED),
        "veto": lambda: matching.decide(m, request.user, Match.VETOED, post.get("reason", "")),
        "other": lambda: matching.decide(m, request.user, Match.VETOED,
                                         post.get("reason", ""), other()),
        "confirm": lambda: matching.confirm(m, request.user, today()),
        "reassign": lambda: matching.reassign(m, request.user, other(),
                                              post.get("reason", "")),
    }
    said = {"accept": "Accepted for the district", "veto": "Vetoed",
            "other": "Vetoed, and the other coach proposed", "confirm": "Coach confirmed",
            "reassign": "Reassigned: the new coach goes to the district"}[what]
    back = (redirect("induction_partnership", pk=c.partnership_id)
            if post.get("next") == "partnership" else redirect("induction_candidate", pk=c.pk))
    return refusing(request, lambda: (steps[what](), said)[1], back)


@login_required
def candidate(request: HttpRequest, pk: int) -> HttpResponse:
    c, seat = seats.candidate(request, pk)
    return render(request, "induction/candidate.html", {**work_views.context(request, c),
        "c": c, "may": INDUCTION.may(request.scope, seat),
        "clocks": deadlines.clocks(c, today()), "days_to_coach": deadlines.days_to_coach(c),
        "matches": c.matches.select_related("coach__user", "proposed_by", "decided_by"),
        "coach": c.coach(), "triads": c.triads.all(), "triad_form": TriadForm(),
        "coaches": c.partnership.coaches.select_related("user"),
        "coaching": subjects.panel(request, seats.COACHING, c, seat),
        "coaching_years": outcomes.against(outcomes.coaching_hours(c),
                                           c.partnership.coaching_hours)})


@login_required
@require_POST
def triad(request: HttpRequest, pk: int) -> HttpResponse:
    c, _ = seats.candidate(request, pk, "record_triad")
    form = TriadForm(request.POST)

    def save() -> str:
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        t = form.save(commit=False)
        t.candidate, t.recorded_by = c, request.user
        t.save()
        return "Triad meeting recorded"
    return refusing(request, save, redirect("induction_candidate", pk=c.pk))


@login_required
@require_POST
def supervisor_input(request: HttpRequest, pk: int) -> HttpResponse:
    t = get_object_or_404(Triad, pk=pk)
    c, _ = seats.candidate(request, t.candidate_id, "supervisor_input")

    def save() -> str:
        text = request.POST.get("supervisor_input", "").strip()
        if not text:
            raise ValidationError("write the input first")
        t.supervisor_input = text
        t.save(update_fields=["supervisor_input"])
        return "Your input is recorded"
    return refusing(request, save, redirect("induction_candidate", pk=c.pk))


@login_required
def report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The programme evaluation report, of the candidates this person may see."""
    p, seat = seats.partnership(request, pk, "report")
    if seat.seats == {PARTNER}:  # a partner only: what the MOU grants, in aggregates
        d = report.aggregates(p, seats.granted(request.user, p))
    else:
        d = report.data(p, visible_candidates(p, request.user), request.user)
    if fmt == "xlsx":
        body, kind = report.xlsx(d), ("application/vnd.openxmlformats-officedocument."
                                      "spreadsheetml.sheet")
    elif fmt == "pdf":
        body, kind = pdf(render_to_string("induction/report_pdf.html", d), request), \
            "application/pdf"
    else:
        raise Http404("no such format")
    return HttpResponse(body, headers={
        "Content-Type": kind,
        "Content-Disposition": f'attachment; filename="induction-{p.pk}-report.{fmt}"'})
