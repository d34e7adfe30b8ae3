"""On PostgreSQL the staging table of imports needs no write-ahead log: its rows live for one commit."""

from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = apps.get_model("measurements", "MeasurementStaging")._meta.db_table
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} SET UNLOGGED")


class Migration(migrations.Migration):
    dependencies = [("measurements", "0001_initial")]
    operations = [migrations.RunPython(unlogged, migrations.RunPython.noop)]
