"""SQLite: the planner statistics an existing installation never had (konvergensi.dbstats).

From now on the region load, the demo and every large import refresh them; a database that was
filled before only gets them here, once. PostgreSQL's autovacuum keeps its own: nothing to do."""

from django.db import migrations


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE")


class Migration(migrations.Migration):
    dependencies = [("wilayah", "0001_initial")]

    operations = [migrations.RunPython(analyze, migrations.RunPython.noop, elidable=True)]
