"""Survey pages: a person's list, the results (staff and readers), the XLSX, making links,
and answering (through a personal link, no sign-in; or one's own link, signed in). Who may
do each is `access.SURVEYS`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from aimline.web.access import Seat
from aimline.web.surveys import service
from aimline.web.surveys.access import READER, RESPONDENT, STAFF, SURVEYS
from aimline.web.surveys.models import Link, Survey


def seat(user: Any, s: Survey) -> Seat:
    if not user.is_authenticated:
        return Seat()
    seats = {name for name, rel in ((STAFF, s.staff), (READER, s.readers))
             if rel.filter(pk=user.pk).exists()}
    if s.links.filter(person=user, used=False).exists():
        seats.add(RESPONDENT)
    return Seat(frozenset(seats))


def survey(request: HttpRequest, pk: int, action: str) -> Survey:
    found = Survey.objects.filter(pk=pk).first()
    me = seat(request.user, found) if found else Seat()
    # out of sight (no seat at all): 404; a seat that does not allow it: 403
    SURVEYS.require(request.scope, action, me, hidden=not me.seats)
    assert found is not None
    return found


@login_required
def home(request: HttpRequest) -> HttpResponse:
    me = request.user
    mine = (Survey.objects.filter(Q(staff=me) | Q(readers=me)).distinct()
            .order_by("-opens", "title"))
    to_answer = Link.objects.filter(person=me, used=False).select_related("survey")
    return render(request, "surveys/home.html", {"surveys": mine, "to_answer": to_answer})


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    s = survey(request, pk, "results")
    by = "cohort" if request.GET.get("by") == "cohort" else "group"
    return render(request, "surveys/results.html", {
        "survey": s, "items": service.results(s, by), "by": by,
        "responses": s.responses.count(), "links": s.links.count(),
        "may": SURVEYS.may(request.scope, seat(request.user, s))})


@login_required
def results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    s = survey(request, pk, "results")
    return HttpResponse(service.xlsx(s), headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f'attachment; filename="survey-{s.pk}.xlsx"'})


@login_required
@require_POST
def make_links(request: HttpRequest, pk: int) -> HttpResponse:
    """Personal links for addresses (shown once: only their hash is kept) or for signed-in
    people (found on their survey list)."""
    s = survey(request, pk, "manage")
    group, cohort = request.POST.get("group", ""), request.POST.get("cohort", "")[:40]
    if group not in s.audiences:
        messages.error(request, f"{group!r} is not one of this survey's audiences")
        return redirect("survey_results", s.pk)
    names = [n.strip() for n in request.POST.get("people", "").split() if n.strip()]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    unknown = [n for n in names if n not in users and "@" not in n]
    if unknown:
        messages.error(request, f"no such person: {', '.join(unknown)}; no link was made")
        return redirect("survey_results", s.pk)
    made = []
    for name in names:
        person = users.get(name)
        _, token = Link.make(s, group, cohort=cohort, person=person,
                                sent_to="" if person else name)
        made.append((name, request.build_absolute_uri(f"/s/{token}/")))
    return render(request, "surveys/links.html", {"survey": s, "made": made})


def take(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link: no sign-in; one response."""
    link = Link.find(token)
    if link is None:
        raise Http404("no such survey link")
    return _answer(request, link)


@login_required
def take_mine(request: HttpRequest, pk: int) -> HttpResponse:
    s = survey(request, pk, "answer")
    link = s.links.filter(person=request.user, used=False).first()
    assert link is not None
    return _answer(request, link)


def _answer(request: HttpRequest, link: Link) -> HttpResponse:
    s = link.survey
    if link.used:
        return render(request, "surveys/done.html", {"survey": s, "again": True}, status=409)
    if request.method == "POST":
        answers = {item.pk: request.POST.get(f"item-{item.pk}") for item in s.items.all()}
        try:
            service.respond(link, answers)
        except service.Used:
            return render(request, "surveys/done.html", {"survey": s, "again": True},
                          status=409)
        except ValidationError as e:
            return render(request, "surveys/take.html", {"survey": s, "error": e.messages[0],
                                                         "given": request.POST}, status=400)
        return render(request, "surveys/done.html", {"survey": s})
    return render(request, "surveys/take.html", {"survey": s, "given": {}})
