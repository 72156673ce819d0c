"""How a step on the site answers (induction, the district's plans): done, with what it did;
or refused, a 400 with the reason, and nothing changed (each step runs in one transaction).
`step_view` makes the POST view of a family of steps: which action each needs, how the
object is found with the person's seat checked, what each step does, where to go after."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST


def decimal(text: str, what: str) -> Decimal | None:
    """A number a form gave (None where left empty); refused, naming it, where it is not
    one or is below 0."""
    if not text.strip():
        return None
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{what} is a number, not {text!r}") from None
    if not d.is_finite() or d < 0:
        raise ValidationError(f"{what} is 0 or more (got {text!r})")
    return d


def refusing(request: HttpRequest, do: Callable[[], str], then: HttpResponse
             ) -> HttpResponse:
    """Run a step; a refusal is a 400 with its message, and nothing is changed."""
    try:
        with transaction.atomic():
            said = do()
    except (ValidationError, ValueError, KeyError) as e:
        text = "; ".join(e.messages) if isinstance(e, ValidationError) else f"bad input: {e}"
        return render(request, "aimline/not_done.html", {"message": text}, status=400)
    messages.success(request, said)
    return then


def step_view(steps: dict[str, str], find: Callable[[HttpRequest, int, str], Any],
              do: Callable[[HttpRequest, Any, str], str], back: str
              ) -> Callable[[HttpRequest, int, str], HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int, what: str) -> HttpResponse:
        if what not in steps:
            raise Http404("no such step")
        obj, _ = find(request, pk, steps[what])
        return refusing(request, lambda: do(request, obj, what), redirect(back, pk=obj.pk))
    return view
