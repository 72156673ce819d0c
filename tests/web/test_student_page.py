"""A student's page shows their records only inside their enrolment windows at the
viewer's schools: a principal does not follow a student who moved on to the next school."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from aimline.web.orgs.models import Organisation, Role
from tests.web.cast import client_for, two_factor
from tests.web.test_scope_matrix import q

pytestmark = pytest.mark.django_db


def moved_on() -> tuple[str, str, str]:
    """A student enrolled at one school, then at another (e.g. promoted to middle school):
    (student, first school, later school), with records at both."""
    rows = q("""SELECT e.student_id, arg_min(e.school_id, e.entry_date),
                       arg_max(e.school_id, e.entry_date)
                FROM enrollments e WHERE e.student_id NOT LIKE 'X%' GROUP BY 1
                HAVING count(DISTINCT e.school_id) = 2
                   AND (SELECT count(DISTINCT a.school_id) FROM attendance_events a
                        WHERE a.student_id = e.student_id) = 2
                ORDER BY 1 LIMIT 1""")
    assert rows, "the synthetic district has students who change schools"
    return rows[0]


def test_a_principal_sees_a_student_only_while_at_their_school() -> None:
    sid, first, later = moved_on()
    user = two_factor(User.objects.create_user(f"principal_{first}"))
    role = Role.objects.create(user=user, role=Role.PRINCIPAL)
    role.schools.set([Organisation.objects.get(kind="school", code=first)])
    c = Client()  # this principal is the point of the test, not one of the cast
    c.force_login(user)
    r = c.get(f"/students/{sid}/")
    assert r.status_code == 200
    rec = r.context["r"]
    assert set(rec["enrollments"].school_id) == {first}
    for table in ("attendance", "discipline", "marks"):
        assert set(rec[table].school_id) <= {first}, table
    assert len(rec["attendance"]) > 0
    later_name = q("SELECT name FROM schools WHERE school_id = ?", later)[0][0]
    body = r.content.decode()
    assert later_name not in body and "Also enrolled at a school outside your scope" in body
    # the record at the first school is whole: every one of its absences is there
    (n,) = q("SELECT count(*) FROM attendance_events WHERE student_id = ? AND school_id = ?",
             sid, first)[0]
    assert len(rec["attendance"]) == n
    # district staff see both schools' records
    every = client_for("admin").get(f"/students/{sid}/").context["r"]
    assert set(every["attendance"].school_id) == {first, later}
    assert not every["enrolled_elsewhere"]


def test_the_watch_list_is_paged_sorted_on_the_server_and_logs_the_page_shown() -> None:
    from aimline.web.orgs.models import AuditEntry

    c = client_for("analyst")
    first = c.get("/watchlist/?min_flags=0&sort=attendance")
    total, pages = first.context["total"], first.context["pages"]
    assert total > 100 and pages == -(-total // 100)  # every student, 100 a page
    one = [(r["student_id"], r["school_id"]) for r in first.context["rows"]]
    second = c.get("/watchlist/?min_flags=0&sort=attendance&page=2")
    two = [(r["student_id"], r["school_id"]) for r in second.context["rows"]]
    assert len(one) == 100 and two and not set(one) & set(two)
    rates = [r["attendance_rate"] for r in first.context["rows"] + second.context["rows"]]
    assert rates == sorted(rates)  # sorted over all students, not within a page
    # the pager keeps the filters and the sort in the URL
    page = first.content.decode()
    assert "min_flags=0" in page and "sort=attendance" in page and "page=2" in page
    entry = AuditEntry.objects.filter(action=AuditEntry.LIST).order_by("-pk").first()
    assert entry is not None and "page 2" in entry.what
    assert sorted(entry.shown.values_list("student_id", "school_id")) == sorted(two)
    assert c.get(f"/watchlist/?min_flags=0&page={pages + 1}").status_code == 404
