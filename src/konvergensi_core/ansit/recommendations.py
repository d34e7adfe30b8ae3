"""Programme gaps and recommendation drafts of Aksi 1: pure functions (no Django, no database).

This module combines the results of the rest of ``konvergensi_core.ansit`` (hotspots, categories,
lokus and the matrix). Every number the web app shows about programmes and every generated
recommendation comes from here, with the finding that produced it written next to it.

Programme availability (seed 000, "Identifikasi Kesenjangan Program untuk Integrasi Layanan"):

* a programme is **missing in most desa** when fewer than half of the district's desa have it
  (desa without a mapping count as not having it: nobody reported it there);
* it is **missing in hotspot desa** when at least one hotspot desa (desa of the units significantly
  above the mean) is reported without it or not reported;
* desa are ranked by **programme completeness**: programmes present among the main indicators
  mapped in the district, fewest first (ties: hotspot desa first, then code).

Recommendation drafts (the guideline's five kinds a–e, then outputs 2 and 3), each with the
evidence that produced it:

* ``lokus``: the confirmed lokus list; the units for a separate (khusus) analysis or for special
  attention, from the confirmed decision;
* ``program``: every main indicator with low coverage in **more than half** of the lokus desa that
  have data for it (all desa when no lokus list is confirmed);
* ``sumber_daya``: of those, the ones whose programme **is present** in at least half of the lokus
  desa with low coverage: the programme exists, so services lack resources (facilities, staff,
  logistics), as in the guideline's "kecukupan sumber daya";
* ``realokasi``: programmes **absent** in lokus desa whose coverage is low (or unknown) while
  present in desa that are not lokus and already have Memadai coverage: move the location of the
  programme, with the option the guideline gives for its main funding source;
* ``tahun_depan``: programmes missing in most desa, or in at least half of the hotspot desa:
  prioritise them in next year's plan and budget;
* ``layanan``: every FGD key question answered "tidak" or "sebagian", as the guideline's service
  management recommendation it points to; the team's own proposals;
* ``koordinasi``: every reviewed forum that meets irregularly, has no work plan or budget, or is
  rated less than effective (strengthen it), or that is rated effective (use it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from konvergensi_core.numbers import id_number

SOURCE_LABEL = {
    "apbn": "APBN",
    "apbd_prov": "APBD Provinsi",
    "apbd_kab": "APBD Kab/Kota",
    "dak": "DAK",
    "dana_desa": "Dana Desa",
    "lainnya": "sumber lain",
}
# The guideline's options to improve allocation ("Opsi tindakan ..."), by funding source.
REALLOCATION_OPTION = {
    "apbn": "Bappeda menata kembali lokasi program yang dibiayai APBN bersama K/L terkait",
    "apbd_prov": "Bappeda menata kembali lokasi program yang dibiayai APBD Provinsi bersama OPD provinsi",
    "apbd_kab": "Bappeda dan OPD merealokasi anggaran dan lokasi kegiatan APBD Kab/Kota",
    "dak": "OPD menata lokasi kegiatan DAK pada usulan DAK berikutnya",
    "dana_desa": "koordinasi dengan Camat dan Kepala Desa agar penggunaan Dana Desa disesuaikan",
    "lainnya": "OPD penanggung jawab menata kembali lokasi kegiatan",
}
ADDITION_OPTION = {
    "apbn": "usulkan kabupaten/kota atau desa lokus sebagai lokasi program APBN",
    "apbd_prov": "usulkan desa lokus sebagai lokasi program APBD Provinsi",
    "apbd_kab": "prioritaskan alokasinya pada perencanaan dan penganggaran APBD tahun berikutnya",
    "dak": "usulkan pendanaannya melalui proposal DAK sesuai bidangnya",
    "dana_desa": "koordinasi dengan Camat dan Kepala Desa agar Dana Desa dapat mengisi kesenjangan",
    "lainnya": "prioritaskan alokasinya pada perencanaan tahun berikutnya",
}


def names_text(names: Iterable[str], limit: int = 8) -> str:
    items = list(names)
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" dan {len(items) - limit} lainnya"


num_text = id_number  # a number the Indonesian way: 1.181,0 (thousands dot, decimal comma); "–" when missing


def pct_text(value: float | None) -> str:
    return "–" if value is None else num_text(value) + " %"


# --- programmes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Availability:
    """One main indicator's programme in the district: the desa reported with it, without it,
    and how often each funding source was named."""

    code: str
    name: str
    present: frozenset[str]
    absent: frozenset[str]
    sources: Mapping[str, int] = field(default_factory=dict)

    @property
    def main_source(self) -> str | None:
        if not self.sources:
            return None
        return max(sorted(self.sources), key=lambda s: self.sources[s])


@dataclass(frozen=True)
class ProgrammeGap:
    code: str
    name: str
    present: int
    absent: int
    unknown: int
    total: int
    missing_in_most: bool
    hotspot_without: tuple[str, ...]  # hotspot desa without the programme (absent or not reported)
    hotspot_total: int
    sources: Mapping[str, int]

    @property
    def share_present(self) -> float:
        return 100.0 * self.present / self.total if self.total else 0.0

    def top_sources(self, n: int = 3) -> list[tuple[str, int]]:
        """The funding sources named most often, as (label, desa)."""
        ranked = sorted(self.sources.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        return [(SOURCE_LABEL.get(k, k), v) for k, v in ranked]


def programme_gaps(
    programmes: Iterable[Availability], *, desa: Iterable[str], hotspot: Iterable[str]
) -> list[ProgrammeGap]:
    """The gap of each programme (module docstring), in the order given."""
    all_desa = list(desa)
    total = len(all_desa)
    hot = [d for d in all_desa if d in set(hotspot)]
    out = []
    for p in programmes:
        present = len(p.present)
        absent = len(p.absent)
        out.append(
            ProgrammeGap(
                code=p.code,
                name=p.name,
                present=present,
                absent=absent,
                unknown=max(0, total - present - absent),
                total=total,
                missing_in_most=total > 0 and 2 * present < total,
                hotspot_without=tuple(d for d in hot if d not in p.present),
                hotspot_total=len(hot),
                sources=dict(p.sources),
            )
        )
    return out


@dataclass(frozen=True)
class DesaCompleteness:
    desa: str
    present: int
    mapped: int  # main indicators whose programme is mapped in the district
    hotspot: bool

    @property
    def share(self) -> float:
        return 100.0 * self.present / self.mapped if self.mapped else 0.0


def completeness_ranking(
    programmes: Iterable[Availability], *, desa: Iterable[str], hotspot: Iterable[str]
) -> list[DesaCompleteness]:
    """Desa by programme completeness, least complete first (module docstring)."""
    mapped = [p for p in programmes if p.present or p.absent]
    hot = set(hotspot)
    rows = [DesaCompleteness(d, sum(d in p.present for p in mapped), len(mapped), d in hot) for d in desa]
    return sorted(rows, key=lambda r: (r.present, not r.hotspot, r.desa))


# --- coverage ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorCoverage:
    """One main indicator: coverage (percent) of each desa that has data, and the desa whose
    coverage is low (Rendah or Sangat Rendah) or Memadai by the indicator's bands."""

    code: str
    name: str
    values: Mapping[str, float]
    low: frozenset[str]
    adequate: frozenset[str]


