"""Writes of the penilaian kinerja. Each checks permission, writes in one transaction and audits
(``accounts.AuditEvent``, actions ``assessment.*``). Scores come from the core only (``scoring``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi import concurrency
from konvergensi.accounts.models import Role
from konvergensi.accounts.permissions import Permission, has_permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.wilayah.models import Region
from konvergensi_core import assessment as core

from . import scoring
from .models import Grade, Response, Round, RoundDistrict, Rubric, RubricIndicator

TEXT_MAX = 5000
DATA_FOLDER = Path(__file__).resolve().parent.parent / "data" / "penilaian"


class Conflict(concurrency.Conflict):
    message = gettext_lazy("Rubrik ini baru saja diubah oleh pengguna lain. Muat ulang halaman lalu ulangi.")


# --- rubric ----------------------------------------------------------------------------------------------


def _require_rubric(scope: Scope, rubric: Rubric) -> None:
    require(scope, Permission.ASSESSMENT_RUBRIC, rubric.provinsi_id)


def _refuse_frozen(rubric: Rubric) -> None:
    if rubric.frozen:
        raise ValidationError(_("Rubrik ini sudah diterbitkan dan tidak dapat diubah lagi. Buat versi baru."))


def _check(core_rubric: core.Rubric) -> None:
    errors = scoring.validate(core_rubric)
    if errors:
        raise ValidationError(errors)


def _write(rubric: Rubric, core_rubric: core.Rubric) -> None:
    """Replace the rubric's content by ``core_rubric`` (validated by the caller)."""
    rubric.letters = {k: scoring.text(v) for k, v in core_rubric.letters.items()}
    rubric.stages = {k: scoring.text(v) for k, v in core_rubric.stages.items()}
    rubric.classes = [[name, scoring.text(minimum)] for name, minimum in core_rubric.classes]
    rubric.save()
    rubric.indicators.all().delete()
    RubricIndicator.objects.bulk_create(
        RubricIndicator(rubric=rubric, kode=i.kode, aksi=i.aksi, tahap=i.tahap, bobot=Decimal(scoring.text(i.bobot)),
                        uraian=i.uraian, kriteria=dict(i.kriteria), urutan=n)
        for n, i in enumerate(core_rubric.indicators, start=1)
    )  # fmt: skip


def _next_versi(tahun: int, provinsi: str | None) -> int:
    last = Rubric.objects.filter(tahun=tahun, provinsi_id=provinsi).aggregate(m=Max("versi"))["m"]
    return (last or 0) + 1


def default_rubric() -> core.Rubric:
    """The national default rubric shipped in ``konvergensi/data/penilaian`` (see its README)."""
    from konvergensi_core.io.assessment import load_default_rubric

    return load_default_rubric(DATA_FOLDER)


def rubric_load_default(*, tahun: int, by=None, scope: Scope | None = None) -> Rubric:
    """The national rubric of ``tahun`` from the shipped default (a draft; the next version if the
    year has one). ``scope`` None: the command line / demo, acting as the system."""
    if scope is not None:
        require(scope, Permission.ASSESSMENT_RUBRIC, None)
    data = default_rubric()
    _check(data)
    with transaction.atomic():
        rubric = Rubric(tahun=tahun, provinsi=None, versi=_next_versi(tahun, None),
                        nama=_("Rubrik penilaian kinerja nasional %(tahun)s") % {"tahun": tahun}, created_by=by)  # fmt: skip
        _write(rubric, data)
        audit(by=by, action="assessment.rubric.create", target=rubric,
              data={"tahun": tahun, "versi": rubric.versi, "from": "default"})  # fmt: skip
    return rubric


