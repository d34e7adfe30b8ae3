# The Publication model moved from the measurements app (issue 12 §3). Its table stays
# ``measurements_publication`` with its rows and foreign keys: only Django's state changes here, and
# measurements/0005 removes the model from that app's state.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import konvergensi.publication.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("measurements", "0004_desa_alias_scope"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Publication",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("data", models.JSONField()),
                        ("pdf", models.FileField(blank=True, max_length=200, upload_to=konvergensi.publication.models.publication_path)),
                        ("published_at", models.DateTimeField(auto_now_add=True)),
                        ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                        ("published_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("round", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="publications", to="measurements.measurementround")),
                    ],
                    options={
                        "db_table": "measurements_publication",
                        "ordering": ["-published_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
