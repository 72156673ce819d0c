"""The coaching log moves to the shared `coaching` app (one implementation for leadership
programmes and induction): every entry and correction is copied, ids kept, then the
leaders' own tables go."""

from django.core.management.color import no_style
from django.db import migrations


def copy(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Old, OldFix = apps.get_model("leaders", "CoachingEntry"), apps.get_model(
        "leaders", "CoachingCorrection")
    New, NewFix = apps.get_model("coaching", "Entry"), apps.get_model("coaching",
                                                                         "Correction")
    if not Old.objects.exists():
        return
    ct, _ = ContentType.objects.get_or_create(app_label="leaders", model="candidate")
    fields = ("author_id", "status", "date", "minutes", "mode", "focus", "notes",
              "next_steps", "evidence", "updated")
    New.objects.bulk_create(
        New(pk=e.pk, subject_type=ct, subject_id=e.candidate_id,
            **{f: getattr(e, f) for f in fields}) for e in Old.objects.all())
    NewFix.objects.bulk_create(
        NewFix(pk=x.pk, entry_id=x.entry_id, by_id=x.by_id, at=x.at, before=x.before,
               after=x.after) for x in OldFix.objects.all())
    # ids were given, so PostgreSQL's sequences must be moved past them
    with schema_editor.connection.cursor() as cur:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [New, NewFix]):
            cur.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("leaders", "0001_initial"),
        ("coaching", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy, migrations.RunPython.noop),
        migrations.RemoveField(model_name="coachingentry", name="author"),
        migrations.RemoveField(model_name="coachingentry", name="candidate"),
        migrations.DeleteModel(name="CoachingCorrection"),
        migrations.DeleteModel(name="CoachingEntry"),
    ]