# --- recommendation drafts --------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    kind: str
    key: str  # stable: regenerating the drafts updates the same recommendation
    text: str
    evidence: str
    target: str  # analysis | coverage | lokus | programs | review
    anchor: str = ""
    review_id: int | None = None


@dataclass(frozen=True)
class HotspotFacts:
    level_label: str
    decision: str  # khusus | perhatian_khusus | umum
    separate: tuple[str, ...]  # unit names
    special: tuple[str, ...]
    mean_prevalence: float | None
    prevalence_threshold: float | None
    mean_cases: float | None
    cases_threshold: float | None
    margin: float


@dataclass(frozen=True)
class LokusFacts:
    desa: tuple[str, ...]  # codes, in rank order
    n_eligible: int
    n_desa: int
    method_text: str
    confirmed_text: str


@dataclass(frozen=True)
class ReviewFacts:
    pk: int
    kind: str
    title: str
    date_text: str
    answers: Mapping[str, tuple[str, str]]  # question key -> (status, note)
    question_text: Mapping[str, str]
    tingkat: str = ""
    owner: str = ""
    frekuensi: str = ""
    frekuensi_label: str = ""
    rencana_kerja: str = ""
    biaya: str = ""
    efektivitas: str = ""
    efektivitas_label: str = ""
    proposal: str = ""


@dataclass(frozen=True)
class Evidence:
    tahun: int
    hotspot: HotspotFacts | None
    lokus: LokusFacts | None
    coverage: tuple[IndicatorCoverage, ...]
    programmes: tuple[Availability, ...]
    desa: tuple[str, ...]  # every desa of the district
    desa_names: Mapping[str, str]
    hotspot_desa: frozenset[str]
    reviews: tuple[ReviewFacts, ...] = ()


