"""Importing an e-PPGBM export into a round: check everything, preview, then commit atomically.

The check (:func:`import_check`) writes nothing to the measurement table. It reads the file in
chunks, parses each with the pure core (:func:`konvergensi_core.eppgbm.parse_export`: types, WHO
z-scores, Permenkes indicators, every problem with its row and column), matches desa names to
official codes (:func:`konvergensi_core.desa_match.match_desa`, with the district's remembered
answers), finds duplicates and what a re-import changes (:mod:`konvergensi_core.duplicates`), and
keeps the prepared rows in a Parquet file next to the upload. Nothing of it is a Python loop over
the rows.

The commit (:func:`import_commit`) compares the prepared rows with what the round stores *now*
(another import may have been committed since the check), writes the rows to add or replace as
``active=False`` in chunks (PostgreSQL ``COPY`` where available), each chunk its own transaction so
the progress bar moves, and then, in one short transaction, removes the replaced rows and activates
the new ones. Analyses read active rows only, so they see the whole import or none of it; a
failure deletes the inactive rows it wrote.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergensi import staging
from konvergensi.accounts.models import Role
from konvergensi.accounts.permissions import Permission, has_permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.wilayah.models import Puskesmas, Region
from konvergensi_core import desa_match, duplicates, eppgbm
from konvergensi_core import nik as nik_rules
from konvergensi_core.io.measurements import UTF16_BOMS, UnreadableFile, header_row, read_chunks, to_utf8
from konvergensi_core.io.xlsx import XlsxRejected, check_xlsx, formula_without_value, sheet_names, short_name

from .models import (
    ColumnMapping,
    DesaAlias,
    ImportStatus,
    Measurement,
    MeasurementImport,
    MeasurementRound,
    MeasurementStaging,
)

log = logging.getLogger(__name__)

MAX_BYTES = 200 * 1024 * 1024  # a million-row CSV export is about 150 MB
CHUNK_ROWS = 100_000
WRITE_ROWS = 20_000
KEPT_PROBLEMS = 20_000  # listed and downloadable; beyond that only counted
PROBLEMS = "problems.parquet"

# Columns written to the measurement table, in this order (COPY and INSERT alike).
TEXT_COLUMNS = ("posyandu", "child_key", "nik_hash", "nik_masked", "nama", "nama_ortu", "alamat", "rt", "rw")
VALUE_COLUMNS = (
    "birth_date", "sex", "visit_date", "age_days", "weight", "lenhei", "measure", "oedema", "lila",
    "zlen", "zwei", "zwfl", "zbmi", "flen", "fwei", "fwfl", "fbmi",
    *eppgbm.INDICATORS,
)  # fmt: skip
VALID_COLUMN = {  # the denominator of each indicator in parse_export's rows
    "stunted": "valid_len",
    "severely_stunted": "valid_len",
    "wasted": "valid_wfl",
    "severely_wasted": "valid_wfl",
    "overweight": "valid_wfl",
    "underweight": "valid_wei",
}
TEXT_LIMITS = {"posyandu": 120, "nama": 120, "nama_ortu": 120, "alamat": 200, "rt": 8, "rw": 8}


def nik_key() -> bytes:
    return settings.KONVERGENSI_NIK_KEY.encode()


@dataclass
class CheckResult:
    """What an import would do; ``problems`` holds at most KEPT_PROBLEMS rows (``counts`` has all)."""

    ok: bool
    file_problems: list[str] = field(default_factory=list)
    problems: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=eppgbm.PROBLEM_SCHEMA))
    counts: dict[str, int] = field(
        default_factory=dict
    )  # rows, add, replace, unchanged, reject, errors, warnings
    ambiguous: list[dict] = field(default_factory=list)  # desa names the user must choose for
    aliases: dict[str, int] = field(default_factory=dict)  # remembered name (pk) → children it placed
    unknown_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header

    def as_json(self) -> dict:
        """The CLI's answer. ``problems`` are the kept ones (the report caps them)."""
        return {
            "ok": self.ok,
            "problems": [
                {"row": p["row"], "column": p["column"], "value": p["value"], "message": p["message"],
                 "severity": p["severity"]}
                for p in self.problems.iter_rows(named=True)
            ]
            + [{"row": None, "column": "", "value": "", "message": m, "severity": "error"} for m in self.file_problems],
            "added": self.counts.get("add", 0),
            "replaced": self.counts.get("replace", 0),
            "unchanged": self.counts.get("unchanged", 0),
            "rejected": self.counts.get("reject", 0),
            "rows": self.counts.get("rows", 0),
            "ambiguous": self.ambiguous,
        }  # fmt: skip


def _workdir(imp: MeasurementImport) -> Path:
    return Path(settings.MEDIA_ROOT) / "pengukuran" / "kerja" / str(imp.pk)


def _official(kabkota: str) -> pl.DataFrame:
    kecamatan = dict(Region.objects.filter(parent_id=kabkota).values_list("kode", "nama"))
    rows = Region.objects.filter(level="desa", kode__startswith=kabkota + ".").values_list("kode", "nama")
    return pl.DataFrame(
        [(k, n, k[:8], kecamatan.get(k[:8], "")) for k, n in rows],
        schema={"kode": pl.String, "desa": pl.String, "kecamatan_kode": pl.String, "kecamatan": pl.String},
        orient="row",
    )


