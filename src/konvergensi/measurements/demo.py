"""A generated but realistic e-PPGBM export for a district, for the demo, the tests and the benchmark.

Children are drawn from the WHO curves around a chosen stunting level (length-for-age z ~ N(μ, 1.1)
with μ set so that the expected share below −2 matches ``stunting``, varied by kecamatan), on the
district's real desa names with their kecamatan and puskesmas, measured lying before two years and
standing after (a few the other way), weights and lengths rounded as posyandu scales do — with digit
preference for .0 and .5 in some posyandu —, a few duplicates (the same child weighed twice in the
round), and a few bad rows (impossible dates, a typed-in weight of 125 kg, a missing sex, a desa
name written the old way or misspelt). Nothing here is a real child: names and NIK are invented.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl

from konvergensi_core.growth import who2006 as w

HEADERS = [
    "No", "NIK", "Nama", "JK", "Tgl Lahir", "BB Lahir", "TB Lahir", "Nama Ortu", "Prov", "Kab/Kota",
    "Kec", "Puskesmas", "Desa/Kel", "Posyandu", "RT", "RW", "Alamat", "Usia Saat Ukur",
    "Tanggal Pengukuran", "Berat", "Tinggi", "Cara Ukur", "LiLA",
]  # fmt: skip
GIVEN = ["Ahmad", "Siti", "Muhammad", "Nur", "Dewi", "Rizki", "Putri", "Aditya", "Aisyah", "Fajar", "Intan",
         "Bayu", "Citra", "Dimas", "Eka", "Fitri", "Galih", "Hana", "Ilham", "Jihan", "Kiki", "Lestari",
         "Nabila", "Rafi", "Salsa", "Tegar", "Wulan", "Yusuf", "Zahra", "Asep", "Ujang", "Neng", "Euis"]  # fmt: skip
FAMILY = ["Saputra", "Rahmawati", "Hidayat", "Nurhaliza", "Pratama", "Maulana", "Kurniasih", "Setiawan",
          "Permana", "Sari", "Gunawan", "Suryana", "Wijaya", "Ramdani", "Fauziah", "Sopian", "Iskandar"]  # fmt: skip


def _mu_for(prevalence: float) -> float:
    """Mean HAZ (SD 1.1) whose share below −2 is ``prevalence``."""
    lo, hi = -3.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        share = 0.5 * (1 + math.erf((-2 - mid) / (1.1 * math.sqrt(2))))
        lo, hi = (mid, hi) if share > prevalence else (lo, mid)
    return (lo + hi) / 2


def generate(
    desa: list[tuple[str, str, str, str]],
    *,
    n: int,
    visit_from: dt.date,
    visit_to: dt.date,
    stunting: float = 0.2,
    seed: int = 2026,
    provinsi: str = "Jawa Barat",
    kabkota: str = "Kab. Sumedang",
    errors: bool = True,
    weights: list[float] | None = None,
) -> pl.DataFrame:
    """``n`` rows as e-PPGBM exports them, for ``desa`` = [(kode, desa name, kecamatan name,
    puskesmas name)]. Columns: :data:`HEADERS`. Text as exported (dates dd-mm-yyyy, decimal comma)."""
    rng = np.random.default_rng(seed)
    if weights is not None:
        share = np.asarray(weights, dtype=float)
        d_idx = rng.choice(len(desa), size=n, p=share / share.sum())
    else:
        d_idx = rng.integers(0, len(desa), n)
    kec_names = sorted({d[2] for d in desa})
    kec_shift = {k: rng.normal(0, 0.25) for k in kec_names}
    hot = set(rng.choice(kec_names, size=max(1, len(kec_names) // 8), replace=False)) if kec_names else set()
    mu = _mu_for(stunting)
    kec_of = np.array([desa[i][2] for i in d_idx])
    shift = np.array([kec_shift[k] - (0.45 if k in hot else 0.0) for k in kec_of])
    sex = rng.integers(1, 3, n)
    age = rng.integers(0, w.MAX_DAY - 30, n)
    span = max(1, (visit_to - visit_from).days + 1)
    visit = np.array(visit_from, dtype="datetime64[D]") + rng.integers(0, span, n)
    birth = visit - age
    zl = rng.normal(mu, 1.1, n) + shift
    zw = 0.55 * zl + rng.normal(-0.35, 0.85, n)
    si = sex - 1

    def from_lms(table: np.ndarray, z: np.ndarray) -> np.ndarray:
        lam, m, s = (table[si, k, age] for k in range(3))
        return m * (1 + lam * s * z) ** (1 / lam)

    length = from_lms(w._age_table("lhfa"), zl)
    weight = from_lms(w._age_table("wfa"), zw)
    lying = age < 731
    swap = rng.random(n) < 0.04
    measured_lying = np.where(swap, ~lying, lying)
    length = np.where(
        measured_lying & ~lying, length + 0.7, np.where(~measured_lying & lying, length - 0.7, length)
    )
    # Posyandu scales: 0.1 kg and 0.1 cm; some posyandu round to whole or half units (digit preference).
    posyandu_no = rng.integers(1, 6, n)
    sloppy = (posyandu_no == 5) & (rng.random(n) < 0.7)
    weight = np.where(sloppy, np.round(weight * 2) / 2, np.round(weight, 1))
    length = np.where(sloppy, np.round(length), np.round(length, 1))
    day = birth.astype("datetime64[D]").astype(object)
    nik_day = np.array([d.day for d in day]) + np.where(sex == 2, 40, 0)
    nik = [
        f"{desa[i][0].replace('.', '')[:6]}{dd:02d}{b.month:02d}{b.year % 100:02d}{rng.integers(1, 9999):04d}"
        for i, dd, b in zip(d_idx, nik_day, day, strict=True)
    ]
    first = rng.choice(GIVEN, n)
    last = rng.choice(FAMILY, n)
    parent = rng.choice(GIVEN, n)

    def fmt(x: np.ndarray) -> list[str]:
        return [f"{v:.1f}".replace(".", ",") for v in x]

    def ddmmyyyy(x: np.ndarray) -> list[str]:
        return [d.strftime("%d-%m-%Y") for d in x.astype("datetime64[D]").astype(object)]

    months = age // 30.4375
    frame = pl.DataFrame(
        {
            "No": np.arange(1, n + 1),
            "NIK": nik,
            "Nama": [f"{a} {b}" for a, b in zip(first, last, strict=True)],
            "JK": np.where(sex == 1, "L", "P"),
            "Tgl Lahir": ddmmyyyy(birth),
            "BB Lahir": fmt(np.clip(rng.normal(3.0, 0.45, n), 1.2, 4.8)),
            "TB Lahir": fmt(np.clip(rng.normal(48.5, 2.0, n), 40, 55)),
            "Nama Ortu": [f"{a} {b}" for a, b in zip(parent, last, strict=True)],
            "Prov": provinsi,
            "Kab/Kota": kabkota,
            "Kec": kec_of,
            "Puskesmas": [desa[i][3] for i in d_idx],
            "Desa/Kel": [desa[i][1] for i in d_idx],
            "Posyandu": [f"Posyandu {desa[i][1]} {p}" for i, p in zip(d_idx, posyandu_no, strict=True)],
            "RT": [f"{v:03d}" for v in rng.integers(1, 12, n)],
            "RW": [f"{v:03d}" for v in rng.integers(1, 8, n)],
            "Alamat": [f"Dusun {v}" for v in rng.integers(1, 6, n)],
            "Usia Saat Ukur": [f"{int(m // 12)} Tahun - {int(m % 12)} Bulan" for m in months],
            "Tanggal Pengukuran": ddmmyyyy(visit),
            "Berat": fmt(weight),
            "Tinggi": fmt(length),
            "Cara Ukur": np.where(measured_lying, "Terlentang", "Berdiri"),
            "LiLA": fmt(np.clip(rng.normal(14.5, 1.2, n), 9, 20)),
        }
    )
    if errors and n >= 50:
        frame = _with_mess(frame, rng)
    return frame


def _with_mess(frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """A few duplicates and bad rows, as real exports have."""
    n = frame.height
    picks = rng.choice(n, size=max(6, n // 100), replace=False)
    dup = frame[picks[: len(picks) // 3]]  # the same children weighed again in the round
    dup = dup.with_columns(pl.col("Berat").str.replace(",", ",0"))  # a different reading
    rows = frame.to_dicts()
    bad = picks[len(picks) // 3 :]
    for k, i in enumerate(bad):
        kind = k % 5
        if kind == 0:
            rows[i]["Berat"] = "125"  # a lost decimal point
        elif kind == 1:
            rows[i]["JK"] = ""
        elif kind == 2:
            rows[i]["Tgl Lahir"], rows[i]["Tanggal Pengukuran"] = (
                rows[i]["Tanggal Pengukuran"],
                rows[i]["Tgl Lahir"],
            )
        elif kind == 3:
            rows[i]["Desa/Kel"] = (
                rows[i]["Desa/Kel"].upper().replace("U", "OE")
            )  # old spelling: still matched
        else:
            rows[i]["NIK"] = rows[i]["NIK"][:12]  # a NIK cut short: warning, the child kept
    out = pl.concat([pl.DataFrame(rows, schema=frame.schema), dup], how="vertical")
    return out.with_columns(No=pl.int_range(1, out.height + 1))


def kabkota_desa(kabkota: str) -> list[tuple[str, str, str, str]]:
    """(kode, desa, kecamatan, puskesmas) of a district's desa, from the database."""
    from konvergensi.wilayah.models import Puskesmas, Region

    kecamatan = dict(Region.objects.filter(parent_id=kabkota).values_list("kode", "nama"))
    serving = {}
    for p in Puskesmas.objects.filter(kabkota_id=kabkota).prefetch_related("desa"):
        for d in p.desa.all():
            serving.setdefault(d.kode, p.nama)
    return [
        (k, n, kecamatan.get(k[:8], ""), serving.get(k, f"Puskesmas {kecamatan.get(k[:8], '')}"))
        for k, n in Region.objects.filter(level="desa", kode__startswith=kabkota + ".")
        .order_by("kode")
        .values_list("kode", "nama")
    ]