# Service-management recommendations of the guideline ("Rekomendasi Kebutuhan Perbaikan Layanan"),
# per FGD key question.
SERVICE_RECOMMENDATION = {
    "opd_a": "Sediakan mekanisme penyediaan, pemutakhiran dan pemanfaatan data rumah tangga 1.000 HPK "
    "bagi {title} untuk perencanaan, pelaksanaan, pemantauan dan evaluasi layanan.",
    "opd_b": "Sesuaikan instrumen dan proses perencanaan, pemantauan dan evaluasi, atau SOP penyampaian "
    "layanan {title}, agar rumah tangga 1.000 HPK menjadi target penerima manfaat.",
    "opd_c": "Perkuat pelaksanaan sistem layanan {title} agar menyasar rumah tangga 1.000 HPK: perbaikan "
    "instrumen dan format pelaporan, pengawasan, biaya operasional atau insentif kinerja.",
    "pen_1": "Tingkatkan pemahaman penyedia layanan {title} tentang intervensi gizi prioritas "
    "(orientasi, bimbingan teknis).",
    "pen_2": "Pastikan penyedia layanan {title} mengetahui sasaran utama intervensi gizi prioritas "
    "(rumah tangga 1.000 HPK).",
    "pen_3": "Hubungkan penyedia layanan {title} dengan sumber data rumah tangga 1.000 HPK (puskesmas, KPM).",
    "pen_4": "Sediakan cara akses informasi rumah tangga 1.000 HPK bagi penyedia layanan {title}.",
    "pen_5": "Perkuat supervisi dan mekanisme insentif agar penyedia layanan {title} memanfaatkan data "
    "rumah tangga 1.000 HPK dalam perencanaan dan pelaksanaan.",
}
STATUS_TEXT = {"tidak": "tidak", "sebagian": "sebagian"}
COORDINATION_TYPE = {
    "koordinasi_opd": "koordinasi antar-OPD dalam perencanaan, pelaksanaan dan pemantauan program "
    "prioritas di desa lokus",
    "koordinasi_penyedia": "koordinasi teknis penyedia layanan dan pelaksana perubahan perilaku rumah "
    "tangga 1.000 HPK",
    "koordinasi_desa": "koordinasi kabupaten/kota, kecamatan dan desa, termasuk pembiayaan di lokasi "
    "prioritas dan pemantauan dengan data KPM",
}


def _lokus_set(ev: Evidence) -> tuple[list[str], str]:
    if ev.lokus and ev.lokus.desa:
        return list(ev.lokus.desa), "desa lokus"
    return list(ev.desa), "desa"


def _lokus_drafts(ev: Evidence) -> list[Draft]:
    out = []
    if ev.lokus and ev.lokus.desa:
        names = [ev.desa_names.get(d, d) for d in ev.lokus.desa]
        out.append(
            Draft(
                "lokus",
                "lokus:list",
                f"Tetapkan {len(names)} desa lokasi fokus penanganan stunting tahun {ev.tahun}: "
                f"{names_text(names, 30)}.",
                f"Daftar lokus dikonfirmasi {ev.lokus.confirmed_text}: {ev.lokus.n_eligible} dari "
                f"{ev.lokus.n_desa} desa memenuhi kriteria; dipilih {ev.lokus.method_text}, menurut "
                "peringkat (jumlah indikator utama bercakupan rendah, prevalensi, jumlah kasus).",
                "lokus",
            )
        )
    h = ev.hotspot
    if h is None:
        return out
    threshold = (
        f"prevalensi > {pct_text(h.prevalence_threshold)} dan/atau kasus > {num_text(h.cases_threshold)} "
        f"(lebih dari {round(h.margin * 100)} % di atas rata-rata {pct_text(h.mean_prevalence)}"
        + ("" if h.mean_cases is None else f" dan {num_text(h.mean_cases)} kasus per {h.level_label.lower()}")
        + ")"
    )
    if h.decision == "khusus" and h.separate:
        out.append(
            Draft(
                "lokus",
                "lokus:khusus",
                f"Lakukan analisis situasi tersendiri (khusus) di {h.level_label.lower()} "
                f"{names_text(h.separate)}.",
                f"Prevalensi dan jumlah kasus stunting signifikan di atas rata-rata: {threshold}.",
                "analysis",
                "sebaran",
            )
        )
    if h.decision in ("khusus", "perhatian_khusus") and h.special:
        out.append(
            Draft(
                "lokus",
                "lokus:perhatian",
                f"Beri perhatian khusus dalam analisis situasi kabupaten/kota pada "
                f"{h.level_label.lower()} {names_text(h.special)}.",
                f"Prevalensi atau jumlah kasus stunting signifikan di atas rata-rata: {threshold}.",
                "analysis",
                "sebaran",
            )
        )
    return out


