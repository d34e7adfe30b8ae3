"""The built-in sections of the annual review (orders 10–50), each from the stored figures of the other
apps, read through their selectors and models (no scope: a review is the district's own document; the
pages that show it check ``REVIEW_READ`` on the district). The rules are in ``konvergensi_core.review``.

The rule of each section is in docs/reviews.md.
"""

from __future__ import annotations

from collections import defaultdict

from konvergensi.wilayah.models import Region
from konvergensi_core import review as rules
from konvergensi_core.numbers import id_count, id_number, id_percent
from konvergensi_core.plan import format_rupiah, normalize_code

from .sections import SectionFigures, SectionSource, Table, register

PREVALENCE = (
    ("stunted", "stunting"),
    ("wasted", "wasting (gizi kurang)"),
    ("underweight", "berat badan kurang (underweight)"),
    ("overweight", "gizi lebih (overweight)"),
)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{id_number(value, 1)} %"


def _round1(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- 10 plan and realisation ------------------------------------------------------------------------


def _plan_of_year(kabkota: str, tahun: int):
    from konvergensi.plans.models import Plan

    return Plan.objects.filter(kabkota_id=kabkota, tahun=tahun).order_by("-number").first()


def _budget_lines(kabkota: str, tahun: int) -> list:
    """The year's budget lines: the APBD perubahan when it is in, else the murni."""
    from konvergensi.budget.models import BudgetLine, Stage

    qs = BudgetLine.objects.filter(kabkota_id=kabkota, tahun=tahun).select_related("opd")
    perubahan = list(qs.filter(stage=Stage.PERUBAHAN))
    return perubahan or list(qs.filter(stage=Stage.MURNI))


def _realised(line) -> int:
    return sum(v or 0 for v in line.realisasi)


def plan_section(kabkota: str, tahun: int) -> SectionFigures:
    from konvergensi.plans import selectors as plan_selectors
    from konvergensi.plans.models import Group

    plan = _plan_of_year(kabkota, tahun)
    if plan is None:
        return SectionFigures(sentence=rules.sentence_plan(tahun=tahun, n_rows=0, n_budgeted=0, pagu=0,
                                                           realisasi=0), available=False)  # fmt: skip
    rows = plan_selectors.rows_of(plan)
    lines = _budget_lines(kabkota, tahun)
    by_code: dict[str, list] = defaultdict(list)
    for line in lines:
        by_code[normalize_code(line.code)].append(line)
    groups: dict[str, dict] = {}
    opds: dict[str, dict] = {}
    without: list[str] = []
    matched: dict[int, object] = {}
    n_budgeted = 0
    for row in rows:
        found = by_code.get(normalize_code(row.code), []) if row.code else []
        if found:
            n_budgeted += 1
        else:
            without.append(row.activity)
        for key, table in (
            (Group(row.group).label, groups),
            (row.opd.singkatan or row.opd.nama if row.opd else "–", opds),
        ):
            t = table.setdefault(str(key), {"n": 0, "budgeted": 0, "pagu": 0, "realisasi": 0, "seen": set()})
            t["n"] += 1
            t["budgeted"] += 1 if found else 0
            for line in found:
                if line.pk not in t["seen"]:  # a line counts once even when two rows share its code
                    t["seen"].add(line.pk)
                    t["pagu"] += line.pagu
                    t["realisasi"] += _realised(line)
        for line in found:
            matched[line.pk] = line
    pagu = sum(line.pagu for line in matched.values())  # type: ignore[attr-defined]
    realisasi = sum(_realised(line) for line in matched.values())
    share = rules.percent(realisasi, pagu)
    table_rows = []
    for label, table in (("Kelompok", groups), ("OPD", opds)):
        for name, t in table.items():
            table_rows.append((f"{label}: {name}", id_count(t["n"]), id_count(t["budgeted"]), format_rupiah(t["pagu"]),
                               format_rupiah(t["realisasi"]), _pct(rules.percent(t["realisasi"], t["pagu"]))))  # fmt: skip
    table_rows.append(("Jumlah", id_count(len(rows)), id_count(n_budgeted), format_rupiah(pagu),
                       format_rupiah(realisasi), _pct(share)))  # fmt: skip
    recs = []
    if without:
        recs.append(f"Anggarkan {id_count(len(without))} kegiatan rencana yang belum mempunyai baris anggaran "
                    f"(antara lain: {'; '.join(a.rstrip('.') for a in without[:3])}) dalam RKPD {tahun + 1}.")  # fmt: skip
    low = [n for n, t in opds.items() if t["pagu"] and (rules.percent(t["realisasi"], t["pagu"]) or 0) < 80]
    if low:
        recs.append(
            f"Percepat realisasi anggaran OPD dengan penyerapan di bawah 80 %: {', '.join(sorted(low))}."
        )
    return SectionFigures(
        sentence=rules.sentence_plan(
            tahun=tahun, n_rows=len(rows), n_budgeted=n_budgeted, pagu=pagu, realisasi=realisasi
        ),  # fmt: skip
        table=Table(
            ("Kelompok/OPD", "Kegiatan", "Dengan baris anggaran", "Pagu", "Realisasi", "Realisasi %"),
            tuple(table_rows),
        ),  # fmt: skip
        numbers={
            "plan_version": plan.number,
            "kegiatan": len(rows),
            "dengan_anggaran": n_budgeted,
            "tanpa_anggaran": len(without),
            "anggaran_rencana": sum(r.budget or 0 for r in rows),
            "pagu": pagu,
            "realisasi": realisasi,
            "realisasi_persen": _round1(share),
        },  # fmt: skip
        recommendations=tuple(recs),
    )


# --- 20 coverage -------------------------------------------------------------------------------------


def _main_indicators() -> dict[int, object]:
    from konvergensi.indicators.models import Indicator

    return {
        i.pk: i for i in Indicator.objects.order_by("urutan", "kode") if i.is_main and not i.is_count
    }  # fmt: skip


def coverage_values(kabkota: str, tahun: int) -> tuple[dict, str | None, str | None]:
    """Per main indicator and desa: {(indicator_id, desa): {periode: (num, den)}} of the year's first and
    last period, and those two periods."""
    from konvergensi.indicators.models import DataValue

    main = _main_indicators()
    qs = DataValue.objects.filter(
        kabkota_id=kabkota,
        periode__startswith=str(tahun),
        indicator_id__in=list(main),
        denominator__isnull=False,
    )
    periods = set(qs.values_list("periode", flat=True).distinct())
    first, last = rules.year_periods(periods, tahun)
    values: dict[tuple[int, str], dict[str, tuple[int, int]]] = defaultdict(dict)
    if first is not None:
        for ind, desa, periode, num, den in qs.filter(periode__in={first, last}).values_list(
            "indicator_id", "desa_id", "periode", "numerator", "denominator"
        ):
            values[(ind, desa)][periode] = (num, den)
    return values, first, last


def coverage_section(kabkota: str, tahun: int) -> SectionFigures:
    values, first, last = coverage_values(kabkota, tahun)
    main = _main_indicators()
    if first is None or first == last:
        return SectionFigures(sentence=rules.sentence_coverage(tahun=tahun, naik=0, turun=0, tetap=0, first=first,
                                                               last=last), available=False)  # fmt: skip
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for (ind, _desa), by_period in values.items():
        if first in by_period and last in by_period:  # the desa reported in both periods
            s = sums[ind]
            s[0] += by_period[first][0]
            s[1] += by_period[first][1]
            s[2] += by_period[last][0]
            s[3] += by_period[last][1]
    counts = {rules.NAIK: 0, rules.TURUN: 0, rules.TETAP: 0}
    rows, fell = [], []
    for ind_id, ind in main.items():
        if ind_id not in sums:
            continue
        s = sums[ind_id]
        change = rules.coverage_change((s[0], s[1]), (s[2], s[3]))
        if change.direction is None:
            continue
        counts[change.direction] += 1
        if change.direction == rules.TURUN:
            fell.append(ind.nama)  # type: ignore[attr-defined]
        rows.append((f"{ind.kode} {ind.nama}", _pct(change.first), _pct(change.last), rules.pp(change.delta),  # type: ignore[attr-defined]
                     change.direction))  # fmt: skip
    recs = []
    if fell:
        recs.append(f"Perkuat layanan dan pendataan indikator yang cakupannya turun ({'; '.join(fell[:4])}) "
                    f"dalam RKPD {tahun + 1}.")  # fmt: skip
    return SectionFigures(
        sentence=rules.sentence_coverage(
            tahun=tahun,
            naik=counts[rules.NAIK],
            turun=counts[rules.TURUN],
            tetap=counts[rules.TETAP],
            first=first,
            last=last,
        ),  # fmt: skip
        table=Table(("Indikator", f"Cakupan {first}", f"Cakupan {last}", "Perubahan", "Arah"), tuple(rows)),
        numbers={
            "periode_awal": first,
            "periode_akhir": last,
            "naik": counts[rules.NAIK],
            "turun": counts[rules.TURUN],
            "tetap": counts[rules.TETAP],
        },  # fmt: skip
        recommendations=tuple(recs),
        available=bool(rows),
    )


# --- 30 prevalence -----------------------------------------------------------------------------------


def rounds_of(kabkota: str, tahun: int) -> list:
    """The district's two latest measurement rounds that started in ``tahun`` or before, oldest first."""
    from konvergensi.measurements.models import MeasurementRound

    rounds = list(
        MeasurementRound.objects.filter(kabkota_id=kabkota, tanggal_mulai__year__lte=tahun).order_by(
            "-tanggal_mulai", "-id"
        )[:2]
    )
    return rounds[::-1]


def round_snapshot(rnd) -> dict:
    """The round's figures as the publication shows them (small cells suppressed): its current
    publication's stored snapshot, else the snapshot built now by the same rules."""
    from konvergensi.publication import selectors as pub_selectors
    from konvergensi.publication.snapshot import publication_build

    pub = pub_selectors.publication_current_for_round(rnd)
    return pub.data if pub is not None else publication_build(rnd)


def _estimate(row: dict | None, key: str) -> rules.Estimate:
    if not row:
        return rules.Estimate(None, shown=False)
    return rules.Estimate(
        row.get(f"{key}_prevalence"), row.get(f"{key}_ci_low"), row.get(f"{key}_ci_high"),
        shown=not row.get("hidden") and row.get(f"{key}_prevalence") is not None,
    )  # fmt: skip


def _estimate_text(e: rules.Estimate) -> str:
    if not e.usable:
        return "–"
    text = id_percent(e.prevalence)
    if e.ci_low is not None and e.ci_high is not None:
        text += f" ({id_number(100 * e.ci_low, 1)}–{id_number(100 * e.ci_high, 1)})"
    return text


def prevalence_section(kabkota: str, tahun: int) -> SectionFigures:
    rounds = rounds_of(kabkota, tahun)
    if len(rounds) < 2:
        return SectionFigures(
            sentence=f"Belum ada dua putaran pengukuran sampai tahun {tahun} untuk membandingkan prevalensi.",
            available=False,
        )
    before, after = (round_snapshot(r)["district"] for r in rounds)
    rows, numbers, recs = [], {"putaran_awal": rounds[0].nama, "putaran_akhir": rounds[1].nama}, []
    sentence = ""
    for key, name in PREVALENCE:
        a, b = _estimate(before, key), _estimate(after, key)
        change = rules.prevalence_change(a, b)
        numbers[f"{key}_awal"] = _round1(100 * a.prevalence) if a.usable else None  # type: ignore[operator]
        numbers[f"{key}_akhir"] = _round1(100 * b.prevalence) if b.usable else None  # type: ignore[operator]
        numbers[f"{key}_bermakna"] = change.significant
        sig = {True: "bermakna", False: "tidak bermakna", None: "–"}[change.significant]
        rows.append((name.capitalize(), _estimate_text(a), _estimate_text(b), rules.pp(change.delta), sig))
        if key == "stunted":
            sentence = rules.sentence_prevalence(
                name=name, before=rounds[0].nama, after=rounds[1].nama, change=change
            )
            if change.direction in (rules.NAIK, rules.TETAP) or change.significant is False:
                recs.append(f"Tingkatkan intervensi spesifik dan sensitif di desa dengan prevalensi stunting tertinggi "
                            f"dalam RKPD {tahun + 1}; penurunan belum bermakna.")  # fmt: skip
        elif change.direction == rules.NAIK and change.significant:
            recs.append(f"Telusuri kenaikan prevalensi {name} yang bermakna dan anggarkan penanganannya.")
    return SectionFigures(
        sentence=sentence,
        table=Table(
            ("Prevalensi (95 % CI)", rounds[0].nama, rounds[1].nama, "Perubahan", "Kemaknaan"), tuple(rows)
        ),
        numbers=numbers,
        recommendations=tuple(recs),
    )


# --- 40 lokus ----------------------------------------------------------------------------------------


def lokus_section(kabkota: str, tahun: int) -> SectionFigures:
    from konvergensi.ansit.selectors import lokus_confirmed

    lokus = lokus_confirmed(kabkota, tahun)
    if lokus is None:
        return SectionFigures(sentence=rules.sentence_lokus(tahun=tahun, membaik=0, tidak=0, tidak_diketahui=0),
                              available=False)  # fmt: skip
    desa = lokus.desa_codes()
    names = dict(Region.objects.filter(kode__in=desa).values_list("kode", "nama"))
    values, first, last = coverage_values(kabkota, tahun)
    cov_delta: dict[str, list[float]] = defaultdict(list)
    if first is not None and first != last:
        for (_ind, d), by_period in values.items():
            if first in by_period and last in by_period:
                change = rules.coverage_change(by_period[first], by_period[last])
                if change.delta is not None:
                    cov_delta[d].append(change.delta)
    rounds = rounds_of(kabkota, tahun)
    prev: dict[str, rules.PrevalenceChange] = {}
    if len(rounds) == 2:
        before, after = ({r["kode"]: r for r in round_snapshot(x)["desa"]} for x in rounds)
        for d in desa:
            prev[d] = rules.prevalence_change(
                _estimate(before.get(d), "stunted"), _estimate(after.get(d), "stunted")
            )
    verdicts = {rules.MEMBAIK: 0, rules.TIDAK_MEMBAIK: 0, rules.TIDAK_DIKETAHUI: 0}
    rows, not_improved = [], []
    label = {
        rules.MEMBAIK: "membaik",
        rules.TIDAK_MEMBAIK: "belum membaik",
        rules.TIDAK_DIKETAHUI: "belum dapat dinilai",
    }
    for d in desa:
        cov = sum(cov_delta[d]) / len(cov_delta[d]) if cov_delta.get(d) else None
        p = prev.get(d)
        verdict = rules.lokus_verdict(cov, p.delta if p else None)
        verdicts[verdict] += 1
        if verdict == rules.TIDAK_MEMBAIK:
            not_improved.append(names.get(d, d))
        rows.append((names.get(d, d), rules.pp(cov), rules.pp(p.delta if p else None), label[verdict]))
    recs = []
    if not_improved:
        recs.append(f"Prioritaskan desa lokus yang belum membaik ({', '.join(not_improved[:5])}) dalam RKPD "
                    f"{tahun + 1}.")  # fmt: skip
    return SectionFigures(
        sentence=rules.sentence_lokus(
            tahun=tahun,
            membaik=verdicts[rules.MEMBAIK],
            tidak=verdicts[rules.TIDAK_MEMBAIK],
            tidak_diketahui=verdicts[rules.TIDAK_DIKETAHUI],
        ),  # fmt: skip
        table=Table(
            ("Desa lokus", "Perubahan rata-rata cakupan", "Perubahan prevalensi stunting", "Penilaian"),
            tuple(rows),
        ),  # fmt: skip
        numbers={
            "lokus": len(desa),
            "membaik": verdicts[rules.MEMBAIK],
            "belum_membaik": verdicts[rules.TIDAK_MEMBAIK],
            "belum_dinilai": verdicts[rules.TIDAK_DIKETAHUI],
        },  # fmt: skip
        recommendations=tuple(recs),
    )


# --- 50 rembuk commitments ---------------------------------------------------------------------------


def rembuk_section(kabkota: str, tahun: int) -> SectionFigures:
    from konvergensi.plans import selectors as plan_selectors
    from konvergensi.rembuk import selectors as rembuk_selectors

    rembuk = rembuk_selectors.district(kabkota, tahun)
    held = bool(rembuk and rembuk.held)
    agreed = rembuk_selectors.plan_of(rembuk) if held else None
    if not held or agreed is None:
        return SectionFigures(sentence=rules.sentence_rembuk(tahun=tahun, held=held, total=0, kept=0, partly=0),
                              available=False)  # fmt: skip
    changes = rembuk_selectors.changes_of(rembuk)
    current = _plan_of_year(kabkota, tahun)
    current_rows = {r.key: r for r in plan_selectors.rows_of(current)} if current else {}
    by_code: dict[str, list] = defaultdict(list)
    for line in _budget_lines(kabkota, tahun):
        by_code[normalize_code(line.code)].append(line)
    kept = partly = 0
    rows, open_items = [], []
    for row in plan_selectors.rows_of(agreed):
        now = current_rows.get(row.key)
        lines = by_code.get(normalize_code(now.code), []) if now is not None and now.code else []
        realised = sum(_realised(x) for x in lines)
        if now is None:
            status = "tidak ada lagi di rencana"
        elif lines and realised > 0:
            status, kept = "dianggarkan dan direalisasikan", kept + 1
        elif lines:
            status, partly = "dianggarkan, belum terealisasi", partly + 1
        else:
            status = "belum dianggarkan"
        if status != "dianggarkan dan direalisasikan":
            open_items.append(row.activity)
        rows.append((row.activity, changes[row.pk].text if row.pk in changes else "–", status))
    total = len(rows)
    recs = []
    if open_items:
        recs.append(f"Masukkan {id_count(len(open_items))} kegiatan kesepakatan rembuk yang belum terealisasi ke RKPD "
                    f"{tahun + 1}.")  # fmt: skip
    return SectionFigures(
        sentence=rules.sentence_rembuk(tahun=tahun, held=True, total=total, kept=kept, partly=partly),
        table=Table(("Kegiatan yang disepakati", "Perubahan disepakati", "Status"), tuple(rows)),
        numbers={
            "kegiatan_disepakati": total,
            "ditepati": kept,
            "dianggarkan_belum_realisasi": partly,
            "perubahan_disepakati": len(changes),
            "persen_ditepati": _round1(rules.percent(kept, total)),
        },  # fmt: skip
        recommendations=tuple(recs),
    )


BUILTIN = (
    SectionSource("rencana", "Rencana dan realisasi", 10, plan_section),
    SectionSource("cakupan", "Cakupan layanan", 20, coverage_section),
    SectionSource("prevalensi", "Prevalensi", 30, prevalence_section),
    SectionSource("lokus", "Lokus", 40, lokus_section),
    SectionSource("rembuk", "Komitmen rembuk", 50, rembuk_section),
)


def register_all() -> None:
    for source in BUILTIN:
        register(source)
