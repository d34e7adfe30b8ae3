"""The growth engine over frames: Polars, pandas and plain mappings, ages from two dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

from konvergensi_core.growth import age_days_between, round_decimal, zscores, zscores_frame

GOLDEN = Path(__file__).parent / "golden"
Z = ("zlen", "zwei", "zwfl", "zbmi")


@pytest.mark.parametrize("unit", ["days", "months"])
def test_golden_file_as_a_polars_frame_is_identical_to_anthro(unit):
    inputs = pl.read_csv(GOLDEN / "inputs.csv", null_values="NA", infer_schema_length=0)
    expected = pl.read_csv(GOLDEN / "expected.csv", null_values="NA", infer_schema_length=0)
    rows = inputs.filter(pl.col("age_unit") == unit)
    want = rows.select("id").join(expected, on="id", how="left", maintain_order="left")
    # Text columns straight from the file: the frame entry parses numbers, L/H and y/n itself.
    out = zscores_frame(rows, age_unit=unit)
    for z in Z:
        ref = want.get_column(f"{z}_raw").cast(pl.Float64).fill_null(np.nan).to_numpy()
        got = out[z]
        assert np.array_equal(np.isnan(got), np.isnan(ref)), z
        fin = np.isfinite(ref)
        assert np.max(np.abs(got[fin] - ref[fin])) <= 1e-9, z
        flags = want.get_column(z.replace("z", "f", 1)).cast(pl.Float64).fill_null(np.nan).to_numpy()
        assert np.array_equal(out[z.replace("z", "f", 1)], flags, equal_nan=True), z


def test_pandas_frame_with_indonesian_codes_and_dates_equals_the_array_call():
    frame = pd.DataFrame(
        {
            "JK": ["L", "P", "laki-laki", "Perempuan", None, "x"],
            "Tgl Lahir": ["2024-01-01", "2023-05-05", "2025-06-30", "2021-02-28", "2024-01-01", "2024-01-01"],
            "Tgl Ukur": pd.to_datetime(["2026-01-01"] * 6),
            "BB": [11.0, 12.5, 7.9, 15.2, 10.0, 10.0],
            "TB": ["85,5", "90", "68.1", "99", "80", "80"],
            "Cara": ["H", "berdiri", "terlentang", "Tinggi", "L", "L"],
            "Edema": [False, True, False, None, False, False],
        }
    )
    out = zscores_frame(
        frame,
        columns={
            "sex": "JK",
            "birth_date": "Tgl Lahir",
            "visit_date": "Tgl Ukur",
            "weight": "BB",
            "lenhei": "TB",
            "measure": "Cara",
            "oedema": "Edema",
        },
    )
    days = np.array([731, 972, 185, 1768, 731, 731], dtype=float)
    ref = zscores(
        np.array([1, 2, 1, 2, np.nan, np.nan]),
        days,
        frame["BB"].to_numpy(),
        np.array([85.5, 90, 68.1, 99, 80, 80]),
        np.array([2, 2, 1, 2, 1, 1], dtype=np.int8),
        np.array([False, True, False, False, False, False]),
    )
    for key, value in ref.items():
        assert np.array_equal(out[key], value, equal_nan=True), key
    assert np.isnan(out["zwei"][1])  # oedema
    assert np.isnan(out["zlen"][4:]).all()  # unknown sex


def test_plain_mapping_of_numpy_arrays_and_rounding_option():
    data = {
        "sex": np.array([1, 2]),
        "age": np.array([12.0, 30.5]),
        "weight": [9.1, 12.0],
        "lenhei": [74.0, 88.2],
    }
    raw = zscores_frame(data, age_unit="months")
    two = zscores_frame(data, age_unit="months", digits=2)
    assert np.isfinite(raw["zlen"]).all()
    for z in Z:
        assert np.array_equal(two[z], round_decimal(raw[z], 2))
        assert not np.array_equal(raw[z], two[z])


def test_age_from_two_dates_is_the_day_difference_and_never_negative():
    birth = np.array(["2024-02-29", "2026-01-02", "NaT", "2020-01-01"], dtype="datetime64[D]")
    visit = np.array(["2025-02-28", "2026-01-01", "2026-01-01", "2026-01-01"], dtype="datetime64[D]")
    days = age_days_between(birth, visit)
    assert days[0] == 365
    assert np.isnan(days[1:3]).all()  # born after the visit; birth date missing
    assert days[3] == (dt.date(2026, 1, 1) - dt.date(2020, 1, 1)).days
    out = zscores(np.ones(4), None, np.full(4, 10.0), np.full(4, 80.0), birth_date=birth, visit_date=visit)
    assert np.isfinite(out["zlen"][0])
    assert np.isnan(out["zlen"][1:]).all()  # no age, or 72 months: outside 0–60


def test_a_frame_without_what_is_needed_gets_a_clear_error():
    with pytest.raises(ValueError, match="age"):
        zscores_frame({"sex": [1], "weight": [9.0], "lenhei": [70.0]})
    with pytest.raises(ValueError, match="lenhei"):
        zscores_frame({"sex": [1], "age": [100], "weight": [9.0]})
    with pytest.raises(ValueError, match="unknown standard"):
        zscores_frame({"sex": [1]}, columns={"jk": "sex"})
