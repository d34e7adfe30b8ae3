"""The recommendations of Aksi 1: the evidence the rules of ``konvergensi_core.ansit.recommendations``
work from, the drafts they give (regenerated without touching what the team edited or decided),
and the team's own edits and additions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.wilayah.models import Region
from konvergensi_core.ansit import recommendations as rules
from konvergensi_core.ansit.hotspots import LEVEL_LABEL

from .. import selectors
from ..models import (
    Analysis,
    Effectiveness,
    Frequency,
    LokusList,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Review,
)
from ..questions import FGD_QUESTIONS
from .base import compare_and_set, date_text


def _hotspot_facts(analysis: Analysis, result) -> rules.HotspotFacts:
    names = {u["kode"]: u.get("nama") or u["kode"] for u in analysis.units}
    return rules.HotspotFacts(
        level_label=str(LEVEL_LABEL[analysis.level]),
        decision=analysis.decision or result.recommendation.value,
        separate=tuple(names[k] for k in result.separate_analysis),
        special=tuple(names[k] for k in result.special_attention),
        mean_prevalence=result.mean_prevalence,
        prevalence_threshold=result.prevalence_threshold,
        mean_cases=result.mean_cases,
        cases_threshold=result.cases_threshold,
        margin=result.margin,
    )


def _lokus_facts(lokus: LokusList) -> rules.LokusFacts:
    who = lokus.confirmed_by.get_full_name() if lokus.confirmed_by else ""
    return rules.LokusFacts(
        desa=tuple(lokus.desa_codes()),
        n_eligible=lokus.n_eligible,
        n_desa=lokus.n_desa,
        method_text=selectors.LokusSettings.of(lokus).method_text(),
        confirmed_text=date_text(lokus.confirmed_at) + (f" oleh {who}" if who else ""),
    )


def _review_facts(r: Review, question_text: dict[str, str]) -> rules.ReviewFacts:
    return rules.ReviewFacts(
        pk=r.pk,
        kind=r.kind,
        title=r.judul,
        date_text=formats.date_format(r.tanggal, "DATE_FORMAT") if r.tanggal else "",
        answers={k: (v.get("status", ""), v.get("catatan", "")) for k, v in (r.answers or {}).items()},
        question_text=question_text,
        tingkat=r.tingkat,
        owner=r.penanggung_jawab,
        frekuensi=r.frekuensi,
        frekuensi_label=str(Frequency(r.frekuensi).label) if r.frekuensi else "",
        rencana_kerja=r.rencana_kerja,
        biaya=r.biaya_operasional,
        efektivitas=r.efektivitas,
        efektivitas_label=str(Effectiveness(r.efektivitas).label) if r.efektivitas else "",
        proposal=r.usulan,
    )


def evidence_for(*, kabkota: str, tahun: int) -> tuple[rules.Evidence, Analysis] | None:
    """The facts the recommendation rules work from: the current analysis and its confirmed
    decision, the confirmed lokus list, coverage, programmes and the reviews of the year."""
    lokus = selectors.lokus_confirmed(kabkota, tahun)
    analysis = (
        lokus.analysis
        if lokus
        else Analysis.objects.filter(kabkota_id=kabkota, tahun=tahun).order_by("-created_at", "-id").first()
    )
    if analysis is None:
        return None
    result = selectors.hotspot_result(analysis)
    desa = selectors.kabkota_desa(kabkota)
    cov = selectors.coverage(analysis=analysis)
    question_text = {q.key: str(q.text) for qs in FGD_QUESTIONS.values() for q in qs}
    reviews = Review.objects.filter(kabkota_id=kabkota, tahun=tahun).order_by("kind", "id")
    return rules.Evidence(
        tahun=tahun,
        hotspot=_hotspot_facts(analysis, result),
        lokus=_lokus_facts(lokus) if lokus is not None else None,
        coverage=cov.facts(),
        programmes=selectors.programmes(analysis=analysis, indicators=cov.indicators),
        desa=tuple(d.kode for d in desa),
        desa_names={d.kode: d.nama for d in desa},
        hotspot_desa=frozenset(selectors.hotspot_desa(analysis, result)),
        reviews=tuple(_review_facts(r, question_text) for r in reviews),
    ), analysis


def _link(draft: rules.Draft, analysis: Analysis) -> str:
    if draft.target == "review" and draft.review_id:
        return reverse("ansit:review-detail", kwargs={"pk": draft.review_id})
    name = {
        "analysis": "ansit:analysis-detail",
        "coverage": "ansit:coverage",
        "programs": "ansit:coverage",
        "lokus": "ansit:lokus",
    }[draft.target]
    url = reverse(name, kwargs={"pk": analysis.pk})
    return url + (f"#{draft.anchor}" if draft.anchor else "")


def recommendations_generate(*, scope: Scope, kabkota: Region, tahun: int, by) -> dict[str, int]:
    """Draft the recommendations the evidence supports. A draft nobody touched is updated or, when
    its finding is gone, removed; an edited, confirmed or rejected recommendation is kept as is."""
    require(scope, Permission.ANSIT_EDIT, kabkota.kode)
    locks.require_open(kabkota.kode, tahun, 1)
    found = evidence_for(kabkota=kabkota.kode, tahun=tahun)
    if found is None:
        raise ValidationError(_("Buat analisis sebaran stunting tahun ini dulu."))
    evidence, analysis = found
    drafts = rules.recommendation_drafts(evidence)
    counts = {"added": 0, "updated": 0, "kept": 0, "removed": 0}
    with transaction.atomic():
        existing = {
            r.source_key: r
            for r in Recommendation.objects.select_for_update().filter(
                kabkota=kabkota, tahun=tahun, auto=True
            )
        }
        seen = set()
        for position, d in enumerate(drafts):
            seen.add(d.key)
            link = _link(d, analysis)
            rec = existing.get(d.key)
            if rec is None:
                Recommendation.objects.create(
                    kabkota=kabkota,
                    tahun=tahun,
                    kind=d.kind,
                    text=d.text,
                    evidence=d.evidence,
                    link=link,
                    source_key=d.key,
                    auto=True,
                    urutan=position,
                    created_by=by,
                    updated_by=by,
                )
                counts["added"] += 1
            elif rec.edited or rec.status != RecommendationStatus.DRAF:
                counts["kept"] += 1
            elif (rec.text, rec.evidence, rec.link, rec.urutan) != (d.text, d.evidence, link, position):
                Recommendation.objects.filter(pk=rec.pk).update(
                    text=d.text,
                    evidence=d.evidence,
                    link=link,
                    urutan=position,
                    updated_by=by,
                    version=rec.version + 1,
                )
                counts["updated"] += 1
        stale = [r.pk for k, r in existing.items() if k not in seen and not r.edited and r.status == "draf"]
        Recommendation.objects.filter(pk__in=stale).delete()
        counts["removed"] = len(stale)
        audit(
            by=by,
            action="ansit.recommendations.generate",
            region_kode=kabkota.kode,
            data={"tahun": tahun, "analysis": analysis.pk, **counts},
        )
    return counts


def recommendation_update(
    *, scope: Scope, rec: Recommendation, text: str, status: str, expected_version: int, by
) -> Recommendation:
    """Edit the text and/or confirm, reject or return a recommendation to draft."""
    require(scope, Permission.ANSIT_EDIT, rec.kabkota_id)
    locks.require_open(rec.kabkota_id, rec.tahun, 1)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Teks rekomendasi tidak boleh kosong.")})
    if status not in RecommendationStatus.values:
        raise ValidationError({"status": _("Status tidak sah.")})
    changes = {"text": text[:4000], "status": status, "updated_by": by, "updated_at": timezone.now()}
    if text != rec.text:
        changes["edited"] = True
    if status == RecommendationStatus.DIKONFIRMASI and rec.status != status:
        changes |= {"confirmed_by": by, "confirmed_at": timezone.now()}
    before = {"text": rec.text, "status": rec.status}
    with transaction.atomic():
        compare_and_set(rec, expected_version, **changes)
        audit(
            by=by,
            action="ansit.recommendation.update",
            target=rec,
            region_kode=rec.kabkota_id,
            data={"before": before, "after": {"text": rec.text, "status": rec.status}},
        )
    return rec


def recommendation_add(
    *, scope: Scope, kabkota: Region, tahun: int, kind: str, text: str, evidence: str = "", by
) -> Recommendation:
    require(scope, Permission.ANSIT_EDIT, kabkota.kode)
    locks.require_open(kabkota.kode, tahun, 1)
    text = (text or "").strip()
    if kind not in RecommendationKind.values:
        raise ValidationError({"kind": _("Pilih jenis rekomendasi.")})
    if not text:
        raise ValidationError({"text": _("Teks rekomendasi tidak boleh kosong.")})
    with transaction.atomic():
        rec = Recommendation.objects.create(
            kabkota=kabkota,
            tahun=tahun,
            kind=kind,
            text=text[:4000],
            evidence=(evidence or "").strip()[:4000],
            urutan=1000,
            created_by=by,
            updated_by=by,
        )
        audit(
            by=by,
            action="ansit.recommendation.add",
            target=rec,
            region_kode=kabkota.kode,
            data={"kind": kind},
        )
    return rec
