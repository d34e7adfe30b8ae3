"""The village-data uploads move into the import pipeline (``imports.Import``, kind ``data-desa``).
A committed upload keeps its counts; an unsaved one its file (it is checked again when opened)."""

from django.db import migrations


def forward(apps, schema_editor):
    old = apps.get_model("indicators", "DataUpload")
    new = apps.get_model("imports", "Import")
    for up in old.objects.iterator():
        summary = dict(up.summary or {})
        counts = {"add": summary.get("added", 0), "changed": summary.get("changed", 0),
                  "unchanged": summary.get("unchanged", 0)}
        status = {"staged": "staged", "committing": "checked", "committed": "committed"}.get(up.status, "failed")
        imp = new.objects.create(
            id=up.id, kind="data-desa", kabkota_id=up.kabkota_id, params={}, file=up.file.name or "",
            original_name=up.original_name, created_by_id=up.created_by_id, status=status,
            summary={"ok": bool(summary.get("ok")), "counts": counts,
                     "details": {"periode": summary.get("periode"), "kind": summary.get("kind", "cakupan")}},
            committed_at=up.committed_at,
        )
        new.objects.filter(pk=imp.pk).update(created_at=up.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("indicators", "0003_upload_status"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.DeleteModel(name="DataUpload"),
    ]
