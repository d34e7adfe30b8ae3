"""Reads of measurement rounds and their aggregates, always within the reader's scope."""

from __future__ import annotations

import polars as pl
from django.db.models import Count, Q, QuerySet

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope, scope_filter

from .models import Measurement, MeasurementRound, RoundStatus

MEASURES = ("stunted", "severely_stunted", "wasted", "severely_wasted", "underweight", "overweight")
# The denominator of each indicator: children with a valid (present, not flagged) index.
VALID_OF = {
    "stunted": "stunted",
    "severely_stunted": "stunted",
    "wasted": "wasted",
    "severely_wasted": "wasted",
    "underweight": "underweight",
    "overweight": "wasted",
}


def rounds_for(*, scope: Scope, kabkota: str) -> QuerySet[MeasurementRound]:
    """The measurement rounds of a district the reader may see, newest first."""
    qs = MeasurementRound.objects.filter(kabkota_id=kabkota)
    return scope_filter(qs, scope, "kabkota_id").order_by("-tanggal_mulai", "-pk")


def round_get(*, scope: Scope, pk: int) -> MeasurementRound | None:
    """A round of a district the reader may see (with its kabkota), else None."""
    rnd = MeasurementRound.objects.select_related("kabkota").filter(pk=pk).first()
    if rnd is None or not has_permission(scope, Permission.VIEW_KABKOTA, rnd.kabkota_id):
        return None
    return rnd


def round_for_home(*, scope: Scope, kabkota: str) -> MeasurementRound | None:
    """The round a home page points to: the newest one that holds measurements or is published
    (an empty draft just created is skipped), or None."""
    from django.db.models import Exists, OuterRef, Q

    has_data = Exists(Measurement.objects.filter(round_id=OuterRef("pk")))
    return (
        rounds_for(scope=scope, kabkota=kabkota)
        .filter(Q(status=RoundStatus.DIPUBLIKASIKAN) | Q(has_data))
        .first()
    )


def measured(round_id: int) -> QuerySet[Measurement]:
    """The measurements of a round: those of committed imports only (an import being written is in
    the staging table or inside its transaction until it is whole)."""
    return Measurement.objects.of_rounds([round_id])


def counts_by(*, round_id: int, key: str, scope: Scope | None = None) -> dict[str | None, dict[str, int]]:
    """Per value of ``key`` (``desa_id``, ``puskesmas_id``…): children measured and, per indicator,
    cases and valid denominators, counted by the database (one GROUP BY, no row loop)."""
    qs = measured(round_id)
    if scope is not None:
        qs = scope_filter(qs, scope, "desa_id", purpose="region")
    # Annotations must not be named like the fields they count (SQL would nest the COUNTs).
    aggregates = {"n_measured": Count("id")}
    for m in MEASURES:
        aggregates[f"n_{m}"] = Count("id", filter=Q(**{m: True}))
        aggregates[f"n_valid_{m}"] = Count("id", filter=Q(**{f"{VALID_OF[m]}__isnull": False}))
    out = {}
    for row in qs.values(key).annotate(**aggregates).order_by(key):
        unit = row.pop(key)  # before the counts are read (the right-hand side is evaluated first)
        out[unit] = {k.removeprefix("n_"): v for k, v in row.items()}
    return out


def desa_stunting(*, round_id: int) -> dict[str, tuple[int, int]]:
    """Per desa of a round: (stunted children, children with a valid length/height-for-age). The
    situation analysis (Aksi 1) takes these as cases and measured."""
    return {
        desa: (row["stunted"], row["valid_stunted"])
        for desa, row in counts_by(round_id=round_id, key="desa_id").items()
    }


FRAME_FIELDS = ("desa_id", "puskesmas_id", "posyandu", "sex", "age_days", "weight", "lenhei", "measure",
                "oedema", "zlen", "zwei", "zwfl", "zbmi", "flen", "fwei", "fwfl", "fbmi", *MEASURES)  # fmt: skip


