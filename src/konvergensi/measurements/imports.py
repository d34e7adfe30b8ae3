"""The e-PPGBM importer of the import pipeline (``konvergensi.imports``): its check and its kind.

The check (:func:`import_check`) writes nothing to the measurement table. It reads the file in
chunks through the e-PPGBM adapter (:mod:`konvergensi_core.adapters.eppgbm`: the one reader,
:func:`konvergensi_core.io.measurements.open_export`, which the CLI's ``zscore`` uses too, with the
desa codes of older Kemendagri editions mapped to today's and each mapping reported), parses each
with the pure core (:func:`konvergensi_core.eppgbm.parse_export`:
types, WHO z-scores, Permenkes indicators, every problem with its row and column), matches desa
names to official codes (:func:`konvergensi_core.desa_match.match_desa`, with the district's
remembered answers, :mod:`.desa_names`), finds duplicates and what a re-import changes
(:mod:`konvergensi_core.duplicates`), and keeps the prepared rows in Parquet files in the import's
work folder. Nothing of it is a Python loop over the rows.

The commit is :mod:`.import_write`'s; the pipeline claims it once, keeps the problems, and deletes
the files after it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from konvergensi.accounts.models import Role
from konvergensi.accounts.permissions import Permission, has_permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.aksi import locks
from konvergensi.imports import services as pipeline
from konvergensi.imports.kinds import CheckOutcome, FileRefused, ImportKind
from konvergensi.imports.models import Import
from konvergensi.wilayah.models import Puskesmas, Region
from konvergensi_core import desa_match, duplicates, eppgbm
from konvergensi_core import nik as nik_rules
from konvergensi_core import problems as problem_rules
from konvergensi_core.adapters import EPPGBM, Note
from konvergensi_core.adapters.eppgbm import EppgbmRead
from konvergensi_core.io.measurements import UnreadableFile, refuse_binary
from konvergensi_core.io.xlsx import XlsxRejected, check_xlsx, sheet_names
from konvergensi_core.numbers import id_count

from . import desa_names, import_write
from .import_write import _parts, _stored, _workdir, round_of, write_part
from .models import ColumnMapping, Measurement, MeasurementRound

log = logging.getLogger(__name__)

MAX_BYTES = 200 * 1024 * 1024  # a million-row CSV export is about 150 MB
CHUNK_ROWS = 100_000
PROBLEMS = "problems.parquet"
KIND = "pengukuran"  # the key of this importer in the import pipeline


def nik_key() -> bytes:
    return settings.KONVERGENSI_NIK_KEY.encode()


@dataclass
class CheckResult:
    """What an import would do; the problems are in the import's work folder (``PROBLEMS``)."""

    ok: bool
    file_problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=dict
    )  # rows, add, replace, unchanged, reject, errors, warnings
    ambiguous: list[dict] = field(default_factory=list)  # desa names the user must choose for
    aliases: dict[str, int] = field(default_factory=dict)  # remembered name (pk) → children it placed
    unknown_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header
    notes: list[Note] = field(default_factory=list)  # old desa codes mapped to today's (the adapter)


def _official(kabkota: str) -> pl.DataFrame:
    kecamatan = dict(Region.objects.filter(parent_id=kabkota).values_list("kode", "nama"))
    rows = Region.objects.filter(level="desa", kode__startswith=kabkota + ".").values_list("kode", "nama")
    return pl.DataFrame(
        [(k, n, k[:8], kecamatan.get(k[:8], "")) for k, n in rows],
        schema={"kode": pl.String, "desa": pl.String, "kecamatan_kode": pl.String, "kecamatan": pl.String},
        orient="row",
    )


def _puskesmas_of(kabkota: str) -> tuple[dict[str, int], dict[str, int]]:
    """(normalised puskesmas name → id, desa kode → id of the one puskesmas serving it)."""
    by_name: dict[str, int] = {}
    serving: dict[str, list[int]] = {}
    for p in Puskesmas.objects.filter(kabkota_id=kabkota).prefetch_related("desa"):
        by_name[_puskesmas_key(p.nama)] = p.pk
        for d in p.desa.all():
            serving.setdefault(d.kode, []).append(p.pk)
    return by_name, {d: ids[0] for d, ids in serving.items() if len(ids) == 1}


