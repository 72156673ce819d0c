"""People and sign-in: a district admin invites, the person signs up by the link, sets up
two-factor sign-in (their role sees students), signs in with a code and sees only the
school granted; roles are granted, changed, removed, people deactivated, every change in
the district's log; password reset by email; strangers cannot sign up."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from aimline.web.orgs.models import Invitation, Organisation, PeopleChange, Role
from tests.web.cast import client_for

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-for-tests"


def district() -> Organisation:
    return Organisation.objects.get(kind="district", code="0100001")


def a_school() -> Organisation:
    return district().schools.order_by("code").first()


def invite(email: str, role: str = Role.PRINCIPAL, schools: list | None = None) -> str:
    """The admin invites by the page; the link the email carries."""
    mail.outbox.clear()
    schools = [a_school()] if schools is None else schools
    r = client_for("admin").post("/people/", {"district": "0100001", "email": email,
                                              "role": role,
                                              "schools": [s.pk for s in schools]})
    assert r.status_code == 302, r.content.decode()[-2000:]
    (sent,) = mail.outbox
    assert sent.to == [email]
    return re.search(r"http://testserver(/invite/\S+/)", sent.body).group(1)


def sign_up(link: str, email: str, username: str) -> Client:
    c = Client()
    r = c.get(link)
    assert r.status_code == 302 and r["Location"].startswith("/accounts/signup/")
    r = c.post("/accounts/signup/", {"email": email, "username": username,
                                     "password1": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 302, r.content.decode()[-3000:]
    return c


def set_up_totp(c: Client) -> str:
    """Follow the site to the authenticator-app page and confirm a code; the secret."""
    r = c.get("/")
    assert r.status_code == 302 and r["Location"] == "/accounts/2fa/totp/activate/"
    page = c.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302 and page["Location"].startswith("/accounts/reauthenticate/"):
        # allauth asks for the password again before a new authenticator is added
        assert c.post(page["Location"], {"password": PASSWORD}).status_code == 302
        page = c.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200, (page.status_code, page.get("Location"))
    secret = page.context["form"].secret
    r = c.post("/accounts/2fa/totp/activate/", {"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 302, r.context["form"].errors
    return secret


def test_invited_principal_signs_up_sets_up_two_factor_and_sees_only_their_school() -> None:
    school = a_school()
    link = invite("new.principal@example.org")
    c = sign_up(link, "new.principal@example.org", "newprincipal")
    user = User.objects.get(username="newprincipal")
    role = Role.objects.get(user=user)
    assert role.role == Role.PRINCIPAL and list(role.schools.all()) == [school]
    secret = set_up_totp(c)
    # a fresh sign-in asks for the authenticator code after the password
    fresh = Client()
    r = fresh.post("/accounts/login/", {"login": "newprincipal", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/accounts/2fa/authenticate/"
    assert fresh.get("/").status_code == 302  # not in yet
    totp = pyotp.TOTP(secret)
    code = totp.at(timezone.now() + dt.timedelta(seconds=30))  # not the code used to set up
    r = fresh.post("/accounts/2fa/authenticate/", {"code": code})
    assert r.status_code == 302
    home = fresh.get("/")
    assert home.status_code == 200
    assert [c["school"].school_id for c in home.context["cards"]] == [school.code]
    other = district().schools.exclude(pk=school.pk).first()
    assert fresh.get(f"/schools/{other.code}/").status_code == 404
    actions = list(PeopleChange.objects.filter(district=district()).values_list(
        "person", "action"))
    assert ("newprincipal", "accepted") in actions
    assert ("new.principal@example.org", "invited") in actions


def test_an_invitation_works_once_for_its_email_and_expires() -> None:
    link = invite("once@example.org")
    c = Client()
    c.get(link)
    r = c.post("/accounts/signup/", {"email": "someone.else@example.org", "username": "x1",
                                     "password1": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 200 and "This invitation is for once@example.org" in \
        r.content.decode()
    assert not User.objects.filter(username="x1").exists()
    sign_up(link, "once@example.org", "once")
    assert Client().get(link).status_code == 410  # used
    late = invite("late@example.org")
    Invitation.objects.filter(email="late@example.org").update(
        expires_at=timezone.now() - dt.timedelta(minutes=1))
    r = Client().get(late)
    assert r.status_code == 410 and "expired" in r.content.decode()
    assert Client().get("/invite/not-a-token/").status_code == 410


def test_nobody_signs_up_without_an_invitation() -> None:
    c = Client()
    r = c.post("/accounts/signup/", {"email": "stranger@example.org", "username": "stranger",
                                     "password1": PASSWORD, "password2": PASSWORD})
    assert not User.objects.filter(username="stranger").exists()
    assert "closed" in c.get("/accounts/signup/").content.decode().lower()
    assert r.status_code in (200, 302)


def test_roles_are_granted_changed_removed_and_a_person_deactivated_with_a_log() -> None:
    person = User.objects.create_user("pat", email="pat@example.org", password=PASSWORD)
    c = client_for("admin")
    school = a_school()
    r = c.post(f"/people/{person.pk}/?district=0100001", {"action": "grant",
                                                          "role": Role.TEACHER,
                                                          "schools": [school.pk]})
    assert r.status_code == 404  # not the district's person until they hold a role here
    Role.objects.create(user=person, role=Role.ANALYST, district=district())
    r = c.post(f"/people/{person.pk}/?district=0100001", {
        "action": "grant", "role": Role.TEACHER, "schools": [school.pk]})
    assert r.status_code == 302
    teacher = Role.objects.get(user=person, role=Role.TEACHER)
    r = c.post(f"/people/{person.pk}/?district=0100001", {
        "action": "change", "role_id": teacher.pk, "role": Role.PRINCIPAL,
        "schools": [school.pk]})
    assert r.status_code == 302 and Role.objects.get(pk=teacher.pk).role == Role.PRINCIPAL
    # a principal has exactly one school: refused, nothing changed
    two = list(district().schools.order_by("code")[:2])
    r = c.post(f"/people/{person.pk}/?district=0100001", {
        "action": "change", "role_id": teacher.pk, "role": Role.PRINCIPAL,
        "schools": [s.pk for s in two]})
    assert r.status_code == 400 and "exactly one school" in r.content.decode()
    assert list(Role.objects.get(pk=teacher.pk).schools.all()) == [school]
    r = c.post(f"/people/{person.pk}/?district=0100001", {"action": "remove",
                                                          "role_id": teacher.pk})
    assert r.status_code == 302 and not Role.objects.filter(pk=teacher.pk).exists()
    r = c.post(f"/people/{person.pk}/?district=0100001", {"action": "deactivate"})
    assert r.status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    signed = Client()
    signed.post("/accounts/login/", {"login": "pat", "password": PASSWORD})
    assert "_auth_user_id" not in signed.session  # a deactivated person cannot sign in
    log = [(p.action, p.detail) for p in PeopleChange.objects.filter(person="pat")
           .order_by("pk")]
    assert [a for a, _ in log] == ["granted", "changed", "removed", "deactivated"]
    assert "Teacher / counsellor at" in log[0][1] and "→ Principal at" in log[1][1]
    page = c.get("/people/log/?district=0100001").content.decode()
    assert "deactivated" in page and "pat" in page


def test_people_pages_are_for_the_districts_admins_only() -> None:
    assert client_for("admin").get("/people/").status_code == 200
    for who in ("analyst", "principal", "netlead", "partner"):
        assert client_for(who).get("/people/?district=0100001").status_code == 403, who
    # another district's admin sees nothing of this district's people
    other = client_for("other_admin")
    assert other.get("/people/?district=0100001").status_code == 403
    principal = User.objects.get(username="principal")
    assert other.get(f"/people/{principal.pk}/").status_code == 404


def test_the_last_admin_cannot_be_removed_or_deactivated() -> None:
    admin = User.objects.get(username="admin")
    role = Role.objects.get(user=admin, role=Role.DISTRICT_ADMIN)
    c = client_for("admin")
    r = c.post(f"/people/{admin.pk}/?district=0100001", {"action": "remove",
                                                         "role_id": role.pk})
    assert r.status_code == 400 and "last admin" in r.content.decode()
    assert Role.objects.filter(pk=role.pk).exists()


def test_password_reset_by_email() -> None:
    user = User.objects.create_user("forgetful", email="forgetful@example.org",
                                    password="old-passphrase-123")
    c = Client()
    assert c.get("/password_reset/")["Location"] == "/accounts/password/reset/"
    mail.outbox.clear()
    r = c.post("/accounts/password/reset/", {"email": "forgetful@example.org"})
    assert r.status_code == 302
    (sent,) = mail.outbox
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", sent.body).group(1)
    r = c.get(link)
    form_url = r["Location"] if r.status_code == 302 else link
    r = c.post(form_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert r.status_code == 302, r.content.decode()[-2000:]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_two_factor_is_required_where_students_or_people_are_seen() -> None:
    """A principal without an authenticator is sent to set one up; a network lead (no
    student records, no people) is not."""
    school = a_school()
    p = User.objects.create_user("p2fa", password=PASSWORD)
    Role.objects.create(user=p, role=Role.PRINCIPAL).schools.set([school])
    c = Client()
    c.force_login(p)
    r = c.get("/")
    assert r.status_code == 302 and r["Location"] == "/accounts/2fa/totp/activate/"
    assert client_for("netlead").get("/").status_code == 200
    # an API call with a personal token is not a session: not redirected
    from aimline.web.orgs.models import ApiToken

    _, token = ApiToken.issue(p, "script")
    assert Client().get("/api/schools", HTTP_AUTHORIZATION=f"Bearer {token}"
                        ).status_code == 200