FRAME_SCHEMA = {
    "desa_id": pl.String, "puskesmas_id": pl.Int64, "posyandu": pl.String, "sex": pl.Int64,
    "age_days": pl.Int64, "weight": pl.Float64, "lenhei": pl.Float64, "measure": pl.Int64,
    "oedema": pl.Boolean, "zlen": pl.Float64, "zwei": pl.Float64, "zwfl": pl.Float64, "zbmi": pl.Float64,
    "flen": pl.Boolean, "fwei": pl.Boolean, "fwfl": pl.Boolean, "fbmi": pl.Boolean,
    **dict.fromkeys(MEASURES, pl.Boolean),
}  # fmt: skip


FRAME_BATCH = 50_000


def _frame_rows(qs: QuerySet[Measurement]) -> pl.DataFrame:
    """:data:`FRAME_FIELDS` of the measurements ``qs`` (no personal field). Read with the database
    cursor, not through the ORM: its per-value converters took more time than the database itself
    for a district's 100,000 rows (bench/README.md). PostgreSQL: one ``COPY … TO STDOUT`` parsed by
    Polars; otherwise in batches, each made columns at once. (All the rows as Python tuples at once
    took ~1 GB more than their columns for a million-row round: bench/README.md.)"""
    from django.db import connections

    sql, params = qs.values_list(*FRAME_FIELDS).order_by().query.sql_with_params()
    if connections[qs.db].vendor == "postgresql":
        return _frame_copy(connections[qs.db], sql, params)
    return _frame_fetch(connections[qs.db], sql, params)


def _frame_fetch(conn, sql: str, params) -> pl.DataFrame:
    """The rows in batches from the cursor (server-side on PostgreSQL), each batch made columns."""
    # SQLite gives booleans as 0/1: read as integers, then cast.
    raw = {k: (pl.Int64 if v == pl.Boolean else v) for k, v in FRAME_SCHEMA.items()}
    parts = []
    with conn.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FRAME_BATCH):
            columns = zip(*rows, strict=True)
            parts.append(
                pl.DataFrame(
                    [
                        pl.Series(name, values, dtype=dtype)
                        for (name, dtype), values in zip(raw.items(), columns, strict=True)
                    ]
                )
            )
            del rows, columns
    if not parts:
        return pl.DataFrame(schema=FRAME_SCHEMA)
    return pl.concat(parts, rechunk=True).cast(FRAME_SCHEMA)


def _frame_copy(conn, sql: str, params) -> pl.DataFrame:
    """PostgreSQL: the rows as CSV from ``COPY (query) TO STDOUT``, parsed by Polars — no Python
    object per value (a million-row round: 5 s instead of ~10 s, no memory beyond the CSV and the
    columns). In PostgreSQL's CSV an empty
    string is quoted and NULL is not; booleans are ``t``/``f``."""
    import io

    buffer = io.BytesIO()
    with conn.cursor() as cur, cur.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
        for block in copy:
            buffer.write(block)
    if not buffer.tell():
        return pl.DataFrame(schema=FRAME_SCHEMA)
    text = {k: (pl.String if v == pl.Boolean else v) for k, v in FRAME_SCHEMA.items()}
    frame = pl.read_csv(buffer.getvalue(), has_header=False, new_columns=list(FRAME_FIELDS), schema=text)
    return frame.with_columns(**{k: pl.col(k) == "t" for k, v in FRAME_SCHEMA.items() if v == pl.Boolean})


def _kabkota_frame(round_id: int) -> bytes:
    """Every committed measurement of the round, as Parquet (the cached form of the rows)."""
    import io

    buffer = io.BytesIO()
    _frame_rows(measured(round_id)).write_parquet(buffer, compression="lz4", statistics=False)
    return buffer.getvalue()