def rubric_copy(*, scope: Scope, source: Rubric, provinsi: Region | None, by) -> Rubric:
    """A draft copy of ``source``: a province's adoption of a published national rubric
    (``provinsi`` its province), or a new version of a published rubric of the same owner."""
    owner = provinsi.kode if provinsi is not None else None
    require(scope, Permission.ASSESSMENT_RUBRIC, owner)
    if provinsi is not None and provinsi.level != "provinsi":
        raise ValidationError(_("Rubrik diadopsi oleh provinsi."))
    if not source.frozen:
        raise ValidationError(_("Hanya rubrik yang sudah diterbitkan yang dapat disalin."))
    if source.provinsi_id not in (None, owner):
        raise PermissionDenied
    data = scoring.to_core(source)
    with transaction.atomic():
        rubric = Rubric(tahun=source.tahun, provinsi=provinsi, versi=_next_versi(source.tahun, owner),
                        nama=source.nama if provinsi is None else _("%(nama)s — adopsi %(prov)s") % {"nama": source.nama, "prov": provinsi.nama},
                        based_on=source, created_by=by)  # fmt: skip
        rubric.nama = rubric.nama[:200]
        _write(rubric, data)
        audit(by=by, action="assessment.rubric.copy", target=rubric, region_kode=owner or "",
              data={"from": source.pk, "tahun": source.tahun, "versi": rubric.versi})  # fmt: skip
    return rubric


def rubric_replace(*, scope: Scope, rubric: Rubric, data: core.Rubric, expected_version: int, by) -> Rubric:
    """The rubric's whole content from an uploaded workbook (read and checked by the reader first)."""
    _require_rubric(scope, rubric)
    _refuse_frozen(rubric)
    _check(data)
    with transaction.atomic():
        concurrency.compare_and_set(rubric, expected_version, conflict=Conflict)
        _write(rubric, data)
        audit(by=by, action="assessment.rubric.import", target=rubric, region_kode=rubric.provinsi_id or "",
              data={"indicators": len(data.indicators)})  # fmt: skip
    return rubric


def _number(value: str, label: str, errors: list[str], *, positive: bool = True) -> Fraction | None:
    text = (value or "").strip().replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors.append(_("%(label)s: „%(v)s” bukan angka.") % {"label": label, "v": text[:20]})
        return None
    if not number.is_finite() or number < 0 or (positive and number == 0) or number > 10**6:
        errors.append(_("%(label)s harus angka lebih dari 0.") % {"label": label} if positive
                      else _("%(label)s tidak boleh negatif.") % {"label": label})  # fmt: skip
        return None
    return Fraction(number)


