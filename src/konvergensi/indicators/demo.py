"""Demo village data for Kabupaten Sumedang: generated, plausible, with gaps and a few errors.

Every desa gets data sasaran (most verified by their camat, one kecamatan's sent back, some left
in draft); coverage figures for both indicator sets, drawn around an indicator-level mean with
desa-level spread; some indicators reported only for a few desa per kecamatan (as when data exist
only per puskesmas), some desa missing, and a handful of denominators larger than the data sasaran
so that the completeness page has something to find. Programme mapping for the main indicators.
All of it is labelled demo data by the banner; none of it is real.
"""

from __future__ import annotations

import random

from django.utils import timezone

from konvergensi.wilayah.models import Region
from konvergensi_core.sasaran import penyebut

from . import services
from .models import (
    DataSasaran,
    DataValue,
    FundingSource,
    Indicator,
    ProgramMapping,
    SasaranStatus,
)
from .selectors import default_periode


def village_data(kabkota: str, *, seed: int = 2026) -> dict[str, int]:
    """Idempotent: does nothing when the district already has data for the demo period."""
    kab = Region.objects.get(kode=kabkota)
    periode = default_periode(timezone.localdate())
    tahun = int(periode)
    services.assignments_auto(kab)
    if DataValue.objects.filter(kabkota=kab, periode=periode).exists():
        return {"values": 0}
    rng = random.Random(seed)
    desa = list(Region.objects.filter(level="desa", kode__startswith=kabkota + ".").order_by("kode"))
    kecamatan = sorted({d.kode[:8] for d in desa})
    # Stunting differs by kecamatan: a few hotspots, as Aksi 1 should find.
    kec_prev = {k: rng.uniform(0.08, 0.22) for k in kecamatan}
    for k in rng.sample(kecamatan, min(3, len(kecamatan))):  # a district may have fewer kecamatan
        kec_prev[k] = rng.uniform(0.28, 0.38)
    returned_kec = kecamatan[1] if len(kecamatan) > 1 else None
    draft_kec = set(kecamatan[-4:])
    sasaran = []
    now = timezone.now()
    for d in desa:
        keluarga = rng.randint(700, 2600)
        penduduk = keluarga * rng.uniform(3.2, 3.8)
        balita = round(penduduk * rng.uniform(0.075, 0.095))
        diukur = round(balita * rng.uniform(0.78, 0.98))
        stunting = round(diukur * max(0.02, rng.gauss(kec_prev[d.kode[:8]], 0.04)))
        kec = d.kode[:8]
        status = (
            SasaranStatus.DIKEMBALIKAN
            if kec == returned_kec and rng.random() < 0.3
            else SasaranStatus.DRAF
            if kec in draft_kec
            else SasaranStatus.DIVERIFIKASI
        )
        berisiko = round(keluarga * rng.uniform(0.08, 0.25))
        ibu_hamil = round(penduduk * rng.uniform(0.016, 0.022))
        baduta = round(balita * rng.uniform(0.38, 0.44))
        # The target groups of the 2025 set, from their own generator so the counts above (and the
        # coverage figures drawn after them) stay what they were.
        more = random.Random(f"{seed}-{d.kode}")
        ibu_nifas = round(ibu_hamil * more.uniform(0.82, 0.95))
        bayi_0_5 = round(baduta * more.uniform(0.23, 0.27))
        sasaran.append(
            DataSasaran(
                desa=d,
                tahun=tahun,
                penduduk=round(penduduk),
                jumlah_keluarga=keluarga,
                rumah_tangga=round(keluarga * more.uniform(0.9, 0.99)),
                keluarga_berisiko=berisiko,
                calon_pengantin=round(penduduk * more.uniform(0.010, 0.015)),
                remaja_putri=round(penduduk * more.uniform(0.052, 0.064)),
                ibu_hamil=ibu_hamil,
                ibu_nifas=ibu_nifas,
                lahir_hidup=round(ibu_nifas * more.uniform(0.98, 1.01)),
                bayi_0_5=bayi_0_5,
                anak_6_23=baduta - bayi_0_5,
                baduta=baduta,
                anak_24_59=balita - baduta,
                balita=balita,
                anak_0_17=round(penduduk * more.uniform(0.27, 0.31)),
                balita_diukur=diukur,
                stunting=stunting,
                sangat_pendek=round(stunting * rng.uniform(0.2, 0.4)),
                status=status,
                alasan="Jumlah balita tidak sama dengan register posyandu; mohon dicek ulang."
                if status == SasaranStatus.DIKEMBALIKAN
                else "",
                verified_at=now if status == SasaranStatus.DIVERIFIKASI else None,
            )
        )
    DataSasaran.objects.bulk_create(sasaran, ignore_conflicts=True)
    by_desa = {s.desa_id: s for s in sasaran}

    indicators = list(Indicator.objects.all())
    # Indicators whose data exist only for one desa per kecamatan (reported per puskesmas).
    coarse = {i.kode for i in rng.sample([i for i in indicators if not i.is_count], 4)}
    # The district has checked and verified about half of the indicators with their OPD.
    verified = {i.kode for i in indicators if rng.random() < 0.5}
    values = []
    for ind in indicators:
        mean = rng.uniform(0.45, 0.97)
        chosen = set()
        for k in kecamatan:
            in_kec = [d for d in desa if d.kode[:8] == k]
            chosen.update(d.kode for d in (in_kec[:1] if ind.kode in coarse else in_kec))
        for d in desa:
            if d.kode not in chosen or rng.random() < 0.12:  # gaps
                continue
            s = by_desa[d.kode]
            if ind.is_count:
                values.append(
                    DataValue(
                        indicator=ind, desa=d, kabkota=kab, periode=periode, numerator=rng.randint(0, 6)
                    )
                )
                continue
            # The denominator is the desa's target group (konvergensi_core.sasaran), or a part of it.
            rule = penyebut(ind.kode)
            bound = rule.field if rule else None
            base = (getattr(s, bound) if bound else None) or s.jumlah_keluarga
            part = rng.uniform(0.15, 1.0)
            share = 1.0 if rule and rule.whole else part if rule else rng.uniform(0.2, 1.0)
            den = max(1, round(base * share))
            if bound and rng.random() < 0.004:
                den = base + rng.randint(3, 20)  # an error left for the completeness page
            pct = min(1.0, max(0.0, rng.gauss(mean, 0.12)))
            values.append(
                DataValue(
                    indicator=ind,
                    desa=d,
                    kabkota=kab,
                    periode=periode,
                    numerator=round(den * pct),
                    denominator=den,
                    status="diverifikasi" if ind.kode in verified else "diisi",
                )
            )
    values += _semesters(values, tahun, seed)
    DataValue.objects.bulk_create(values, batch_size=2000, ignore_conflicts=True)

    programs = []
    sources = [c.value for c in FundingSource]
    for ind in indicators:
        if not ind.is_main or ind.set != "2018":
            continue
        reach = rng.uniform(0.5, 0.95)
        for d in desa:
            ada = rng.random() < reach
            programs.append(
                ProgramMapping(
                    indicator=ind,
                    desa=d,
                    kabkota=kab,
                    tahun=tahun,
                    ada=ada,
                    sumber=sorted(rng.sample(sources[:5], rng.randint(1, 2))) if ada else [],
                )
            )
    ProgramMapping.objects.bulk_create(programs, batch_size=2000, ignore_conflicts=True)
    return {"values": len(values), "sasaran": len(sasaran), "programs": len(programs)}