# The core's reader refuses in Indonesian; these are its sentences, translated for the English UI
# (``_(exc.template) % exc.params``).
READER_MESSAGES = (
    gettext_noop("Berkas kosong."),
    gettext_noop("Berkas terlalu besar (%(mb)s MB); batasnya %(max)s MB."),
    gettext_noop(
        "Berkas %(name)s bukan CSV atau Excel .xlsx. Ekspor data dari e-PPGBM sebagai Excel atau CSV."
    ),
    gettext_noop("Berkas ini bukan teks CSV (berisi data biner)."),
    gettext_noop("Berkas tidak ditemukan; unggah lagi."),
)


def _read(path: Path, name: str, mapping: dict[str, str | None] | None, **options) -> EppgbmRead:
    """The file through the e-PPGBM adapter (``konvergensi_core.adapters.eppgbm``: the one reader,
    ``konvergensi_core.io.measurements``, which the CLI's ``zscore`` uses too, and old desa codes
    mapped to today's); a refusal in the user's language. ``options`` go to ``parse_export``."""
    try:
        return EPPGBM.open(path, name, mapping, CHUNK_ROWS, max_bytes=MAX_BYTES, **options)
    except UnreadableFile as exc:
        raise UnreadableFile(_(exc.template) % exc.params if exc.params else _(exc.template)) from None


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


def import_check(
    *, imp: Import, scope: Scope, today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> CheckResult:  # fmt: skip
    """Check a staged import; keep the prepared rows for the commit. Writes no measurement.

    Memory follows the chunk size, not the file: each chunk is parsed and written to a Parquet part
    as it comes; the steps that need the whole file (desa names, duplicates) work on a few narrow
    columns; the parts are then completed one at a time."""
    import shutil

    rnd = round_of(imp)
    kabkota = rnd.kabkota_id
    today = today or timezone.localdate()
    saved = ColumnMapping.objects.filter(kabkota_id=kabkota).first()
    mapping = saved.mapping if saved else None
    workdir = _workdir(imp)
    shutil.rmtree(workdir, ignore_errors=True)
    import_write.drop_staging(imp)  # what an earlier check of the file staged
    workdir.mkdir(parents=True)
    columns, file_problems, unknown, seen, pairs = None, [], [], 0, []
    # Each chunk's NIK hashes (a Python loop) and work files are done in a second thread while the
    # main one reads and parses the next chunk (Polars and NumPy, which release the GIL).
    finishing = ThreadPoolExecutor(1, thread_name_prefix="check")
    pending: Future[pl.DataFrame] | None = None
    try:
        # The NIKs are hashed by _finish_part, not by the parser.
        opened = _read(Path(imp.file.path), imp.original_name, mapping, kabkota=kabkota, today=today,
                       nik_key=None)  # fmt: skip
        path = opened.path
        if path.name != Path(imp.file.name).name:
            imp.file.name = str(Path(imp.file.name).with_name(path.name))
            Import.objects.filter(pk=imp.pk).update(file=imp.file.name)
        for i, (lines, parsed) in enumerate(opened.parsed()):  # row numbers as the spreadsheet shows them
            seen += lines
            if columns is None:
                columns, file_problems, unknown = (
                    parsed.columns,
                    parsed.file_problems,
                    list(parsed.columns.unknown),
                )
                if file_problems:
                    break
            if pending is not None:
                pairs.append(pending.result())
            pending = finishing.submit(_finish_part, parsed, workdir, i)
            if progress:
                progress(seen)
        if pending is not None:
            pairs.append(pending.result())
    except (UnreadableFile, XlsxRejected) as exc:
        # A file that cannot be read is of no further use: the pipeline deletes it at once (NIK).
        raise FileRefused(str(exc)) from None
    finally:
        finishing.shutdown(wait=True, cancel_futures=True)
    if columns is not None and file_problems:
        return CheckResult(
            ok=False, file_problems=file_problems, columns=columns.fields, unknown_columns=unknown
        )
    if columns is None or not _parts(workdir, "parsed"):
        return CheckResult(ok=False, file_problems=[_("Berkas tidak berisi baris data.")])

    # Desa: every distinct name of the file at once.
    official = _official(kabkota)
    remembered = desa_names.remembered(kabkota, scope)
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
    stored = _stored(rnd.pk)
    keys = []
    count: dict[str, int] = {}
    total_rows = 0
    # On PostgreSQL the rows to save also go, part by part, into the import's staging table: the
    # server parses one part while the client prepares the next, from the first part with its desa
    # and child keys to the last prepared one (no other query on the connection meanwhile); the
    # commit inserts them from there. The work files then keep only what the later steps compare.
    with import_write.StagingCopy(imp) as staging:
        for part in _parts(workdir, "parsed"):
            rows, desa_problems = _assign_desa(
                pl.read_parquet(part), lookup=lookup, scope=scope, puskesmas=pkm
            )
            # A row whose desa is unknown is rejected before duplicates are looked for: it must not be
            # the one kept for a child.
            blocked = desa_problems.get_column("row").unique().implode()
            rows = rows.with_columns(accepted=pl.col("accepted") & ~pl.col("row").is_in(blocked))
            rows = rows.with_columns(child_key=_child_keys(rows))
            staging.write(rows.filter(pl.col("accepted")))
            if staging.active:
                rows = rows.select(
                    c for c in rows.columns if c in import_write.PREPARED_COMPARED | ALIAS_COLUMNS
                )
            write_part(rows, part.with_name(part.name.replace("parsed", "keyed")))
            desa_problems.write_parquet(part.with_name(part.name.replace("parsed", "desaproblems")))
            keys.append(rows.select("row", "accepted", "child_key", "visit_date"))
            part.unlink()
        marked = duplicates.mark_duplicates(pl.concat(keys))
        dup_problems = duplicates.duplicate_problems(marked)
        duplicate_rows = marked.filter(pl.col("duplicate")).get_column("row").implode()
        del keys, marked
        for part in _parts(workdir, "keyed"):
            total_rows += _prepare(part, duplicate_rows=duplicate_rows, by_alias=by_alias, stored=stored,
                                   placed=placed, count=count)  # fmt: skip
    # Staged before they were known: the duplicates (a child's other rows) go.
    staging.discard(duplicate_rows.explode().drop_nulls().to_list())
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
        notes=opened.mapper.notes,
    )  # fmt: skip
    if not result.ok and not ambiguous:
        result.file_problems.append(_("Tidak ada baris yang dapat disimpan."))
    return result


