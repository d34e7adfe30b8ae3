"""One reader: the same messy files through ``konvergensi zscore`` and through the web import's
reading and parsing (``open_export`` + ``eppgbm.parse_export``) give the same ages, z-scores and
flags, row by row (issue 12 §2).

The files: title lines above the header, a Latin-1 CSV, a UTF-16 CSV, an XLSX with real date and
number cells, Indonesian dates (``15 Agustus 2025``, ``20.08.2025``), decimal commas and units,
odd headers that only a saved mapping names. The CLI runs as a subprocess (this test imports no
Django); the web path is the core functions the import calls.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from openpyxl import Workbook

from konvergensi_core import eppgbm
from konvergensi_core.growth.files import INPUT_SUFFIXES, engine_columns
from konvergensi_core.io.measurements import header_row, normalise, open_export, recognised_count

KABKOTA = "3201"
TODAY = dt.date(2026, 1, 1)
Z = ("zlen", "zwei", "zwfl", "zbmi")
FLAGS = ("flen", "fwei", "fwfl", "fbmi")
TITLE = [["Laporan Pengukuran Balita e-PPGBM"], ["Kabupaten Bogor, Agustus 2025"], []]

HEADER = [
    "No",
    "NIK",
    "Nama Anak",
    "JK",
    "Tgl. Lahir",
    "Tanggal Pengukuran",
    "Usia Saat Ukur",
    "Berat (kg)",
    "Tinggi (cm)",
    "Cara Ukur",
    "Edema",
    "Kecamatan",
    "Desa/Kel",
]
# No, NIK, name, JK, birth, visit, age, weight, height, position, oedema, kecamatan, desa
ROWS = [
    ["1", "3201010102240001", "Anak Ásih", "L", "01/02/2024", "15 Agustus 2025", "", "9,5", "76,2",
     "terlentang", "tidak", "Cibinong", "Pakansari"],
    ["2", "", "Anak Bunga", "P", "2023-03-05", "15-08-2025", "", "11", "86", "Berdiri", "", "Cibinong",
     "Pakansari"],
    ["3", "", "Anak Cahyo", "laki-laki", "5 Mei 2022", "20.08.2025", "", "13,2 kg", "95 cm", "H", "",
     "Citeureup", "Puspanegara"],
    ["4", "", "Anak Dewi", "Perempuan", "", "2025-08-15", "2 Tahun - 3 Bulan - 5 Hari", "10,1", "80,4",
     "", "", "Citeureup", "Puspanegara"],
    ["5", "", "Anak Eko", "X", "2024-01-10", "2025-08-15", "", "9", "75", "L", "", "Cibinong",
     "Pakansari"],
    ["6", "", "Anak Fajar", "L", "2024-01-10", "2025-08-15", "", "abc", "75", "L", "", "Cibinong",
     "Pakansari"],
    ["7", "", "Anak Gita", "P", "2026-01-01", "2025-08-15", "", "8", "70", "L", "", "Cibinong",
     "Pakansari"],
    ["8", "", "Anak Hadi", "L", "2024-08-15", "2025-08-15", "", "30", "75", "L", "", "Cibinong",
     "Pakansari"],
    [""] * 13,
    ["9", "", "Anak Indah", "P", "2025-02-15", "2025-08-15", "", "7,2", "64,5", "berdiri", "", "Cibinong",
     "Pakansari"],
    ["10", "", "Anak Joko", "1", "15/08/2023", "2025/08/15", "", "12,0", "88,1", "2", "ya", "Cibinong",
     "Pakansari"],
    ["11", "", "Anak Kiki", "2", "45292", "45884", "", "9.8", "77.0", "1", "", "Cibinong", "Pakansari"],
]  # fmt: skip
DATA_ROWS = len(ROWS)


def _csv_text(rows, separator: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=separator, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return buf.getvalue()


def _number_or_date(value: str):
    """An XLSX cell as Excel stores it: a real number or date where the text is one."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            pass
    try:
        return float(value.replace(",", "."))
    except ValueError:
        return value or None


def write_title_csv(folder: Path) -> tuple[Path, dict | None]:
    path = folder / "judul.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _csv_text([*TITLE, HEADER, *ROWS], ";").encode())
    return path, None


def write_latin1_csv(folder: Path) -> tuple[Path, dict | None]:
    path = folder / "latin1.csv"
    path.write_bytes(_csv_text([*TITLE, HEADER, *ROWS], ",").encode("cp1252"))
    return path, None


