"""The Aksi 6 section of the Aksi 8 annual review (``reviews.sections``, key "datakelola"): the
improvement plan's actions planned, done and overdue, the completeness of the village data at the
start and the end of the year, a generated sentence and recommendations."""

from __future__ import annotations

from django.utils import timezone

from konvergensi.reviews.sections import SectionFigures, Table
from konvergensi.wilayah.models import Region
from konvergensi_core import datasystem as core
from konvergensi_core.numbers import id_percent

from . import selectors
from .models import Action, Status


def build(kabkota: str, tahun: int) -> SectionFigures:
    kab = Region.objects.filter(kode=kabkota, level="kabkota").first()
    if kab is None:
        return SectionFigures(sentence="Kabupaten/kota belum ada di Konvergensi.", available=False)
    today = timezone.localdate()
    actions = list(
        Action.objects.filter(kabkota_id=kabkota, tahun=tahun).select_related("opd").order_by("tenggat")
    )
    counts = core.plan_counts(((a.status, a.tenggat) for a in actions), today)
    ov = selectors.overview(kab, tahun)
    start, end = ov.start_end
    if not counts.planned and end is None:
        return SectionFigures(
            sentence=f"Belum ada rencana perbaikan sistem manajemen data (Aksi 6) dan data desa tahun {tahun}.",
            available=False,
        )
    coarse = [r.indicator.kode for r in ov.rows if r.filled_any and core.needs_attention(r.level)]
    late = [r.indicator.kode for r in ov.rows if r.late]
    rows = tuple(
        (a.uraian, a.opd.singkatan, a.tenggat.isoformat(), str(Status(a.status).label)
         + (" (melewati tenggat)" if core.is_overdue(a.status, a.tenggat, today) else ""))
        for a in actions
    )  # fmt: skip
    return SectionFigures(
        sentence=core.review_sentence(counts, start, end, tahun),
        table=Table(headers=("Tindakan", "OPD", "Tenggat", "Status"), rows=rows),
        numbers={
            "planned": counts.planned,
            "done": counts.done,
            "overdue": counts.overdue,
            "completeness_start": start,
            "completeness_end": end,
            "completeness_start_text": id_percent(start),
            "completeness_end_text": id_percent(end),
            "on_time": ov.on_time_share,
        },
        recommendations=core.review_recommendations(counts, end, coarse, late),
    )