def _semesters(annual: list[DataValue], tahun: int, seed: int) -> list[DataValue]:
    """The main indicators' figures per semester as well, so that the year has a first and a last
    period (the Aksi 6 completeness per period, the Aksi 8 coverage change): the second semester ends
    where the year does, the first lies a few points below it for most indicators (services improved)
    and above it for a few. Drawn from their own generator: the yearly figures stay what they were."""
    rng = random.Random(f"{seed}-semester")
    drift: dict[int, float] = {}
    out = []
    for v in annual:
        ind = v.indicator
        if v.denominator is None or not ind.is_main:
            continue
        if ind.pk not in drift:
            drift[ind.pk] = rng.uniform(0.02, 0.12) if rng.random() < 0.8 else -rng.uniform(0.02, 0.08)
        share = v.numerator / v.denominator
        first = min(1.0, max(0.0, share - drift[ind.pk] + rng.gauss(0, 0.03)))
        for periode, numerator in (
            (f"{tahun}-S1", round(v.denominator * first)),
            (f"{tahun}-S2", v.numerator),
        ):
            out.append(
                DataValue(
                    indicator=ind,
                    desa=v.desa,
                    kabkota=v.kabkota,
                    periode=periode,
                    numerator=numerator,
                    denominator=v.denominator,
                    status=v.status,
                )
            )
    return out
