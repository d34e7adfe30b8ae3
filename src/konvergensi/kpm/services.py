"""Writes of Aksi 5. Each checks permission, writes in one transaction and audits (never a KPM's
name or contact in the audit data: counts and codes only).

A desa's KPM roster and scorecards are written by the desa user for its own desa or by the district
operator (``KPM_EDIT``); the operator switches scorecard indicators off for the district
(``SKOR_MANAGE``). A scorecard's counts are validated (whole numbers, received ≤ targets) before
anything is written; saving a quarter again replaces its counts.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.wilayah.models import Region

from . import catalogue, selectors
from .models import IndicatorSetting, Kpm, Scorecard, ScoreCount, SkorIndicator, Source, Training

NAME_MAX = 120
CONTACT_MAX = 40
TEXT_MAX = 400
MAX_TARGETS = 10_000


def _text(value, label: str, limit: int, *, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ValidationError(_("Isi %(field)s.") % {"field": label})
    if len(text) > limit:
        raise ValidationError(
            _("%(field)s terlalu panjang (paling banyak %(n)s huruf).") % {"field": label, "n": limit}
        )
    return text


def _contact(value) -> str:
    text = _text(value, _("telepon/WA"), CONTACT_MAX, required=False)
    if text and not all(ch.isdigit() or ch in "+-() " for ch in text):
        raise ValidationError(_("Telepon/WA hanya berisi angka, spasi, +, - dan tanda kurung."))
    return text


def _past(value: dt.date | None, label: str, *, required: bool) -> dt.date | None:
    if value is None:
        if required:
            raise ValidationError(_("Isi %(field)s dengan tanggal yang benar.") % {"field": label})
        return None
    if value > timezone.localdate():
        raise ValidationError(_("%(field)s tidak boleh di masa depan.") % {"field": label})
    return value


# --- KPM ----------------------------------------------------------------------------------------


def kpm_add(
    *, scope: Scope, desa: Region, nama: str, kontak: str = "", aktif: bool = True,
    since: dt.date | None = None, notes: str = "", by,
) -> Kpm:  # fmt: skip
    require(scope, Permission.KPM_EDIT, desa.kode)
    kpm = Kpm(
        desa=desa,
        kabkota_id=desa.kode[:5],
        nama=_text(nama, _("nama"), NAME_MAX),
        kontak=_contact(kontak),
        aktif=bool(aktif),
        since=_past(since, _("tanggal mulai bertugas"), required=False),
        notes=_text(notes, _("catatan"), TEXT_MAX, required=False),
        created_by=by,
    )
    with transaction.atomic():
        kpm.save()
        audit(by=by, action="kpm.add", target=kpm, region_kode=desa.kode, data={"aktif": kpm.aktif})
    return kpm


def kpm_update(
    *, scope: Scope, kpm: Kpm, nama: str, kontak: str = "", aktif: bool = True,
    since: dt.date | None = None, notes: str = "", by,
) -> Kpm:  # fmt: skip
    require(scope, Permission.KPM_EDIT, kpm.desa_id)
    kpm.nama = _text(nama, _("nama"), NAME_MAX)
    kpm.kontak = _contact(kontak)
    was = kpm.aktif
    kpm.aktif = bool(aktif)
    kpm.since = _past(since, _("tanggal mulai bertugas"), required=False)
    kpm.notes = _text(notes, _("catatan"), TEXT_MAX, required=False)
    with transaction.atomic():
        kpm.save()
        audit(by=by, action="kpm.update", target=kpm, region_kode=kpm.desa_id,
              data={"aktif": kpm.aktif, "was_aktif": was})  # fmt: skip
    return kpm


def kpm_delete(*, scope: Scope, kpm: Kpm, by) -> None:
    require(scope, Permission.KPM_EDIT, kpm.desa_id)
    with transaction.atomic():
        audit(by=by, action="kpm.delete", target=kpm, region_kode=kpm.desa_id)
        kpm.delete()


def training_add(
    *, scope: Scope, kpm: Kpm, nama: str, penyelenggara: str = "", mulai: dt.date | None,
    selesai: dt.date | None = None, by,
) -> Training:  # fmt: skip
    require(scope, Permission.KPM_EDIT, kpm.desa_id)
    start = _past(mulai, _("tanggal mulai pelatihan"), required=True)
    end = _past(selesai, _("tanggal selesai pelatihan"), required=False)
    if start is not None and end is not None and end < start:
        raise ValidationError(_("Tanggal selesai pelatihan tidak boleh sebelum tanggal mulai."))
    t = Training(
        kpm=kpm,
        nama=_text(nama, _("nama pelatihan"), 200),
        penyelenggara=_text(penyelenggara, _("penyelenggara"), 200, required=False),
        mulai=start,
        selesai=end,
    )
    with transaction.atomic():
        t.save()
        audit(by=by, action="kpm.training.add", target=t, region_kode=kpm.desa_id,
              data={"kpm": kpm.pk, "mulai": start.isoformat() if start else None})  # fmt: skip
    return t


def training_delete(*, scope: Scope, training: Training, by) -> None:
    require(scope, Permission.KPM_EDIT, training.kpm.desa_id)
    with transaction.atomic():
        audit(by=by, action="kpm.training.delete", target=training, region_kode=training.kpm.desa_id,
              data={"kpm": training.kpm_id})  # fmt: skip
        training.delete()


# --- scorecards ---------------------------------------------------------------------------------


def period(tahun, triwulan) -> tuple[int, int]:
    try:
        year, quarter = int(str(tahun).strip()), int(str(triwulan).strip())
    except ValueError:
        raise ValidationError(_("Pilih tahun dan triwulan (1–4).")) from None
    if not 2018 <= year <= 2100 or not 1 <= quarter <= 4:
        raise ValidationError(_("Pilih tahun dan triwulan (1–4)."))
    today = timezone.localdate()
    if (year, quarter) > selectors.last_quarter(today):
        raise ValidationError(_("Triwulan ini belum dimulai."))
    return year, quarter


def _whole(value, label: str) -> int:
    text = str(value if value is not None else "").strip().replace(".", "")
    if not text:
        return 0
    try:
        number = int(text)
    except ValueError:
        raise ValidationError(_("%(field)s: isi bilangan bulat.") % {"field": label}) from None
    if number < 0 or number > MAX_TARGETS:
        raise ValidationError(
            _("%(field)s: isi bilangan bulat 0–%(max)s.") % {"field": label, "max": MAX_TARGETS}
        )
    return number


def parse_counts(data, indicators: list[SkorIndicator]) -> dict[str, tuple[int, int]]:
    """From form fields ``sasaran_<kode>`` and ``terima_<kode>``: every problem at once."""
    out: dict[str, tuple[int, int]] = {}
    errors: list[str] = []
    for ind in indicators:
        try:
            targets = _whole(data.get(f"sasaran_{ind.kode}"), _("%(k)s jumlah sasaran") % {"k": ind.kode})
            received = _whole(data.get(f"terima_{ind.kode}"), _("%(k)s jumlah menerima") % {"k": ind.kode})
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if received > targets:
            errors.append(
                _("%(k)s %(nama)s: jumlah yang menerima (%(r)s) melebihi jumlah sasaran (%(t)s).")
                % {"k": ind.kode, "nama": ind.nama, "r": received, "t": targets}
            )
            continue
        out[ind.kode] = (targets, received)
    if errors:
        raise ValidationError(errors)
    return out


def scorecard_save(
    *, scope: Scope, desa: Region, tahun, triwulan, counts: dict[str, tuple[int, int]], by,
    source: str = Source.FORM,
) -> Scorecard:  # fmt: skip
    """Save (or replace) the counts of a desa's quarter. ``counts``: kode → (targets, received) of
    the district's applicable indicators; at least one target needed."""
    require(scope, Permission.KPM_EDIT, desa.kode)
    year, quarter = period(tahun, triwulan)
    locks.require_open(desa.kode[:5], year, 5)  # the approval lock (docs/aksi.md); the roster is not locked
    by_code = {i.kode: i for i in selectors.applicable(desa.kode[:5])}
    unknown = sorted(set(counts) - set(by_code))
    if unknown:
        raise ValidationError(_("Indikator tidak berlaku: %(codes)s.") % {"codes": ", ".join(unknown)})
    for code, (targets, received) in counts.items():
        if targets < 0 or received < 0 or received > targets:
            raise ValidationError(_("%(k)s: jumlah yang menerima melebihi jumlah sasaran.") % {"k": code})
    if not any(t for t, _r in counts.values()):
        raise ValidationError(_("Isi jumlah sasaran paling sedikit untuk satu indikator."))
    with transaction.atomic():
        card, created = Scorecard.objects.select_for_update().get_or_create(
            desa=desa, tahun=year, triwulan=quarter,
            defaults={"kabkota_id": desa.kode[:5], "source": source, "updated_by": by},
        )  # fmt: skip
        if not created:
            card.source, card.updated_by = source, by
            card.save(update_fields=["source", "updated_by", "updated_at"])
            card.counts.all().delete()
        ScoreCount.objects.bulk_create(
            ScoreCount(scorecard=card, indicator=by_code[code], targets=t, received=r)
            for code, (t, r) in counts.items()
        )
        audit(by=by, action="kpm.scorecard.save", target=card, region_kode=desa.kode,
              data={"tahun": year, "triwulan": quarter, "source": source,
                    "pairs": sum(t for t, _r in counts.values()),
                    "received": sum(r for _t, r in counts.values())})  # fmt: skip
    return card


