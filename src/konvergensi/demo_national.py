"""A national data set on the real regions (`konvergensi demo national`, issue 20).

For every district (or those of the provinces asked for): the standard OPD, one puskesmas per
kecamatan, an operator account (and one per province, one national), data sasaran and coverage
values for every desa (``konvergensi.indicators.demo``), two measurement rounds of generated e-PPGBM
exports imported through the real import path (stage → check → commit, as ``konvergensi.demo`` and
``bench/measurements.py`` do) and published, an Aksi 1 analysis with lokus (``konvergensi.ansit.demo``),
the tagged budget (``konvergensi.budget.demo``, through its own import), the 8-aksi cycle of the year
in varied states, and the stored aggregates of the picture (``picture refresh`` of the district, which
rolls its province and the nation up).

Children per round are the scale's national total shared by each district's population
(``data/wilayah/kabkota.csv``): ``full`` ≈ 10 million a round (20 million over the two), ``small``
1/20 of it, ``tiny`` a few hundred per district (tests). One district is built at a time and its
export is dropped before the next: memory is that of the largest district, not of the nation.

On PostgreSQL, ``jobs`` > 1 builds whole provinces in that many processes at once (the largest
first). A province stays in one process, so its measurement partition is written by one writer; the
province's and the nation's stored figures, which every district's refresh rewrites, are written one
transaction at a time (``picture.services._writing``), as for two districts publishing at once. The
accounts and the first district are made before the processes start, so the rows every district
shares (indicators, programmes) exist once. A province that fails stops the run: the provinces not
started are cancelled, those running are finished first (a second run goes on from there).

Idempotent and resumable: every step of a district is skipped when its result exists, so a second
run adds nothing and an interrupted run goes on where it stopped. Everything is generated and
labelled demo data; no child in it is real.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.utils import timezone

from konvergensi.accounts.models import Membership, Role
from konvergensi.accounts.scope import scope_for_user
from konvergensi.wilayah import services as wilayah_services
from konvergensi.wilayah.models import Region

SCALES: dict[str, int | None] = {
    "full": 10_000_000,  # children per round nationally (two rounds: 20 million)
    "small": 500_000,  # 1/20
    "tiny": None,  # TINY_CHILDREN per district and round
}
TINY_CHILDREN = 240
MIN_CHILDREN = 20  # the smallest district still has a round worth the name
PASSWORD_ENV = "KONVERGENSI_NATIONAL_PASSWORD"  # noqa: S105 (the name of the variable, not a password)
KABKOTA_CSV = wilayah_services.DATA_DIR / "wilayah" / "kabkota.csv"
PROVINSI_CSV = wilayah_services.DATA_DIR / "wilayah" / "provinsi.csv"


class NationalError(RuntimeError):
    """A refusal with one Indonesian sentence (unknown province, regions missing, a failed check)."""


def operator_username(kabkota: str) -> str:
    return f"nasional-op-{kabkota.replace('.', '')}"


def provinsi_username(provinsi: str) -> str:
    return f"nasional-prov-{provinsi}"


PUSAT_USERNAME = "nasional-pusat"


def provinces() -> dict[str, str]:
    """Kode → name of the 38 provinces, from the shipped list (the database may be empty)."""
    with PROVINSI_CSV.open(encoding="utf-8", newline="") as fh:
        return {row["kode"]: row["nama"] for row in csv.DictReader(fh)}


def population() -> dict[str, int]:
    with KABKOTA_CSV.open(encoding="utf-8", newline="") as fh:
        return {row["kode"]: int(row["penduduk_total"] or 0) for row in csv.DictReader(fh)}


def children_per_round(scale: str, districts: list[str]) -> dict[str, int]:
    """Children in each round of each district: the national total shared by population (over the
    nation, even when only some provinces are built), or TINY_CHILDREN each."""
    if scale not in SCALES:
        raise NationalError(f"Skala '{scale}' tidak dikenal: pilih {', '.join(SCALES)}.")
    total = SCALES[scale]
    if total is None:
        return dict.fromkeys(districts, TINY_CHILDREN)
    pop = population()
    nation = sum(pop.values())
    mean = nation // max(1, len(pop))
    return {k: max(MIN_CHILDREN, round(total * pop.get(k, mean) / nation)) for k in districts}


def rounds_for(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The last two e-PPGBM weighing months (February and August) that are over by ``today``."""
    names = {2: "Februari", 8: "Agustus"}
    months: list[tuple[int, int]] = []
    y, m = today.year, today.month
    while len(months) < 2:
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        if m in names:
            months.append((y, m))
    out = []
    for y, m in reversed(months):
        start = dt.date(y, m, 1)
        end = (dt.date(y + (m == 12), m % 12 + 1, 1)) - dt.timedelta(days=1)
        out.append((f"{names[m]} {y}", start, end))
    return out


