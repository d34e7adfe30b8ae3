# The Publication model moved to the publication app (issue 12 §3): removed from this app's state
# only. Its table, ``measurements_publication``, and its rows stay; publication/0001 owns them now.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("measurements", "0004_desa_alias_scope"),
        ("publication", "0001_publication_from_measurements"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Publication")],
            database_operations=[],
        ),
    ]
