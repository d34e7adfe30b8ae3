"""Load the indicator catalogue (both sets) from the versioned files shipped with the app."""

from django.db import migrations


def load(apps, schema_editor):
    from konvergensi.indicators.catalogue import load_into

    load_into(apps.get_model("indicators", "Indicator"), apps.get_model("indicators", "CategoryBand"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
