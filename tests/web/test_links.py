"""Every link a person sees is one they may follow, and every action shown is one they may
take: each role's pages are crawled from home (same site, GET, downloads left out) and no
link answers 403 or 404."""

from __future__ import annotations

import re
from collections import deque

import pytest

from aimline.web.audits.models import EquityAudit
from aimline.web.networks.models import Aim, Network
from tests.web.cast import client_for

pytestmark = pytest.mark.django_db
HREF = re.compile(r'href="(/[^"#]*)"')
# allauth's account pages ask for the password again before changing sign-in methods
# (a redirect by design, tested in test_people.py)
SKIP = ("/admin/", "/logout/", "/api/", "/static/", "/accounts/")
DOWNLOAD = re.compile(r"\.(pdf|xlsx|csv|png|svg|html)(\?|$)")


def crawl(user: str, limit: int = 40) -> dict[str, int]:
    c = client_for(user)
    seen: dict[str, int] = {}
    todo = deque(["/"])
    while todo and len(seen) < limit:
        url = todo.popleft()
        if url in seen:
            continue
        r = c.get(url)
        seen[url] = r.status_code
        if r.status_code == 200 and "text/html" in r.get("Content-Type", ""):
            for link in HREF.findall(r.content.decode()):
                link = link.replace("&amp;", "&")
                if not link.startswith(SKIP) and not DOWNLOAD.search(link):
                    todo.append(link)
    return seen


@pytest.mark.parametrize("user", ["principal", "teacher", "netlead", "partner", "supervisor"])
def test_no_link_a_person_sees_is_refused(user: str) -> None:
    seen = crawl(user)
    assert len(seen) > 5
    assert not {u: s for u, s in seen.items() if s != 200}


def test_those_who_read_an_audit_s_findings_find_them_in_the_audit_list() -> None:
    a = EquityAudit.objects.filter(district__code="0100001").first()
    school = Network.objects.get(name__startswith="High schools").schools.first().code
    for user in ("principal", "netlead"):
        listed = client_for(user).get("/audits/").content.decode()
        assert f"/audits/{a.pk}/schools/{school}/" in listed, user
        assert f'href="/audits/{a.pk}/"' not in listed, user


def test_actions_are_shown_exactly_to_those_who_may_take_them() -> None:
    net = Network.objects.get(name__startswith="High schools")
    team = Aim.objects.create(network=net, school=net.schools.first(), metric="chronic_absence",
                              baseline_year=2026, by_date="2027-06-30", target=10)
    approve = f"/networks/{net.pk}/aims/{team.pk}/approve/"
    for user, approves, proposes in (("netlead", True, True), ("principal", False, True),
                                     ("partner", False, False), ("admin", False, False)):
        page = client_for(user).get(f"/networks/{net.pk}/").content.decode()
        assert (approve in page) == approves, user
        assert (f"/networks/{net.pk}/aims/new/" in page) == proposes, user
        status = client_for(user).get(f"/networks/{net.pk}/aims/new/").status_code
        assert (status == 200) == proposes, user
