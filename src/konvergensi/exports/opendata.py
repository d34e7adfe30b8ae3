"""Open data (issue 19): every published figure as Parquet or CSV, for the command line
(``konvergensi export opendata``) and the public download URLs (``/publik/data/…``).

* :data:`COLUMNS` is the ONE definition of the columns: name, kind and meaning (translated). The
  writer types the frame from it (:func:`opendata_bytes`), the public data dictionary
  (``/publik/data/``) renders it, and a test checks that docs/exports.md names every column.
* The rows are :func:`konvergensi.exports.selectors.opendata_rows`: one per published unit and round
  from the current publications of published rounds; a suppressed figure is null; no personal field.
* The public files are cached on disk (:func:`published_data`), under ``MEDIA_ROOT/opendata/``, keyed
  by a fingerprint of the set of current publications (their ids). Publishing, republishing or
  withdrawing a round changes that set, so the next download builds the new file once and removes
  the old one; every other download serves the stored file. The fingerprint is one small query, and
  also the download's ETag.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from konvergensi.publication.selectors import current_publications
from konvergensi_core.exports import opendata as core

from .selectors import OPENDATA_MEASURES, opendata_rows

log = logging.getLogger(__name__)

FORMATS = core.FORMATS
CONTENT_TYPES = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv; charset=utf-8"}
# Bump when the columns or the writing change: every cached file is then rebuilt.
FILE_VERSION = 1


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # a key of konvergensi_core.exports.opendata.KINDS
    meaning: str  # lazy, translated when rendered


KIND_LABELS = {
    "text": _("teks"),
    "date": _("tanggal (TTTT-BB-HH)"),
    "integer": _("bilangan bulat"),
    "float": _("bilangan desimal"),
}

# The five findings of a measurement round, in the order of the columns.
MEASURE_LABELS = {
    "stunted": _("stunting (TB/U < −2 SD)"),
    "severely_stunted": _("sangat pendek (TB/U < −3 SD)"),
    "wasted": _("wasting (BB/TB < −2 SD)"),
    "underweight": _("berat badan kurang (BB/U < −2 SD)"),
    "overweight": _("gizi lebih (BB/TB > +2 SD)"),
}
assert tuple(MEASURE_LABELS) == OPENDATA_MEASURES


def _measure_columns(m: str) -> list[Column]:
    label = MEASURE_LABELS[m]
    return [
        Column(m, "integer", format_lazy(_("Jumlah balita dengan {label}; kosong bila disembunyikan (sel kecil)."), label=label)),
        Column(f"{m}_prevalensi", "float", format_lazy(_("Prevalensi {label} sebagai pecahan (0,213 = 21,3 %); kosong bila disembunyikan."), label=label)),
        Column(f"{m}_ci_bawah", "float", format_lazy(_("Batas bawah selang kepercayaan 95 % (Wilson) prevalensi {label}, pecahan."), label=label)),
        Column(f"{m}_ci_atas", "float", format_lazy(_("Batas atas selang kepercayaan 95 % (Wilson) prevalensi {label}, pecahan."), label=label)),
    ]  # fmt: skip


COLUMNS: tuple[Column, ...] = (
    Column("kabkota_kode", "text", _("Kode Kemendagri kabupaten/kota yang mempublikasikan (mis. 32.11).")),
    Column("putaran", "text", _("Nama putaran pengukuran (mis. Februari 2026).")),
    Column("tanggal_mulai", "date", _("Hari pertama putaran pengukuran.")),
    Column("tanggal_selesai", "date", _("Hari terakhir putaran pengukuran.")),
    Column("kode", "text", _("Kode Kemendagri wilayah baris ini (kabupaten/kota, kecamatan atau desa).")),
    Column("nama", "text", _("Nama wilayah.")),
    Column("tingkat", "text", _("Tingkat wilayah: kabkota, kecamatan atau desa.")),
    Column("diukur", "integer", _("Jumlah balita yang diukur di wilayah ini pada putaran ini.")),
    *(c for m in OPENDATA_MEASURES for c in _measure_columns(m)),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)

# The example query of the data dictionary (and of docs/exports.md): DuckDB reads the Parquet file
# directly, over HTTP too (its httpfs extension).
DUCKDB_EXAMPLE = """\
-- the latest published stunting prevalence of every district
SELECT kabkota_kode, nama, putaran, round(100 * stunted_prevalensi, 1) AS stunting_persen, diukur
FROM 'konvergensi-nasional.parquet'
WHERE tingkat = 'kabkota'
QUALIFY row_number() OVER (PARTITION BY kabkota_kode ORDER BY tanggal_mulai DESC) = 1
ORDER BY stunting_persen DESC NULLS LAST;"""


def opendata_bytes(*, kabkota: str | None = None, fmt: str) -> tuple[bytes, int]:
    """The published figures (nationwide, or one district) as a Parquet or CSV file, and its row count."""
    table = core.frame(opendata_rows(kabkota=kabkota), [(c.name, c.kind) for c in COLUMNS])
    return core.encode(table, fmt), table.height


def filename(kabkota: str | None, fmt: str) -> str:
    """``konvergensi-nasional.parquet`` or ``konvergensi-32.11.csv``."""
    return f"konvergensi-{kabkota or 'nasional'}.{fmt}"


@dataclass(frozen=True)
class PublishedData:
    """The current open data of the nation (``kabkota`` None) or of one district."""

    kabkota: str | None
    fingerprint: str

    def etag(self, fmt: str) -> str:
        return f'"{self.fingerprint}-{fmt}"'

    def path(self, fmt: str) -> Path:
        folder = Path(settings.MEDIA_ROOT) / "opendata" / (self.kabkota or "nasional")
        return folder / f"konvergensi-{self.kabkota or 'nasional'}-{self.fingerprint}.{fmt}"

    def open(self, fmt: str) -> BinaryIO:
        """The file, built and stored first if the current publications changed since it was."""
        path = self.path(fmt)
        try:
            return path.open("rb")
        except FileNotFoundError:
            pass
        content, _rows = opendata_bytes(kabkota=self.kabkota, fmt=fmt)
        from konvergensi_core.io.writers import UnwritableFile, write_atomic

        try:
            write_atomic(path, content)
        except UnwritableFile:
            log.warning("open data: cannot store %s; served without caching", path, exc_info=True)
        else:
            for old in path.parent.glob(f"*.{fmt}"):
                if old != path:
                    old.unlink(missing_ok=True)  # an earlier set of publications
        return io.BytesIO(content)


def published_data(*, kabkota: str | None = None) -> PublishedData:
    """The fingerprint of what is published now: one query over the current publications' ids."""
    ids = sorted(current_publications(kabkota=kabkota).order_by().values_list("pk", flat=True))
    text = f"v{FILE_VERSION}:{kabkota or ''}:{','.join(map(str, ids))}"
    return PublishedData(kabkota, hashlib.sha256(text.encode()).hexdigest()[:20])