# Columns of the file's desa names, for the count of the remembered names (``_prepare``).
ALIAS_COLUMNS = frozenset({"kecamatan", "desa", "desa_kode"})


def _prepare(part: Path, *, duplicate_rows: pl.Series, by_alias: pl.DataFrame, stored: pl.DataFrame,
             placed: dict[str, int], count: dict[str, int]) -> int:  # fmt: skip
    """A keyed part made a prepared one: duplicates out, the remembered desa names counted, what a
    commit would do against what the round stores (``count``); the rows to keep written. Returns
    the rows of the part."""
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
    write_part(actions.filter(pl.col("accepted")), part.with_name(part.name.replace("keyed", "prepared")))
    part.unlink()
    return rows.height


def _finish_part(parsed: eppgbm.ParsedExport, workdir: Path, i: int) -> pl.DataFrame:
    """A parsed chunk made a work file (in the check's second thread): the NIK's keyed hash and
    masked form (the cleaned NIK itself is not kept), the columns the later steps need, its problems
    (NIKs masked); returns the (kecamatan, desa) it names."""
    nik = parsed.rows.get_column("nik")
    rows = parsed.rows.with_columns(
        nik_hash=nik_rules.nik_hash(nik, nik_key()), nik_masked=nik_rules.mask_expr(pl.col("nik"))
    )
    rows = rows.select([c for c in KEEP if c in rows.columns])
    write_part(rows, workdir / f"parsed-{i:05d}.parquet")
    _masked(parsed.problems).write_parquet(workdir / f"problems-{i:05d}.parquet")
    return _given_desa(rows).unique()


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


def stage(*, scope: Scope, rnd: MeasurementRound, upload, by) -> Import:
    """Keep an uploaded e-PPGBM export for its check (nothing is read yet)."""
    require(scope, Permission.MEASUREMENT_IMPORT, rnd.kabkota_id)
    locks.require_open(rnd.kabkota_id, rnd.tahun, 7)  # the approval lock (docs/aksi.md)
    return pipeline.stage(
        kind=KIND_INSTANCE, kabkota=rnd.kabkota_id, params={"round": rnd.pk}, upload=upload, by=by
    )