def _visible_area(scope: Scope, kabkota: str) -> str | frozenset[str] | None:
    """What ``scope`` sees of the regions of ``kabkota`` (``purpose="region"``): None = all of it;
    a region code prefix (a kecamatan, a desa); a puskesmas' desa codes; "" = nothing."""
    from konvergensi.accounts.models import Role

    if not scope.is_active:
        return ""
    if scope.role == Role.PUSKESMAS:
        return frozenset(scope.desa_codes)
    prefix = scope.prefix("region")
    if prefix is None or kabkota == prefix or kabkota.startswith(prefix + "."):
        return None
    return prefix if prefix.startswith(kabkota + ".") else ""


def _visible_desa(scope: Scope, kabkota: str) -> set[str] | None:
    """The desa of ``kabkota`` whose measurements ``scope`` sees (:func:`scope_filter`, region
    purpose); None: all of them."""
    if _visible_area(scope, kabkota) is None:
        return None
    from konvergensi.wilayah.models import Region

    desa = Region.objects.filter(level="desa", kode__startswith=f"{kabkota}.")
    return set(scope_filter(desa, scope, "kode", purpose="region").values_list("kode", flat=True))


def round_frame(*, round_id: int, scope: Scope | None = None, from_cache: bool = False) -> pl.DataFrame:
    """The round's committed measurements (no personal field) as the columns the pure core's
    aggregates take: ``desa_kode``, indicators with their ``valid_len/wei/wfl`` denominators…

    ``from_cache``: for figures that are themselves cached until the round's data change (the
    round page, the quality panel): the district's rows are read once per round and import
    (:func:`data_version`) and kept in the cache (warmed after each commit,
    :func:`konvergensi.measurements.tasks.warm`); a reader who sees part of the district gets the
    rows of the desa :func:`scope_filter` lets them see. Otherwise read from the database."""
    import io

    if from_cache:
        from django.core.cache import cache

        key = f"round-frame:{round_id}:{data_version([round_id])}"
        codes = None
        if scope is not None:
            kabkota = (
                MeasurementRound.objects.filter(pk=round_id).values_list("kabkota_id", flat=True).first()
            )
            codes = _visible_desa(scope, kabkota or "")
        if codes is not None and cache.get(key) is None:
            # Part of the district and nothing cached: its own rows only (the district's are read
            # once by the worker after the commit, or by the first reader who sees all of it).
            frame = _frame_rows(scope_filter(measured(round_id), scope, "desa_id", purpose="region"))
        else:
            frame = pl.read_parquet(io.BytesIO(cached(key, lambda: _kabkota_frame(round_id))))
            if codes is not None:
                frame = frame.filter(pl.col("desa_id").is_in(list(codes)))
    else:
        qs = measured(round_id)
        if scope is not None:
            qs = scope_filter(qs, scope, "desa_id", purpose="region")
        frame = _frame_rows(qs)
    return frame.rename({"desa_id": "desa_kode"}).with_columns(
        valid_len=pl.col("stunted").is_not_null(),
        valid_wei=pl.col("underweight").is_not_null(),
        valid_wfl=pl.col("wasted").is_not_null(),
        age_months=pl.col("age_days") / 30.4375,
        **{m: pl.col(m).fill_null(False) for m in MEASURES},
        **{f: pl.col(f).cast(pl.Float64) for f in ("flen", "fwei", "fwfl", "fbmi")},
    )


def quality_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """:func:`round_frame` as :func:`konvergensi_core.aggregates.quality_by` takes it (boolean WHO flags)."""
    return frame.with_columns(pl.col("flen", "fwei", "fwfl", "fbmi").cast(pl.Boolean))


def imports_of(round_id: int):
    """The e-PPGBM imports of a round, newest first (the pipeline's rows of kind ``pengukuran``)."""
    from konvergensi.imports.models import Import

    return Import.objects.filter(kind="pengukuran", params__round=round_id)


def committed_imports(round_ids: list[int]):
    """The committed e-PPGBM imports of the rounds."""
    from konvergensi.imports.models import Import, ImportStatus

    return Import.objects.filter(
        kind="pengukuran", params__round__in=round_ids, status=ImportStatus.COMMITTED
    )


