"""The WHO growth tables are exactly the files their checksums name, unchanged."""

import shutil
from pathlib import Path

from konvergensi_core.growth import who2006
from tests.checksums import checksum_problems

WHO = Path(who2006.__file__).resolve().parent / "who"


def test_every_who_table_matches_its_checksum_and_is_listed():
    assert checksum_problems(WHO) == []
    assert sorted(p.name for p in WHO.glob("*.csv")) == sorted(
        line.split("  ")[1] for line in (WHO / "SHA256SUMS").read_text().splitlines() if line
    )


def test_a_changed_missing_or_unlisted_table_is_caught(tmp_path):
    copy = tmp_path / "who"
    shutil.copytree(WHO, copy)
    table = copy / "who2006_wfa_by_day.csv"
    table.write_text(table.read_text().replace("0.", "1.", 1))
    (copy / "who2006_hcfa_by_day.csv").write_text("sex,age_days,l,m,s\n")
    (copy / "who2007_bfa_by_month.csv").unlink()
    assert checksum_problems(copy) == [
        "who2006_wfa_by_day.csv does not match its checksum",
        "who2007_bfa_by_month.csv is listed but missing",
        "who2006_hcfa_by_day.csv is not listed",
    ]
