"""The demo district's Aksi 6: an improvement plan of about six actions drawn from the demo's real gaps
(the Aksi 1 notes, indicators with low completeness, timeliness or detail, the e-PPGBM quality
verdict), with varied statuses — done, under way, planned, one past its deadline. Labelled demo data
like the rest. Idempotent: nothing is added when the district has a plan for the year."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from konvergensi.accounts.scope import scope_for_user
from konvergensi.wilayah.models import OPD, Region

from . import selectors, services
from .models import Action, GapKind

URAIAN = {
    GapKind.CATATAN: "Sepakati dengan OPD sumber jadwal dan format pengiriman data per desa/kelurahan, "
    "lalu lengkapi data yang dicatat kosong pada analisis situasi.",
    GapKind.KELENGKAPAN: "Pendampingan operator desa dan kecamatan untuk mengisi data indikator ini di "
    "Konvergensi; rekap kekurangan per kecamatan setiap bulan.",
    GapKind.KETEPATAN: "Tetapkan tenggat pelaporan bulanan per OPD dan kirim pengingat otomatis kepada "
    "penanggung jawab data.",
    GapKind.RINCIAN: "Minta puskesmas memilah laporan cakupan per desa/kelurahan (bukan per wilayah "
    "puskesmas) mulai periode berikutnya.",
    GapKind.KUALITAS: "Pelatihan ulang kader dan tenaga gizi puskesmas tentang cara ukur panjang/tinggi "
    "badan dan pencatatan umur di e-PPGBM.",
    GapKind.LAINNYA: "Perbarui forum data stunting kabupaten dan tetapkan walidata sektoral.",
}
# (status, tenggat in days from today, done days ago or None, note) for the actions in order.
PLAN = (
    ("selesai", -40, 45, "Jadwal disepakati dalam rapat forum data."),
    ("berjalan", 45, None, "Sudah 9 dari 26 kecamatan didampingi."),
    ("rencana", -15, None, ""),  # past its deadline: the page and the document highlight it
    ("berjalan", 75, None, ""),
    ("rencana", 120, None, ""),
    ("selesai", -5, 10, "Pelatihan diikuti 52 kader."),
)


def datasystem_demo(kabkota: str, *, tahun: int, operator) -> dict[str, int]:
    if Action.objects.filter(kabkota_id=kabkota, tahun=tahun).exists():
        return {"aksi6_actions": 0}
    kab = Region.objects.get(kode=kabkota)
    scope = scope_for_user(operator)
    ov = selectors.overview(kab, tahun)
    found = selectors.gaps(ov, selectors.notes(kabkota, tahun), selectors.quality(kabkota),
                           selectors.health_office(kabkota))  # fmt: skip
    # One gap of each kind first, then the others, at most six.
    chosen, seen = [], set()
    for gap in found:
        if gap.kind not in seen:
            chosen.append(gap)
            seen.add(gap.kind)
    chosen += [g for g in found if g not in chosen]
    chosen = chosen[: len(PLAN)]
    fallback = (
        OPD.objects.filter(kabkota_id=kabkota, singkatan="Bappeda").first()
        or OPD.objects.filter(kabkota_id=kabkota).order_by("singkatan").first()
    )
    if fallback is None:
        return {"aksi6_actions": 0}
    today = timezone.localdate()
    if len(chosen) < len(PLAN):
        chosen += [
            selectors.Gap("lainnya", GapKind.LAINNYA, "Forum data stunting kabupaten belum aktif (demo).")
        ] * (len(PLAN) - len(chosen))
    n = 0
    for gap, (status, due, done_ago, note) in zip(chosen, PLAN, strict=True):
        data = {
            "gap_kind": gap.kind, "gap": gap.text, "uraian": URAIAN[GapKind(gap.kind)],
            "opd": str(gap.opd_id or fallback.pk), "tenggat": (today + dt.timedelta(days=due)).isoformat(),
            "note": str(gap.note_id or ""), "indicator": str(gap.indicator_id or ""), "round": str(gap.round_id or ""),
        }  # fmt: skip
        action = services.action_add(scope=scope, kabkota=kab, tahun=tahun, data=data, by=operator)
        n += 1
        if status != "rencana" or note:
            done = (today - dt.timedelta(days=done_ago)).isoformat() if done_ago else ""
            services.action_update(scope=scope, action=action, expected_version=action.version, by=operator,
                                   data={**data, "status": status, "done": done, "status_note": note})  # fmt: skip
    return {"aksi6_actions": n}
