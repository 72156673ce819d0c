"""Pages and endpoints whose queries must not grow with what they list (N+1)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aimline.web.audits.models import EquityAudit
from aimline.web.networks import measures
from aimline.web.networks.models import Aim, Driver, LearningSession, Network
from aimline.web.orgs.models import Organisation
from tests.web.cast import client_for

pytestmark = pytest.mark.django_db


def queries(user: str, url: str) -> int:
    c = client_for(user)
    c.get(url)  # sessions, caches
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    return len(ctx)


def test_network_detail_api_queries_do_not_grow_with_aims_and_sessions() -> None:
    net = Network.objects.get(name__startswith="High schools")
    url = f"/api/networks/{net.pk}"
    before = queries("netlead", url)
    idea = net.change_ideas.first()
    for k in range(4):
        aim = Aim.objects.create(network=net, metric="chronic_absence", baseline_year=2026,
                                 by_date="2027-06-30", target=10)
        d = Driver.objects.create(aim=aim, text=f"driver {k}")
        d.change_ideas.add(idea)
        s = LearningSession.objects.create(network=net, date=f"2027-0{k + 1}-01",
                                           title=f"extra {k}")
        s.attended.set(net.schools.all())
    assert queries("netlead", url) == before


def test_the_status_report_draws_each_outcome_chart_once(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    net = Network.objects.get(name__startswith="High schools")
    drawn: list[str] = []
    chart = measures.chart

    def counting(measure, school, reader, *, cycles):
        drawn.append(school.code)
        return chart(measure, school, reader, cycles=cycles)

    monkeypatch.setattr(measures, "chart", counting)
    assert client_for("netlead").get(f"/networks/{net.pk}/report.html").status_code == 200
    assert sorted(drawn) == sorted(net.schools.values_list("code", flat=True))


def test_the_audit_list_queries_do_not_grow_with_the_audits() -> None:
    before = queries("principal", "/audits/")
    for code, user in (("0100001", "analyst"), ("0200002", "other_admin")):
        for k in range(3):
            EquityAudit.objects.create(
                district=Organisation.objects.get(kind="district", code=code),
                title=f"audit {k}", year=2026, created_by=User.objects.get(username=user))
    assert queries("principal", "/audits/") == before
