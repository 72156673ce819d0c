"""The standards that ship with Aimline (the CPSEL, the CTC's CASC programme standards),
loaded from the same files and by the same loader as another state's."""

from django.db import migrations


def load(apps, schema_editor):
    from aimline.web.induction import standards

    model = apps.get_model("induction", "Standard")
    for name in standards.SHIPPED:
        standards.load(standards.HERE / name, model)


class Migration(migrations.Migration):
    dependencies = [("induction", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
