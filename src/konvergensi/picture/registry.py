"""The picture's own layers (registered from ``PictureConfig.ready()`` into :mod:`.layers`) and its
home-page panel: prevalence ×5 from published rounds, coverage per main indicator, action
progress (from Pantau Aksi's own selectors, cheap per parent), and budget absorption."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from . import layers, selectors, services

PREVALENCE_TITLES = {
    "stunted": _("Prevalensi stunting"),
    "severely_stunted": _("Prevalensi sangat pendek"),
    "wasted": _("Prevalensi wasting"),
    "underweight": _("Prevalensi berat badan kurang"),
    "overweight": _("Prevalensi gizi lebih"),
}
# WHO/UNICEF prevalence thresholds (stunting: 2,5 / 10 / 20 / 30 %) for every prevalence layer
PREVALENCE_LEGEND = (
    ("0", "< 2,5 %"),
    ("2.5", "2,5–10 %"),
    ("10", "10–20 %"),
    ("20", "20–30 %"),
    ("30", "≥ 30 %"),
)
SHARE_LEGEND = (("0", "0–20 %"), ("20", "20–40 %"), ("40", "40–60 %"), ("60", "60–80 %"), ("80", "80–100 %"))
ALL_LEVELS = layers.LEVELS


def _stored(key: str):
    def values(parent: str, tahun: int, scope) -> dict[str, layers.LayerValue]:
        return {
            r.kode: selectors.layer_value(r)
            for r in selectors.children(scope=scope, parent=parent, key=key, periode=str(tahun))
        }

    return values


def _progress(parent: str, tahun: int, scope) -> dict[str, layers.LayerValue]:
    from django.utils import timezone

    from konvergensi.aksi import selectors as aksi_selectors
    from konvergensi.wilayah.models import Region

    today = timezone.localdate()
    if parent == "":
        if not scope.is_national:
            return {}
        rows = aksi_selectors.national_rows(scope=scope, tahun=tahun, today=today)
    else:
        provinsi = Region.objects.filter(kode=parent, level="provinsi").first()
        if provinsi is None:
            return {}
        rows = aksi_selectors.province_rows(scope=scope, provinsi=provinsi, tahun=tahun, today=today)
    return {
        r.region.kode: layers.LayerValue(
            float(r.progress.percent),
            f"{r.progress.percent:.1f} %".replace(".", ","),
            detail=f"{r.progress.verified}/{r.progress.total}",
        )  # fmt: skip
        for r in rows
        if r.siklus_opened
    }


def _catalogue_main() -> list[tuple[str, str]]:
    """The main percent indicators of the catalogue files (read without the database)."""
    from konvergensi.indicators.catalogue import DATA
    from konvergensi_core.indicators import load_catalogue

    try:
        defs = load_catalogue(Path(DATA))
    except OSError:  # pragma: no cover - the catalogue ships with the app
        return []
    return [
        (d.kode, d.nama) for d in defs if d.satuan == "persen" and (d.set == "2025" or d.kelompok == "utama")
    ]


def register_all() -> None:
    for i, (m, title) in enumerate(PREVALENCE_TITLES.items()):
        key = f"prevalensi-{m}"
        layers.register(layers.Layer(key, str(title), ALL_LEVELS, _stored(key), unit="%",
                                     higher_is_better=False, legend=PREVALENCE_LEGEND, order=10 + i))  # fmt: skip
    for i, (kode, nama) in enumerate(_catalogue_main()):
        key = services.COVERAGE_PREFIX + kode
        layers.register(layers.Layer(key, f"{_('Cakupan')} {kode} {nama}", ALL_LEVELS, _stored(key),
                                     unit="%", legend=SHARE_LEGEND, order=100 + i))  # fmt: skip
    layers.register(layers.Layer("progres", str(_("Progres 8 aksi")), ("nasional", "provinsi"), _progress,
                                 unit="%", legend=SHARE_LEGEND, order=30))  # fmt: skip
    layers.register(layers.Layer(services.BUDGET_KEY, str(_("Penyerapan anggaran stunting")),
                                 ("nasional", "provinsi"), _stored(services.BUDGET_KEY), unit="%",
                                 legend=SHARE_LEGEND, order=40))  # fmt: skip
