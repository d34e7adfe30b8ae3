"""The e-PPGBM imports move into the import pipeline (``imports.Import``, kind ``pengukuran``):
each row is copied with its id (``Measurement.source_import`` keeps pointing at it), the files stay
where they are, the round goes into ``params`` and the check's details under ``summary.details``."""

import django.db.models.deletion
from django.db import migrations, models

DETAIL_KEYS = ("ambiguous", "aliases", "columns", "unknown_columns")


def forward(apps, schema_editor):
    old = apps.get_model("measurements", "MeasurementImport")
    new = apps.get_model("imports", "Import")
    rows = []
    for imp in old.objects.select_related("round").iterator():
        summary = dict(imp.summary or {})
        details = {key: summary.pop(key) for key in DETAIL_KEYS if key in summary}
        details["round"] = imp.round_id
        summary["details"] = details
        rows.append(new(
            id=imp.id, kind="pengukuran", kabkota_id=imp.round.kabkota_id, params={"round": imp.round_id},
            file=imp.file.name or "", original_name=imp.original_name, created_by_id=imp.created_by_id,
            status=imp.status, summary=summary, committed_at=imp.committed_at,
        ))
    new.objects.bulk_create(rows, batch_size=500)
    # created_at is auto_now_add: keep the original times.
    for imp in old.objects.only("id", "created_at").iterator():
        new.objects.filter(pk=imp.id).update(created_at=imp.created_at)


def backward(apps, schema_editor):
    old = apps.get_model("measurements", "MeasurementImport")
    new = apps.get_model("imports", "Import")
    for imp in new.objects.filter(kind="pengukuran").iterator():
        summary = dict(imp.summary or {})
        summary.update(summary.pop("details", {}))
        old.objects.create(
            id=imp.id, round_id=imp.params["round"], file=imp.file.name or "", original_name=imp.original_name,
            created_by_id=imp.created_by_id, status=imp.status, summary=summary, committed_at=imp.committed_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("measurements", "0005_publication_moved_to_its_app"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.AlterField(
            model_name="measurement",
            name="source_import",
            field=models.ForeignKey(
                db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL,
                related_name="+", to="imports.import",
            ),
        ),
        migrations.DeleteModel(name="MeasurementImport"),
    ]
