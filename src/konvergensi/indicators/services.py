"""Writes of the indicator catalogue and village data. Each checks permission, validates, audits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi import concurrency
from konvergensi.accounts.models import Role
from konvergensi.accounts.permissions import Permission, has_permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.wilayah.models import OPD, Region
from konvergensi_core import datadesa
from konvergensi_core import sasaran as sasaran_rules
from konvergensi_core.indicators import OPD_KEYWORDS, Bands, IndicatorDef, opd_kind

from .models import (
    SASARAN_FIELDS,
    Assignment,
    CategoryBand,
    DataSasaran,
    DataValue,
    DataValueHistory,
    Indicator,
    ProgramMapping,
    SasaranStatus,
    ValueStatus,
)


class Conflict(concurrency.Conflict):
    """Someone else saved the same cell since it was read (``current``: the value, the data
    sasaran or the programme mapping as it is now)."""

    message = gettext_lazy(
        "Data ini baru saja diubah oleh pengguna lain. Nilai terbaru sudah dimuat; periksa lalu simpan lagi."
    )


# --- the catalogue ------------------------------------------------------------------------------


def as_def(ind: Indicator) -> IndicatorDef:
    return IndicatorDef(
        kode=ind.kode,
        set=ind.set,
        nama=ind.nama,
        nama_en=ind.nama_en,
        definisi=ind.definisi,
        numerator=ind.numerator,
        denominator=ind.denominator,
        kelompok=ind.kelompok,
        kelompok_label=ind.kelompok_label,
        opd_sumber=ind.opd_sumber,
        satuan=ind.satuan,
        target_nasional=float(ind.target_nasional) if ind.target_nasional is not None else None,
        jenis_intervensi=ind.jenis_intervensi,
        padanan_2018=ind.padanan_2018,
        catatan=ind.catatan,
        urutan=ind.urutan,
    )


def bands_for(indicators: Iterable[Indicator], tahun: int) -> dict[int, Bands]:
    """The category bands of each indicator for ``tahun`` (its own year's row, else the default)."""
    ids = [i.pk for i in indicators]
    out: dict[int, Bands] = {}
    for band in CategoryBand.objects.filter(indicator_id__in=ids, tahun__in=(0, tahun)).order_by("tahun"):
        out[band.indicator_id] = Bands(float(band.memadai), float(band.hampir), float(band.rendah))
    return {i: out.get(i, Bands()) for i in ids}


def indicator_update(*, scope: Scope, indicator: Indicator, changes: dict, by) -> Indicator:
    require(scope, Permission.CATALOGUE_EDIT)
    for name, value in changes.items():
        setattr(indicator, name, value)
    indicator.diubah_manual = True
    indicator.full_clean()
    indicator.save()
    audit(by=by, action="indikator.update", target=indicator, region_kode="", data={"kode": indicator.kode})
    return indicator


def band_set(*, scope: Scope, indicator: Indicator, tahun: int, memadai, hampir, rendah, by) -> CategoryBand:
    require(scope, Permission.CATALOGUE_EDIT)
    try:
        Bands(float(memadai), float(hampir), float(rendah))
    except ValueError as exc:
        raise ValidationError(_("Batas kategori harus 0 ≤ Rendah ≤ Hampir Memadai ≤ Memadai ≤ 100.")) from exc
    band, _created = CategoryBand.objects.update_or_create(
        indicator=indicator, tahun=tahun, defaults={"memadai": memadai, "hampir": hampir, "rendah": rendah}
    )
    audit(
        by=by,
        action="indikator.band",
        target=indicator,
        region_kode="",
        data={"tahun": tahun, "memadai": str(memadai), "hampir": str(hampir), "rendah": str(rendah)},
    )
    return band


# --- who fills what -----------------------------------------------------------------------------


def assignments_auto(kabkota: Region) -> int:
    """Give each unassigned indicator to the district's OPD whose name matches the catalogue's source
    agency (Dinas Kesehatan → the OPD named "…Kesehatan…"). Returns how many were assigned."""
    opds = list(OPD.objects.filter(kabkota=kabkota))
    done = set(Assignment.objects.filter(kabkota=kabkota).values_list("indicator_id", flat=True))
    new = []
    for ind in Indicator.objects.exclude(pk__in=done):
        kind = opd_kind(ind.opd_sumber)
        if kind is None:
            continue
        words = OPD_KEYWORDS[kind]
        match = next(
            (o for o in opds if any(w in f"{o.singkatan} {o.nama}".lower() for w in words)),
            None,
        )
        if match:
            new.append(Assignment(kabkota=kabkota, indicator=ind, opd=match))
    Assignment.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def assignment_set(*, scope: Scope, kabkota: Region, indicator: Indicator, opd: OPD | None, by) -> None:
    require(scope, Permission.DATA_MANAGE, kabkota.kode)
    if opd is not None and opd.kabkota_id != kabkota.kode:
        raise PermissionDenied
    if opd is None:
        Assignment.objects.filter(kabkota=kabkota, indicator=indicator).delete()
    else:
        Assignment.objects.update_or_create(kabkota=kabkota, indicator=indicator, defaults={"opd": opd})
    audit(
        by=by,
        action="indikator.assign",
        target=indicator,
        region_kode=kabkota.kode,
        data={"opd": opd.singkatan if opd else None},
    )


def allowed_indicators(scope: Scope, kabkota: str) -> set[str] | None:
    """Indicator codes the holder of ``scope`` may enter in ``kabkota``: None = all (operator),
    the OPD's assigned ones, or the empty set."""
    if has_permission(scope, Permission.DATA_MANAGE, kabkota):
        return None
    if scope.role == Role.OPD and has_permission(scope, Permission.DATA_ENTER, kabkota, opd_id=scope.opd_id):
        return set(
            Assignment.objects.filter(kabkota_id=kabkota, opd_id=scope.opd_id).values_list(
                "indicator__kode", flat=True
            )
        )
    return set()


# --- coverage values ----------------------------------------------------------------------------


def _check_periode(periode: str) -> None:
    if not datadesa.PERIOD_RE.match(periode or ""):
        raise ValidationError(_("Periode harus tahun (mis. 2026) atau semester (2026-S1, 2026-S2)."))


def value_set(
    *,
    scope: Scope,
    indicator: Indicator,
    desa: Region,
    periode: str,
    numerator: int | None,
    denominator: int | None,
    expected_version: int,
    by,
    source: str = "grid",
) -> DataValue | None:
    """Save one cell with compare-and-set: ``expected_version`` is the version the user saw (0 for a
    cell that was empty). Both numbers empty deletes the value. Raises Conflict, ValidationError."""
    kab = desa.kode[:5]
    allowed = allowed_indicators(scope, kab)
    if desa.level != "desa" or (allowed is not None and indicator.kode not in allowed):
        raise PermissionDenied
    _check_periode(periode)
    locks.require_open(kab, periode[:4], 1)  # the approval lock (docs/aksi.md)
    if indicator.is_count:
        denominator = None
    for value in (numerator, denominator):
        if value is not None and value < 0:
            raise ValidationError(_("Angka tidak boleh negatif."))
    if numerator is not None and not indicator.is_count and denominator is None:
        raise ValidationError(_("Penyebut wajib diisi bila pembilang diisi."))
    if numerator is None and denominator is not None:
        raise ValidationError(_("Pembilang wajib diisi bila penyebut diisi."))
    if numerator is not None and denominator is not None and numerator > denominator:
        raise ValidationError(
            _("Pembilang (%(n)s) lebih besar dari penyebut (%(d)s).") % {"n": numerator, "d": denominator}
        )
    with transaction.atomic():
        current = DataValue.objects.filter(indicator=indicator, desa=desa, periode=periode).first()
        concurrency.check_version(current, expected_version, conflict=Conflict)
        old = (current.numerator, current.denominator) if current else (None, None)
        if numerator is None:
            if current is None:
                return None
            deleted = DataValue.objects.filter(pk=current.pk, version=expected_version).delete()[0]
            if not deleted:
                raise Conflict(DataValue.objects.filter(pk=current.pk).first())
            result = None
        elif current is None:
            result = DataValue.objects.create(
                indicator=indicator,
                desa=desa,
                kabkota_id=kab,
                periode=periode,
                numerator=numerator,
                denominator=denominator,
                updated_by=by,
            )
        else:
            changed = (current.numerator, current.denominator) != (numerator, denominator)
            updated = DataValue.objects.filter(pk=current.pk, version=expected_version).update(
                numerator=numerator,
                denominator=denominator,
                status=ValueStatus.DIISI if changed else current.status,
                version=F("version") + 1,
                updated_by=by,
                updated_at=timezone.now(),
            )
            if not updated:
                raise Conflict(DataValue.objects.filter(pk=current.pk).first())
            result = DataValue.objects.get(pk=current.pk)
        if old != (numerator, denominator):
            DataValueHistory.objects.create(
                indicator=indicator,
                desa=desa,
                periode=periode,
                old_numerator=old[0],
                old_denominator=old[1],
                numerator=numerator,
                denominator=denominator,
                source=source,
                by=by,
            )
    return result


# --- verification of coverage figures -----------------------------------------------------------


def values_verify(*, scope: Scope, kabkota: Region, indicator: Indicator, periode: str, by) -> int:
    """The district (Bappeda, as the Aksi 6 data manager) verifies every figure of one indicator
    for a period after checking it with the OPD. A figure changed later is "diisi" again. Returns
    how many figures became verified."""
    require(scope, Permission.DATA_MANAGE, kabkota.kode)
    _check_periode(periode)
    locks.require_open(kabkota.kode, periode[:4], 1)
    with transaction.atomic():
        n = DataValue.objects.filter(
            kabkota=kabkota, indicator=indicator, periode=periode, status=ValueStatus.DIISI
        ).update(status=ValueStatus.DIVERIFIKASI, version=F("version") + 1, updated_at=timezone.now())
        if n:
            audit(
                by=by,
                action="data.verify",
                target=indicator,
                region_kode=kabkota.kode,
                data={"periode": periode, "values": n},
            )
    return n


# --- data sasaran -------------------------------------------------------------------------------


def sasaran_save(
    *, scope: Scope, desa: Region, tahun: int, values: dict, expected_version: int, by
) -> DataSasaran:
    require(scope, Permission.SASARAN_EDIT, desa.kode)
    if desa.level != "desa":
        raise ValidationError(_("Data sasaran diisi per desa/kelurahan."))
    locks.require_open(desa.kode[:5], tahun, 1)  # the approval lock (docs/aksi.md)
    clean = {k: values.get(k) for k in SASARAN_FIELDS}
    for v in clean.values():
        if v is not None and v < 0:
            raise ValidationError(_("Angka tidak boleh negatif."))
    # A part may not exceed its whole (baduta ≤ balita, stunting ≤ balita diukur …): the core's rules,
    # the same the aggregate-file import applies.
    wrong = sasaran_rules.consistency(clean)
    if wrong:
        raise ValidationError([m for _part, _whole, m in wrong])
    with transaction.atomic():
        row = DataSasaran.objects.select_for_update().filter(desa=desa, tahun=tahun).first()
        concurrency.check_version(row, expected_version, conflict=Conflict)
        if row and row.locked:
            raise ValidationError(
                _("Data sasaran desa ini sudah diverifikasi camat dan terkunci. Buka kunci dengan alasan.")
            )
        if row is None:
            row = DataSasaran.objects.create(desa=desa, tahun=tahun, updated_by=by, **clean)
        else:
            for k, v in clean.items():
                setattr(row, k, v)
            row.version += 1
            row.updated_by = by
            if row.status == SasaranStatus.DIKEMBALIKAN:
                row.status = SasaranStatus.DRAF
            row.save()
        audit(by=by, action="sasaran.save", target=row, region_kode=desa.kode, data={"tahun": tahun, **clean})
    return row


def _sasaran_move(
    *, row: DataSasaran, expected_version: int, by, action: str, data: dict, **changes
) -> DataSasaran:
    concurrency.compare_and_set(row, expected_version, conflict=Conflict, **changes)
    row.refresh_from_db()
    audit(by=by, action=action, target=row, region_kode=row.desa_id, data={"tahun": row.tahun, **data})
    return row


def sasaran_verify(*, scope: Scope, row: DataSasaran, expected_version: int, by) -> DataSasaran:
    require(scope, Permission.SASARAN_VERIFY, row.desa_id)
    locks.require_open(row.desa_id[:5], row.tahun, 1)
    if row.locked:
        raise ValidationError(_("Sudah diverifikasi."))
    return _sasaran_move(
        row=row,
        expected_version=expected_version,
        by=by,
        action="sasaran.verify",
        data={},
        status=SasaranStatus.DIVERIFIKASI,
        verified_by=by,
        verified_at=timezone.now(),
        alasan="",
    )


def sasaran_return(*, scope: Scope, row: DataSasaran, expected_version: int, reason: str, by) -> DataSasaran:
    require(scope, Permission.SASARAN_VERIFY, row.desa_id)
    locks.require_open(row.desa_id[:5], row.tahun, 1)
    if not reason.strip():
        raise ValidationError(_("Tuliskan alasan pengembalian."))
    if row.locked:
        raise ValidationError(_("Data yang sudah diverifikasi dibuka kuncinya dulu."))
    return _sasaran_move(
        row=row,
        expected_version=expected_version,
        by=by,
        action="sasaran.return",
        data={"alasan": reason.strip()},
        status=SasaranStatus.DIKEMBALIKAN,
        alasan=reason.strip(),
    )


def sasaran_unlock(*, scope: Scope, row: DataSasaran, expected_version: int, reason: str, by) -> DataSasaran:
    """Unlock verified figures (the camat, or the district operator), with a reason that is kept."""
    if not (
        has_permission(scope, Permission.SASARAN_VERIFY, row.desa_id)
        or has_permission(scope, Permission.DATA_MANAGE, row.desa_id[:5])
    ):
        raise PermissionDenied
    locks.require_open(row.desa_id[:5], row.tahun, 1)
    if not reason.strip():
        raise ValidationError(_("Tuliskan alasan membuka kunci."))
    if not row.locked:
        raise ValidationError(_("Data ini tidak terkunci."))
    return _sasaran_move(
        row=row,
        expected_version=expected_version,
        by=by,
        action="sasaran.unlock",
        data={"alasan": reason.strip()},
        status=SasaranStatus.DRAF,
        alasan=reason.strip(),
        verified_by=None,
        verified_at=None,
    )


# --- programme mapping --------------------------------------------------------------------------


def program_set(
    *,
    scope: Scope,
    indicator: Indicator,
    desa: Region,
    tahun: int,
    ada: bool,
    sumber: list[str],
    expected_version: int,
    by,
) -> ProgramMapping:
    from .models import FundingSource

    kab = desa.kode[:5]
    allowed = allowed_indicators(scope, kab)
    if desa.level != "desa" or (allowed is not None and indicator.kode not in allowed):
        raise PermissionDenied
    locks.require_open(kab, tahun, 1)  # the approval lock (docs/aksi.md)
    valid = {c.value for c in FundingSource}
    sumber = [s for s in dict.fromkeys(sumber) if s in valid] if ada else []
    with transaction.atomic():
        row = (
            ProgramMapping.objects.select_for_update()
            .filter(indicator=indicator, desa=desa, tahun=tahun)
            .first()
        )
        concurrency.check_version(row, expected_version, conflict=Conflict)
        if row is None:
            row = ProgramMapping.objects.create(
                indicator=indicator,
                desa=desa,
                kabkota_id=kab,
                tahun=tahun,
                ada=ada,
                sumber=sumber,
                updated_by=by,
            )
        else:
            row.ada, row.sumber, row.updated_by = ada, sumber, by
            row.version += 1
            row.save()
    return row


def today() -> dt.date:
    return timezone.localdate()