def data_version(round_ids: list[int]) -> str:
    """Changes whenever an import of one of the rounds is committed: the key of cached figures."""
    from django.db.models import Max

    state = committed_imports(round_ids).aggregate(n=Count("pk"), at=Max("committed_at"))
    stamp = state["at"].timestamp() if state["at"] else 0
    return f"{state['n']}-{stamp:.6f}"


def scope_key(scope: Scope, kabkota: str | None = None) -> str:
    """A short key of what ``scope`` sees, for cached figures. With ``kabkota``: of what it sees
    of that district's regions only, so that every reader who sees the whole district (its
    operators and OPD, the province, the nation) shares the figures warmed once after an import."""
    import hashlib

    if kabkota is not None:
        area = _visible_area(scope, kabkota)
        if area is None:
            return "district"
        text = ",".join(sorted(area)) if isinstance(area, frozenset) else f"prefix:{area}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]
    codes = ",".join(sorted(scope.desa_codes))
    return hashlib.sha256(f"{scope.role}|{scope.kode}|{codes}".encode()).hexdigest()[:16]


# Cached figures never go stale (their keys change with the data); the timeout only bounds how long
# the figures of superseded imports take room. A week: a round is read for weeks after an import.
CACHE_SECONDS = 7 * 24 * 3600


def cached(key: str, compute):
    """``compute()`` once per key (figures read every child of a round: they are kept until the
    round's data change, which changes the key)."""
    from django.core.cache import cache

    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=CACHE_SECONDS)
    return value


