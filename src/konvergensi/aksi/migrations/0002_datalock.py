# The approval lock (docs/aksi.md, "Kunci data").

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def lock_verified(apps, schema_editor):
    """The aksi verified before the lock existed keep their data as verified too."""
    Aksi = apps.get_model("aksi", "Aksi")
    DataLock = apps.get_model("aksi", "DataLock")
    DataLock.objects.bulk_create(
        DataLock(kabkota_id=kab, tahun=tahun, nomor=nomor, source="verifikasi")
        for kab, tahun, nomor in Aksi.objects.filter(status="diverifikasi").values_list(
            "siklus__kabkota_id", "siklus__tahun", "nomor"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("aksi", "0001_initial"),
        ("wilayah", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DataLock",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("tahun", models.PositiveSmallIntegerField(verbose_name="tahun")),
                ("nomor", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="aksi")),
                (
                    "source",
                    models.CharField(
                        choices=[("verifikasi", "Verifikasi provinsi"), ("penilaian", "Penilaian kinerja")],
                        max_length=16,
                    ),
                ),
                ("locked_at", models.DateTimeField(auto_now_add=True)),
                ("unlocked_at", models.DateTimeField(blank=True, null=True)),
                ("reason", models.TextField(blank=True, verbose_name="alasan")),
                (
                    "kabkota",
                    models.ForeignKey(
                        limit_choices_to={"level": "kabkota"},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="data_locks",
                        to="wilayah.region",
                    ),
                ),
                (
                    "locked_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "unlocked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "kunci data",
                "verbose_name_plural": "kunci data",
                "ordering": ["kabkota_id", "tahun", "nomor", "locked_at"],
                "indexes": [models.Index(fields=["kabkota", "tahun"], name="datalock_kab_tahun")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("nomor__isnull", True),
                            models.Q(("nomor__gte", 1), ("nomor__lte", 8)),
                            _connector="OR",
                        ),
                        name="datalock_nomor_1_to_8",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("unlocked_at__isnull", True)),
                        fields=("kabkota", "tahun", "nomor", "source"),
                        name="datalock_one_active",
                    ),
                ],
            },
        ),
        migrations.RunPython(lock_verified, migrations.RunPython.noop),
    ]
