"""Writes of the annual review: build (rebuild) the snapshot, edit a section's sentence, manage the
recommendations, finalise, attach to Aksi 8. Each checks ``REVIEW_MANAGE`` and that the review is not
final, writes in one transaction with a compare-and-set of the review's version, and audits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi import concurrency
from konvergensi.accounts.permissions import Permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.wilayah.models import Region

from . import selectors
from .models import Recommendation, Review, ReviewSection, Status

MAX_SENTENCE = 2000
MAX_RECOMMENDATION = 1000


class Conflict(concurrency.Conflict):
    message = gettext_lazy("Reviu ini baru saja diubah oleh pengguna lain. Muat ulang halaman lalu ulangi.")


def _editable(review: Review) -> None:
    locks.require_open(review.kabkota_id, review.tahun, 8)  # the approval lock (docs/aksi.md)
    if review.frozen:
        raise ValidationError(
            _("Reviu %(tahun)s sudah final dan tidak dapat diubah.") % {"tahun": review.tahun}
        )


def _bump(review: Review, expected_version: int, **changes) -> None:
    concurrency.compare_and_set(review, expected_version, conflict=Conflict, **changes)


def _table(table) -> dict | None:
    return None if table is None else {"headers": list(table.headers), "rows": [list(r) for r in table.rows]}


def review_build(
    *, scope: Scope, kabkota: Region, tahun: int, by, expected_version: int | None = None
) -> Review:
    """Build (or rebuild) the review of ``kabkota`` and ``tahun`` from every registered section. The
    team's edited sentences are kept (flagged when the numbers changed under them); generated
    recommendations are replaced, the team's own and edited ones kept, removed ones stay removed."""
    require(scope, Permission.REVIEW_MANAGE, kabkota.kode)
    locks.require_open(kabkota.kode, tahun, 8)  # the approval lock (docs/aksi.md)
    assembled = selectors.assemble(kabkota.kode, tahun)
    with transaction.atomic():
        review, created = Review.objects.select_for_update().get_or_create(kabkota=kabkota, tahun=tahun)
        _editable(review)
        if not created and expected_version is not None:
            _bump(review, expected_version)
        now = timezone.now()
        Review.objects.filter(pk=review.pk).update(built_at=now, built_by=by)
        review.built_at, review.built_by = now, by
        existing = {s.key: s for s in review.sections.all()}
        for a in assembled:
            fig = a.figures
            values = {"title": a.title, "order": a.order, "available": fig.available, "numbers": dict(fig.numbers),
                      "table": _table(fig.table), "sentence": fig.sentence}  # fmt: skip
            section = existing.pop(a.key, None)
            if section is None:
                ReviewSection.objects.create(review=review, key=a.key, **values)
            else:
                for name, value in values.items():
                    setattr(section, name, value)
                section.save()
        ReviewSection.objects.filter(pk__in=[s.pk for s in existing.values()]).delete()
        review.recommendations.filter(generated=True, edited=False).delete()
        kept = set(review.recommendations.values_list("text", flat=True)) | set(review.dismissed)
        n = review.recommendations.count()
        for a in assembled:
            for text in a.recommendations:
                if text not in kept:
                    n += 1
                    kept.add(text)
                    Recommendation.objects.create(
                        review=review, section_key=a.key, text=text, generated=True, urutan=n
                    )
        audit(by=by, action="review.build", target=review, region_kode=kabkota.kode,
              data={"tahun": tahun, "sections": [a.key for a in assembled]})  # fmt: skip
    return review


def sentence_edit(
    *, scope: Scope, section: ReviewSection, text: str, expected_version: int, by
) -> ReviewSection:
    """The team's sentence for a section (empty: back to the generated one)."""
    review = section.review
    require(scope, Permission.REVIEW_MANAGE, review.kabkota_id)
    _editable(review)
    text = " ".join((text or "").split())
    if len(text) > MAX_SENTENCE:
        raise ValidationError(_("Kalimat paling panjang %(n)s karakter.") % {"n": MAX_SENTENCE})
    edited = "" if text == section.sentence else text
    with transaction.atomic():
        concurrency.compare_and_set(
            section, expected_version, conflict=Conflict, edited_sentence=edited,
            numbers_at_edit=section.numbers if edited else None, edited_by=by if edited else None,
            edited_at=timezone.now() if edited else None,
        )  # fmt: skip
        audit(by=by, action="review.sentence", target=review, region_kode=review.kabkota_id,
              data={"section": section.key, "edited": bool(section.edited_sentence)})  # fmt: skip
    return section