def round_totals(round_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per round: children measured and stunted (valid length/height-for-age), by one GROUP BY."""
    key = f"round-totals:{','.join(map(str, sorted(round_ids)))}:{data_version(round_ids)}"
    return cached(key, lambda: _round_totals(round_ids))


def _round_totals(round_ids: list[int]) -> dict[int, dict[str, int]]:
    rows = (
        Measurement.objects.of_rounds(round_ids)
        .values("round_id")
        .annotate(
            measured=Count("id"),
            n_stunted=Count("id", filter=Q(stunted=True)),
            valid=Count("id", filter=Q(stunted__isnull=False)),
        )
    )
    out = {r["round_id"]: {**r, "stunted": r.pop("n_stunted")} for r in rows}
    for r in out.values():
        r["prevalence"] = 100.0 * r["stunted"] / r["valid"] if r["valid"] else None
    return out


def stunting_by_desa(round_ids: list[int]) -> dict[int, dict[str, tuple[int, int]]]:
    """Per round and desa: (stunted, valid length/height-for-age), by one GROUP BY, cached until
    the rounds' data change: the trend of any reader is summed from it over the desa they see."""
    key = f"stunting-by-desa:{','.join(map(str, sorted(round_ids)))}:{data_version(round_ids)}"

    def compute() -> dict[int, dict[str, tuple[int, int]]]:
        rows = (
            Measurement.objects.of_rounds(round_ids)
            .values("round_id", "desa_id")
            .annotate(
                n_stunted=Count("id", filter=Q(stunted=True)),
                valid=Count("id", filter=Q(stunted__isnull=False)),
            )
            .order_by()
        )
        out: dict[int, dict[str, tuple[int, int]]] = {}
        for r in rows:
            out.setdefault(r["round_id"], {})[r["desa_id"]] = (r["n_stunted"], r["valid"])
        return out

    return cached(key, compute)


def _rows(table: pl.DataFrame, key: str, names: dict, balita: dict | None = None) -> list[dict]:
    out = []
    for r in table.iter_rows(named=True):
        unit = r[key]
        row = {"kode": unit, "nama": names.get(unit, unit if unit is not None else "—"), **r}
        if balita is not None:
            b = balita.get(unit)
            row["balita"] = b
            row["coverage"] = 100.0 * r["measured"] / b if b else None
        out.append(row)
    return out


def round_analysis(*, rnd: MeasurementRound, scope: Scope, level: str = "kecamatan") -> dict:
    """A round's figures for the reader's part of the district: the total, one row per unit of
    ``level`` (kecamatan, desa or puskesmas area), breakdowns by age group and sex, trends."""
    rounds = list(rounds_for(scope=scope, kabkota=rnd.kabkota_id).values_list("pk", flat=True))
    key = f"round-analysis:{rnd.pk}:{level}:{scope_key(scope, rnd.kabkota_id)}:{data_version(rounds)}"
    return cached(key, lambda: _round_analysis(rnd=rnd, scope=scope, level=level))


def _round_analysis(*, rnd: MeasurementRound, scope: Scope, level: str) -> dict:
    from konvergensi.indicators.selectors import sasaran_in_kabkota
    from konvergensi.wilayah.models import Puskesmas, Region
    from konvergensi_core import aggregates

    frame = round_frame(round_id=rnd.pk, scope=scope, from_cache=True)
    kab = rnd.kabkota_id
    sasaran = dict(
        sasaran_in_kabkota(kab, tahun=rnd.tahun, scope=scope, with_balita=True).values_list(
            "desa_id", "balita"
        )
    )
    total = aggregates.aggregate(frame).row(0, named=True) if frame.height else None
    if total is not None:
        total["balita"] = sum(sasaran.values()) or None
        total["coverage"] = 100.0 * total["measured"] / total["balita"] if total["balita"] else None
    if level == "puskesmas":
        table = aggregates.aggregate(frame, "puskesmas_id")
        names = dict(Puskesmas.objects.filter(kabkota_id=kab).values_list("pk", "nama"))
        units = _rows(table, "puskesmas_id", names)
    else:
        column = "desa_kode" if level == "desa" else "kecamatan"
        table = aggregates.aggregate(
            frame.with_columns(kecamatan=pl.col("desa_kode").str.slice(0, 8)), column
        )
        names = dict(
            Region.objects.filter(kode__startswith=kab + ".", level=level).values_list("kode", "nama")
        )
        balita: dict[str, int] = {}
        for desa, b in sasaran.items():
            unit = desa if level == "desa" else desa[:8]
            balita[unit] = balita.get(unit, 0) + b
        units = _rows(table, column, names, balita)
    units.sort(key=lambda r: (-(r["stunted_prevalence"] or -1), r["kode"] or ""))
    parts = aggregates.breakdowns(frame) if frame.height else {"age_group": None, "sex": None}
    trend = []
    rounds = list(rounds_for(scope=scope, kabkota=kab).order_by("tanggal_mulai"))
    visible = _visible_desa(scope, kab)
    by_desa = stunting_by_desa([r.pk for r in rounds])
    for r in rounds:
        stunted = valid = 0
        for desa, (s, v) in by_desa.get(r.pk, {}).items():
            if visible is None or desa in visible:
                stunted, valid = stunted + s, valid + v
        if valid:
            trend.append({"round": r, "prevalence": 100.0 * stunted / valid, "valid": valid})
    return {
        "total": total,
        "units": units,
        "age_group": parts["age_group"].to_dicts() if parts["age_group"] is not None else [],
        "sex": parts["sex"].to_dicts() if parts["sex"] is not None else [],
        "trend": trend,
        "measured": frame.height,
    }


CHILD_FIELDS = ("id", "desa_id", "posyandu", "nama", "nama_ortu", "nik_masked", "sex", "birth_date", "visit_date",
                "age_days", "weight", "lenhei", "zlen", "zwei", "zwfl", "stunted", "severely_stunted",
                "wasted", "underweight", "overweight")  # fmt: skip
CHILD_EXPORT_HEADER = ["Desa/Kel", "Posyandu", "Nama", "Nama Ortu", "NIK (tersamar)", "JK", "Tgl Lahir",
                       "Tanggal Pengukuran", "Usia (bln)", "Berat (kg)", "Tinggi (cm)", "ZS TB/U", "ZS BB/U",
                       "ZS BB/TB", "Status"]  # fmt: skip


def children_for_followup(
    *, rnd: MeasurementRound, scope: Scope | None, which: str = "stunting", kecamatan: str | None = None
) -> list[dict]:
    """Children of a round to follow up, with their measurement: ``stunting`` (stunted), ``gizi``
    (wasted or underweight), ``risiko`` (not yet stunted but length/height-for-age below −1). ``scope``
    None = the whole district (health office); otherwise the reader's desa only."""
    from konvergensi.wilayah.models import Region

    qs = measured(rnd.pk)
    if scope is not None:
        qs = scope_filter(qs, scope, "desa_id", purpose="region")
    if kecamatan:
        qs = qs.filter(desa__kode__startswith=kecamatan + ".")
    if which == "gizi":
        qs = qs.filter(Q(wasted=True) | Q(underweight=True))
    elif which == "risiko":
        qs = qs.filter(stunted=False, zlen__lt=-1)
    else:
        qs = qs.filter(stunted=True)
    names = dict(
        Region.objects.filter(level="desa", kode__startswith=rnd.kabkota_id + ".").values_list("kode", "nama")
    )
    rows = list(qs.order_by("desa_id", "posyandu", "zlen").values(*CHILD_FIELDS))
    for r in rows:
        r["desa_nama"] = names.get(r["desa_id"], r["desa_id"])
        r["age_months"] = r["age_days"] / 30.4375
        r["status"] = ", ".join(
            label
            for key, label in (
                ("severely_stunted", "sangat pendek"),
                ("stunted", "pendek"),
                ("wasted", "gizi kurang/buruk"),
                ("underweight", "berat badan kurang"),
                ("overweight", "berisiko gizi lebih"),
            )
            if r[key] and not (key == "stunted" and r["severely_stunted"])
        ) or ("risiko pendek (TB/U < −1)" if r["zlen"] is not None and r["zlen"] < -1 else "")
    return rows


def child_export_row(r: dict) -> list:
    return [r["desa_nama"], r["posyandu"], r["nama"], r["nama_ortu"], r["nik_masked"], "L" if r["sex"] == 1 else "P",
            r["birth_date"], r["visit_date"], round(r["age_months"], 1), r["weight"], r["lenhei"],
            None if r["zlen"] is None else round(r["zlen"], 2), None if r["zwei"] is None else round(r["zwei"], 2),
            None if r["zwfl"] is None else round(r["zwfl"], 2), r["status"]]  # fmt: skip


def summary_rows(*, rnd: MeasurementRound, level: str = "kabkota") -> list[dict]:
    """The CLI's summary: per unit ``kode``, ``nama``, ``measured``, the indicator counts, and the
    stunting prevalence in percent with its Wilson 95 % CI (``ci_low``, ``ci_high``); the
    denominator (``valid_stunting``) is the children with a valid length/height-for-age."""
    from konvergensi.wilayah.models import Region
    from konvergensi_core.stats import wilson_interval

    by_desa = counts_by(round_id=rnd.pk, key="desa_id")
    units: dict[str, dict[str, int]] = {}
    for desa, counts in by_desa.items():
        unit = {"kabkota": desa[:5], "kecamatan": desa[:8], "desa": desa}[level]
        total = units.setdefault(unit, dict.fromkeys(counts, 0))
        for k, v in counts.items():
            total[k] += v
    names = dict(Region.objects.filter(kode__in=list(units)).values_list("kode", "nama"))
    out = []
    for kode in sorted(units):
        c = units[kode]
        lo, hi = wilson_interval(c["stunted"], c["valid_stunted"])
        valid = c["valid_stunted"]
        out.append(
            {
                "kode": kode, "nama": names.get(kode, kode), "measured": c["measured"],
                **{m: c[m] for m in ("stunted", "severely_stunted", "wasted", "underweight", "overweight")},
                "valid_stunting": valid,
                "prevalence_stunting": 100.0 * c["stunted"] / valid if valid else None,
                "ci_low": 100.0 * float(lo) if valid else None,
                "ci_high": 100.0 * float(hi) if valid else None,
            }
        )  # fmt: skip
    return out
