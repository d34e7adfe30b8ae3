"""What a publication shows beside its snapshot (:mod:`.snapshot`): the figures (ranked charts,
choropleth, trend), the context of the public page and the PDF, the PDF itself, and the CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _

from konvergensi.formats import date_text
from konvergensi.measurements import charts
from konvergensi.reports import render
from konvergensi_core.aggregates import DEFAULT_THRESHOLDS
from konvergensi_core.numbers import id_count, id_number

from . import wording
from .snapshot import RATE_LABELS, RATES, _f


def _pct(value: float | None) -> float | None:
    return None if value is None else 100 * value


def publication_figures(data: dict) -> dict:
    """The matplotlib figures of a snapshot: ranked kecamatan and desa, choropleth, trend."""
    from konvergensi.wilayah.selectors import kecamatan_features

    kabkota_rate = _pct(data["district"].get("stunted_prevalence"))
    kab = data["kabkota"]["nama"]
    rnd = data["round"]["nama"]

    def ranked(rows: Iterable[dict]) -> list[charts.Ranked]:
        return [
            charts.Ranked(
                r["nama"],
                _pct(r["stunted_prevalence"]),
                _pct(r["stunted_ci_low"]),
                _pct(r["stunted_ci_high"]),
            )
            for r in rows
        ]

    values = {r["kode"]: _pct(r["stunted_prevalence"]) for r in data["kecamatan"]}
    trend = [
        charts.TrendPoint(
            p["nama"], _pct(p["stunted_prevalence"]), _pct(p["stunted_ci_low"]), _pct(p["stunted_ci_high"])
        )
        for p in data["trend"]
    ]
    return {
        "kecamatan": charts.ranked_chart(
            ranked(data["kecamatan"]), title=f"Prevalensi stunting per kecamatan, {kab}, {rnd}",
            kabkota_rate=kabkota_rate, xlabel="% stunting",
        ),
        "desa": charts.ranked_chart(
            ranked(data["desa"]), title=f"Prevalensi stunting per desa/kelurahan, {kab}, {rnd}",
            kabkota_rate=kabkota_rate, xlabel="% stunting",
        ),
        "map": charts.choropleth(
            kecamatan_features(kabkota=data["kabkota"]["kode"]), values,
            title=f"Prevalensi stunting per kecamatan, {rnd}",
        ),
        "trend": charts.trend_chart(trend, title=f"Prevalensi stunting {kab} per putaran"),
    }  # fmt: skip


def figure_svgs(data: dict, *, prefix: str) -> dict[str, str]:
    labels = {
        "kecamatan": _("Grafik prevalensi stunting per kecamatan, diurutkan"),
        "desa": _("Grafik prevalensi stunting per desa/kelurahan, diurutkan"),
        "map": _("Peta prevalensi stunting per kecamatan"),
        "trend": _("Grafik tren prevalensi stunting"),
    }
    return {
        key: charts.svg_inline(fig, label=str(labels[key]), prefix=f"{prefix}-{key}")
        for key, fig in publication_figures(data).items()
    }


def _date(value: str | None, kode: str) -> str:
    """A snapshot's ISO date or moment as the date it is in district ``kode`` (WIB/WITA/WIT),
    so the PDF, built in the worker, shows the date its page shows."""
    return date_text(value, kode)


def display_context(data: dict) -> dict:
    """What the public page and the PDF show, beside the snapshot itself."""
    kabkota_row = data["district"]
    kab = data["kabkota"]["kode"]
    rates = [
        {
            "key": m,
            "label": RATE_LABELS[m],
            "cases": kabkota_row[f"{m}_display"],
            "prevalence": kabkota_row[f"{m}_prevalence_display"],
            "ci": kabkota_row[f"{m}_ci_display"],
        }
        for m in RATES
    ]
    desa_by_kec: dict[str, list[dict]] = {}
    for r in data["desa"]:
        desa_by_kec.setdefault(r["parent"], []).append(r)
    groups = [{"kecamatan": k, "desa": desa_by_kec.get(k["kode"], [])} for k in data["kecamatan"]]
    hidden_desa = sum(1 for r in data["desa"] if r["stunted_prevalence"] is None)
    quality = data.get("quality") or {}
    return {
        "d": data,
        "district": kabkota_row,
        "rates": rates,
        "groups": groups,
        "hidden_desa": hidden_desa,
        "hidden_kecamatan": sum(1 for r in data["kecamatan"] if r["stunted_prevalence"] is None),
        "period": f"{_date(data['round']['tanggal_mulai'], kab)} – {_date(data['round']['tanggal_selesai'], kab)}",
        "built": _date(data.get("built_at"), kab),
        "map_values": {
            r["kode"]: {
                "p": r["stunted_prevalence_display"],
                "v": _f(_pct(r["stunted_prevalence"]), 2),
                "n": r["measured_display"],
                "nama": r["nama"],
            }
            for r in data["kecamatan"]
        },  # fmt: skip
        "bands": list(zip(charts.BAND_COLOURS, charts.BAND_LABELS, strict=True)),
        "balita_display": id_count(data["coverage"]["balita"]) if data["coverage"].get("balita") else "—",
        # The one threshold table's digit-preference limit (the panel's "baik ≤ …" reads the same).
        "dps_good": id_number(DEFAULT_THRESHOLDS.dps, 0),
        # The snapshot's sentences in the reader's language (stored as keys, or as Indonesian
        # sentences in snapshots of version 1): see .wording.
        "method": wording.method_paragraphs(data),
        "verdict": wording.verdict_text(quality) if quality.get("assessed") else "",
        "quality_indices": [
            {**i, "label": wording.index_label(i["label"])} for i in quality.get("indices") or []
        ],
    }


def _pdf_args(data: dict) -> dict:
    return {
        "kabkota": data["kabkota"]["kode"],
        "title": f"Publikasi stunting {data['kabkota']['nama']} · {data['round']['nama']} · data rutin",
    }


def publication_pdf_html(data: dict, svgs: dict[str, str]) -> str:
    """The HTML of the PDF. In Indonesian, whatever language is active (the shared base renders
    documents in Indonesian): the template is written in Indonesian, so the snapshot's sentences
    are worded in Indonesian too."""
    from django.utils import translation

    with translation.override("id"):
        context = {**display_context(data), "svg": svgs}
    return render.html("publication/publish_pdf.html", context, **_pdf_args(data))


def publication_pdf(data: dict, svgs: dict[str, str]) -> bytes:
    """The publication as PDF on the shared base (WeasyPrint, from our own template; no network)."""
    from django.utils import translation

    with translation.override("id"):
        context = {**display_context(data), "svg": svgs}
    return render.pdf("publication/publish_pdf.html", context, **_pdf_args(data))


CSV_COLUMNS = ["tingkat", "kode", "nama", "induk", "anak_diukur"]
for _m in RATES:
    CSV_COLUMNS += [f"{_m}_kasus", f"{_m}_persen", f"{_m}_ik95_bawah", f"{_m}_ik95_atas"]
CSV_COLUMNS += ["balita_sasaran", "cakupan_persen"]


def _csv_count(row: dict, m: str):
    return row[m] if row[m] is not None else row[f"{m}_display"]


def _csv_pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"


def publication_csv(data: dict) -> str:
    """The aggregates as CSV: counts, or "< 5" / "—" where suppressed; percentages with a point.
    Every field through ``safe_row`` (a region name is never read as a formula)."""
    from konvergensi_core.io.cells import safe_row

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(CSV_COLUMNS))
    for row in [data["district"], *data["kecamatan"], *data["desa"]]:
        line = [row["level"], row["kode"], row["nama"], row["parent"] or "", _csv_count(row, "measured")]
        for m in RATES:
            line += [_csv_count(row, m), _csv_pct(row[f"{m}_prevalence"]), _csv_pct(row[f"{m}_ci_low"]),
                     _csv_pct(row[f"{m}_ci_high"])]  # fmt: skip
        line += [row.get("balita") if row.get("balita") is not None else "",
                 row["coverage"] if row.get("coverage") is not None else ""]  # fmt: skip
        writer.writerow(safe_row(line))
    return buffer.getvalue()


def filename(pub, suffix: str) -> str:
    """``stunting-32.11-putaran-februari-2026.pdf``: the district and the round."""
    from django.utils.text import slugify

    return f"stunting-{pub.round.kabkota_id}-{slugify(pub.round.nama) or pub.round_id}.{suffix}"


def report_build(kabkota: str, year: int | None, fmt: str) -> tuple[bytes, str]:
    """The ``publikasi`` report kind: the PDF of the district's latest published round (of ``year``
    when given) — the file published, else drawn again from its snapshot. PDF only."""
    from konvergensi.reports.registry import NothingToReport
    from konvergensi.wilayah.models import Region

    from .selectors import current_publications

    if fmt != "pdf":
        raise NothingToReport("Publikasi angka stunting hanya tersedia sebagai PDF.")
    pubs = current_publications(kabkota=kabkota)
    if year is not None:
        pubs = pubs.filter(round__tanggal_mulai__year=year)
    pub = pubs.first()
    if pub is None:
        region = Region.objects.filter(kode=kabkota).first()
        name = region.nama if region else kabkota
        raise NothingToReport(
            f"{name} belum mempunyai putaran pengukuran yang dipublikasikan{f' pada {year}' if year else ''}."
        )
    content = b""
    if pub.pdf:
        try:
            with pub.pdf.open("rb") as f:
                content = f.read()
        except OSError:  # the stored file is gone: draw it again from the snapshot
            content = b""
    if not content:
        content = publication_pdf(pub.data, figure_svgs(pub.data, prefix="pdf"))
    return content, filename(pub, "pdf")