def _clean(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError(_("Isi rekomendasi."))
    if len(text) > MAX_RECOMMENDATION:
        raise ValidationError(_("Rekomendasi paling panjang %(n)s karakter.") % {"n": MAX_RECOMMENDATION})
    return text


def recommendation_add(
    *, scope: Scope, review: Review, text: str, expected_version: int, by
) -> Recommendation:
    require(scope, Permission.REVIEW_MANAGE, review.kabkota_id)
    _editable(review)
    text = _clean(text)
    with transaction.atomic():
        _bump(review, expected_version)
        n = review.recommendations.count() + 1
        rec = Recommendation.objects.create(review=review, text=text, urutan=n)
        audit(by=by, action="review.recommendation_add", target=review, region_kode=review.kabkota_id)
    return rec


def recommendation_edit(
    *, scope: Scope, rec: Recommendation, text: str, expected_version: int, by
) -> Recommendation:
    review = rec.review
    require(scope, Permission.REVIEW_MANAGE, review.kabkota_id)
    _editable(review)
    text = _clean(text)
    with transaction.atomic():
        _bump(review, expected_version)
        rec.text, rec.edited = text, True
        rec.save()
        audit(by=by, action="review.recommendation_edit", target=review, region_kode=review.kabkota_id)
    return rec


def recommendation_delete(*, scope: Scope, rec: Recommendation, expected_version: int, by) -> None:
    review = rec.review
    require(scope, Permission.REVIEW_MANAGE, review.kabkota_id)
    _editable(review)
    with transaction.atomic():
        dismissed = list(review.dismissed)
        if rec.generated and not rec.edited and rec.text not in dismissed:
            dismissed.append(rec.text)
        _bump(review, expected_version, dismissed=dismissed)
        rec.delete()
        audit(by=by, action="review.recommendation_delete", target=review, region_kode=review.kabkota_id)


def review_finalize(*, scope: Scope, review: Review, expected_version: int, by) -> Review:
    """Draf → final: the review is frozen."""
    require(scope, Permission.REVIEW_MANAGE, review.kabkota_id)
    _editable(review)
    if not review.sections.exists():
        raise ValidationError(_("Susun reviu dulu sebelum menjadikannya final."))
    with transaction.atomic():
        _bump(review, expected_version, status=Status.FINAL, finalized_at=timezone.now(), finalized_by=by)
        audit(
            by=by,
            action="review.finalize",
            target=review,
            region_kode=review.kabkota_id,
            data={"tahun": review.tahun},
        )
    return review


def review_attach(*, scope: Scope, review: Review, by):
    """Attach the final review's PDF as evidence of the district's Aksi 8 of the year and start the aksi
    (as the plan is attached to Aksi 2)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from konvergensi.aksi import selectors as aksi_selectors
    from konvergensi.aksi import services as aksi_services

    from . import documents

    require(scope, Permission.REVIEW_MANAGE, review.kabkota_id)
    if not review.frozen:
        raise ValidationError(_("Hanya reviu yang sudah final yang dilampirkan ke Aksi 8."))
    siklus = aksi_selectors.siklus_get(scope=scope, kabkota_kode=review.kabkota_id, tahun=review.tahun)
    if siklus is None:
        raise ValidationError(
            _("Siklus %(tahun)s belum dibuka. Buka siklus di Pantau Aksi dulu.") % {"tahun": review.tahun}
        )
    aksi = siklus.aksi_set.get(nomor=8)
    content = documents.review_pdf(review)
    upload = SimpleUploadedFile(
        documents.filename(review.kabkota, review.tahun, "pdf"), content, "application/pdf"
    )
    with transaction.atomic():
        aksi_services.work_started(
            kabkota_kode=review.kabkota_id, tahun=review.tahun, nomor=8, by=by,
            reason=_("Reviu kinerja tahunan final dilampirkan dari Konvergensi."),
        )  # fmt: skip
        evidence = aksi_services.evidence_add(
            scope=scope, aksi=aksi, upload=upload, by=by,
            description=_("Reviu kinerja tahunan %(tahun)s (dibuat Konvergensi)") % {"tahun": review.tahun},
        )  # fmt: skip
        Review.objects.filter(pk=review.pk).update(evidence_id=evidence.pk)
        audit(
            by=by,
            action="review.attach",
            target=review,
            region_kode=review.kabkota_id,
            data={"tahun": review.tahun},
        )
    review.evidence_id = evidence.pk
    return evidence
