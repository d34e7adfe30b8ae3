"""The reviews of service delivery (FGD) and of the coordination forums, with their comments."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, has_permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.wilayah.models import OPD, Region

from ..models import Effectiveness, Frequency, Review, ReviewComment, ReviewKind, YesNo
from ..questions import fgd_questions
from .base import compare_and_set

# The free-text answers of a review, with the length kept, and its choices (the model's).
TEXT_LIMITS = {
    "judul": 200,
    "peserta": 4000,
    "tingkat": 40,
    "penanggung_jawab": 200,
    "agenda": 4000,
    "catatan": 8000,
    "usulan": 4000,
}
CHOICES = {
    "frekuensi": Frequency,
    "rencana_kerja": YesNo,
    "biaya_operasional": YesNo,
    "efektivitas": Effectiveness,
}
FORM_FIELDS = (*TEXT_LIMITS, *CHOICES)  # what a form gives as is (``ReviewInput(**...)``)


@dataclass
class ReviewInput:
    """What a user wrote in a review (every field of ``FORM_FIELDS``, the agency, date and the
    answers to the key questions: {question key: {"status": ..., "catatan": ...}})."""

    judul: str
    opd_id: int | None = None
    tanggal: object = None
    peserta: str = ""
    answers: dict | None = None
    tingkat: str = ""
    penanggung_jawab: str = ""
    agenda: str = ""
    frekuensi: str = ""
    rencana_kerja: str = ""
    biaya_operasional: str = ""
    efektivitas: str = ""
    catatan: str = ""
    usulan: str = ""


def _clean_review(kind: str, data: ReviewInput, kabkota: str) -> dict:
    errors = {}
    if not data.judul.strip():
        errors["judul"] = _("Tuliskan layanan atau nama forum yang direviu.")
    if data.opd_id is not None and not OPD.objects.filter(pk=data.opd_id, kabkota_id=kabkota).exists():
        errors["opd"] = _("OPD harus milik kabupaten/kota ini.")
    for name, choices in CHOICES.items():
        value = getattr(data, name)
        if value and value not in choices.values:
            errors[name] = _("Pilihan tidak sah.")
    answers = {}
    for q in fgd_questions(kind):
        raw = (data.answers or {}).get(q.key) or {}
        status = raw.get("status", "")
        if status and status not in YesNo.values:
            errors[q.key] = _("Pilihan tidak sah.")
        answers[q.key] = {"status": status, "catatan": (raw.get("catatan") or "").strip()[:2000]}
    if errors:
        raise ValidationError(errors)
    return {
        **{name: getattr(data, name).strip()[:limit] for name, limit in TEXT_LIMITS.items()},
        **{name: getattr(data, name) for name in CHOICES},
        "opd_id": data.opd_id,
        "tanggal": data.tanggal,
        "answers": answers,
    }


def may_edit_review(scope: Scope, review: Review) -> bool:
    """The operators of the district, and OPD staff for the reviews of their own agency."""
    if has_permission(scope, Permission.ANSIT_EDIT, review.kabkota_id):
        return True
    # OPD staff answer the reviews of their own agency (and those they opened).
    return has_permission(scope, Permission.ANSIT_REVIEW, review.kabkota_id) and (
        review.opd_id == scope.opd_id or review.created_by_id == scope.user_id
    )


def review_create(*, scope: Scope, kabkota: Region, tahun: int, kind: str, data: ReviewInput, by) -> Review:
    require(scope, Permission.ANSIT_REVIEW, kabkota.kode)
    locks.require_open(kabkota.kode, tahun, 1)
    if kind not in ReviewKind.values:
        raise ValidationError({"kind": _("Pilih jenis reviu.")})
    if not 2018 <= tahun <= 2100:
        raise ValidationError({"tahun": _("Tahun siklus tidak sah.")})
    if not has_permission(scope, Permission.ANSIT_EDIT, kabkota.kode):
        data.opd_id = scope.opd_id  # an agency reviews its own services
    fields = _clean_review(kind, data, kabkota.kode)
    with transaction.atomic():
        review = Review.objects.create(
            kabkota=kabkota, tahun=tahun, kind=kind, created_by=by, updated_by=by, **fields
        )
        audit(
            by=by,
            action="ansit.review.create",
            target=review,
            region_kode=kabkota.kode,
            data={"kind": kind, "judul": review.judul},
        )
    return review


def review_update(*, scope: Scope, review: Review, data: ReviewInput, expected_version: int, by) -> Review:
    if not may_edit_review(scope, review):
        raise PermissionDenied
    locks.require_open(review.kabkota_id, review.tahun, 1)
    if not has_permission(scope, Permission.ANSIT_EDIT, review.kabkota_id):
        data.opd_id = review.opd_id
    fields = _clean_review(review.kind, data, review.kabkota_id)
    before = {
        k: getattr(review, k) for k in ("frekuensi", "rencana_kerja", "biaya_operasional", "efektivitas")
    }
    with transaction.atomic():
        compare_and_set(review, expected_version, updated_by=by, updated_at=timezone.now(), **fields)
        audit(
            by=by,
            action="ansit.review.update",
            target=review,
            region_kode=review.kabkota_id,
            data={"before": before, "answers": {k: v["status"] for k, v in fields["answers"].items()}},
        )
    return review


def review_comment_add(*, scope: Scope, review: Review, body: str, by) -> ReviewComment:
    require(scope, Permission.ANSIT_REVIEW, review.kabkota_id)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Komentar kosong.")})
    with transaction.atomic():
        comment = ReviewComment.objects.create(review=review, author=by, body=body[:4000])
        audit(by=by, action="ansit.review.comment", target=comment, region_kode=review.kabkota_id)
    return comment
