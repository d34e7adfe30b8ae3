"""The unit table of an analysis: stunting cases and children measured per desa (data sasaran or a
measurement round) pooled to the chosen level, or the figures of an uploaded sheet per unit.

The rules (pooled figures, areas, matching a file's labels) are ``konvergensi_core.ansit.units``'s;
this module reads the district's units and figures from the database.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from konvergensi.indicators.models import SasaranStatus
from konvergensi.indicators.selectors import sasaran_in_kabkota
from konvergensi.wilayah.models import Puskesmas, Region
from konvergensi_core.ansit import Problem, has_errors
from konvergensi_core.ansit import units as unit_rules
from konvergensi_core.io.ansit_input import read_hotspot_file

from .. import selectors
from ..models import Level
from .base import MAX_UPLOAD

Figures = dict[str, tuple[float | None, float | None]]  # desa -> (cases, measured)


def sasaran_figures(kabkota: str, tahun: int) -> tuple[Figures, int]:
    """Stunting cases and children measured per desa from the data sasaran of a year; and how many
    of those rows the camat has not verified yet."""
    out: Figures = {}
    unverified = 0
    rows = sasaran_in_kabkota(kabkota, tahun=tahun).values_list(
        "desa_id", "stunting", "balita_diukur", "status"
    )
    for desa, stunting, diukur, status in rows:
        if stunting is None and diukur is None:
            continue
        out[desa] = (stunting, diukur)
        unverified += status != SasaranStatus.DIVERIFIKASI
    return out, unverified


def round_figures(round_id: int) -> Figures:
    from konvergensi.measurements.selectors import desa_stunting

    return {desa: (float(s), float(m)) for desa, (s, m) in desa_stunting(round_id=round_id).items() if desa}


def desa_units(kabkota: str, figures: Figures) -> list[dict]:
    """One unit per desa of the district, with its figures (None where it has none)."""
    out = []
    for d in selectors.kabkota_desa(kabkota):
        cases, measured = figures.get(d.kode, (None, None))
        out.append({"kode": d.kode, "nama": d.nama, "cases": cases, "measured": measured, "prevalence": None})
    return out


def _sum_unit(kode: str, nama: str, members: list[str], figures: Figures) -> dict:
    """A kecamatan or puskesmas area: the sums of its desa. When some desa have cases but no
    children measured, the prevalence is taken over the desa that have both and given explicitly."""
    p = unit_rules.pool_area(members, figures)
    return {
        "kode": kode,
        "nama": nama,
        "cases": p.cases,
        "measured": p.measured,
        "prevalence": p.prevalence,
        "desa": members,
    }


def _kecamatan_areas(kabkota: str) -> dict[str, list[str]]:
    return unit_rules.kecamatan_areas(d.kode for d in selectors.kabkota_desa(kabkota))


def _puskesmas_areas(kabkota: str) -> tuple[list[unit_rules.Area], list[str]]:
    """(kode, nama, desa) of each puskesmas area (``unit_rules.puskesmas_areas``); also the desa no
    puskesmas serves."""
    puskesmas = Puskesmas.objects.filter(kabkota_id=kabkota).order_by("kode").prefetch_related("desa")
    return unit_rules.puskesmas_areas(
        ((p.kode, p.nama, [d.kode for d in p.desa.all()]) for p in puskesmas),
        [d.kode for d in selectors.kabkota_desa(kabkota)],
    )


def aggregate(level: str, kabkota: str, figures: Figures, warnings: list[dict]) -> list[dict]:
    """The units of ``level`` with the figures of their desa; a warning for desa with figures that
    no puskesmas area counts."""
    if level == Level.DESA:
        return desa_units(kabkota, figures)
    if level == Level.KECAMATAN:
        by_kec = _kecamatan_areas(kabkota)
        names = dict(Region.objects.filter(parent_id=kabkota, level="kecamatan").values_list("kode", "nama"))
        return [_sum_unit(k, names.get(k, k), by_kec[k], figures) for k in sorted(by_kec)]
    areas, unserved = _puskesmas_areas(kabkota)
    if not areas:
        raise ValidationError(
            _(
                "Belum ada puskesmas dengan wilayah kerjanya di kabupaten/kota ini. Tambahkan di Wilayah & OPD."
            )
        )
    lost = [d for d in unserved if d in figures]
    if lost:
        warnings.append(
            Problem(
                None,
                "",
                "",
                _(
                    "%(n)s desa berdata tidak termasuk wilayah kerja puskesmas mana pun; datanya tidak dihitung."
                )
                % {"n": len(lost)},
                "warning",
            ).as_dict()
        )
    return [_sum_unit(kode, nama, members, figures) for kode, nama, members in areas]


def _unit_lookup(level: str, kabkota: str) -> unit_rules.UnitLookup:
    """A district's units of one level, to match a file's labels (``konvergensi_core.ansit.units``)."""
    if level == Level.PUSKESMAS:
        found = [unit_rules.Unit(p.kode, p.nama) for p in Puskesmas.objects.filter(kabkota_id=kabkota)]
    else:
        qs = Region.objects.filter(level=level, kode__startswith=kabkota + ".")
        found = [unit_rules.Unit(r.kode, r.nama, (r.kode_angka,)) for r in qs]
    return unit_rules.UnitLookup(found, level=level)


def _label_message(problem: str) -> str:
    return {
        unit_rules.AMBIGUOUS: _("nama ini ada lebih dari satu di kabupaten/kota; tulis kodenya"),
        unit_rules.UNKNOWN: _("wilayah tidak dikenal di kabupaten/kota ini"),
        unit_rules.REPEATED: _("wilayah yang sama sudah ada di baris sebelumnya"),
    }[problem]


def read_upload(upload, *, level: str, kabkota: str) -> tuple[dict[str, dict], list[Problem]]:
    """Figures per unit code from an uploaded sheet, or every problem that blocks it."""
    name = upload.name or "berkas"
    suffix = Path(name).suffix.lower() or ".csv"
    if upload.size > MAX_UPLOAD:
        return {}, [Problem(None, "", "", _("Berkas terlalu besar; batasnya 20 MB."))]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"unggahan{suffix[:6]}"
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        data = read_hotspot_file(path, level=level)
    problems = list(data.problems)
    if not data.ok and not data.units:
        return {}, problems
    unit_header = data.columns.get("unit", "unit")
    out: dict[str, dict] = {}
    for i, found in enumerate(_unit_lookup(level, kabkota).match_labels(data.units)):
        if found.kode is None:
            row = data.rows[i] if i < len(data.rows) else None
            problems.append(Problem(row, unit_header, found.label, _label_message(found.problem)))
            continue
        out[found.kode] = {
            "cases": data.cases[i] if data.cases is not None else None,
            "measured": data.measured[i] if data.measured is not None else None,
            "prevalence": data.prevalence[i] if data.prevalence is not None else None,
        }
    if not out and not has_errors(problems):
        problems.append(Problem(None, "", "", _("Berkas tidak berisi wilayah kabupaten/kota ini.")))
    return out, sorted(problems, key=lambda q: (q.row is not None, q.row or 0))


def upload_units(level: str, kabkota: str, figures: dict[str, dict]) -> list[dict]:
    """Every unit of ``level`` with the figures the file gave it (None where it gave none)."""
    names = _unit_lookup(level, kabkota).names
    members: dict[str, list[str]] = {}
    if level == Level.PUSKESMAS:
        areas, _unserved = _puskesmas_areas(kabkota)
        members = {kode: m for kode, _n, m in areas}
    elif level == Level.KECAMATAN:
        members = _kecamatan_areas(kabkota)
    units = []
    for kode in sorted(names):
        f = figures.get(kode, {})
        unit = {
            "kode": kode,
            "nama": names[kode],
            "cases": f.get("cases"),
            "measured": f.get("measured"),
            "prevalence": f.get("prevalence"),
        }
        if level != Level.DESA:
            unit["desa"] = members.get(kode, [])
        units.append(unit)
    return units