def rubric_update(*, scope: Scope, rubric: Rubric, data, expected_version: int, by) -> Rubric:
    """The rubric's numbers from its page: each indicator's weight (``bobot-<id>``), each letter's
    points (``poin-<huruf>``), each stage's weight (``tahap-<tahap>``) and each class's minimum
    (``kelas-<n>``). Checked by the core's ``validate_rubric``; the change is audited old → new."""
    _require_rubric(scope, rubric)
    _refuse_frozen(rubric)
    errors: list[str] = []
    indicators = list(rubric.indicators.all())
    current = scoring.to_core(rubric, indicators)
    new_weights = {}
    for i in indicators:
        raw = data.get(f"bobot-{i.pk}")
        new_weights[i.pk] = (
            _number(raw, _("Bobot %(kode)s") % {"kode": i.kode}, errors)
            if raw is not None
            else scoring.frac(i.bobot)
        )
    letters = {}
    for letter, points in current.letters.items():
        raw = data.get(f"poin-{letter}")
        letters[letter] = (
            _number(raw, _("Poin huruf %(h)s") % {"h": letter}, errors, positive=False)
            if raw is not None
            else points
        )
    stages = {}
    for stage, weight in current.stages.items():
        raw = data.get(f"tahap-{stage}")
        stages[stage] = (
            _number(raw, _("Bobot tahap %(t)s") % {"t": stage}, errors, positive=False)
            if raw is not None
            else weight
        )
    classes = []
    for n, (name, minimum) in enumerate(current.classes):
        raw = data.get(f"kelas-{n}")
        value = (
            _number(raw, _("Skor minimum %(k)s") % {"k": name}, errors, positive=False)
            if raw is not None
            else minimum
        )
        if value is not None and value > 100:
            errors.append(_("Skor minimum %(k)s tidak boleh lebih dari 100.") % {"k": name})
        classes.append((name, value))
    if errors:
        raise ValidationError(errors)
    new = core.Rubric(
        indicators=tuple(
            core.RubricIndicator(kode=i.kode, aksi=i.aksi, tahap=i.tahap, bobot=new_weights[i.pk], uraian=i.uraian,
                                 kriteria=dict(i.kriteria or {}))
            for i in indicators
        ),
        letters=letters, stages=stages, classes=tuple(classes),  # type: ignore[arg-type]
    )  # fmt: skip
    _check(new)
    changes = _diff(current, new)
    with transaction.atomic():
        concurrency.compare_and_set(rubric, expected_version, conflict=Conflict)
        rubric.letters = {k: scoring.text(v) for k, v in new.letters.items()}
        rubric.stages = {k: scoring.text(v) for k, v in new.stages.items()}
        rubric.classes = [[name, scoring.text(m)] for name, m in new.classes]
        rubric.save(update_fields=["letters", "stages", "classes"])
        for i in indicators:
            weight = Decimal(scoring.text(new_weights[i.pk]))  # type: ignore[arg-type]
            if weight != i.bobot:
                RubricIndicator.objects.filter(pk=i.pk).update(bobot=weight)
        audit(by=by, action="assessment.rubric.update", target=rubric, region_kode=rubric.provinsi_id or "",
              data={"changes": changes})  # fmt: skip
    return rubric


def _diff(old: core.Rubric, new: core.Rubric) -> list[str]:
    """What changed, one line each ("bobot 1.1: 2 → 3"), for the audit trail."""
    out = []
    for a, b in zip(old.indicators, new.indicators, strict=True):
        if a.bobot != b.bobot:
            out.append(f"bobot {a.kode}: {scoring.text(a.bobot)} → {scoring.text(b.bobot)}")
    for key in old.letters:
        if old.letters[key] != new.letters[key]:
            out.append(f"poin {key}: {scoring.text(old.letters[key])} → {scoring.text(new.letters[key])}")
    for key in old.stages:
        if old.stages[key] != new.stages[key]:
            out.append(f"tahap {key}: {scoring.text(old.stages[key])} → {scoring.text(new.stages[key])}")
    for (name, a), (_n, b) in zip(old.classes, new.classes, strict=True):
        if a != b:
            out.append(f"kelas {name}: {scoring.text(a)} → {scoring.text(b)}")
    return out


def rubric_publish(*, scope: Scope, rubric: Rubric, by) -> Rubric:
    """Publish (freeze) the rubric: from now on rounds may use it and nobody may change it."""
    _require_rubric(scope, rubric)
    _refuse_frozen(rubric)
    _check(scoring.to_core(rubric))
    with transaction.atomic():
        updated = Rubric.objects.filter(pk=rubric.pk, published__isnull=True).update(published=timezone.now())
        if updated != 1:
            raise ValidationError(_("Rubrik ini sudah diterbitkan."))
        rubric.refresh_from_db()
        audit(by=by, action="assessment.rubric.publish", target=rubric, region_kode=rubric.provinsi_id or "",
              data={"tahun": rubric.tahun, "versi": rubric.versi})  # fmt: skip
    return rubric


# --- rounds ----------------------------------------------------------------------------------------------


