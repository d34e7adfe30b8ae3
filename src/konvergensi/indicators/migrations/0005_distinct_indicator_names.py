"""P05 of the 2018 set repeats P01 word for word (a duplicate row of the source table): its name now
says so, unless the national administrator has edited it (issue 13)."""

from django.db import migrations


def rename(apps, schema_editor):
    from konvergensi.indicators.catalogue import DATA
    from konvergensi_core.indicators import load_catalogue

    Indicator = apps.get_model("indicators", "Indicator")
    for d in load_catalogue(DATA):
        Indicator.objects.filter(kode=d.kode, diubah_manual=False).exclude(nama=d.nama).filter(
            nama__in=[d.nama.split(" (sama dengan ")[0]]
        ).update(nama=d.nama, nama_en=d.nama_en)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0004_uploads_into_the_pipeline")]
    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
