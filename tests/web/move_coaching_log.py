"""Build a site database where the coaching log is still the leadership app's (leaders
0001), with an entry and a correction, migrate it to today's apps, and print what the
shared `coaching` app then holds (run by test_migrations.py in a fresh interpreter, on the
database DATABASE_URL names)."""

from __future__ import annotations

import datetime as dt
import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aimline.web.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402

executor = MigrationExecutor(connection)
before = [("leaders", "0001_initial"), ("coaching", "0001_initial")]
executor.migrate(before)
old = MigrationExecutor(connection).loader.project_state(before).apps
User, Org = old.get_model("auth", "User"), old.get_model("orgs", "Organisation")
users = [User.objects.create(username=n) for n in ("cand", "coach", "boss")]
uni = Org.objects.create(name="U", kind="university")
district = Org.objects.create(name="D", kind="district", code="D1")
programme = old.get_model("leaders", "Programme").objects.create(
    name="P", kind="principal", provider=uni, challenges=["Time and priorities"])
cohort = old.get_model("leaders", "Cohort").objects.create(
    programme=programme, name="2025", starts=dt.date(2025, 8, 1), ends=dt.date(2026, 6, 1))
cand = old.get_model("leaders", "Candidate").objects.create(
    cohort=cohort, user=users[0], kind="principal", district=district, coach=users[1],
    approver=users[2])
entry = old.get_model("leaders", "CoachingEntry").objects.create(
    candidate=cand, author=users[1], status="submitted", date=dt.date(2025, 9, 3),
    minutes=75, mode="video", focus=["Time and priorities"], notes="kept")
old.get_model("leaders", "CoachingCorrection").objects.create(
    entry=entry, by=users[1], before={"minutes": 60}, after={"minutes": 75})

MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

from aimline.web.coaching.models import Correction, Entry  # noqa: E402
from aimline.web.leaders.models import Candidate  # noqa: E402

moved = Entry.objects.get()
c = Candidate.objects.get()
fresh = Entry.objects.create(subject=c, author_id=moved.author_id)  # the ids move on
print(json.dumps({
    "entry": [moved.pk == entry.pk, moved.subject == c, moved.minutes, moved.notes,
              moved.focus, moved.status],
    "correction": list(Correction.objects.values_list("entry_id", "after")),
    "moved": moved.pk, "log": sorted(c.coaching.values_list("pk", flat=True)),
    "fresh_id_after": fresh.pk > moved.pk,
    "old_tables": [t for t in connection.introspection.table_names()
                   if t.startswith("leaders_coaching")]}))