def write_utf16_csv(folder: Path) -> tuple[Path, dict | None]:
    path = folder / "unicode.csv"  # Excel's "Unicode text": UTF-16 with its BOM, tab-separated
    path.write_bytes(_csv_text([HEADER, *ROWS], "\t").encode("utf-16"))
    return path, None


def write_xlsx(folder: Path) -> tuple[Path, dict | None]:
    path = folder / "ukur.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(TITLE[0])
    ws.append(TITLE[1])
    ws.append([])
    ws.append(HEADER)
    for row in ROWS:
        cells = list(row)
        if any(cells):
            for i in (4, 5, 7, 8):  # dates and measurements as real cells
                cells[i] = _number_or_date(cells[i])
        ws.append(cells)
    wb.save(path)
    return path, None


ODD = {
    "Kelamin Anak": "sex",
    "Lahir Pada": "birth_date",
    "Diukur Pada": "visit_date",
    "BB Sekarang": "weight",
    "Panjang/Tinggi Sekarang": "lenhei",
    "Catatan Kader": None,
    "Wil": "kecamatan",
    "Posisi Badan": "measure",
    "Bengkak": "oedema",
}


def write_odd_headers(folder: Path) -> tuple[Path, dict | None]:
    """Headers no alias knows: only the saved mapping names them, the header search included."""
    renamed = {"JK": "Kelamin Anak", "Tgl. Lahir": "Lahir Pada", "Tanggal Pengukuran": "Diukur Pada",
               "Berat (kg)": "BB Sekarang", "Tinggi (cm)": "Panjang/Tinggi Sekarang",
               "Usia Saat Ukur": "Catatan Kader", "NIK": "Identitas", "Nama Anak": "Anak",
               "Kecamatan": "Wil", "Cara Ukur": "Posisi Badan", "Edema": "Bengkak"}  # fmt: skip
    header = [renamed.get(h, h) for h in HEADER]
    rows = [[("" if header[i] == "Catatan Kader" else v) for i, v in enumerate(r)] for r in ROWS]
    path = folder / "aneh.csv"
    path.write_text(_csv_text([*TITLE, header, *rows], ";"), encoding="utf-8")
    return path, ODD


FILES = {
    "title-lines": write_title_csv,
    "latin1": write_latin1_csv,
    "utf16": write_utf16_csv,
    "xlsx": write_xlsx,
    "saved-mapping": write_odd_headers,
}


def web_import(path: Path, mapping: dict | None) -> tuple[int, pl.DataFrame, int]:
    """What the web import does with an upload: open_export, then parse_export chunk by chunk."""
    opened = open_export(path, path.name, mapping, chunk_rows=4)  # small chunks: row numbers carry on
    first_row = opened.skip + 2
    rows, empty = [], 0
    for chunk in opened.chunks:
        parsed = eppgbm.parse_export(
            chunk, kabkota=KABKOTA, today=TODAY, mapping=mapping, first_row=first_row
        )
        assert parsed.file_problems == [], parsed.file_problems
        first_row += chunk.height
        rows.append(parsed.rows)
        empty += parsed.empty_rows
    return opened.skip, pl.concat(rows), empty


def library_ages(path: Path, mapping: dict | None) -> np.ndarray:
    """The ages (days) the CLI's reading gives each data row, empty lines included."""
    opened = open_export(path, path.name, mapping, chunk_rows=4, suffixes=INPUT_SUFFIXES)
    ages = []
    for chunk in opened.chunks:
        columns = engine_columns(chunk.columns, mapping)
        ages.append(normalise(chunk, columns, age_unit=columns.age_unit or "days").age)
    return np.concatenate(ages)