@dataclass
class Summary:
    scale: str
    provinces: int = 0
    districts: int = 0
    skipped: list[str] = field(default_factory=list)  # districts already complete
    counts: dict[str, int] = field(default_factory=dict)
    password: str | None = None  # generated once, told once; None when from the env or demo mode
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step, over all districts

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        t = time.perf_counter()
        try:
            yield
        finally:
            self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - t

    def add(self, part: dict[str, int]) -> None:
        for k, v in part.items():
            self.counts[k] = self.counts.get(k, 0) + int(v)

    def merge(self, other: Summary) -> None:
        """Add another process's part (its provinces, districts, counts and step times)."""
        self.provinces += other.provinces
        self.districts += other.districts
        self.skipped += other.skipped
        self.add(other.counts)
        for k, v in other.timings.items():
            self.timings[k] = self.timings.get(k, 0.0) + v


def _password() -> tuple[str, bool]:
    """The accounts' password: from the environment, the demo's in demo mode, else a fresh one that
    is printed once (never a fixed known password outside demo mode). Returns (password, generated)."""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV], False
    if settings.DEMO_MODE:
        from konvergensi.accounts.demo_accounts import DEMO_PASSWORD

        return DEMO_PASSWORD, False
    return secrets.token_urlsafe(12), True


class _Accounts:
    """Creates the accounts in bulk with one password hash (hashing 550 times would take minutes)."""

    def __init__(self, echo: Callable[[str], None] = lambda _line: None) -> None:
        self._hash: str | None = None
        self.generated: str | None = None
        self.echo = echo

    def _hashed(self) -> str:
        if self._hash is None:
            password, generated = _password()
            self._hash = make_password(password)
            if generated:  # told once, at once (a run stopped later must not lose it)
                self.generated = password
                self.echo(
                    f"Kata sandi akun baru (nasional-pusat, nasional-prov-KODE, nasional-op-KODE), hanya "
                    f"ditampilkan sekali: {password}  (atur {PASSWORD_ENV} untuk memilih sendiri)"
                )
        return self._hash

    def ensure(
        self, username: str, first: str, last: str, role: str, region: str | None
    ) -> tuple[object, int]:
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None:
            return user, 0
        user = User.objects.create(
            username=username, first_name=first, last_name=last[:150], password=self._hashed()
        )
        Membership.objects.create(user=user, role=role, region_id=region)
        return user, 1


def _ensure_regions(wanted: list[str]) -> None:
    """Load the official regions of the provinces that lack some of their districts (``wilayah load``
    for those provinces; idempotent)."""
    with KABKOTA_CSV.open(encoding="utf-8", newline="") as fh:
        expected = Counter(row["kode_induk"] for row in csv.DictReader(fh))
    have = Counter(
        Region.objects.filter(level="kabkota", parent_id__in=wanted).values_list("parent_id", flat=True)
    )
    missing = [p for p in wanted if have[p] < expected[p] or not have[p]]
    if missing:
        wilayah_services.region_load(only_prefixes=tuple(missing))


