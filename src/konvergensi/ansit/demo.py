"""The demo district's situation analysis (Aksi 1), built through the app's own services from the
demo's latest published measurement round (else its data sasaran) and coverage data
(``konvergensi.indicators.demo``): one analysis per
kecamatan with the team's decision, a confirmed lokus list (10 % of the desa), an FGD and a
coordination review, and the recommendation drafts they support. Labelled demo data like the rest.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from konvergensi.accounts.models import Membership, Role
from konvergensi.accounts.scope import scope_for_user
from konvergensi.indicators.selectors import default_periode, sasaran_in_kabkota
from konvergensi.measurements.models import MeasurementRound
from konvergensi.wilayah.models import OPD, Region

from . import selectors, services
from .models import Analysis, InputSource


def ansit_demo(kabkota: str, *, tahun: int | None = None, periode: str | None = None) -> dict[str, int]:
    """Idempotent: does nothing when the district already has an analysis for the year, or has no
    operator account or no data sasaran yet (call it after the village data)."""
    tahun = tahun or timezone.localdate().year
    if Analysis.objects.filter(kabkota_id=kabkota, tahun=tahun).exists():
        return {"analyses": 0}
    membership = (
        Membership.objects.filter(role=Role.OPERATOR, region_id=kabkota)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return {"analyses": 0}
    user = membership.user
    scope = scope_for_user(user)
    kab = Region.objects.get(kode=kabkota)
    periode = periode or default_periode(timezone.localdate())
    # The district's own latest published round when there is one: the analysis and the public page
    # then show the same stunting figures (otherwise the camat-verified data sasaran).
    published = (
        MeasurementRound.objects.filter(kabkota_id=kabkota, publications__withdrawn_at__isnull=True)
        .order_by("-tanggal_mulai", "-pk")
        .first()
    )
    if (
        published is None
        and not sasaran_in_kabkota(kabkota, tahun=int(periode[:4])).filter(stunting__isnull=False).exists()
    ):
        return {"analyses": 0}
    analysis = services.analysis_create(
        scope=scope,
        kabkota=kab,
        tahun=tahun,
        periode=periode,
        level="kecamatan",
        input_source=InputSource.ROUND if published else InputSource.SASARAN,
        round_id=published.pk if published else None,
        data_source="balita_3_6_bulan" if published else "balita_1_tahun",
        margin=0.5,
        indicator_set="2018",
        by=user,
    )
    services.analysis_decide(
        scope=scope,
        analysis=analysis,
        decision=analysis.summary["recommendation"],
        reason="",
        expected_version=analysis.version,
        by=user,
    )
    lokus = services.lokus_confirm(
        scope=scope,
        analysis=analysis,
        settings=selectors.LokusSettings(eligibility="any", method="share", value=0.1),
        note="Disepakati dalam pertemuan lintas OPD (data demo).",
        by=user,
    )
    opd = {o.singkatan: o for o in OPD.objects.filter(kabkota=kab)}
    day = dt.date(tahun, 2, 12) if timezone.localdate() >= dt.date(tahun, 2, 12) else None
    services.review_create(
        scope=scope,
        kabkota=kab,
        tahun=tahun,
        kind="fgd_opd",
        data=services.ReviewInput(
            judul="Layanan air minum dan sanitasi",
            opd_id=opd["DPUPR"].pk if "DPUPR" in opd else None,
            tanggal=day,
            peserta="Bappeda, DPUPR, Dinkes, DPMD (demo)",
            answers={
                "opd_a": {"status": "tidak", "catatan": "DPUPR belum menerima data rumah tangga 1.000 HPK."},
                "opd_b": {
                    "status": "sebagian",
                    "catatan": "Target SPAM per desa, belum per rumah tangga sasaran.",
                },
                "opd_c": {"status": "", "catatan": ""},
            },
            catatan="Lokasi jaringan air bersih ditentukan usulan musrenbang, tidak memakai data stunting.",
        ),
        by=user,
    )
    services.review_create(
        scope=scope,
        kabkota=kab,
        tahun=tahun,
        kind="koordinasi_opd",
        data=services.ReviewInput(
            judul="Rapat koordinasi TPPS kabupaten",
            opd_id=opd["Bappeda"].pk if "Bappeda" in opd else None,
            tanggal=day,
            tingkat="kabupaten",
            penanggung_jawab="Bappeda (sekretariat TPPS)",
            agenda="Capaian indikator, data stunting, rencana Rembuk Stunting",
            frekuensi="sewaktu",
            rencana_kerja="tidak",
            biaya_operasional="sebagian",
            efektivitas="kurang",
        ),
        by=user,
    )
    counts = services.recommendations_generate(scope=scope, kabkota=kab, tahun=tahun, by=user)
    return {"analyses": 1, "lokus": lokus.entries.count(), "recommendations": counts["added"]}