def _remembered(kabkota: str, scope: Scope) -> dict[tuple[str, str], DesaAlias]:
    """The remembered desa names that hold for an import by ``scope``: the district's answers, and
    for a puskesmas also its own (which win for its files). A puskesmas's answer never holds for
    the district's or another puskesmas's imports (issue 11)."""
    aliases = DesaAlias.objects.filter(kabkota_id=kabkota, puskesmas__isnull=True)
    if scope.role == Role.PUSKESMAS and scope.puskesmas_id:
        aliases = DesaAlias.objects.filter(kabkota_id=kabkota).filter(
            Q(puskesmas__isnull=True) | Q(puskesmas_id=scope.puskesmas_id)
        )
    out: dict[tuple[str, str], DesaAlias] = {}
    for alias in aliases.order_by(F("puskesmas_id").asc(nulls_first=True), "pk"):
        out[(alias.kecamatan_key, alias.desa_key)] = alias  # the puskesmas's own last: it wins
    return out


def _puskesmas_of(kabkota: str) -> tuple[dict[str, int], dict[str, int]]:
    """(normalised puskesmas name → id, desa kode → id of the one puskesmas serving it)."""
    by_name: dict[str, int] = {}
    serving: dict[str, list[int]] = {}
    for p in Puskesmas.objects.filter(kabkota_id=kabkota).prefetch_related("desa"):
        by_name[_puskesmas_key(p.nama)] = p.pk
        for d in p.desa.all():
            serving.setdefault(d.kode, []).append(p.pk)
    return by_name, {d: ids[0] for d, ids in serving.items() if len(ids) == 1}