def _import_round(kab: Region, operator, *, nama: str, start: dt.date, end: dt.date, n: int, stunting: float,
                  seed: int, desa: list, weights: list[float] | None, today: dt.date,
                  step: Callable[[str], AbstractContextManager]) -> int:  # fmt: skip
    """One round of a generated e-PPGBM export through the import pipeline; returns the children added.
    A round that holds measurements is left alone; one left empty by an interrupted run is imported."""
    from konvergensi.imports import services as pipeline
    from konvergensi.measurements import imports, services
    from konvergensi.measurements.demo import generate
    from konvergensi.measurements.models import MeasurementRound

    scope = scope_for_user(operator)
    rnd = MeasurementRound.objects.filter(kabkota=kab, nama=nama).first()
    if rnd is not None and rnd.measurements.exists():
        return 0
    if rnd is None:
        rnd = services.round_create(scope=scope, kabkota=kab, nama=nama, tanggal_mulai=start, tanggal_selesai=end,
                                    by=operator)  # fmt: skip
    with step("pengukuran_bangkit"):
        frame = generate(desa, n=n, visit_from=start, visit_to=end - dt.timedelta(days=3), stunting=stunting,
                         seed=seed, provinsi=kab.parent.nama if kab.parent else "", kabkota=kab.nama,
                         weights=weights)  # fmt: skip
        buffer = io.BytesIO()
        frame.write_csv(buffer, separator=";")
        del frame
        upload = SimpleUploadedFile(f"eppgbm-{kab.kode}-{start:%Y-%m}.csv", buffer.getvalue())
        del buffer
    with step("pengukuran_periksa"):
        imp = imports.stage(scope=scope, rnd=rnd, upload=upload, by=operator)
        result = imports.check(imp, scope=scope, today=today)
        if result.ambiguous:
            # Two desa of one kecamatan with the same name (16 pairs in the country, e.g. Sorkam Kanan
            # in Tapanuli Tengah): the file cannot tell them apart, so the operator answers, as on the
            # check's page, and checks again; here the first candidate, for all of that name's rows.
            from konvergensi.measurements.desa_names import desa_answers

            answers = [(a["kecamatan"], a["desa"], a["candidates"][0]["kode"]) for a in result.ambiguous]
            desa_answers(imp=imp, scope=scope, answers=answers, by=operator)
            result = imports.check(imp, scope=scope, today=today)
    if not result.ok:
        problems = "; ".join(result.file_problems[:3]) or f"{len(result.ambiguous)} nama desa meragukan"
        raise NationalError(f"{kab.kode} {kab.nama}, putaran {nama}: pemeriksaan impor gagal ({problems}).")
    with step("pengukuran_simpan"):
        return int(pipeline.commit(imp, scope=scope, by=operator)["added"])


def _publish(kab: Region, operator, names: list[str]) -> int:
    """Publish the district's rounds (oldest first, so the latest shows the trend) as the publication
    app's demo does; a round published already is left alone."""
    from konvergensi.measurements.models import MeasurementRound
    from konvergensi.publication import reports, selectors, services, snapshot

    published = 0
    for rnd in MeasurementRound.objects.filter(kabkota=kab, nama__in=names).order_by("tanggal_mulai", "pk"):
        if selectors.publication_current_for_round(rnd) is None and rnd.measurements.exists():
            data = snapshot.publication_build(rnd)
            pdf = reports.publication_pdf(data, reports.figure_svgs(data, prefix="pdf"))
            services.publication_store(rnd=rnd, data=data, pdf=pdf, by=operator)
            published += 1
    return published


