"""The demo: Kabupaten Sumedang (Jawa Barat) with one account per role.

Regions are the official ones. Puskesmas (one per kecamatan, serving its desa), the progress of
other districts and the evidence documents are invented for the demo and say so.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from konvergensi.accounts.demo_accounts import (  # noqa: F401 (the demo's names, one place)
    DEMO_ACCOUNTS,
    DEMO_DESA,
    DEMO_KABKOTA,
    DEMO_KECAMATAN,
    DEMO_PASSWORD,
    NEIGHBOUR_KABKOTA,
    OTHER_PROVINCE_KABKOTA,
    DemoAccount,
)
from konvergensi.accounts.models import Membership
from konvergensi.accounts.scope import scope_for_user
from konvergensi.aksi import services as aksi_services
from konvergensi.aksi import work as aksi_work
from konvergensi.aksi.models import Aksi, Siklus
from konvergensi.wilayah import services as wilayah_services
from konvergensi.wilayah.models import OPD, Puskesmas, Region
from konvergensi_core import aksi as rules


def _tiny_pdf(text: str) -> bytes:
    """A one-page PDF with a correct cross-reference table, so the demo's evidence opens in any viewer
    and passes the upload's structure check."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
        None,  # the content stream, below
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    content = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode("latin-1")
    objects[3] = b"<</Length %d>>stream\n%s\nendstream" % (len(content), content)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


DEMO_PDF = _tiny_pdf("Dokumen contoh - data demo Konvergensi")


def puskesmas_for_kecamatan(kabkota_kode: str) -> list[Puskesmas]:
    """One demo puskesmas per kecamatan, named after it, serving all of its desa."""
    created = []
    for kec in Region.objects.filter(parent_id=kabkota_kode, level="kecamatan"):
        kode = f"P{kec.kode_angka}01"
        if Puskesmas.objects.filter(kode=kode).exists():
            continue
        created.append(
            wilayah_services.puskesmas_create(
                kode=kode,
                nama=f"Puskesmas {kec.nama}",
                kecamatan=kec,
                desa=list(kec.children.all()),
            )
        )
    return created


def _users() -> dict[str, object]:
    User = get_user_model()
    users = {}
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            first, _sep, last = account.full_name.partition(" ")
            user = User.objects.create_user(
                account.username, password=DEMO_PASSWORD, first_name=first, last_name=last
            )
            opd = OPD.objects.get(kabkota_id=account.region, singkatan=account.opd) if account.opd else None
            pkm = (
                Puskesmas.objects.get(kode=f"P{account.region.replace('.', '')}01")
                if account.puskesmas
                else None
            )
            Membership.objects.create(
                user=user, role=account.role, region_id=account.region, opd=opd, puskesmas=pkm
            )
        users[account.username] = user
    return users


def _story(users: dict, tahun: int) -> None:
    """Sumedang's cycle with a history: verified, sent back, waiting, in draft."""
    operator, province = users["bappeda-sumedang"], users["prov-jabar"]
    op_scope, prov_scope = scope_for_user(operator), scope_for_user(province)
    kab = Region.objects.get(kode=DEMO_KABKOTA)
    siklus = aksi_services.siklus_start(scope=op_scope, kabkota=kab, tahun=tahun, by=operator)
    opd = {o.singkatan: o for o in OPD.objects.filter(kabkota=kab)}
    owners = {
        1: "Bappeda",
        2: "Bappeda",
        3: "Bappeda",
        4: "Bappeda",
        5: "DPMD",
        6: "Diskominfo",
        7: "Dinkes",
        8: "Bappeda",
    }
    aksi = {a.nomor: a for a in siklus.aksi_set.all()}
    for nomor, a in aksi.items():
        aksi_services.aksi_update(
            scope=op_scope,
            aksi=a,
            expected_version=a.version,
            due_date=a.due_date,
            opd=opd[owners[nomor]],
            by=operator,
        )

    def upload(a: Aksi, name: str) -> None:
        aksi_services.evidence_add(
            scope=op_scope,
            aksi=a,
            upload=SimpleUploadedFile(name, DEMO_PDF, "application/pdf"),
            description="Dokumen contoh (demo)",
            by=operator,
        )

    def move(a: Aksi, m: rules.Move, by, scope, reason: str = "") -> None:
        a.refresh_from_db()
        aksi_services.aksi_move(scope=scope, aksi=a, move=m, expected_version=a.version, reason=reason, by=by)

    # Aksi 1 is submitted and verified once its analysis exists (``_story_after_work``).
    upload(aksi[1], "laporan-analisis-situasi.pdf")
    # Aksi 2 starts when its plan is final (plans.demo), then goes to the province (``_story_after_work``).
    upload(aksi[3], "berita-acara-rembuk.pdf")
    move(aksi[3], rules.Move.SUBMIT, operator, op_scope)
    move(
        aksi[3],
        rules.Move.REQUEST_REVISION,
        province,
        prov_scope,
        "Berita acara belum ditandatangani camat; lampirkan daftar hadir.",
    )
    upload(aksi[4], "perbup-peran-desa.pdf")
    move(aksi[4], rules.Move.SUBMIT, operator, op_scope)
    upload(aksi[5], "daftar-kpm.pdf")
    aksi_services.comment_add(
        scope=prov_scope, aksi=aksi[3], body="Mohon unggah ulang minggu ini.", by=province
    )


