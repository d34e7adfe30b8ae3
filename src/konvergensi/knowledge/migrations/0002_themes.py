"""The controlled list of themes (knowledge.models.THEMES) as Tag rows."""

from django.db import migrations

THEMES = (
    ("gizi-spesifik", "Intervensi gizi spesifik"),
    ("gizi-sensitif", "Intervensi gizi sensitif"),
    ("posyandu", "Posyandu"),
    ("kader-kpm", "Kader dan KPM"),
    ("dana-desa", "Dana desa dan APBDes"),
    ("data-digital", "Data dan inovasi digital"),
    ("pangan-lokal", "Pangan lokal dan PMT"),
    ("air-sanitasi", "Air minum dan sanitasi"),
    ("paud-pengasuhan", "PAUD dan pengasuhan"),
    ("komunikasi-perilaku", "Komunikasi perubahan perilaku"),
    ("remaja-catin", "Remaja putri dan calon pengantin"),
    ("kemitraan", "Kemitraan dan CSR"),
    ("tata-kelola", "Tata kelola dan koordinasi"),
)


def load(apps, schema_editor):
    Tag = apps.get_model("knowledge", "Tag")
    for slug, name in THEMES:
        Tag.objects.update_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
