"""The people every site test uses, one line each: who they are and what they hold.

The demo district (Aimline Unified, 0100001) and its people come from `demo.create`, as
`make demo` makes them; `conftest.py` adds the last three. A test names a person, never
builds one of its own, unless the person is the point of the test.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

CAST = {
    "admin": "district admin of Aimline Unified: every school and student, the audit log, "
             "loads",
    "analyst": "district analyst of Aimline Unified: every school and student, loads, audits",
    "supervisor": "principal supervisor of four elementary schools (the elementary network)",
    "principal": "principal of the first high school (school A of the high-school network)",
    "teacher": "teacher at the principal's school with a roster of 25 students",
    # the growth demo (`growth.demo`)
    "mteacher": "teacher at the principal's school with a staff id and no roster: earned "
                "a micro-credential after one \"not yet\"; on the career ladder",
    "netlead": "lead of the high-school network: its schools' aggregates, no students",
    "coach": "improvement coach of the high-school network, as the lead sees it",
    "partner": "university partner under an MOU without student data: aggregates, audits",
    # the leadership demo (`leaders.demo`): two programmes of a support organisation
    "programme": "staff of both certificate programmes: approve targets, issue "
                 "certificates; no district role",
    "execcoach": "executive coach of the principal, principal3 and the supervisors; no "
                 "district role",
    "execcoach2": "executive coach of principal2 and principal4",
    "superintendent": "supervisor of the whole district: approves every candidate's target",
    "principal2": "principal of the second school the demo picks, a candidate",
    "principal3": "principal of the third, a candidate (the demo aims for a near miss)",
    "principal4": "principal of the fourth, a candidate (the demo looks for a group too "
                  "small to publish in the final year)",
    # (the test district has four schools a principal candidate can come from; the demo
    # district's principal5 and principal6 have no school here)
    "supervisor1": "supervisor of two high schools, a candidate for the supervisor "
                   "certificate",
    "supervisor2": "supervisor of two other schools, a candidate (waiting for the "
                   "programme)",
    # the induction demo (`induction.demo`): a county office and the district; none holds
    # a district role for it (the superintendent, above, signs the MOU for the district)
    "induction": "induction programme staff of the county office, and its MOU signer",
    "coordinator": "the district's induction coordinator: matching, coach hiring, the MOU; "
                   "reads the survey's suppressed results",
    "icoach1": "induction coach (capacity 4): high and middle schools, Spanish",
    "icoach2": "induction coach (capacity 4): elementary; does not know the district",
    "icoach3": "induction coach (capacity 3): every level, Vietnamese",
    **{f"newadmin{k:02d}": f"new assistant principal, induction candidate {k} of 10"
       for k in range(1, 11)},
    "other_admin": "district admin of Other Unified (0200002): must see nothing of 0100001",
    "nobody": "an account with no role: sees nothing",
}


# the authenticator-app secret of every cast member whose roles need two-factor sign-in
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def two_factor(user: User) -> User:
    """Set up the authenticator app of a person made in a test whose role needs it."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TOTP_SECRET)
    return user


def enrol_two_factor() -> None:
    """Everyone of the cast whose roles see students or manage people has set up their
    authenticator app, as the site requires (`orgs.accounts.TwoFactorRequired`)."""
    from aimline.web.orgs.accounts import needs_two_factor
    from aimline.web.orgs.scope import scope_for

    for user in User.objects.filter(username__in=CAST):
        if needs_two_factor(scope_for(user)):
            two_factor(user)


def client_for(name: str) -> Client:
    """A browser session logged in as one of the cast."""
    assert name in CAST, f"{name} is not in the cast"
    c = Client()
    c.force_login(User.objects.get(username=name))
    return c
