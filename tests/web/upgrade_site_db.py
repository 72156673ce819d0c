"""Build a site database at the one-app schema (aimline 0006) with a row in every table,
upgrade it to today's apps, and print what the check found (run by test_migrations.py in
a fresh interpreter, on the database DATABASE_URL names)."""

from __future__ import annotations

import datetime as dt
import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aimline.web.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402

OLD = ("aimline", "0006_audit_list")
DJANGO_APPS = ("admin", "auth", "contenttypes", "sessions", "axes")


def old_targets() -> list[tuple[str, str]]:
    """The one-app site's schema: aimline 0006 and Django's own apps, no new app."""
    graph = MigrationExecutor(connection).loader.graph
    return [OLD, *(n for n in graph.leaf_nodes() if n[0] in DJANGO_APPS)]


def tables(columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table the one-app site had, as stored: all columns, or, after the
    upgrade, the columns the table had before (a later migration may add one)."""
    with connection.cursor() as c:
        names = sorted(t for t in connection.introspection.table_names(c)
                       if t.startswith("aimline_"))
        out = {}
        for t in names:
            cols = ", ".join(f'"{x}"' for x in columns[t]) if columns else "*"
            c.execute(f'SELECT {cols} FROM "{t}" ORDER BY 1')
            if columns is None:
                COLUMNS[t] = [d[0] for d in c.description]
            out[t] = [tuple(str(v) for v in row) for row in c.fetchall()]
    return out


COLUMNS: dict[str, list[str]] = {}


def seed() -> dict[str, int]:
    """A row in every model (and every many-to-many table) of the old schema, made with
    the models as they were then."""
    apps = MigrationExecutor(connection).loader.project_state(old_targets()).apps
    get = lambda name: apps.get_model("aimline", name)  # noqa: E731
    user = apps.get_model("auth", "User").objects.create(username="lead", password="x")
    Org = get("Organisation")
    district = Org.objects.create(name="Unified", kind="district", code="0100001")
    school = Org.objects.create(name="High", kind="school", code="3001", district=district)
    uni = Org.objects.create(name="University", kind="university", code="")
    partnership = get("Partnership").objects.create(name="P", district=district,
                                                    mou_student_data=True)
    partnership.partners.add(uni)
    net = get("Network").objects.create(name="N", hub=uni)
    net.schools.add(school)
    role = get("Role").objects.create(user=user, role="principal", staff_id="T1")
    role.schools.add(school)
    get("Role").objects.create(user=user, role="network_lead", network=net)
    entry = get("AuditEntry").objects.create(user=user, action="list", what="watch list")
    get("AuditStudent").objects.create(entry=entry, student_id="S1", school_id="3001")
    get("Intervention").objects.create(student_id="S1", school_id="3001", kind="health",
                                       start=dt.date(2026, 1, 5), owner="Nurse", note="n",
                                       restricted=True, created_by=user)
    get("ApiToken").objects.create(user=user, name="t", prefix="aim_abcd", digest="d" * 64)
    get("LoadJob").objects.create(created_by=user, district=district, source="/x",
                                  status="done", problems=[{"rule": "r"}])
    get("PhaseChange").objects.create(network=net, phase="testing", began=dt.date(2026, 1, 1))
    session = get("LearningSession").objects.create(network=net, date=dt.date(2026, 2, 1),
                                                    title="LS1")
    session.attended.add(school)
    aim = get("Aim").objects.create(network=net, school=school, metric="chronic_absence",
                                    baseline_year=2026, by_date=dt.date(2027, 6, 30),
                                    target=10, baseline=20.5, approved_by=user,
                                    approved_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    driver = get("Driver").objects.create(aim=aim, text="belonging")
    idea = get("ChangeIdea").objects.create(network=net, title="calls")
    idea.drivers.add(driver)
    get("ChangeIdeaStatus").objects.create(change_idea=idea, school=school, status="adopted")
    measure = get("Measure").objects.create(network=net, name="m", kind="process")
    get("MeasureValue").objects.create(measure=measure, school=school,
                                       date=dt.date(2026, 1, 5), value=3, n=20, entered_by=user)
    get("ChartChange").objects.create(measure=measure, school=school, kind="part",
                                      date=dt.date(2026, 2, 1), why="adopted", by=user)
    cycle = get("PDSACycle").objects.create(network=net, school=school, change_idea=idea,
                                            title="c1", question="q", prediction="p",
                                            created_by=user)
    cycle.measures.add(measure)
    audit = get("EquityAudit").objects.create(district=district, title="A", year=2026,
                                              findings={"k": 1}, created_by=user)
    get("Recommendation").objects.create(audit=audit, school_id="3001", text="r", author=user)
    get("Publication").objects.create(audit=audit, version=1, published_by=user,
                                      findings={"k": 1}, recommendations=[], pdf=b"%PDF")
    # content types as post_migrate made them for the one app, and an admin history entry
    ct = apps.get_model("contenttypes", "ContentType")
    for model in apps.get_app_config("aimline").get_models():
        ct.objects.get_or_create(app_label="aimline", model=model._meta.model_name)
    apps.get_model("admin", "LogEntry").objects.create(
        user=user, content_type=ct.objects.get(app_label="aimline", model="pdsacycle"),
        object_id=str(cycle.pk), object_repr="c1", action_flag=2, change_message="[]",
        action_time=dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    return {m: ct.objects.get(app_label="aimline", model=m).pk
            for m in ("organisation", "pdsacycle", "equityaudit", "loadjob", "intervention")}


def main() -> None:
    MigrationExecutor(connection).migrate(old_targets())
    ids = seed()
    before = tables()
    call_command("migrate", verbosity=0)
    after = tables(COLUMNS)
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from aimline.web.audits.models import Publication
    from aimline.web.loads.models import LoadJob
    from aimline.web.networks.models import PDSACycle
    from aimline.web.orgs.models import AuditEntry, Organisation, Role
    from aimline.web.students.models import Intervention

    cycle = PDSACycle.objects.get()
    lead = Role.objects.get(role="network_lead")
    history = LogEntry.objects.get().get_edited_object()
    print(json.dumps({
        "tables_equal": before == after, "tables": len(before),
        "rows": sum(map(len, before.values())),
        "empty_tables": sorted(t for t, rows in before.items() if not rows),
        "content_types_kept": {m.__name__: ContentType.objects.get_for_model(m).pk == ids[
            m.__name__.lower()] for m in (Organisation, PDSACycle, LoadJob, Intervention)},
        "relations": [cycle.measures.get().name, cycle.change_idea.drivers.get().text,
                      lead.network.schools.get().code,
                      AuditEntry.objects.get().shown.get().student_id,
                      bytes(Publication.objects.get().pdf).decode(),
                      f"{type(history).__name__} {history.title}"],
    }))


if __name__ == "__main__":
    main()