def build_district(kab: Region, *, operator, children: int, tahun: int, today: dt.date, seed: int,
                   budget: bool = True, timed: Callable[[str], AbstractContextManager] | None = None,
                   ) -> dict[str, int]:  # fmt: skip
    """Everything of one district; each step skipped when its result exists. ``timed(step)`` (a
    context manager) measures the steps."""
    from konvergensi.ansit.demo import ansit_demo
    from konvergensi.demo import _other_kabkotas, puskesmas_for_kecamatan
    from konvergensi.indicators.demo import village_data
    from konvergensi.indicators.selectors import sasaran_in_kabkota
    from konvergensi.measurements.demo import kabkota_desa

    step = timed or (lambda _name: nullcontext())
    out: dict[str, int] = {}
    rng = random.Random(f"{seed}-{kab.kode}")
    with step("wilayah"), transaction.atomic():
        out["opd"] = len(wilayah_services.opd_create_standard(kabkota=kab))
        out["puskesmas"] = len(puskesmas_for_kecamatan(kab.kode))
    with step("data_desa"), transaction.atomic():
        data = village_data(kab.kode, seed=rng.randrange(1 << 30))
    out["values"] = data.get("values", 0)
    out["sasaran"] = data.get("sasaran", 0)
    # Children where the under-fives are: the data sasaran's balita per desa (as the demo's rounds).
    desa = kabkota_desa(kab.kode)
    balita = dict(
        sasaran_in_kabkota(kab.kode, with_balita=True).order_by("tahun").values_list("desa_id", "balita")
    )
    weights = [float(balita.get(d[0], 0) or 1) for d in desa] if balita else None
    level = rng.uniform(0.14, 0.32)  # the district's stunting level, lower in the later round
    out["measurements"] = 0
    names = []
    for i, (nama, start, end) in enumerate(rounds_for(today)):
        names.append(nama)
        n = round(children * rng.uniform(0.95, 1.05))
        out["measurements"] += _import_round(kab, operator, nama=nama, start=start, end=end, n=n,
                                             stunting=max(0.05, level - 0.02 * i), seed=rng.randrange(1 << 30),
                                             desa=desa, weights=weights, today=today, step=step)  # fmt: skip
    with step("publikasi"):
        out["published"] = _publish(kab, operator, names)
    with step("aksi1"), transaction.atomic():
        out["analyses"] = ansit_demo(kab.kode, tahun=tahun).get("analyses", 0)
    if budget:
        from konvergensi.budget.demo import budget_demo

        with step("anggaran"):
            out["budget_lines"] = budget_demo(kab.kode, tahun=tahun, operator=operator)["budget_lines"]
    # The district's stored aggregates (picture refresh of one district: its figures, then its province
    # and the nation rolled up from their children): bounded by the district, where a national refresh
    # would hold every desa's coverage figures of the country at once.
    from konvergensi.picture.services import refresh_all

    with step("gambaran"):
        out |= {f"gambaran_{k}": v for k, v in refresh_all(kab.kode).items()}
    # Last: the cycle marks the district done (a second run skips it).
    with step("siklus"), transaction.atomic():
        out["siklus"] = _other_kabkotas(tahun, today, only=[kab.kode], seed=f"{seed}-")
    return out


def _complete(kabkota: str, tahun: int, names: list[str]) -> bool:
    from konvergensi.aksi.models import Siklus
    from konvergensi.measurements.models import MeasurementRound

    return Siklus.objects.filter(
        kabkota_id=kabkota, tahun=tahun
    ).exists() and MeasurementRound.objects.filter(
        kabkota_id=kabkota, nama__in=names, publications__isnull=False
    ).values("nama").distinct().count() == len(names)


def _province(prov: str, nama: str, *, scale: str, tahun: int, today: dt.date, seed: int, budget: bool,
              names: list[str], built: frozenset[str] = frozenset()) -> tuple[Summary, str]:  # fmt: skip
    """Build the districts of one province (their accounts exist); returns its summary and the line
    told for it. ``built``: districts made by this run already (not reported as skipped)."""
    t = time.perf_counter()
    part = Summary(scale=scale)
    User = get_user_model()
    districts = list(
        Region.objects.filter(level="kabkota", parent_id=prov).select_related("parent").order_by("kode")
    )
    sizes = children_per_round(scale, [k.kode for k in districts])
    skipped = 0
    for kab in districts:
        if _complete(kab.kode, tahun, names):
            if kab.kode not in built:
                part.skipped.append(kab.kode)
                skipped += 1
            continue
        operator = User.objects.get(username=operator_username(kab.kode))
        part.add(build_district(kab, operator=operator, children=sizes[kab.kode], tahun=tahun, today=today,
                                seed=seed, budget=budget, timed=part.timed))  # fmt: skip
    part.provinces = 1
    part.districts = len(districts)
    line = (
        f"[{prov}] {nama}: {len(districts)} kab/kota"
        + (f" ({skipped} sudah ada, dilewati)" if skipped else "")
        + f", {part.counts.get('measurements', 0):,} anak diimpor, {time.perf_counter() - t:.1f} s"
    )
    return part, line