def write_csv(frame: pl.DataFrame, path: Path) -> Path:
    frame.write_csv(path, separator=";")
    return path


def rows_in_chunks(frame: pl.DataFrame, size: int) -> Iterator[pl.DataFrame]:
    for start in range(0, frame.height, size):
        yield frame.slice(start, size)


# Sumedang's stunting prevalence in SSGI 2022 was 27.6 % (shared/data/prevalensi); routine posyandu
# data of a good round sit below the survey figure. The demo's two rounds use these levels.
DEMO_ROUNDS = (
    ("Agustus 2025", dt.date(2025, 8, 1), dt.date(2025, 8, 31), 0.26, 41_000),
    ("Februari 2026", dt.date(2026, 2, 1), dt.date(2026, 2, 28), 0.24, 44_000),
)


def demo_rounds(kabkota: str, *, operator) -> dict[str, int]:
    """Two measurement rounds of generated e-PPGBM data, imported through the real pipeline (the
    publication app's demo then publishes them). Idempotent: a round that exists is left alone."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from konvergensi.accounts.scope import scope_for_user
    from konvergensi.imports import services as pipeline
    from konvergensi.indicators.selectors import sasaran_in_kabkota
    from konvergensi.wilayah.models import Region

    from . import imports, services
    from .models import MeasurementRound

    kab = Region.objects.get(kode=kabkota)
    scope = scope_for_user(operator)
    desa = kabkota_desa(kabkota)
    # Children where the under-fives are: the data sasaran's balita per desa (latest year entered).
    balita = dict(
        sasaran_in_kabkota(kabkota, with_balita=True).order_by("tahun").values_list("desa_id", "balita")
    )
    weights = [float(balita.get(d[0], 0) or 1) for d in desa] if balita else None
    made = 0
    rounds = []
    for i, (nama, start, end, level, n) in enumerate(DEMO_ROUNDS):
        rnd = MeasurementRound.objects.filter(kabkota=kab, nama=nama).first()
        if rnd is not None:
            rounds.append(rnd)
            continue
        rnd = services.round_create(scope=scope, kabkota=kab, nama=nama, tanggal_mulai=start, tanggal_selesai=end,
                                    by=operator)  # fmt: skip
        if balita:  # most under-fives come to the weighing month: 80–88 % of data sasaran
            n = int(sum(balita.values()) * (0.80 + 0.04 * i))
        frame = generate(desa, n=n, visit_from=start, visit_to=end - dt.timedelta(days=3), stunting=level,
                         seed=2026 + i, kabkota=kab.nama, weights=weights)  # fmt: skip
        buffer = io.BytesIO()
        frame.write_csv(buffer, separator=";")
        imp = imports.stage(scope=scope, rnd=rnd, by=operator,
                            upload=SimpleUploadedFile(f"eppgbm-{start:%Y-%m}.csv", buffer.getvalue()))  # fmt: skip
        result = imports.check(imp, scope=scope)
        if result.ok:
            made += pipeline.commit(imp, scope=scope, by=operator)["added"]
        rounds.append(rnd)
    # Each commit computed its round's figures once (the importer's after_commit).
    # Publishing them is the publication app's (konvergensi.publication.demo.demo_publish).
    return {"measurements": made, "rounds": len(rounds)}
