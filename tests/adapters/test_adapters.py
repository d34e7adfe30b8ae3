"""The source adapters without a database: each sample reads cleanly through its adapter, old codes
are mapped and reported, removed codes are problems told once, the docs list the same columns as
the definitions, and the CLI lists and writes them."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from konvergensi.cli import app
from konvergensi_core import adapters
from konvergensi_core import crosswalk as cw
from konvergensi_core.adapters import DUKCAPIL, EPPGBM, SIPD, columns_markdown, sample_desa

ROOT = Path(__file__).resolve().parents[2]
MERAUKE = "93.01"


def desa_of(kabkota: str) -> dict[str, str]:
    return {k: n for k, n, _kec in sample_desa(kabkota, 10_000)}


def read(adapter, path: Path, kabkota: str):
    if adapter is DUKCAPIL:
        return adapter.read(path, kabkota=kabkota, desa=desa_of(kabkota))
    if adapter is EPPGBM:
        return adapter.read(path, kabkota=kabkota, today=dt.date(2026, 3, 1))
    return adapter.read(path)


@pytest.mark.parametrize("name", list(adapters.ADAPTERS))
def test_each_sample_reads_cleanly_through_its_adapter(tmp_path, name):
    adapter = adapters.get(name)
    path = adapter.sample(tmp_path / f"{name}.csv", kabkota="32.11")
    got = read(adapter, path, "32.11")
    assert got.problems == [] and got.notes == []
    header = next(csv.reader(path.open(encoding="utf-8"), delimiter=";"))
    required = {c.name for c in adapter.columns if c.required}
    assert required <= set(header)


def _rewrite(path: Path, old_for_new: dict[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for new, old in old_for_new.items():
        text = text.replace(new, old)
    path.write_text(text, encoding="utf-8")


def test_dukcapil_maps_2021_codes_and_reports_each(tmp_path):
    path = DUKCAPIL.sample(tmp_path / "d.csv", kabkota=MERAUKE)
    codes = [k for k, _n, _kec in sample_desa(MERAUKE)]
    _rewrite(path, {c: "91" + c[2:] for c in codes})  # Merauke's desa under Papua (2021)
    got = DUKCAPIL.read(path, kabkota=MERAUKE, desa=desa_of(MERAUKE))
    assert got.problems == []
    assert [r.desa for r in got.result.rows] == codes
    assert [(n.row, n.column, n.old, n.new, n.kind) for n in got.notes] == [
        (i + 2, "Kode Desa", "91" + c[2:], c, cw.MOVED) for i, c in enumerate(codes)
    ]
    assert "Permendagri 58/2021" in got.notes[0].message


def test_a_removed_code_is_one_problem_and_an_unknown_one_stays_a_problem(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("Kode Desa;Jumlah Penduduk\n91.13.44.2001;10\n32.11.01.2001;20\n", encoding="utf-8")
    got = DUKCAPIL.read(path, kabkota="91.13", desa={"91.13.01.2001": "X"})
    assert [(p.row, p.column, p.value) for p in got.problems] == [
        (2, "Kode Desa", "91.13.44.2001"),
        (3, "Kode Desa", "32.11.01.2001"),
    ]
    assert "dihapus" in got.problems[0].message  # told once: not also "not in the district"
    assert "tidak ada di kabupaten/kota" in got.problems[1].message
    assert not got.ok and got.notes == []


def test_sipd_maps_the_lokasi_codes(tmp_path):
    path = SIPD.sample(tmp_path / "s.csv", kabkota=MERAUKE)
    codes = [k for k, _n, _kec in sample_desa(MERAUKE, 2)]
    _rewrite(path, {c: "91" + c[2:] for c in codes})
    got = SIPD.read(path)
    assert got.problems == []
    assert got.result.lines[0].locations == tuple(codes)
    notes = {(n.old, n.new): n for n in got.notes}
    assert notes[("91" + codes[0][2:], codes[0])].rows == 2  # rows 2 and 3 carry it: one note
    assert notes[("91" + codes[0][2:], codes[0])].row == 2


def test_eppgbm_maps_kode_desa_and_refuses_a_removed_one(tmp_path):
    path = EPPGBM.sample(tmp_path / "e.csv", kabkota=MERAUKE)
    codes = [k for k, _n, _kec in sample_desa(MERAUKE, 2)]
    _rewrite(path, {codes[0]: "91" + codes[0][2:], codes[1]: "91.13.44.2001"})
    got = EPPGBM.read(path, kabkota=MERAUKE, today=dt.date(2026, 3, 1))
    rows = got.result[0].rows
    assert rows.get_column("desa_kode").to_list() == [codes[0], "91.13.44.2001"] * 2
    assert rows.get_column("accepted").to_list() == [True, False, True, False]
    assert [(n.row, n.old, n.new, n.rows) for n in got.notes] == [(2, "91" + codes[0][2:], codes[0], 2)]
    assert [(p.row, p.column) for p in got.problems] == [(3, "Kode Desa"), (5, "Kode Desa")]


def test_the_docs_list_the_columns_of_every_adapter():
    text = (ROOT / "docs" / "adapters.md").read_text(encoding="utf-8")
    for adapter in adapters.ADAPTERS.values():
        assert f"## `{adapter.name}`" in text
        assert adapter.description in text
        assert columns_markdown(adapter.columns) in text, f"docs/adapters.md: columns of {adapter.name}"
    documented = re.findall(r"^## `([\w-]+)`", text, flags=re.M)
    assert documented == list(adapters.ADAPTERS)


def test_cli_lists_and_writes_samples(tmp_path):
    runner = CliRunner()
    out = runner.invoke(app, ["adapters", "list", "--format", "json"])
    assert out.exit_code == 0, out.output
    listed = json.loads(out.output)
    assert [a["name"] for a in listed] == ["eppgbm", "sipd", "sipd-dokumen", "dukcapil"]
    assert any(c["level"] == "desa" for c in listed[3]["columns"])
    target = tmp_path / "contoh.csv"
    out = runner.invoke(app, ["adapters", "sample", "dukcapil", "-o", str(target), "--kabkota", "32.11"])
    assert out.exit_code == 0, out.output
    assert target.read_text(encoding="utf-8").startswith("Kode Desa;Nama Desa;Kecamatan;Jumlah Penduduk")
    assert runner.invoke(app, ["adapters", "sample", "tidakada", "-o", str(target)]).exit_code == 2
    assert (
        runner.invoke(app, ["adapters", "sample", "sipd", "-o", str(target), "--kabkota", "99.99"]).exit_code
        == 2
    )
