"""One time zone per region, from its province (issue 13 §2): WIB, WITA or WIT."""

import csv
import datetime as dt
import zoneinfo
from pathlib import Path

import pytest

from konvergensi_core import kode

DATA = Path(__file__).resolve().parents[2] / "src" / "konvergensi" / "data" / "wilayah"

# Written out by hand from the law on Indonesia's time zones (Keppres 41/1987) and the provinces
# created since, independently of the table in kode.py.
EXPECTED = {
    # WIB: Sumatra, Java, West and Central Kalimantan
    "11": "WIB", "12": "WIB", "13": "WIB", "14": "WIB", "15": "WIB", "16": "WIB", "17": "WIB",
    "18": "WIB", "19": "WIB", "21": "WIB", "31": "WIB", "32": "WIB", "33": "WIB", "34": "WIB",
    "35": "WIB", "36": "WIB", "61": "WIB", "62": "WIB",
    # WITA: Bali, Nusa Tenggara, South/East/North Kalimantan, Sulawesi
    "51": "WITA", "52": "WITA", "53": "WITA", "63": "WITA", "64": "WITA", "65": "WITA",
    "71": "WITA", "72": "WITA", "73": "WITA", "74": "WITA", "75": "WITA", "76": "WITA",
    # WIT: Maluku and Papua
    "81": "WIT", "82": "WIT", "91": "WIT", "92": "WIT", "93": "WIT", "94": "WIT", "95": "WIT",
    "96": "WIT",
}  # fmt: skip
IANA = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


def _shipped(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_shipped_province_has_its_zone():
    provinces = {r["kode"]: r["nama"] for r in _shipped("provinsi.csv")}
    assert set(provinces) == set(EXPECTED), "a province was added or removed: give it its zone"
    for code in provinces:
        assert kode.zone_abbreviation(code) == EXPECTED[code], provinces[code]
        assert kode.time_zone(code) == IANA[EXPECTED[code]], provinces[code]


def test_every_shipped_kabkota_takes_its_province_zone():
    for row in _shipped("kabkota.csv"):
        assert kode.time_zone(row["kode"]) == IANA[EXPECTED[row["kode_induk"]]], row["nama"]


@pytest.mark.parametrize(
    ("code", "abbr"),
    [("32.04.12.2001", "WIB"), ("51.71", "WITA"), ("73.71.01", "WITA"), ("64.72", "WITA"),
     ("62.01", "WIB"), ("61.71", "WIB"), ("65.01", "WITA"), ("94.01.01.2001", "WIT")],
)  # fmt: skip
def test_lower_levels_follow_the_province(code, abbr):
    assert kode.zone_abbreviation(code) == abbr


def test_zone_names_are_what_the_clock_says():
    """The IANA zone's own abbreviation is the one Indonesians write (used by the "T" format)."""
    moment = dt.datetime(2026, 2, 28, 18, 30, tzinfo=dt.UTC)
    seen = {}
    for code in ("32", "73", "91"):
        local = moment.astimezone(zoneinfo.ZoneInfo(kode.time_zone(code)))
        seen[kode.zone_abbreviation(code)] = (local.tzname(), local.strftime("%d %H:%M"))
    assert seen == {"WIB": ("WIB", "01 01:30"), "WITA": ("WITA", "01 02:30"), "WIT": ("WIT", "01 03:30")}


@pytest.mark.parametrize("bad", ["99", "00.01", "20", "P01", "", "3204"])
def test_unknown_codes_are_refused(bad):
    with pytest.raises(kode.InvalidKode):
        kode.time_zone(bad)