def _priority(ev: Evidence) -> list[tuple[IndicatorCoverage, list[str], list[str]]]:
    """Main indicators with low coverage in more than half of the lokus desa with data:
    (indicator, lokus desa with data, lokus desa with low coverage), most low first."""
    target, _word = _lokus_set(ev)
    rows = []
    for ind in ev.coverage:
        with_data = [d for d in target if d in ind.values]
        low = [d for d in with_data if d in ind.low]
        if with_data and 2 * len(low) > len(with_data):
            rows.append((ind, with_data, low))
    rows.sort(key=lambda r: (-len(r[2]) / len(r[1]), r[0].code))
    return rows


def _programme_drafts(ev: Evidence) -> list[Draft]:
    target, word = _lokus_set(ev)
    programmes = {p.code: p for p in ev.programmes}
    out = []
    for ind, with_data, low in _priority(ev):
        mean = sum(ind.values[d] for d in with_data) / len(with_data)
        out.append(
            Draft(
                "program",
                f"program:{ind.code}",
                f"Prioritaskan alokasi program/kegiatan {ind.code} {ind.name} di {word} yang cakupannya rendah.",
                f"{ind.code} rendah di {len(low)} dari {len(with_data)} {word} yang berdata"
                + (f" (dari {len(target)} {word})" if len(with_data) != len(target) else "")
                + f"; rata-rata cakupan {word} {pct_text(mean)}.",
                "coverage",
                f"ind-{ind.code}",
            )
        )
        p = programmes.get(ind.code)
        if p is None:
            continue
        with_programme = [d for d in low if d in p.present]
        if low and 2 * len(with_programme) >= len(low):
            out.append(
                Draft(
                    "sumber_daya",
                    f"sumber_daya:{ind.code}",
                    f"Tambah sumber daya penyelenggaraan layanan {ind.code} {ind.name} (sarana/prasarana, "
                    f"tenaga inti, logistik/peralatan) di {word} bercakupan rendah.",
                    f"Program {ind.code} sudah ada di {len(with_programme)} dari {len(low)} {word} yang "
                    f"cakupannya rendah: kendalanya bukan ketersediaan program, melainkan kecukupan sumber "
                    "daya layanan.",
                    "programs",
                    f"prog-{ind.code}",
                )
            )
    lokus = set(target) if ev.lokus and ev.lokus.desa else set()
    coverage = {c.code: c for c in ev.coverage}
    for p in ev.programmes:
        if not lokus:
            break
        cov = coverage.get(p.code)
        # Lokus desa without the programme whose coverage is low or unknown: where it is needed.
        without = [
            d for d in target if d not in p.present and (cov is None or d not in cov.values or d in cov.low)
        ]
        donors = [d for d in p.present if d not in lokus and cov is not None and d in cov.adequate]
        if without and donors:
            option = REALLOCATION_OPTION.get(p.main_source or "lainnya", REALLOCATION_OPTION["lainnya"])
            names = [ev.desa_names.get(d, d) for d in without]
            out.append(
                Draft(
                    "realokasi",
                    f"realokasi:{p.code}",
                    f"Realokasi lokasi program {p.code} {p.name} ke desa lokus yang belum terjangkau: "
                    f"{names_text(names)}; {option}.",
                    f"Program {p.code} tidak ada di {len(without)} dari {len(target)} desa lokus yang cakupannya "
                    "rendah atau belum terdata, sementara "
                    f"ada di {len(donors)} desa bukan lokus yang cakupannya sudah Memadai"
                    + (
                        f"; sumber dana utama {SOURCE_LABEL.get(p.main_source, p.main_source)}"
                        if p.main_source
                        else ""
                    )
                    + ".",
                    "programs",
                    f"prog-{p.code}",
                )
            )
    total = len(ev.desa)
    hot = [d for d in ev.desa if d in ev.hotspot_desa]
    for p in ev.programmes:
        missing_most = total > 0 and 2 * len(p.present) < total
        hot_without = [d for d in hot if d not in p.present]
        missing_hot = bool(hot) and 2 * len(hot_without) >= len(hot)
        if not (missing_most or missing_hot):
            continue
        option = ADDITION_OPTION.get(p.main_source or "apbd_kab", ADDITION_OPTION["apbd_kab"])
        facts = []
        if missing_most:
            facts.append(f"program {p.code} hanya ada di {len(p.present)} dari {total} desa")
        if missing_hot:
            facts.append(f"tidak ada di {len(hot_without)} dari {len(hot)} desa wilayah hotspot")
        out.append(
            Draft(
                "tahun_depan",
                f"tahun_depan:{p.code}",
                f"Prioritaskan program {p.code} {p.name} dalam perencanaan dan penganggaran tahun "
                f"{ev.tahun + 1} (RKPD, Renja OPD); {option}.",
                "; ".join(facts).capitalize() + ".",
                "programs",
                f"prog-{p.code}",
            )
        )
    return out