def national_load(*, scale: str = "small", provinsi: list[str] | None = None, seed: int = 2026,
                  budget: bool = True, today: dt.date | None = None, jobs: int = 1,
                  echo: Callable[[str], None] = lambda _line: None) -> Summary:  # fmt: skip
    """Build the national data set (or the provinces ``provinsi``), in ``jobs`` processes; see the
    module's docstring."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    tahun = today.year
    known = provinces()
    wanted = sorted(set(provinsi)) if provinsi else sorted(known)
    unknown = [p for p in wanted if p not in known]
    if unknown:
        raise NationalError(f"Kode provinsi tidak dikenal: {', '.join(unknown)} (contoh: 31 DKI Jakarta).")
    if scale not in SCALES:
        raise NationalError(f"Skala '{scale}' tidak dikenal: pilih {', '.join(SCALES)}.")
    if jobs < 1:
        raise NationalError("Jumlah proses paling sedikit 1.")
    if jobs > 1 and connection.vendor != "postgresql":
        raise NationalError(
            "Lebih dari satu proses hanya untuk PostgreSQL: SQLite menerima satu penulis sekaligus."
        )
    _ensure_regions(wanted)
    summary = Summary(scale=scale)
    accounts = _Accounts(echo)
    names = [nama for nama, _s, _e in rounds_for(today)]
    # Every account first, with one password hash: the build processes only read them.
    with transaction.atomic():
        _user, made = accounts.ensure(
            PUSAT_USERNAME, "Pengguna", "Nasional (data nasional)", Role.PUSAT, None
        )
        summary.add({"accounts": made})
        for prov in wanted:
            _user, made = accounts.ensure(
                provinsi_username(prov), "Provinsi", known[prov], Role.PROVINSI, prov
            )
            summary.add({"accounts": made})
            for kab in Region.objects.filter(level="kabkota", parent_id=prov).order_by("kode"):
                _user, made = accounts.ensure(operator_username(kab.kode), "Operator", kab.nama, Role.OPERATOR,
                                              kab.kode)  # fmt: skip
                summary.add({"accounts": made})
    kwargs = {"scale": scale, "tahun": tahun, "today": today, "seed": seed, "budget": budget, "names": names}
    if jobs == 1 or len(wanted) == 1:
        for prov in wanted:
            part, line = _province(prov, known[prov], **kwargs)
            summary.merge(part)
            echo(line)
    else:
        summary.merge(_parallel(wanted, known, jobs=jobs, kwargs=kwargs, echo=echo))
    summary.password = accounts.generated
    summary.seconds = time.perf_counter() - started
    return summary


def _parallel(wanted: list[str], known: dict[str, str], *, jobs: int, kwargs: dict,
              echo: Callable[[str], None]) -> Summary:  # fmt: skip
    """The provinces in ``jobs`` processes, the most children first (the longest work starts first)."""
    import multiprocessing

    from konvergensi import national_worker

    summary = Summary(scale=kwargs["scale"])
    # The first district still to build is made here, alone: the rows all districts share are created
    # once, not raced for.
    first = (
        Region.objects.filter(level="kabkota", parent_id__in=wanted).select_related("parent").order_by("kode")
    )
    built: set[str] = set()
    for kab in first:
        if not _complete(kab.kode, kwargs["tahun"], kwargs["names"]):
            operator = get_user_model().objects.get(username=operator_username(kab.kode))
            size = children_per_round(kwargs["scale"], [kab.kode])[kab.kode]
            summary.add(build_district(kab, operator=operator, children=size, tahun=kwargs["tahun"],
                                       today=kwargs["today"], seed=kwargs["seed"], budget=kwargs["budget"],
                                       timed=summary.timed))  # fmt: skip
            built.add(kab.kode)
            break
    pop = population()
    weight = Counter()
    for kab, prov in Region.objects.filter(level="kabkota", parent_id__in=wanted).values_list(
        "kode", "parent_id"
    ):
        weight[prov] += pop.get(kab, 0) + 1
    order = sorted(wanted, key=lambda p: (-weight[p], p))
    media_root = str(settings.MEDIA_ROOT)
    database = connection.settings_dict["NAME"]
    connections.close_all()
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=national_worker.start,
                             initargs=(database, media_root, settings.TESTING)) as pool:  # fmt: skip
        futures = [
            pool.submit(national_worker.province, prov, known[prov], kwargs | {"built": frozenset(built)})
            for prov in order
        ]
        try:
            for done in as_completed(futures):
                part, line = done.result()
                summary.merge(part)
                echo(line)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return summary