def cli(path: Path, out: Path, mapping: dict | None) -> pl.DataFrame:
    maps = [a for header, field in (mapping or {}).items() if field for a in ("--map", f"{header}={field}")]
    done = subprocess.run(
        [sys.executable, "-m", "konvergensi", "zscore", str(path), "-o", str(out), "--format", "json", *maps],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    summary = json.loads(done.stdout)
    assert summary["rows"] == DATA_ROWS and summary["problems"].get("baris kosong") == 1, summary
    return pl.read_parquet(out)


@pytest.mark.parametrize("kind", list(FILES))
def test_the_cli_and_the_web_import_read_a_messy_file_alike(kind, tmp_path):
    path, mapping = FILES[kind](tmp_path)
    skip, web, empty = web_import(path, mapping)
    assert skip == (0 if kind == "utf16" else 3)  # the title lines were found the same way
    assert web.height + empty == DATA_ROWS and empty == 1
    assert web["row"].to_list() == [skip + 2 + i for i in range(DATA_ROWS) if any(ROWS[i])]

    # Ages: the CLI's reading and the web import's, row by row (the empty line has none).
    ages = library_ages(path, mapping)
    assert len(ages) == DATA_ROWS
    by_row = dict(zip(web["row"].to_list(), web["age_days"].to_list(), strict=True))
    for i, age in enumerate(ages):
        want = by_row.get(skip + 2 + i)
        assert (np.isnan(age) and want is None) or age == want, (kind, i, age, want)
    # Hand-checked: dates with month words, and "2 Tahun - 3 Bulan - 5 Hari" without a birth date.
    assert by_row[skip + 2] == (dt.date(2025, 8, 15) - dt.date(2024, 2, 1)).days
    assert by_row[skip + 4] == (dt.date(2025, 8, 20) - dt.date(2022, 5, 5)).days
    if kind != "saved-mapping":  # that layout has no age column
        assert by_row[skip + 5] == 827  # 2·365.25 + 3·30.4375 + 5 = 826.8 days
    assert by_row[skip + 8] is None  # born after the visit

    # Z-scores and flags: equal on every row the web import accepts.
    out = cli(path, tmp_path / "hasil.parquet", mapping)
    assert out.height == DATA_ROWS
    cli_rows = out.with_columns(row=pl.int_range(pl.len()) + skip + 2)
    accepted = web.filter(pl.col("accepted"))
    assert accepted.height >= 7, accepted.select("row", "accepted")
    rejected = {skip + 6, skip + 7, skip + 8}  # JK X, BB abc, born after the visit
    if kind == "saved-mapping":
        rejected.add(skip + 5)  # no age column: row 4's "2 Tahun - 3 Bulan - 5 Hari" is not read
    assert set(web.filter(~pl.col("accepted"))["row"]) == rejected
    joined = accepted.join(cli_rows, on="row", suffix="_cli")
    assert joined.height == accepted.height
    computed = 0
    for z, f in zip(Z, FLAGS, strict=True):
        for web_z, cli_z, web_f, cli_f in joined.select(z, f"{z}_cli", f, f"{f}_cli").iter_rows():
            assert (web_z is None and cli_z is None) or web_z == cli_z, (kind, z, web_z, cli_z)
            assert bool(web_f) == (cli_f == 1), (kind, f, web_f, cli_f)
            computed += web_z is not None
    assert computed >= 20
    assert joined.filter(pl.col("fwei"))["row"].to_list() == [skip + 9]  # 30 kg at 12 months


def test_the_header_search_counts_the_saved_mapping(tmp_path):
    path, mapping = write_odd_headers(tmp_path)
    assert header_row(path, recognised_count(None)) == 0  # only Desa/Kel is known
    assert header_row(path, recognised_count(mapping)) == 3
    # Without the mapping the import cannot find its columns: one problem per missing column.
    opened = open_export(path, path.name)
    parsed = eppgbm.parse_export(next(opened.chunks), kabkota=KABKOTA, today=TODAY)
    assert "Kolom JK tidak ditemukan" in parsed.file_problems


def test_a_non_utf8_csv_is_read_without_rewriting_it(tmp_path):
    path, _ = write_latin1_csv(tmp_path)
    before = path.read_bytes()
    skip, web, _ = web_import(path, None)
    assert path.read_bytes() == before
    assert web.filter(pl.col("row") == skip + 2)["nama"].item() == "Anak Ásih"


def test_every_kind_is_read_the_same(tmp_path):
    """The same rows, whatever the encoding or the container: the web import's typed values agree."""
    frames = []
    for kind, write in FILES.items():
        folder = tmp_path / kind
        folder.mkdir()
        _, web, _ = web_import(*write(folder))
        frames.append(web.select("accepted", "sex", "birth_date", "visit_date", "age_days", "weight", "lenhei",
                                 "measure", "oedema", "desa", *Z))  # fmt: skip
    *others, odd = frames
    for other in others[1:]:
        assert other.equals(others[0])
    # the odd layout has no age column: only row 4 (age without a birth date) differs
    assert odd.filter(pl.int_range(pl.len()) != 3).equals(others[0].filter(pl.int_range(pl.len()) != 3))
    assert odd["age_days"][3] is None and others[0]["age_days"][3] == 827
