"""Measurements carry their province and, on PostgreSQL, are partitioned by it (issue 20,
``measurements/partitions.py``, docs/scale.md)."""

import django.db.models.deletion
from django.db import migrations, models

from konvergensi.measurements import partitions


class Migration(migrations.Migration):

    dependencies = [
        ('measurements', '0007_measurement_without_active'),
        ('wilayah', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='measurement',
            name='provinsi',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='wilayah.region'),
        ),
        migrations.RunSQL(
            "UPDATE measurements_measurement SET provinsi_id = substr(kabkota_id, 1, 2)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='measurement',
            name='provinsi',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='wilayah.region'),
        ),
        migrations.AddField(
            model_name='measurementstaging',
            name='provinsi_id',
            field=models.CharField(default='', max_length=13),
            preserve_default=False,
        ),
        migrations.RemoveConstraint(
            model_name='measurement',
            name='measurement_one_per_child',
        ),
        migrations.AddConstraint(
            model_name='measurement',
            constraint=models.UniqueConstraint(fields=('round', 'child_key', 'provinsi'), name='measurement_one_per_child'),
        ),
        migrations.RunPython(partitions.partition, partitions.unpartition, elidable=False),
    ]