def check(
    imp: Import, *, scope: Scope, progress: Callable[[int], None] | None = None, today: dt.date | None = None
) -> CheckResult:
    """:func:`import_check` through the pipeline (the summary and problems kept on the import)."""
    pipeline.check(imp, scope=scope, progress=progress, today=today)
    details = (imp.summary or {}).get("details", {})
    return CheckResult(
        ok=bool((imp.summary or {}).get("ok")), counts=imp.counts, ambiguous=details.get("ambiguous", []),
        aliases=details.get("aliases", {}), unknown_columns=details.get("unknown_columns", []),
        columns=details.get("columns", {}), file_problems=(imp.summary or {}).get("file_problems", []),
    )  # fmt: skip


def field_labels() -> dict[str, str]:
    """The fields of an export, as the first alias e-PPGBM writes for each."""
    return {f: eppgbm.ALIASES[f][0] for f in eppgbm.FIELDS}


def problems_of(imp: Import) -> list[dict]:
    """The problems of the last check with the parser's code of each (``nik_format``…), in file
    order; kept in the work folder until the commit, "Batal" or the expiry."""
    path = _workdir(imp) / PROBLEMS
    return pl.read_parquet(path).to_dicts() if path.exists() else []


def _problems_of_check(imp: Import) -> Iterator[problem_rules.Problem]:
    """Every problem of the check in file order, from the work folder, a batch at a time."""
    path = _workdir(imp) / PROBLEMS
    if not path.exists():
        return
    for batch in pl.read_parquet(path).iter_slices(10_000):
        yield from problem_rules.from_rows(batch.iter_rows(named=True))


