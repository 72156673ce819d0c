"""A small synthetic district, a second district beside it (for out-of-scope ids), the
indicators computed, and the demo people: made once per test session."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from django.conf import settings

from aimline.metrics import engine
from aimline.metrics.policy import Policy
from tests.conftest import synthetic_warehouse

OTHER_LEA = "0200002"


def add_other_district(warehouse: Path) -> None:
    """Copy two schools (their calendars, 50 of their students with every record, and their
    indicators) under new ids into a second district that no demo user's role covers: a
    real district to audit, list and keep apart."""
    con = duckdb.connect(str(warehouse))
    con.execute("BEGIN")
    con.execute(f"INSERT INTO leas BY NAME SELECT * REPLACE ('{OTHER_LEA}' AS lea_id, "
                "'Other Unified' AS name) FROM leas LIMIT 1")
    con.execute("CREATE TEMP TABLE two AS SELECT school_id FROM schools ORDER BY school_id "
                "LIMIT 2")
    con.execute(f"""INSERT INTO schools BY NAME SELECT * REPLACE ('X' || school_id AS school_id,
                    '{OTHER_LEA}' AS lea_id, 'Other ' || name AS name) FROM schools
                    WHERE school_id IN (SELECT * FROM two)""")
    for table in ("calendar_days", "calendar_index"):
        con.execute(f"""INSERT INTO {table} BY NAME SELECT * REPLACE ('X' || school_id AS
                        school_id) FROM {table} WHERE school_id IN (SELECT * FROM two)""")
    # 25 students enrolled in the latest year at each of the two schools
    con.execute("""CREATE TEMP TABLE kids AS SELECT DISTINCT student_id FROM (
                     SELECT DISTINCT student_id, school_id FROM enrollments
                     WHERE school_id IN (SELECT * FROM two)
                       AND school_year = (SELECT max(school_year) FROM enrollments))
                   QUALIFY row_number() OVER (PARTITION BY school_id ORDER BY student_id) <= 25
                """)
    con.execute("""INSERT INTO students BY NAME SELECT * REPLACE ('X' || student_id AS student_id)
                   FROM students WHERE student_id IN (SELECT * FROM kids)""")
    for table in ("enrollments", "attendance_events", "course_marks", "discipline_actions",
                  "assessment_results"):
        con.execute(f"""INSERT INTO {table} BY NAME SELECT * REPLACE ('X' || student_id AS
                        student_id, 'X' || school_id AS school_id) FROM {table}
                        WHERE student_id IN (SELECT * FROM kids)
                        AND school_id IN (SELECT * FROM two)""")
    has_indicators = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = "
                                 "'indicators'").fetchone()[0]
    for table in ("indicators", "suppressed_counts")[:2 if has_indicators else 0]:
        con.execute(f"""INSERT INTO {table} BY NAME SELECT * REPLACE (
                        CASE WHEN scope = 'school' THEN 'X' || school_id END AS school_id,
                        '{OTHER_LEA}' AS lea_id) FROM {table}
                        WHERE school_id IN (SELECT * FROM two) OR scope = 'district'""")
    con.execute("COMMIT")
    con.close()


@pytest.fixture(scope="session")
def site_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = synthetic_warehouse(tmp_path_factory.mktemp("site"), students=1500, seed=5, years=2,
                               story=True)
    for year in engine.years_in(path):
        for period in ("year", "month"):
            engine.store(engine.compute(path, year, period=period,  # type: ignore[arg-type]
                                        suppress=False), path, Policy())
    add_other_district(path)
    return path


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, site_warehouse):
    """The test database with the organisations and one demo user per role."""
    from django.contrib.auth.models import User

    from aimline.web import demo
    from aimline.web.orgs.models import Organisation, Role

    settings.WAREHOUSE = site_warehouse
    with django_db_blocker.unblock():
        demo.create(site_warehouse)
        # an admin of the other district, and a user with no role at all
        other = Organisation.objects.get(kind="district", code=OTHER_LEA)
        u = User.objects.create_user("other_admin", password=demo.PASSWORD)
        Role.objects.create(user=u, role=Role.DISTRICT_ADMIN, district=other)
        User.objects.create_user("nobody", password=demo.PASSWORD)
        # a second network, of the supervisor's elementary schools
        from aimline.web.networks.models import Network

        elementary = Network.objects.create(name="Elementary attendance network")
        elementary.schools.set(Role.objects.get(user__username="supervisor").schools.all())
        from tests.web.cast import CAST, enrol_two_factor

        assert set(User.objects.values_list("username", flat=True)) == set(CAST), \
            "every person of the site tests is in the cast, with a line saying who"
        enrol_two_factor()


@pytest.fixture(autouse=True)
def _warehouse(site_warehouse: Path) -> None:
    settings.WAREHOUSE = site_warehouse