def _review_drafts(ev: Evidence) -> list[Draft]:
    out = []
    for r in ev.reviews:
        if r.kind.startswith("fgd"):
            for key, (status, note) in r.answers.items():
                template = SERVICE_RECOMMENDATION.get(key)
                if template is None or status not in STATUS_TEXT:
                    continue
                question = r.question_text.get(key, key)
                out.append(
                    Draft(
                        "layanan",
                        f"layanan:{r.pk}:{key}",
                        template.format(title=r.title),
                        f"FGD {r.title}{' ' + r.date_text if r.date_text else ''}: \u201c{question}\u201d "
                        f"dijawab {STATUS_TEXT[status]}" + (f" \u2014 {note}" if note else "") + ".",
                        "review",
                        review_id=r.pk,
                    )
                )
        else:
            weak = []
            if r.frekuensi in ("sewaktu", "tidak_pernah"):
                weak.append("tetapkan jadwal pertemuan berkala")
            if r.rencana_kerja and r.rencana_kerja != "ya":
                weak.append("susun rencana kerja")
            if r.biaya and r.biaya != "ya":
                weak.append("pastikan biaya operasional")
            if r.efektivitas in ("kurang", "tidak_berjalan"):
                weak.append("perjelas peran dan agenda agar efektif")
            purpose = COORDINATION_TYPE.get(r.kind, "koordinasi")
            facts = [
                f for f in (
                    f"penanggung jawab {r.owner}" if r.owner else "",
                    f"tingkat {r.tingkat}" if r.tingkat else "",
                    f"frekuensi: {r.frekuensi_label}" if r.frekuensi_label else "",
                    f"rencana kerja: {r.rencana_kerja or '–'}",
                    f"biaya operasional: {r.biaya or '–'}",
                    f"efektivitas: {r.efektivitas_label}" if r.efektivitas_label else "",
                ) if f
            ]  # fmt: skip
            evidence = (
                f"Reviu forum {r.title}{' ' + r.date_text if r.date_text else ''}: " + "; ".join(facts) + "."
            )
            if weak:
                out.append(
                    Draft(
                        "koordinasi",
                        f"koordinasi:{r.pk}",
                        f"Perkuat forum {r.title}"
                        + (f" ({r.owner})" if r.owner else "")
                        + f" untuk {purpose}: "
                        + ", ".join(weak)
                        + ".",
                        evidence,
                        "review",
                        review_id=r.pk,
                    )
                )
            elif r.efektivitas == "efektif":
                out.append(
                    Draft(
                        "koordinasi",
                        f"koordinasi:{r.pk}",
                        f"Gunakan forum {r.title} sebagai wadah utama {purpose}.",
                        evidence,
                        "review",
                        review_id=r.pk,
                    )
                )
        if r.proposal.strip():
            out.append(
                Draft(
                    "layanan" if r.kind.startswith("fgd") else "koordinasi",
                    f"usulan:{r.pk}",
                    r.proposal.strip(),
                    f"Usulan tim dalam reviu {r.title}{' ' + r.date_text if r.date_text else ''}.",
                    "review",
                    review_id=r.pk,
                )
            )
    return out


def recommendation_drafts(ev: Evidence) -> list[Draft]:
    """Every draft the evidence supports, in the guideline's order of kinds."""
    drafts = _lokus_drafts(ev) + _programme_drafts(ev) + _review_drafts(ev)
    order = ["lokus", "program", "sumber_daya", "realokasi", "tahun_depan", "layanan", "koordinasi"]
    return sorted(drafts, key=lambda d: order.index(d.kind))