def assessor_choices(provinsi: str):
    """The province's own accounts (who may assess its rounds)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(membership__role=Role.PROVINSI, membership__region_id=provinsi, is_active=True)
        .order_by("username")
    )


def round_create(*, scope: Scope, provinsi: Region, tahun: int, rubric: Rubric, nama: str,
                 kabkota: list[str], assessors: list[int], by) -> Round:  # fmt: skip
    """Open a round for some of the province's districts with a published rubric (national or the
    province's own adoption) and several assessors (the province's accounts)."""
    require(scope, Permission.ASSESSMENT_MANAGE, provinsi.kode)
    errors = []
    if provinsi.level != "provinsi":
        raise ValidationError(_("Putaran penilaian dibuka oleh provinsi."))
    if not rubric.frozen or rubric.provinsi_id not in (None, provinsi.kode):
        errors.append(_("Pilih rubrik yang sudah diterbitkan (nasional atau adopsi provinsi ini)."))
    if rubric.tahun != tahun:
        errors.append(_("Rubrik %(r)s berlaku untuk tahun %(t)s.") % {"r": rubric.nama, "t": rubric.tahun})
    codes = sorted(set(kabkota))
    known = set(
        Region.objects.filter(
            kode__in=codes, level="kabkota", kode__startswith=provinsi.kode + "."
        ).values_list("kode", flat=True)
    )
    if not codes:
        errors.append(_("Pilih sedikitnya satu kabupaten/kota."))
    if set(codes) - known:
        raise PermissionDenied  # a district of another province
    people = list(assessor_choices(provinsi.kode).filter(pk__in=assessors))
    if not people:
        errors.append(_("Pilih sedikitnya satu penilai (akun provinsi)."))
    if len(people) != len(set(assessors)):
        raise PermissionDenied  # not an account of this province
    if not nama.strip():
        errors.append(_("Isi nama putaran penilaian."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rnd = Round.objects.create(
            provinsi=provinsi, tahun=tahun, rubric=rubric, nama=nama.strip()[:200], created_by=by
        )
        rnd.assessors.set(people)
        RoundDistrict.objects.bulk_create(RoundDistrict(round=rnd, kabkota_id=k) for k in codes)
        audit(by=by, action="assessment.round.create", target=rnd, region_kode=provinsi.kode,
              data={"tahun": tahun, "rubric": rubric.pk, "kabkota": codes, "assessors": [p.pk for p in people]})  # fmt: skip
    return rnd


def _open(rnd: Round) -> None:
    if rnd.published is not None:
        raise ValidationError(_("Penilaian ini sudah diterbitkan; nilai tidak dapat diubah lagi."))


def is_assessor(scope: Scope, rnd: Round) -> bool:
    return (
        has_permission(scope, Permission.ASSESSMENT_GRADE, rnd.provinsi_id)
        and rnd.assessors.filter(pk=scope.user_id).exists()
    )


def grades_set(*, scope: Scope, rnd: Round, kabkota: str, data, by) -> int:
    """An assessor's letters and notes for a district: ``huruf-<indicator id>`` (empty: not graded)
    and ``catatan-<indicator id>``. Returns how many indicators are graded by this assessor."""
    require(scope, Permission.ASSESSMENT_GRADE, kabkota)
    if not is_assessor(scope, rnd):
        raise PermissionDenied
    if not RoundDistrict.objects.filter(round=rnd, kabkota_id=kabkota).exists():
        raise PermissionDenied
    _open(rnd)
    letters = set(rnd.rubric.letters)
    errors = []
    wanted: dict[int, tuple[str, str]] = {}
    for ind in rnd.rubric.indicators.all():
        letter = (data.get(f"huruf-{ind.pk}") or "").strip().upper()
        note = (data.get(f"catatan-{ind.pk}") or "").strip()[:TEXT_MAX]
        if letter and letter not in letters:
            errors.append(_("Indikator %(k)s: huruf „%(h)s” tidak ada dalam rubrik (pilih %(ok)s).")
                          % {"k": ind.kode, "h": letter[:4], "ok": ", ".join(sorted(letters))})  # fmt: skip
            continue
        wanted[ind.pk] = (letter, note)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for indicator_id, (letter, note) in wanted.items():
            key = {
                "round": rnd,
                "kabkota_id": kabkota,
                "indicator_id": indicator_id,
                "assessor_id": scope.user_id,
            }
            if letter:
                Grade.objects.update_or_create(**key, defaults={"huruf": letter, "note": note})
            else:
                Grade.objects.filter(**key).delete()
        graded = Grade.objects.filter(round=rnd, kabkota_id=kabkota, assessor_id=scope.user_id).count()
        audit(by=by, action="assessment.grade", target=rnd, region_kode=kabkota,
              data={"graded": graded})  # fmt: skip
    return graded


def district_notes(
    *, scope: Scope, district: RoundDistrict, supervision: str, recommendations: str, by
) -> None:
    """The province's supervision notes and recommendations for a district (also after publication)."""
    require(scope, Permission.ASSESSMENT_MANAGE, district.round.provinsi_id)
    with transaction.atomic():
        RoundDistrict.objects.filter(pk=district.pk).update(
            supervision=supervision.strip()[:TEXT_MAX], recommendations=recommendations.strip()[:TEXT_MAX]
        )
        audit(by=by, action="assessment.notes", target=district.round, region_kode=district.kabkota_id)


