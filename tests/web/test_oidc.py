"""Single sign-on by OpenID Connect, against a stub provider over HTTP: a person the site
knows signs in by their verified email; a stranger is refused; an invited person gets an
account and their role."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from aimline.web.orgs.models import Role
from tests.web.cast import client_for
from tests.web.oidc_stub import Stub

pytestmark = pytest.mark.django_db


@pytest.fixture
def stub(settings) -> Iterator[Stub]:
    s = Stub()
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [
        {"provider_id": "district-sso", "name": "District SSO", "client_id": s.client_id,
         "secret": s.secret, "settings": {"server_url": s.url}}]}}
    yield s
    s.close()


def sso(c: Client, stub: Stub, person: dict) -> None:
    """Press 'Sign in with District SSO', consent at the provider, come back."""
    page = c.get("/accounts/login/").content.decode()
    assert "Sign in with District SSO" in page
    r = c.post("/accounts/oidc/district-sso/login/")
    assert r.status_code == 302 and r["Location"].startswith(f"{stub.url}/authorize")
    r = c.get(stub.consent(r["Location"], person))
    while r.status_code == 302 and r["Location"].startswith("/accounts/"):
        r = c.get(r["Location"])


def test_a_known_person_signs_in_by_their_verified_email(stub: Stub) -> None:
    lead = User.objects.get(username="netlead")
    lead.email = "lead@district.example.org"
    lead.save()
    c = Client()
    sso(c, stub, {"sub": "idp-42", "email": "lead@district.example.org",
                  "email_verified": True, "name": "Net Lead"})
    assert c.session.get("_auth_user_id") == str(lead.pk)
    assert c.get("/").status_code == 200


def test_a_stranger_gets_no_account(stub: Stub) -> None:
    before = User.objects.count()
    c = Client()
    sso(c, stub, {"sub": "idp-99", "email": "stranger@elsewhere.example.org",
                  "email_verified": True})
    assert "_auth_user_id" not in c.session and User.objects.count() == before


def test_an_invited_person_signs_up_by_single_sign_on(stub: Stub) -> None:
    mail.outbox.clear()
    district = Role.objects.get(user__username="admin").district
    r = client_for("admin").post("/people/", {"district": district.code,
                                              "email": "new.analyst@district.example.org",
                                              "role": Role.ANALYST})
    assert r.status_code == 302
    link = re.search(r"http://testserver(/invite/\S+/)", mail.outbox[0].body).group(1)
    c = Client()
    c.get(link)
    sso(c, stub, {"sub": "idp-7", "email": "new.analyst@district.example.org",
                  "email_verified": True, "preferred_username": "newanalyst"})
    user = User.objects.get(email="new.analyst@district.example.org")
    assert c.session.get("_auth_user_id") == str(user.pk)
    assert Role.objects.get(user=user).role == Role.ANALYST