def _story_after_work(users: dict, tahun: int) -> None:
    """The rest of the story, once the demo's work exists (the analysis, the plan, the published
    rounds): the province verifies Aksi 1 from its analysis and Aksi 2 from its final plan; Aksi 7,
    started by the publication of the year's round, is submitted to the province. Idempotent: an
    aksi already further along is left alone."""
    operator, province = users["bappeda-sumedang"], users["prov-jabar"]
    op_scope, prov_scope = scope_for_user(operator), scope_for_user(province)
    aksi = {a.nomor: a for a in Aksi.objects.filter(siklus__kabkota_id=DEMO_KABKOTA, siklus__tahun=tahun)}
    if not aksi:
        return

    def move(a: Aksi, m: rules.Move, by, scope, reason: str = "") -> None:
        a.refresh_from_db()
        aksi_services.aksi_move(scope=scope, aksi=a, move=m, expected_version=a.version, reason=reason, by=by)

    if aksi[1].status == rules.Status.DRAF and not aksi_work.missing_work(
        nomor=1, kabkota=DEMO_KABKOTA, tahun=tahun
    ):
        move(aksi[1], rules.Move.SUBMIT, operator, op_scope)
        move(aksi[1], rules.Move.VERIFY, province, prov_scope, "Lengkap. Desa lokus sesuai kriteria.")
    if aksi[2].status == rules.Status.DRAF and not aksi_work.missing_work(
        nomor=2, kabkota=DEMO_KABKOTA, tahun=tahun
    ):
        move(aksi[2], rules.Move.SUBMIT, operator, op_scope)
        move(
            aksi[2],
            rules.Move.VERIFY,
            province,
            prov_scope,
            "Rencana kegiatan final, sesuai rekomendasi Aksi 1.",
        )
    if aksi[7].status == rules.Status.DRAF and aksi_work.has_work(nomor=7, kabkota=DEMO_KABKOTA, tahun=tahun):
        move(aksi[7], rules.Move.SUBMIT, operator, op_scope, "Angka stunting putaran tahun ini sudah terbit.")


def _other_kabkotas(tahun: int, today: dt.date, *, only: list[str] | None = None, seed: str = "") -> int:
    """Invented progress for every other district (or the districts ``only``), so the province and
    national maps show something; the states are drawn per district from ``seed`` (the national data
    set, ``konvergensi.demo_national``, passes its own)."""
    existing = set(Siklus.objects.filter(tahun=tahun).values_list("kabkota_id", flat=True))
    statuses = [s.value for s in rules.Status]
    rows = []
    districts = Region.objects.filter(level="kabkota").exclude(kode__in=existing)
    if only is not None:
        districts = districts.filter(kode__in=only)
    for kab in districts.values_list("kode", flat=True):
        rows.append(Siklus(kabkota_id=kab, tahun=tahun))
    Siklus.objects.bulk_create(rows)
    aksi = []
    for s in Siklus.objects.filter(tahun=tahun, kabkota_id__in=[r.kabkota_id for r in rows]):
        rng = random.Random(f"{seed}{s.kabkota_id}-{tahun}")
        done = rng.randint(0, 8)
        for info in rules.AKSI:
            due = rules.default_due_date(info.nomor, tahun)
            if info.nomor <= done:
                status = rng.choices(statuses[1:], weights=[1, 2, 1, 6])[0]
                if status == rules.Status.DIVERIFIKASI and aksi_work.sources(info.nomor):
                    # These districts have no analysis or published round in the demo, and the
                    # province cannot verify such an aksi without its work (docs/aksi.md).
                    status = rules.Status.DIAJUKAN.value
            else:
                status = (
                    rules.Status.BELUM_MULAI.value
                    if due > today or rng.random() < 0.5
                    else rules.Status.DRAF.value
                )
            aksi.append(Aksi(siklus=s, nomor=info.nomor, status=status, due_date=due))
    Aksi.objects.bulk_create(aksi, batch_size=2000)
    return len(rows)


