"""Sign-in with django-allauth, closed to strangers: a new account is made only through a
district's invitation link (by password, or by the district's OpenID Connect single
sign-on); an existing person may also sign in by single sign-on with their verified email.
Two-factor sign-in (TOTP) is required of everyone whose roles see student records or
manage people (`TwoFactorRequired`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.signals import user_signed_up
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.contrib import messages
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from aimline.web.orgs import people


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return people.pending(request) is not None

    def clean_email(self, email: str) -> str:
        inv = people.pending(self.request) if self.request else None
        if inv is not None and email.strip().lower() != inv.email.lower():
            raise forms.ValidationError(f"This invitation is for {inv.email}.")
        return super().clean_email(email)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        """A new account by single sign-on needs an invitation for that very email."""
        inv = people.pending(request)
        emails = {e.email.lower() for e in sociallogin.email_addresses}
        return inv is not None and inv.email.lower() in emails


@receiver(user_signed_up)
def _accept_invitation(request: HttpRequest, user: Any, **kwargs: Any) -> None:
    inv = people.pending(request)
    if inv is not None:
        people.accept(inv, user)
        request.session.pop(people.SESSION_KEY, None)


def needs_two_factor(scope: Any) -> bool:
    """Roles that see student records or manage people sign in with a second factor."""
    return bool(scope.sees_students or scope.admin_districts)


def has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


OPEN = ("/accounts/", "/static/", "/logout/", "/invite/", "/verify/", "/.well-known/",
        "/credentials/status/")


class TwoFactorRequired:
    """Until a person who needs two-factor sign-in has set up an authenticator app, every
    page sends them to set it up (API calls with a personal token are not sessions)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (settings.REQUIRE_TWO_FACTOR and user is not None and user.is_authenticated
                and not request.path.startswith(OPEN)
                and not request.headers.get("Authorization")
                and needs_two_factor(request.scope) and not has_totp(user)):
            messages.info(request, "Your role sees student records or manages people: set "
                                   "up two-factor sign-in with an authenticator app first.")
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