class MeasurementImportKind(ImportKind):
    """An e-PPGBM export (CSV or XLSX, up to a million rows) into a measurement round."""

    key = KIND
    suffixes = (".csv", ".xlsx", ".txt")

    @property
    def max_bytes(self) -> int:
        return MAX_BYTES

    check_in_background = True
    job_kinds = ("measurement_check", "measurement_import")
    preview_template = "measurements/import_preview.html"

    @property
    def upload_hint(self) -> str:
        return _("Unggah berkas ekspor e-PPGBM dalam format Excel (.xlsx) atau CSV.")

    def may_use(self, scope: Scope, imp: Import) -> bool:
        return has_permission(scope, Permission.MEASUREMENT_IMPORT, imp.kabkota_id)

    def refuse(self, upload, name: str) -> None:
        """What cannot be read is refused now, before anything is kept (no row, no file)."""
        if Path(name).suffix.lower() == ".xlsx":
            try:
                check_xlsx(upload, name=name, size=upload.size, max_bytes=MAX_BYTES)
                sheet_names(upload, max_bytes=MAX_BYTES)
            except XlsxRejected as exc:
                raise ValidationError(str(exc)) from None
        else:
            try:
                refuse_binary(upload)  # the one reader's own check
            except UnreadableFile as exc:
                raise ValidationError(_(exc.template)) from None

    def check(self, imp: Import, scope: Scope, progress, today: dt.date | None = None) -> CheckOutcome:
        rnd = round_of(imp)
        if refused := locks.refusal(rnd.kabkota_id, rnd.tahun, 7):
            raise FileRefused(refused)
        result = import_check(imp=imp, scope=scope, progress=progress, today=today)
        # Read lazily, a batch at a time, as the pipeline keeps (the first 20,000) and counts (all) them.
        problems: Iterable[problem_rules.Problem] = itertools.chain(
            (problem_rules.file_problem(m) for m in result.file_problems), _problems_of_check(imp)
        )
        return CheckOutcome(
            ok=result.ok,
            counts=result.counts,
            problems=problems,
            details={"ambiguous": result.ambiguous, "aliases": result.aliases, "columns": result.columns,
                     "unknown_columns": result.unknown_columns, "round": imp.params["round"]},
            notes=result.notes,
        )  # fmt: skip

    def commit(self, imp: Import, scope: Scope, by, progress) -> dict[str, int]:
        return import_write.import_commit(imp=imp, scope=scope, by=by, progress=progress)

    @property
    def bulk_tables(self) -> tuple[str, ...]:
        return (Measurement._meta.db_table,)

    def cleanup(self, imp: Import) -> None:
        """The rows the check staged on PostgreSQL go with the work folder (commit, "Batal", expiry)."""
        import_write.drop_staging(imp)

    def sweep(self) -> int:
        return import_write.sweep_staging()

    def refresh_statistics(self, imp: Import) -> None:
        if connection.vendor == "postgresql":  # the one partition it filled, not all 39
            import_write.analyze_partition(round_of(imp))
        else:
            super().refresh_statistics(imp)

    def after_commit(self, imp: Import) -> None:
        from .tasks import warm

        warm(round_of(imp))

    def rows_estimate(self, imp: Import) -> int:
        """Rows of the file, roughly: lines of a CSV, file size for an XLSX."""
        try:
            path = imp.file.path
            if imp.original_name.lower().endswith((".csv", ".txt")):
                with open(path, "rb") as fh:
                    return max(1, sum(c.count(b"\n") for c in iter(lambda: fh.read(1 << 20), b"")) - 1)
            return max(1, imp.file.size // 120)
        except (OSError, ValueError):
            return 1

    def back_url(self, imp: Import) -> str:
        return reverse("measurements:import", kwargs={"pk": imp.params["round"]})

    def done_url(self, imp: Import) -> str:
        return reverse("measurements:round", kwargs={"pk": imp.params["round"]})

    def preview_context(self, imp: Import) -> dict:
        details = (imp.summary or {}).get("details", {})
        counts = imp.counts
        return {
            "rnd": round_of(imp),
            "section_label": _("Pengukuran"),
            "ambiguous": details.get("ambiguous", []),
            "fields": details.get("columns", {}),
            "unknown_columns": details.get("unknown_columns", []),
            "field_labels": field_labels(),
            "mapping_url": reverse("measurements:mapping", kwargs={"kode": imp.kabkota_id})
            if details.get("unknown_columns") else "",
            "ready_text": _(
                "%(a)s anak baru dan %(r)s anak dengan data berubah akan disimpan sekaligus; %(u)s sama "
                "dengan yang tersimpan; %(x)s baris ditolak (lihat daftar masalah) dan tidak disimpan."
            ) % {k: id_count(counts.get(v, 0))
                 for k, v in (("a", "add"), ("r", "replace"), ("u", "unchanged"), ("x", "reject"))},
        }  # fmt: skip

    def answer(self, request, imp: Import):
        """The answers to the desa names the check asked about, inside the answerer's area: all of
        them are remembered, or none (:func:`desa_answers`); then the file is checked again."""
        from django.contrib import messages
        from django.shortcuts import redirect

        from konvergensi.imports.views import start_check
        from konvergensi.web import flash_errors

        answers = [
            (request.POST.get(f"kec-{index}") or None, request.POST.get(f"desa-{index}", ""), kode)
            for key, kode in request.POST.items()
            if key.startswith("pilih-") and kode
            for index in [key.removeprefix("pilih-")]
        ]
        if not answers:
            messages.info(request, _("Belum ada desa yang dipilih."))
            return redirect("imports:detail", pk=imp.pk)
        try:
            chosen = desa_names.desa_answers(imp=imp, scope=request.scope, answers=answers, by=request.user)
        except ValidationError as exc:
            flash_errors(request, exc)
            return redirect("imports:detail", pk=imp.pk)
        messages.success(request, _("%(n)s nama desa diingat untuk impor berikutnya.") % {"n": len(chosen)})
        return start_check(request, imp)

    def check_message(self, counts: dict[str, int]) -> str:
        return (
            f"{counts.get('rows', 0)} baris: {counts.get('add', 0)} baru, {counts.get('replace', 0)} diganti, "
            f"{counts.get('unchanged', 0)} tetap, {counts.get('reject', 0)} ditolak"
        )

    def done_message(self, counts: dict[str, int]) -> str:
        return f"{counts.get('added', 0)} anak baru, {counts.get('replaced', 0)} diganti"

    def json(self, imp: Import) -> dict:
        counts, summary = imp.counts, imp.summary or {}
        return {
            "added": counts.get("add", 0), "replaced": counts.get("replace", 0),
            "unchanged": counts.get("unchanged", 0), "rejected": counts.get("reject", 0),
            "rows": counts.get("rows", 0), "ambiguous": summary.get("details", {}).get("ambiguous", []),
        }  # fmt: skip


KIND_INSTANCE = MeasurementImportKind()


def round_dates_from_data(rnd: MeasurementRound) -> None:
    """A round created from the command line takes its dates from the visits it holds."""
    from django.db.models import Max, Min

    span = Measurement.objects.of_rounds([rnd.pk]).aggregate(a=Min("visit_date"), b=Max("visit_date"))
    if span["a"] and span["b"]:
        MeasurementRound.objects.filter(pk=rnd.pk).update(tanggal_mulai=span["a"], tanggal_selesai=span["b"])