def demo_load(*, tahun: int | None = None) -> dict[str, int]:
    """Create the demo district and accounts; safe to run twice."""
    if not Region.objects.filter(kode=DEMO_KABKOTA).exists():
        raise RuntimeError("Wilayah belum dimuat. Jalankan `konvergensi wilayah load` dulu.")
    today = timezone.localdate()
    tahun = tahun or today.year
    with transaction.atomic():
        for kab in (DEMO_KABKOTA, NEIGHBOUR_KABKOTA, OTHER_PROVINCE_KABKOTA):
            wilayah_services.opd_create_standard(kabkota=Region.objects.get(kode=kab))
        pkm = puskesmas_for_kecamatan(DEMO_KABKOTA)
        users = _users()
        if not Siklus.objects.filter(kabkota_id=DEMO_KABKOTA, tahun=tahun).exists():
            _story(users, tahun)
        others = _other_kabkotas(tahun, today)
        from konvergensi.indicators.demo import village_data

        data = village_data(DEMO_KABKOTA)
    from konvergensi.ansit.demo import ansit_demo
    from konvergensi.measurements.demo import demo_rounds
    from konvergensi.publication.demo import demo_publish

    # Outside the transaction above: the import writes in chunks, then makes them measurements at once.
    rounds = demo_rounds(DEMO_KABKOTA, operator=users["bappeda-sumedang"])
    rounds |= demo_publish(DEMO_KABKOTA, operator=users["bappeda-sumedang"])
    from konvergensi.plans.demo import plan_demo

    with transaction.atomic():
        ansit = ansit_demo(DEMO_KABKOTA, tahun=tahun)
    # The plan's documents go through the import pipeline (its own transactions).
    plan = plan_demo(DEMO_KABKOTA, tahun=tahun, operator=users["bappeda-sumedang"])
    from konvergensi.rembuk.demo import rembuk_demo

    with transaction.atomic():
        plan |= rembuk_demo(DEMO_KABKOTA, tahun=tahun, operator=users["bappeda-sumedang"], camat=users["kec-wado"],
                            kecamatan=DEMO_KECAMATAN)  # fmt: skip
    from konvergensi.budget.demo import budget_demo

    plan |= budget_demo(DEMO_KABKOTA, tahun=tahun, operator=users["bappeda-sumedang"])
    from konvergensi.regulations.demo import regulations_demo

    with transaction.atomic():
        plan |= regulations_demo(DEMO_KABKOTA, tahun=tahun, operator=users["bappeda-sumedang"], pdf=DEMO_PDF)
    from konvergensi.kpm.demo import kpm_demo

    with transaction.atomic():
        plan |= kpm_demo(DEMO_KABKOTA, tahun=tahun, operator=users["bappeda-sumedang"])
    from konvergensi.knowledge.demo import knowledge_demo

    with transaction.atomic():
        plan |= knowledge_demo(DEMO_KABKOTA, operator=users["bappeda-sumedang"])
    # Aksi 6 before the Aksi 8 review, which counts its actions.
    from konvergensi.datasystem.demo import datasystem_demo

    with transaction.atomic():
        plan |= datasystem_demo(DEMO_KABKOTA, tahun=tahun, operator=users["bappeda-sumedang"])
    from konvergensi.reviews.demo import review_demo

    with transaction.atomic():
        plan |= review_demo(DEMO_KABKOTA, tahun=tahun, operator=users["bappeda-sumedang"])
    from konvergensi.picture.services import refresh_all as picture_refresh

    plan["gambaran"] = sum(picture_refresh(DEMO_KABKOTA).values())  # the picture's stored figures (issue 18)
    from konvergensi.assessment.demo import assessment_demo

    plan |= assessment_demo(tahun=tahun, provinsi_user=users["prov-jabar"], second_assessor=users["prov-jabar-2"],
                            pusat_user=users["bangda"], kabkota=DEMO_KABKOTA)  # fmt: skip
    with transaction.atomic():
        _story_after_work(users, tahun)
    from konvergensi import dbstats

    dbstats.refresh_all()  # the planner's statistics of what the demo filled (SQLite has none until now)
    return {
        "puskesmas": len(pkm),
        "accounts": len(users),
        "other_kabkotas": others,
        **data,
        **rounds,
        **ansit,
        **plan,
    }