def scorecard_delete(*, scope: Scope, card: Scorecard, by) -> None:
    require(scope, Permission.KPM_EDIT, card.desa_id)
    locks.require_open(card.kabkota_id, card.tahun, 5)
    with transaction.atomic():
        audit(by=by, action="kpm.scorecard.delete", target=card, region_kode=card.desa_id,
              data={"tahun": card.tahun, "triwulan": card.triwulan})  # fmt: skip
        card.delete()


def indicator_switch(
    *, scope: Scope, kabkota: Region, kode: str, active: bool, reason: str, by
) -> IndicatorSetting:
    """Switch an indicator on or off for the district; switching off needs a reason. Audited."""
    require(scope, Permission.SKOR_MANAGE, kabkota.kode)
    catalogue.ensure()
    ind = SkorIndicator.objects.filter(kode=kode, versi=catalogue.version()).first()
    if ind is None:
        raise ValidationError(_("Indikator tidak dikenal."))
    reason = _text(reason, _("alasan"), TEXT_MAX, required=not active)
    with transaction.atomic():
        setting, _created = IndicatorSetting.objects.update_or_create(
            kabkota=kabkota,
            indicator=ind,
            defaults={"active": bool(active), "reason": reason, "changed_by": by},
        )
        audit(by=by, action="kpm.indicator.switch", target=setting, region_kode=kabkota.kode,
              data={"kode": kode, "active": bool(active), "reason": reason})  # fmt: skip
    return setting