def _dec(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.001"))


def round_publish(*, scope: Scope, rnd: Round, by) -> list[core.Result]:
    """Publish the round: the core's results are stored on each district (the aggregate maps and
    rankings read), the districts see their grades, and each district's data of the year is locked
    (``aksi.locks.lock_year``: the data the assessment rests on stay as assessed)."""
    from konvergensi.aksi import locks

    require(scope, Permission.ASSESSMENT_MANAGE, rnd.provinsi_id)
    _open(rnd)
    if not Grade.objects.filter(round=rnd).exists():
        raise ValidationError(_("Belum ada nilai sama sekali: penilaian belum dapat diterbitkan."))
    results = scoring.results(rnd)
    with transaction.atomic():
        updated = Round.objects.filter(pk=rnd.pk, published__isnull=True).update(
            published=timezone.now(), published_by=by, version=rnd.version + 1
        )
        if updated != 1:
            raise ValidationError(_("Penilaian ini sudah diterbitkan."))
        for r in results:
            RoundDistrict.objects.filter(round=rnd, kabkota_id=r.kabkota).update(
                score_document=_dec(r.score_document), score_panel=_dec(r.score_panel), score=_dec(r.score),
                kelas=r.klass or "", rank=r.rank, missing=list(r.missing),
            )  # fmt: skip
            locks.lock_year(kabkota=r.kabkota, tahun=rnd.tahun, by=by,
                            reason=_("Penilaian kinerja %(nama)s diterbitkan.") % {"nama": rnd.nama})  # fmt: skip
        audit(by=by, action="assessment.round.publish", target=rnd, region_kode=rnd.provinsi_id,
              data={"tahun": rnd.tahun, "results": [[r.kabkota, str(_dec(r.score)), r.klass, r.rank] for r in results]})  # fmt: skip
    rnd.refresh_from_db()
    return results


def response_add(
    *, scope: Scope, district: RoundDistrict, indicator_id: int | None, text: str, by
) -> Response:
    """The district's response to its published assessment, on one indicator or overall."""
    require(scope, Permission.ASSESSMENT_RESPOND, district.kabkota_id)
    if district.round.published is None:
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Tanggapan tidak boleh kosong."))
    indicator = None
    if indicator_id is not None:
        indicator = district.round.rubric.indicators.filter(pk=indicator_id).first()
        if indicator is None:
            raise ValidationError(_("Indikator tidak dikenal."))
    with transaction.atomic():
        response = Response.objects.create(
            district=district, indicator=indicator, text=text[:TEXT_MAX], by=by
        )
        audit(by=by, action="assessment.response", target=district.round, region_kode=district.kabkota_id,
              data={"indicator": indicator.kode if indicator else None})  # fmt: skip
    return response
