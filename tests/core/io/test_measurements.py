from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from konvergensi_core.io import normalise, read_chunks, recognise_columns
from konvergensi_core.io.measurements import UnreadableFile

MESSY = """No;NIK;Nama Anak;JK;Tgl Lahir;Tanggal Pengukuran;Berat (kg);Tinggi (cm);Cara Ukur;Edema
1;3211010101200001;Anak A;L;01/02/2024;15/08/2025;9,5;76,2;terlentang;tidak
2;3211010101200002;Anak B;P;2023-03-05;2025-08-15;11;86;Berdiri;
3;3211010101200003;Anak C;X;31/31/2024;2025-08-15;abc;80;?;ya
4;3211010101200004;Anak D;p;2026-01-01;2025-08-15;8;70;L;n
;;;;;;;;;
"""


@pytest.fixture
def messy(tmp_path) -> Path:
    path = tmp_path / "eppgbm.csv"
    path.write_text(MESSY, encoding="utf-8")
    return path


def test_indonesian_headers_are_recognised_in_any_order():
    cols = recognise_columns(["Cara Ukur", "BB", "TB/PB", "Tgl Lahir", "JK", "Tanggal Pengukuran", "EDEMA"])
    assert cols == {
        "measure": "Cara Ukur",
        "weight": "BB",
        "lenhei": "TB/PB",
        "birth_date": "Tgl Lahir",
        "sex": "JK",
        "visit_date": "Tanggal Pengukuran",
        "oedema": "EDEMA",
    }


def test_an_explicit_mapping_wins():
    cols = recognise_columns(["Umur (bln)", "Kelamin", "Berat"], {"Umur (bln)": "age"})
    assert cols["age"] == "Umur (bln)" and cols["sex"] == "Kelamin"


def test_messy_values_are_parsed_and_bad_ones_counted(messy):
    (chunk,) = list(read_chunks(messy))
    parsed = normalise(chunk, recognise_columns(chunk.columns))
    assert parsed.sex[:4].tolist()[:2] == [1.0, 2.0] and np.isnan(parsed.sex[2]) and parsed.sex[3] == 2.0
    assert parsed.weight[0] == 9.5 and parsed.lenhei[0] == 76.2  # decimal commas
    assert parsed.measure.tolist() == [1, 2, 0, 1, 0]
    assert parsed.oedema.tolist() == [False, False, True, False, False]
    assert parsed.age[0] == (np.datetime64("2025-08-15") - np.datetime64("2024-02-01")).astype(int)
    assert np.isnan(parsed.age[2]) and np.isnan(parsed.age[3])
    assert parsed.problems == {
        "jenis kelamin tidak dikenal": 1,
        "berat bukan angka": 1,
        "cara ukur tidak dikenal": 1,
        "tanggal lahir tidak valid": 1,
        "tanggal lahir setelah tanggal ukur": 1,
        "baris kosong": 1,
    }


def test_excel_serial_dates_and_age_columns(tmp_path):
    frame = pl.DataFrame(
        {"JK": ["1"], "Tgl Lahir": ["45292"], "Tgl Ukur": ["45519"], "BB": ["9"], "PB": ["75"]}
    )
    parsed = normalise(frame, recognise_columns(frame.columns))
    assert parsed.age[0] == 45519 - 45292
    frame = pl.DataFrame({"sex": ["M"], "Usia": ["14,5"], "weight": ["9"], "lenhei": ["75"]})
    parsed = normalise(frame, recognise_columns(frame.columns), age_unit="months")
    # the reader keeps ages in days: 14.5 months × 30.4375, rounded half up as the WHO software does
    assert parsed.age[0] == 441 and parsed.age_unit == "days"


def test_unsupported_or_missing_files_get_a_message(tmp_path):
    with pytest.raises(UnreadableFile, match="tidak didukung"):
        list(read_chunks(tmp_path / "data.docx"))
    with pytest.raises(UnreadableFile, match="tidak ditemukan"):
        list(read_chunks(tmp_path / "none.csv"))


def test_chunks_are_bounded(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("sex,age,weight,lenhei\n" + "1,100,7,65\n" * 2500)
    sizes = [c.height for c in read_chunks(path, chunk_rows=1000)]
    assert sum(sizes) == 2500 and max(sizes) <= 1000


def test_csv_blocks_cut_only_between_records(tmp_path, monkeypatch):
    """Small blocks force many cuts: a quoted line break, a BOM, CRLF, a short row and no final
    newline must all come through as the same records Polars reads from the whole file."""
    from konvergensi_core.io import measurements

    monkeypatch.setattr(measurements, "CSV_BLOCK_BYTES", 64)
    lines = ["JK;Alamat;Berat;Tinggi"]
    for i in range(300):
        address = f'"Jl. Mawar {i};\nRT 0{i % 9}"' if i % 7 == 0 else f"Dusun {i}"
        lines.append(f"{'L' if i % 2 else 'P'};{address};{7 + i % 5},{i % 10};{60 + i % 30}")
    lines.append("P;pendek")  # a short row: the missing cells become empty
    path = tmp_path / "alamat.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode())  # BOM, CRLF, no final newline
    got = pl.concat(list(read_chunks(path, chunk_rows=50)))
    assert got.columns == ["JK", "Alamat", "Berat", "Tinggi"]
    assert got.height == 301
    assert got["Alamat"][0] == "Jl. Mawar 0;\nRT 00" and got["Alamat"][1] == "Dusun 1"
    assert got["Berat"][299] == "11,9" and got.row(300) == ("P", "pendek", None, None)
    want = pl.read_csv(path, separator=";", infer_schema=False, truncate_ragged_lines=True)
    assert got.slice(0, 300).equals(want.slice(0, 300))


def test_a_csv_with_only_a_header_gives_its_columns(tmp_path):
    path = tmp_path / "kosong.csv"
    path.write_text("sex,age,weight,lenhei\n")
    (chunk,) = list(read_chunks(path))
    assert chunk.height == 0 and chunk.columns == ["sex", "age", "weight", "lenhei"]


cell = st.one_of(st.none(), st.text(max_size=12), st.floats(allow_nan=True).map(str), st.integers().map(str))


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(cell, cell, cell, cell, cell, cell, cell), min_size=1, max_size=15))
def test_any_cell_content_never_raises_and_counts_stay_within_the_rows(rows):
    names = ["JK", "Tgl Lahir", "Tanggal Pengukuran", "Berat", "Tinggi", "Cara Ukur", "Edema"]
    frame = pl.DataFrame(
        {n: [r[i] for r in rows] for i, n in enumerate(names)}, schema=dict.fromkeys(names, pl.String)
    )
    parsed = normalise(frame, recognise_columns(frame.columns))
    assert parsed.sex.shape == parsed.age.shape == (len(rows),)
    assert all(0 < count <= len(rows) for count in parsed.problems.values())
