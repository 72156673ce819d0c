"""How an induction step answers: done, with what it did; or refused, a 400 with the
reason, and nothing changed (each step runs in one transaction or checks first)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def refusing(request: HttpRequest, do: Callable[[], str], then: HttpResponse
             ) -> HttpResponse:
    """Run a step; a refusal is a 400 with its message, and nothing is changed."""
    try:
        with transaction.atomic():
            said = do()
    except (ValidationError, ValueError, KeyError) as e:
        text = "; ".join(e.messages) if isinstance(e, ValidationError) else f"bad input: {e}"
        return render(request, "induction/refused.html", {"message": text}, status=400)
    messages.success(request, said)
    return then