def _read(path: Path, name: str):
    """The file's chunks, refusing what is not a plain CSV or XLSX with a message in Indonesian."""
    suffix = Path(name).suffix.lower()
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile(_("Berkas kosong."))
    if size > MAX_BYTES:
        raise UnreadableFile(_("Berkas terlalu besar (%(mb)s MB); batasnya %(max)s MB.")
                             % {"mb": f"{size / 1_048_576:.0f}", "max": MAX_BYTES // 1_048_576})  # fmt: skip
    if suffix == ".xlsx":
        with path.open("rb") as fh:
            check_xlsx(fh, name=name, max_bytes=MAX_BYTES)
            # The workbook's XML through defusedxml (an entity attack is refused here), and no
            # formula without its stored value (calamine would read it as an empty cell).
            sheet_names(fh, max_bytes=MAX_BYTES)
            formula_without_value(fh, max_bytes=MAX_BYTES)
    elif suffix not in (".csv", ".txt"):
        raise UnreadableFile(
            _("Berkas %(name)s bukan CSV atau Excel .xlsx. Ekspor data dari e-PPGBM sebagai Excel atau CSV.")
            % {"name": name}
        )
    else:
        to_utf8(path)  # UTF-16 ("Unicode text") and Latin-1 CSVs are read as what they are
        with path.open("rb") as fh:
            head = fh.read(4096)
        if b"\x00" in head:
            raise UnreadableFile(_("Berkas ini bukan teks CSV (berisi data biner)."))
    real = path if path.suffix.lower() == suffix else path.with_suffix(suffix)
    if real != path:
        real = path.rename(real)
    skip = header_row(real, lambda names: len(eppgbm.recognise_headers(names).fields))
    return real, skip, read_chunks(real, CHUNK_ROWS, skip_rows=skip)


# Columns of parse_export's rows that the later steps need (the rest is dropped at once).
KEEP = (
    "row", "accepted", "nik_hash", "nik_masked", "nama", "nama_ortu", "alamat", "rt", "rw", "sex", "birth_date",
    "visit_date", "age_days", "weight", "lenhei", "measure", "oedema", "lila", "head_circumference",
    "zlen", "zwei", "zwfl", "zbmi", "flen", "fwei", "fwfl", "fbmi", "valid_len", "valid_wei", "valid_wfl",
    *eppgbm.INDICATORS, "kecamatan", "desa", "desa_kode", "puskesmas", "posyandu",
)  # fmt: skip


def _masked(problems: pl.DataFrame) -> pl.DataFrame:
    """A problem's NIK is kept masked (``3211********0001``), as everywhere else, except where it is
    not a NIK at all: a value that fails the format (not 16 digits) is shown as typed in its own
    problem row, the one place where the uploader must see it to fix it (issue 12)."""
    if problems.is_empty():
        return problems
    is_nik = pl.col("code").str.starts_with("nik_") & (pl.col("code") != "nik_format")
    return problems.with_columns(
        value=pl.when(is_nik)
        .then(nik_rules.mask_expr(nik_rules.clean_expr(pl.col("value"))).fill_null(""))
        .otherwise(pl.col("value"))
    )


def _parts(folder: Path, prefix: str) -> list[Path]:
    return sorted(folder.glob(f"{prefix}-*.parquet"))


def import_check(
    *, imp: MeasurementImport, scope: Scope, today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> CheckResult:  # fmt: skip
    """Check a staged import; keep the prepared rows for the commit. Writes no measurement.

    Memory follows the chunk size, not the file: each chunk is parsed and written to a Parquet part
    as it comes; the steps that need the whole file (desa names, duplicates) work on a few narrow
    columns; the parts are then completed one at a time."""
    import shutil

    rnd = imp.round
    kabkota = rnd.kabkota_id
    today = today or timezone.localdate()
    saved = ColumnMapping.objects.filter(kabkota_id=kabkota).first()
    mapping = saved.mapping if saved else None
    workdir = _workdir(imp)
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    columns, file_problems, unknown, seen, pairs = None, [], [], 0, []
    try:
        path, skip, chunks = _read(Path(imp.file.path), imp.original_name)
        if path.name != Path(imp.file.name).name:
            imp.file.name = str(Path(imp.file.name).with_name(path.name))
            MeasurementImport.objects.filter(pk=imp.pk).update(file=imp.file.name)
        first_row = skip + 2  # file row numbers as the spreadsheet shows them (1-based, after the header)
        for i, chunk in enumerate(chunks):
            parsed = eppgbm.parse_export(
                chunk, kabkota=kabkota, today=today, mapping=mapping, first_row=first_row, nik_key=nik_key()
            )
            first_row += chunk.height
            seen += chunk.height
            if columns is None:
                columns, file_problems, unknown = (
                    parsed.columns,
                    parsed.file_problems,
                    list(parsed.columns.unknown),
                )
                if file_problems:
                    break
            rows = parsed.rows.select([c for c in KEEP if c in parsed.rows.columns])
            rows.write_parquet(workdir / f"parsed-{i:05d}.parquet")
            _masked(parsed.problems).write_parquet(workdir / f"problems-{i:05d}.parquet")
            pairs.append(_given_desa(rows).unique())
            if progress:
                progress(seen)
    except (UnreadableFile, XlsxRejected) as exc:
        # A file that cannot be read is of no further use: it goes at once (it may hold NIK).
        shutil.rmtree(workdir, ignore_errors=True)
        if imp.file:
            imp.file.delete(save=False)
            MeasurementImport.objects.filter(pk=imp.pk).update(file="")
        return CheckResult(ok=False, file_problems=[str(exc)])
    if columns is not None and file_problems:
        return CheckResult(
            ok=False, file_problems=file_problems, columns=columns.fields, unknown_columns=unknown
        )
    if columns is None or not _parts(workdir, "parsed"):
        return CheckResult(ok=False, file_problems=[_("Berkas tidak berisi baris data.")])

    # Desa: every distinct name of the file at once.
    official = _official(kabkota)
    remembered = _remembered(kabkota, scope)
    matches = desa_match.match_desa(
        official,
        pl.concat(pairs).unique(maintain_order=True),
        {key: alias.desa_id for key, alias in remembered.items()},
    )
    # Which remembered name placed which (kecamatan, desa) of the file: counted for the district's
    # list of remembered names.
    by_alias = pl.DataFrame(
        [
            (
                r["kecamatan"],
                r["desa"],
                r["kode"],
                remembered[desa_match.remember_key(r["kecamatan"], r["desa"])].pk,
            )
            for r in matches.filter(pl.col("method") == "remembered").iter_rows(named=True)
        ],
        schema={"kecamatan": pl.String, "desa": pl.String, "desa_kode": pl.String, "alias": pl.Int64},
        orient="row",
    )
    placed: dict[str, int] = {}
    lookup = matches.select(
        pl.col("kecamatan").alias("__kec"), pl.col("desa").alias("__desa"),
        pl.col("kode").alias("__kode"), pl.col("status").alias("__status"),
    )  # fmt: skip
    pkm = _puskesmas_of(kabkota)
    keys = []
    for part in _parts(workdir, "parsed"):
        rows, desa_problems = _assign_desa(pl.read_parquet(part), lookup=lookup, scope=scope, puskesmas=pkm)
        # A row whose desa is unknown is rejected before duplicates are looked for: it must not be
        # the one kept for a child.
        blocked = desa_problems.get_column("row").unique().implode()
        rows = rows.with_columns(accepted=pl.col("accepted") & ~pl.col("row").is_in(blocked))
        rows = rows.with_columns(child_key=_child_keys(rows))
        rows.write_parquet(part.with_name(part.name.replace("parsed", "keyed")))
        desa_problems.write_parquet(part.with_name(part.name.replace("parsed", "desaproblems")))
        keys.append(rows.select("row", "accepted", "child_key", "visit_date"))
        part.unlink()
    marked = duplicates.mark_duplicates(pl.concat(keys))
    dup_problems = duplicates.duplicate_problems(marked)
    duplicate_rows = marked.filter(pl.col("duplicate")).get_column("row").implode()
    del keys, marked

    stored = _stored(rnd.pk)
    count: dict[str, int] = {}
    total_rows = 0
    for part in _parts(workdir, "keyed"):
        rows = pl.read_parquet(part).with_columns(duplicate=pl.col("row").is_in(duplicate_rows))
        rows = rows.with_columns(accepted=pl.col("accepted") & ~pl.col("duplicate"))
        if by_alias.height:
            # ``desa_kode`` is now the official desa the row was given; the file's name is in ``desa``.
            used = (
                rows.filter(pl.col("accepted"))
                .select(pl.col("kecamatan", "desa", "desa_kode").cast(pl.String))
                .join(by_alias, on=["kecamatan", "desa", "desa_kode"], nulls_equal=True)
            )
            for alias_pk, n in used.get_column("alias").value_counts().iter_rows():
                placed[str(alias_pk)] = placed.get(str(alias_pk), 0) + n
        actions = duplicates.import_actions(rows, stored)
        for action, n in actions.get_column("action").value_counts().iter_rows():
            count[action] = count.get(action, 0) + n
        total_rows += rows.height
        actions.filter(pl.col("accepted")).write_parquet(
            part.with_name(part.name.replace("keyed", "prepared"))
        )
        part.unlink()
    problem_parts = [*_parts(workdir, "problems"), *_parts(workdir, "desaproblems")]
    dup_problems.write_parquet(workdir / "problems-dup.parquet")
    problem_parts.append(workdir / "problems-dup.parquet")
    (
        pl.scan_parquet(problem_parts)
        .cast(eppgbm.PROBLEM_SCHEMA)
        .sort("row", nulls_last=False, maintain_order=True)
        .sink_parquet(workdir / PROBLEMS)
    )
    for part in problem_parts:
        part.unlink()
    problems = pl.scan_parquet(workdir / PROBLEMS)
    severity = dict(problems.group_by("severity").len().collect().iter_rows())
    ambiguous = [
        {
            "kecamatan": r["kecamatan"],
            "desa": r["desa"],
            "candidates": r["candidates"],
            "message": r.get("message"),
        }
        for r in matches.filter(pl.col("status") == "ambiguous").iter_rows(named=True)
    ]
    result = CheckResult(
        ok=not ambiguous and (count.get("add", 0) + count.get("replace", 0) + count.get("unchanged", 0)) > 0,
        problems=problems.head(KEPT_PROBLEMS).collect(),
        counts={
            "rows": total_rows, "add": count.get("add", 0), "replace": count.get("replace", 0),
            "unchanged": count.get("unchanged", 0), "reject": count.get("reject", 0),
            "errors": severity.get("error", 0), "warnings": severity.get("warning", 0),
            "duplicates": len(duplicate_rows.explode().drop_nulls()),
        },
        ambiguous=ambiguous,
        aliases=placed,
        unknown_columns=unknown,
        columns=columns.fields,
    )  # fmt: skip
    if not result.ok and not ambiguous:
        result.file_problems.append(_("Tidak ada baris yang dapat disimpan."))
    return result


def _given_desa(rows: pl.DataFrame) -> pl.DataFrame:
    """The (kecamatan, desa) the file names: a desa code when it has one, else the name."""
    return rows.select(
        kecamatan=pl.col("kecamatan").cast(pl.String),
        desa=pl.coalesce(pl.col("desa_kode").cast(pl.String), pl.col("desa").cast(pl.String)),
    )


def _child_keys(rows: pl.DataFrame) -> pl.Series:
    """The child's identity, never in clear: the NIK's keyed hash, or the keyed hash of name + birth
    date + sex + desa (see :mod:`konvergensi_core.duplicates`); each identity hashed once."""
    others = rows.select(
        pl.when(pl.col("nik_hash").is_null()).then(duplicates.child_key_expr(desa="desa_kode"))
    ).to_series()
    hashed = nik_rules.nik_hash(others, nik_key())  # nulls (the rows with a NIK) stay null
    return rows.select(pl.coalesce(pl.col("nik_hash"), pl.lit(hashed)).alias("child_key")).to_series()


def _problem_frame(rows: pl.DataFrame, code: str, message: pl.Expr) -> pl.DataFrame:
    return rows.select(
        row=pl.col("row"), column=pl.lit("Desa/Kel"), value=pl.col("__desa"), code=pl.lit(code), message=message,
        severity=pl.lit("error"), reject=pl.lit(True),
    ).cast(eppgbm.PROBLEM_SCHEMA)  # fmt: skip


def _assign_desa(rows: pl.DataFrame, *, lookup: pl.DataFrame, scope: Scope, puskesmas):
    """``rows`` with ``desa_kode`` (official) and ``puskesmas_id``; problems for unknown or ambiguous
    desa and for desa outside a puskesmas' service area."""
    given = _given_desa(rows)
    rows = rows.with_columns(__kec=given.get_column("kecamatan"), __desa=given.get_column("desa")).join(
        lookup, on=["__kec", "__desa"], how="left", maintain_order="left", nulls_equal=True
    )
    rows = rows.with_columns(desa_kode=pl.when(pl.col("__status") == "matched").then(pl.col("__kode")))
    accepted = rows.filter(pl.col("accepted"))
    problems = [
        _problem_frame(
            accepted.filter(pl.col("__status") == "unknown"), "desa_unknown",
            pl.format("Desa '{}' tidak ditemukan di kecamatan '{}' kabupaten/kota ini", pl.col("__desa"),
                      pl.col("__kec").fill_null("-")),
        ),
        _problem_frame(
            accepted.filter(pl.col("__status") == "ambiguous"), "desa_ambiguous",
            pl.format("Nama desa '{}' cocok dengan lebih dari satu desa: pilih di halaman pratinjau", pl.col("__desa")),
        ),
    ]  # fmt: skip
    if scope.role == Role.PUSKESMAS:
        outside = accepted.filter(
            pl.col("desa_kode").is_not_null() & ~pl.col("desa_kode").is_in(sorted(scope.desa_codes))
        )
        problems.append(
            _problem_frame(outside, "desa_outside", pl.lit("Desa ini di luar wilayah kerja puskesmas Anda"))
        )
    by_name, serving = puskesmas
    names = rows.get_column("puskesmas").drop_nulls().unique().to_list()
    name_ids = {n: by_name.get(_puskesmas_key(n)) for n in names}
    rows = rows.with_columns(
        puskesmas_id=pl.coalesce(
            pl.col("puskesmas").replace_strict(name_ids, default=None, return_dtype=pl.Int64)
            if name_ids else pl.lit(None, pl.Int64),
            pl.col("desa_kode").replace_strict(serving, default=None, return_dtype=pl.Int64)
            if serving else pl.lit(None, pl.Int64),
        )
    ).drop("__kec", "__desa", "__kode", "__status")  # fmt: skip
    return rows, pl.concat(problems, how="vertical")


def _puskesmas_key(name) -> str:
    return desa_match.normalise_name(str(name).lower().removeprefix("puskesmas").removeprefix("pkm"))


def _stored(round_id: int, *, with_ids: bool = False) -> pl.DataFrame:
    """The round's active children with the values a re-import compares (and their ids)."""
    fields = ["child_key", "sex", "birth_date", "visit_date", "age_days", "weight", "lenhei", "measure",
              "oedema", "lila", "desa_id", "posyandu"]  # fmt: skip
    schema = {"child_key": pl.String, "sex": pl.Int64, "birth_date": pl.Date, "visit_date": pl.Date,
              "age_days": pl.Int64, "weight": pl.Float64, "lenhei": pl.Float64, "measure": pl.Int64,
              "oedema": pl.Boolean, "lila": pl.Float64, "desa_kode": pl.String, "posyandu": pl.String}  # fmt: skip
    if with_ids:
        fields, schema = [*fields, "id"], {**schema, "id": pl.Int64}
    data = list(Measurement.objects.filter(round_id=round_id, active=True).values_list(*fields))
    frame = pl.DataFrame(data, schema=schema, orient="row")
    # Stored text is "" where the file had nothing; the parser gives null.
    return frame.with_columns(posyandu=pl.when(pl.col("posyandu") != "").then(pl.col("posyandu")))


def desa_answers(
    *, imp: MeasurementImport, scope: Scope, answers: list[tuple[str | None, str, str]], by
) -> list[DesaAlias]:
    """Remember the answers ``[(kecamatan, desa as written, official desa kode)]`` to the desa
    questions of an import's last check: all of them, or none (issue 11).

    Refused with a ValidationError, nothing stored: an answer to a (kecamatan, desa) pair the check
    did not ask about; a desa that was not one of the candidates offered for it; a desa outside the
    answerer's area (a puskesmas: its service area; the district operator and health office: the
    district). An answer of a puskesmas holds for that puskesmas's imports only; one of the
    district for every import of the district (:func:`_remembered`)."""
    kabkota = imp.round.kabkota_id
    require(scope, Permission.MEASUREMENT_IMPORT, kabkota)
    if by is not None and imp.created_by_id != getattr(by, "pk", None):
        raise PermissionDenied
    if imp.status != ImportStatus.CHECKED:
        raise ValidationError(
            _("Impor ini tidak sedang menunggu pilihan desa; tidak ada pilihan yang disimpan.")
        )
    asked = {
        desa_match.remember_key(q.get("kecamatan"), q.get("desa")): {
            c.get("kode") for c in q.get("candidates") or []
        }
        for q in (imp.summary or {}).get("ambiguous", [])
    }
    puskesmas_id = scope.puskesmas_id if scope.role == Role.PUSKESMAS else None
    plan: dict[tuple[str, str], Region] = {}
    for kecamatan, desa, kode in answers:
        key = desa_match.remember_key(kecamatan, desa)
        if key not in asked or not key[1]:
            raise ValidationError(
                _(
                    "Ada jawaban untuk nama desa yang tidak ditanyakan pada pemeriksaan ini; tidak ada pilihan yang disimpan."
                )
            )
        if kode not in asked[key]:
            raise ValidationError(
                _(
                    "Desa yang dipilih bukan salah satu pilihan untuk nama itu; tidak ada pilihan yang disimpan."
                )
            )
        target = Region.objects.filter(kode=kode, level="desa", kode__startswith=kabkota + ".").first()
        if target is None:
            raise ValidationError(_("Desa yang dipilih tidak ada di kabupaten/kota ini."))
        if not scope.covers(target.kode, "region") or (scope.role == Role.PUSKESMAS and not puskesmas_id):
            raise ValidationError(
                _("Desa %(desa)s di luar wilayah Anda; hanya dinas kesehatan atau operator kabupaten/kota "
                  "yang dapat memilihnya. Tidak ada pilihan yang disimpan.") % {"desa": target.nama}
            )  # fmt: skip
        plan[key] = target
    stored = []
    with transaction.atomic():
        for (kec_key, desa_key), target in plan.items():
            alias, _created = DesaAlias.objects.update_or_create(
                kabkota_id=kabkota,
                puskesmas_id=puskesmas_id,
                kecamatan_key=kec_key,
                desa_key=desa_key,
                defaults={"desa": target, "created_by": by},
            )
            audit(by=by, action="measurement.desa_alias", target=alias, region_kode=kabkota,
                  data={"desa": target.kode, "puskesmas": puskesmas_id})  # fmt: skip
            stored.append(alias)
    return stored


def desa_choose(
    *, imp: MeasurementImport, scope: Scope, kecamatan: str | None, desa: str, kode: str, by
) -> DesaAlias:
    """Remember which official desa one ambiguous name of the import's check means."""
    return desa_answers(imp=imp, scope=scope, answers=[(kecamatan, desa, kode)], by=by)[0]


def desa_alias_revoke(*, scope: Scope, kabkota: Region, pk, by) -> DesaAlias | None:
    """Forget a remembered desa name of the district (the operator or the health office). Later
    imports ask again; children already stored stay where they are."""
    require_alias_manage(scope, kabkota.kode)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    alias = DesaAlias.objects.filter(pk=pk, kabkota=kabkota).first()
    if alias is None:
        return None
    data = {"kecamatan": alias.kecamatan_key, "nama": alias.desa_key, "desa": alias.desa_id,
            "puskesmas": alias.puskesmas_id, "answered_by": alias.created_by_id}  # fmt: skip
    audit(by=by, action="measurement.desa_alias_revoke", target=alias, region_kode=kabkota.kode, data=data)
    alias.delete()
    return alias


def may_manage_aliases(scope: Scope, kabkota: str) -> bool:
    """The district's remembered desa names are seen and revoked by its operator and health office."""
    return has_permission(scope, Permission.MEASUREMENT_IMPORT, kabkota) and scope.role in (
        Role.OPERATOR,
        Role.OPD,
    )


def require_alias_manage(scope: Scope, kabkota: str) -> None:
    if not may_manage_aliases(scope, kabkota):
        raise PermissionDenied


def desa_aliases(kabkota: Region) -> list[dict]:
    """The district's remembered desa names with who answered, when, and how many children of the
    committed imports each placed."""
    placed: dict[str, int] = {}
    for summary in MeasurementImport.objects.filter(
        round__kabkota=kabkota, status=ImportStatus.COMMITTED
    ).values_list("summary", flat=True):
        for pk, n in ((summary or {}).get("aliases") or {}).items():
            placed[pk] = placed.get(pk, 0) + int(n)
    rows = (
        DesaAlias.objects.filter(kabkota=kabkota)
        .select_related("desa", "puskesmas", "created_by")
        .order_by("kecamatan_key", "desa_key", "puskesmas_id")
    )
    kecamatan = dict(Region.objects.filter(parent=kabkota).values_list("kode", "nama"))
    return [
        {"alias": a, "kecamatan": kecamatan.get(a.desa_id[:8], ""), "placed": placed.get(str(a.pk), 0)}
        for a in rows
    ]


def mapping_save(*, scope: Scope, kabkota: Region, mapping: dict[str, str | None], by) -> ColumnMapping:
    """The district's own file layout: {file header: field or None (ignore)}, used by later imports."""
    require(scope, Permission.MEASUREMENT_IMPORT, kabkota.kode)
    clean = {str(h)[:120]: (f or None) for h, f in mapping.items() if not f or f in eppgbm.FIELDS}
    row, _created = ColumnMapping.objects.update_or_create(
        kabkota=kabkota, defaults={"mapping": clean, "updated_by": by}
    )
    audit(
        by=by,
        action="measurement.mapping",
        target=row,
        region_kode=kabkota.kode,
        data={"columns": len(clean)},
    )
    return row


# --- the commit ----------------------------------------------------------------------------------


def _to_write(part: Path, stored: pl.DataFrame) -> pl.DataFrame:
    """A prepared part's rows to add or replace, against what the round stores now."""
    prepared = pl.read_parquet(part)
    actions = duplicates.import_actions(prepared.drop("action"), stored)
    return actions.filter(pl.col("action").is_in(["add", "replace"]))


def _table(frame: pl.DataFrame, imp: MeasurementImport) -> pl.DataFrame:
    """The frame as the staging table's columns, in the order of ``COLUMNS``."""
    out = frame.select(
        import_id=pl.lit(imp.pk.hex),
        round_id=pl.lit(imp.round_id, pl.Int64),
        kabkota_id=pl.lit(imp.round.kabkota_id),
        desa_id=pl.col("desa_kode"),
        puskesmas_id=pl.col("puskesmas_id"),
        **{c: pl.col(c).cast(pl.String).fill_null("").str.slice(0, TEXT_LIMITS.get(c, 64))
           if c in frame.columns else pl.lit("") for c in TEXT_COLUMNS},
        **{c: pl.col(c) for c in VALUE_COLUMNS},
        source_import_id=pl.lit(imp.pk.hex),
        source_row=pl.col("row"),
    )  # fmt: skip
    # An indicator is NULL where its index is missing or flagged: it is then in no denominator.
    valid = {m: VALID_COLUMN[m] for m in eppgbm.INDICATORS}
    return out.with_columns(
        oedema=pl.col("oedema").fill_null(False),
        measure=pl.col("measure").fill_null(0),
        **{f: pl.col(f).cast(pl.Boolean) for f in ("flen", "fwei", "fwfl", "fbmi")},
        **{m: pl.when(frame.get_column(v).fill_null(False)).then(pl.col(m)) for m, v in valid.items()},
    )


# The columns a measurement takes from the staging table (``active`` is set by the INSERT).
COLUMNS = ["round_id", "kabkota_id", "desa_id", "puskesmas_id", *TEXT_COLUMNS, *VALUE_COLUMNS,
           "source_import_id", "source_row"]  # fmt: skip


def _copy_direct(frame: pl.DataFrame, imp: MeasurementImport) -> None:
    """PostgreSQL, inside the commit's transaction: COPY the rows straight into the measurement
    table as active rows (nobody sees them before the transaction commits). CSV: text is never null
    here (""), so an unquoted empty field is NULL and a quoted one is an empty string."""
    table = Measurement._meta.db_table
    cols = [*COLUMNS, "active"]
    data = _table(frame, imp).with_columns(active=pl.lit(True)).select(cols)
    buffer = io.BytesIO()
    data.write_csv(
        buffer, include_header=False, null_value="", quote_style="non_numeric", date_format="%Y-%m-%d"
    )
    with (
        connection.cursor() as cur,
        cur.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN WITH (FORMAT csv)") as copy,  # noqa: S608
    ):
        copy.write(buffer.getvalue())


def _stage(frame: pl.DataFrame, imp: MeasurementImport) -> None:
    """SQLite: insert rows into the staging table (no index, no foreign key), in the caller's
    transaction. PostgreSQL never stages: :func:`_copy_direct`."""
    table = MeasurementStaging._meta.db_table
    cols = ["import_id", *COLUMNS]
    # SQLite stores dates as ISO text (Python 3.12 deprecates the implicit date adapter).
    data = (
        _table(frame, imp)
        .select(cols)
        .with_columns(pl.col("birth_date", "visit_date").dt.strftime("%Y-%m-%d"))
    )
    placeholders = ", ".join(["%s"] * len(cols))
    with connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({placeholders})",  # noqa: S608 - our own names
            data.iter_rows(),
        )


def _publish_staged(imp: MeasurementImport) -> int:
    """In the caller's transaction: drop the round's rows of the children this import replaces, then
    insert the staged rows as active measurements (written once), then empty the staging."""
    m, st = Measurement._meta.db_table, MeasurementStaging._meta.db_table
    key = imp.pk.hex
    cols = ", ".join(COLUMNS)
    with connection.cursor() as cur:
        cur.execute(
            f"DELETE FROM {m} WHERE round_id = %s AND active AND child_key IN "  # noqa: S608 - our own names
            f"(SELECT child_key FROM {st} WHERE import_id = %s)",
            [imp.round_id, key],
        )
        cur.execute(
            f"INSERT INTO {m} ({cols}, active) SELECT {cols}, %s FROM {st} WHERE import_id = %s",  # noqa: S608
            [True, key],
        )
        inserted = cur.rowcount
        cur.execute(f"DELETE FROM {st} WHERE import_id = %s", [key])  # noqa: S608 - our own names
    return inserted


def import_commit(
    *, imp: MeasurementImport, scope: Scope, by, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Write a checked import: staged in chunks (progress), then made measurements at once."""
    rnd = imp.round
    require(scope, Permission.MEASUREMENT_IMPORT, rnd.kabkota_id)
    if imp.created_by_id != getattr(by, "pk", None) and by is not None:
        raise PermissionDenied
    if imp.status == ImportStatus.COMMITTED:
        raise ValidationError(_("Impor ini sudah disimpan."))
    parts = _parts(_workdir(imp), "prepared")
    if not parts:
        raise ValidationError(_("Periksa berkas dulu sebelum menyimpan."))
    if imp.status != ImportStatus.COMMITTING:  # not claimed by the page (the CLI): claim it here
        claim_commit(imp)
    total = (
        int(imp.summary.get("counts", {}).get("add", 0) + imp.summary.get("counts", {}).get("replace", 0))
        or 1
    )
    if connection.vendor == "postgresql":
        return _commit_in_one_transaction(imp=imp, parts=parts, total=total, by=by, progress=progress)
    done = replaced = 0
    try:
        stored = _stored(rnd.pk)  # what the round holds now (another import may have come in)
        for part in parts:
            frame = _to_write(part, stored)
            replaced += int((frame.get_column("action") == "replace").sum())
            for start in range(0, frame.height, WRITE_ROWS):
                with transaction.atomic():
                    _stage(frame.slice(start, WRITE_ROWS), imp)
                done += min(WRITE_ROWS, frame.height - start)
                if progress:
                    progress(min(done, total), max(total, done))
        del stored
        with transaction.atomic():
            MeasurementRound.objects.select_for_update().filter(pk=rnd.pk).first()  # one commit at a time
            written = _publish_staged(imp)
            MeasurementImport.objects.filter(pk=imp.pk).update(
                status=ImportStatus.COMMITTED, committed_at=timezone.now()
            )
            audit(by=by, action="measurement.import", target=imp, region_kode=rnd.kabkota_id,
                  data={"round": rnd.pk, "added": written - replaced, "replaced": replaced})  # fmt: skip
    except Exception:
        MeasurementStaging.objects.filter(import_id=imp.pk).delete()
        MeasurementImport.objects.filter(pk=imp.pk).update(status=ImportStatus.FAILED)
        raise
    import_cleanup(imp)
    return {"added": written - replaced, "replaced": replaced}


def _commit_in_one_transaction(
    *, imp: MeasurementImport, parts: list[Path], total: int, by, progress: Callable[[int, int], None] | None
) -> dict[str, int]:
    """PostgreSQL: the whole commit is one transaction that COPYs straight into the measurement
    table (each row written once); the progress is told through ``progress``, which the task writes
    on a connection of its own (``jobs.services.job_progress_aside``) so that the page sees it."""
    rnd = imp.round
    try:
        with transaction.atomic():
            MeasurementRound.objects.select_for_update().filter(pk=rnd.pk).first()  # one commit at a time
            stored = _stored(rnd.pk, with_ids=True)  # read under the lock: nothing changes it now
            done = replaced = written = 0
            for part in parts:
                frame = _to_write(part, stored)
                replacing = frame.filter(pl.col("action") == "replace").get_column("child_key")
                if replacing.len():
                    ids = (
                        stored.filter(pl.col("child_key").is_in(replacing.implode()))
                        .get_column("id")
                        .to_list()
                    )
                    Measurement.objects.filter(pk__in=ids).delete()
                replaced += replacing.len()
                for start in range(0, frame.height, WRITE_ROWS):
                    _copy_direct(frame.slice(start, WRITE_ROWS), imp)
                    done += min(WRITE_ROWS, frame.height - start)
                    if progress:
                        progress(min(done, total), max(total, done))
                written += frame.height
            del stored
            MeasurementImport.objects.filter(pk=imp.pk).update(
                status=ImportStatus.COMMITTED, committed_at=timezone.now()
            )
            audit(by=by, action="measurement.import", target=imp, region_kode=rnd.kabkota_id,
                  data={"round": rnd.pk, "added": written - replaced, "replaced": replaced})  # fmt: skip
    except Exception:
        MeasurementImport.objects.filter(pk=imp.pk).update(status=ImportStatus.FAILED)
        raise
    import_cleanup(imp)
    return {"added": written - replaced, "replaced": replaced}


def claim_commit(imp: MeasurementImport) -> None:
    """Move a checked import to *committing*, once: a conditional UPDATE, so that of two
    concurrent "Simpan" only one goes on (one job, one audit event); the other is refused."""
    claimed = (
        MeasurementImport.objects.filter(pk=imp.pk)
        .exclude(status__in=(ImportStatus.COMMITTING, ImportStatus.COMMITTED))
        .update(status=ImportStatus.COMMITTING)
    )
    if claimed != 1:
        raise ValidationError(_("Impor ini sudah disimpan atau sedang disimpan; tidak disimpan lagi."))
    imp.status = ImportStatus.COMMITTING


def import_cleanup(imp: MeasurementImport) -> None:
    """Personal data are kept no longer than needed: the upload and the prepared rows go after the
    commit (the counts stay in the import's summary)."""
    import shutil

    shutil.rmtree(_workdir(imp), ignore_errors=True)
    if imp.file:
        imp.file.delete(save=False)
    MeasurementImport.objects.filter(pk=imp.pk).update(file="")


def import_stage(*, scope: Scope, rnd: MeasurementRound, upload, by) -> MeasurementImport:
    """Keep an uploaded file for checking (nothing is read yet)."""
    require(scope, Permission.MEASUREMENT_IMPORT, rnd.kabkota_id)
    name = short_name(upload.name, 200) or "data.csv"
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt"):
        raise ValidationError(_("Unggah berkas ekspor e-PPGBM dalam format Excel (.xlsx) atau CSV."))
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("Berkas terlalu besar; batasnya %(max)s MB.") % {"max": MAX_BYTES // 1_048_576}
        )
    if not upload.size:
        raise ValidationError(_("Berkas kosong."))
    # What cannot be read is refused now, before anything is kept (no row, no file).
    if suffix == ".xlsx":
        try:
            check_xlsx(upload, name=name, size=upload.size, max_bytes=MAX_BYTES)
            sheet_names(upload, max_bytes=MAX_BYTES)
        except XlsxRejected as exc:
            raise ValidationError(str(exc)) from None
    else:
        upload.seek(0)
        head = upload.read(4096)
        upload.seek(0)
        if b"\x00" in head and not head.startswith(UTF16_BOMS):
            raise ValidationError(_("Berkas ini bukan teks CSV (berisi data biner)."))
    staged_cleanup()  # opportunistic: what expired goes before the quota is counted
    staging.check_quota(rnd.kabkota_id, upload.size)
    imp = MeasurementImport(id=uuid.uuid4(), round=rnd, original_name=name, created_by=by)
    staging.keep(imp, "file", f"{imp.pk}{suffix}", upload)
    return imp


def staged_bytes(kabkota: str) -> int:
    """Bytes the district's uncommitted imports hold on disk (the uploads and their work folders;
    registered with ``staging``)."""
    pending = list(
        MeasurementImport.objects.filter(round__kabkota_id=kabkota).exclude(status=ImportStatus.COMMITTED)
    )
    total = staging.file_bytes(imp.file for imp in pending)
    for imp in pending:
        folder = _workdir(imp)
        if folder.is_dir():
            total += sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    return total


def import_cancel(*, imp: MeasurementImport, by) -> bool:
    """ "Batal": the upload, its prepared rows and its problems are deleted at once (the row stays,
    marked failed, with its counts). A committed or committing import is not touched."""
    if imp.created_by_id != getattr(by, "pk", None):
        raise PermissionDenied
    changed = (
        MeasurementImport.objects.filter(pk=imp.pk)
        .exclude(status__in=(ImportStatus.COMMITTED, ImportStatus.COMMITTING))
        .update(status=ImportStatus.FAILED)
    )
    if not changed:
        return False
    import_cleanup(imp)
    return True


def staged_cleanup(now: dt.datetime | None = None) -> int:
    """Delete the files (upload, prepared rows, problems) of imports not committed within
    ``KONVERGENSI_STAGED_DAYS``; run by the worker, by ``konvergensi manage imports_cleanup`` and
    whenever a new file is staged. Returns the number of imports cleaned."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=int(settings.KONVERGENSI_STAGED_DAYS))
    old = MeasurementImport.objects.filter(created_at__lt=cutoff).exclude(
        status__in=(ImportStatus.COMMITTED, ImportStatus.COMMITTING)
    )
    n = 0
    for imp in old:
        if imp.file or _workdir(imp).exists():
            import_cleanup(imp)
            n += 1
    old.exclude(status=ImportStatus.FAILED).update(status=ImportStatus.FAILED)
    return n


def check_and_keep(
    *, imp: MeasurementImport, scope: Scope, progress: Callable[[int], None] | None = None
) -> CheckResult:
    """:func:`import_check`, then its summary kept on the import for the preview page (counts and
    desa names only: the problems with their values stay in the import's own folder)."""
    result = import_check(imp=imp, scope=scope, progress=progress)
    counts = dict(result.counts)
    counts["problems"] = counts.get("errors", 0) + counts.get("warnings", 0)
    summary = {
        "ok": result.ok,
        "counts": counts,
        "ambiguous": result.ambiguous,
        "aliases": result.aliases,
        "columns": result.columns,
        "unknown_columns": result.unknown_columns,
        "file_problems": result.file_problems,
        "checked_at": timezone.now().isoformat(),
    }
    MeasurementImport.objects.filter(pk=imp.pk).update(status=ImportStatus.CHECKED, summary=summary)
    imp.summary, imp.status = summary, ImportStatus.CHECKED
    return result


def problems_of(imp: MeasurementImport, *, limit: int | None = None) -> list[dict]:
    """The problems of the last check, in file order (errors and warnings)."""
    path = _workdir(imp) / PROBLEMS
    if not path.exists():
        return []
    frame = pl.read_parquet(path)
    if limit is not None:
        frame = frame.head(limit)
    return frame.to_dicts()


def problems_xlsx(imp: MeasurementImport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from konvergensi_core.io.cells import safe_row

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = "Masalah"
    ws.append(["Baris", "Kolom", "Nilai", "Masalah", "Tingkat", "Baris ditolak"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for p in problems_of(imp):
        ws.append(safe_row([p["row"], p["column"], p["value"], p["message"],
                   "galat" if p["severity"] == "error" else "peringatan", "ya" if p["reject"] else "tidak"]))  # fmt: skip
    for m in (imp.summary or {}).get("file_problems", []):
        ws.append(safe_row([None, "", "", m, "galat", "semua"]))
    ws.column_dimensions["D"].width = 90
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def round_dates_from_data(rnd: MeasurementRound) -> None:
    """A round created from the command line takes its dates from the visits it holds."""
    from django.db.models import Max, Min

    span = Measurement.objects.filter(round=rnd, active=True).aggregate(
        a=Min("visit_date"), b=Max("visit_date")
    )
    if span["a"] and span["b"]:
        MeasurementRound.objects.filter(pk=rnd.pk).update(tanggal_mulai=span["a"], tanggal_selesai=span["b"])
