"""Writes of the budget lines: the import's replacement of a set (district, year, stage) and the form's
one line. Each checks permission, writes in one transaction and audits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi import concurrency
from konvergensi.accounts.permissions import Permission, has_permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.aksi import locks
from konvergensi.wilayah.models import OPD, Region
from konvergensi_core import budget as rules
from konvergensi_core.plan import normalize_code, normalize_name

from . import selectors
from .models import BudgetLine


class Conflict(concurrency.Conflict):
    message = gettext_lazy(
        "Baris anggaran ini baru saja diubah oleh pengguna lain. Muat ulang halaman lalu ulangi."
    )


def opd_lookup(kabkota: str) -> dict[str, OPD]:
    out: dict[str, OPD] = {}
    for opd in OPD.objects.filter(kabkota_id=kabkota):
        out[normalize_name(opd.nama)] = opd
        out[normalize_name(opd.singkatan)] = opd
    return out


def new_opd_names(kabkota: str, lines: list[rules.BudgetLine]) -> list[str]:
    """The agencies a file names that the district does not have yet (the import creates them)."""
    known = opd_lookup(kabkota)
    seen: dict[str, str] = {}
    for line in lines:
        key = normalize_name(line.opd)
        if key and key not in known:
            seen.setdefault(key, line.opd.strip())
    return list(seen.values())


def _fields(line: rules.BudgetLine) -> dict:
    r1, r2, r3, r4 = line.realisasi
    return {
        "code": normalize_code(line.code), "name": line.name[:400], "source": line.source, "pagu": line.pagu,
        "realisasi_tw1": r1, "realisasi_tw2": r2, "realisasi_tw3": r3, "realisasi_tw4": r4,
        "category": line.category, "target_groups": list(line.target_groups), "indicators": list(line.indicators),
        "locations": list(line.locations), "direct": line.direct,
    }  # fmt: skip


def replace_set(*, kabkota: str, tahun: int, stage: str, lines: list[rules.BudgetLine], by) -> dict[str, int]:
    """The district's lines of (year, stage) become exactly ``lines``: lines with the same key (code,
    OPD, source) are updated when they differ, new ones added, the others removed; agencies the
    file names for the first time are created. The caller holds the transaction and the permission."""
    locks.require_open(kabkota, tahun, 2)
    kab = Region.objects.get(kode=kabkota)
    for name in new_opd_names(kabkota, lines):
        singkatan = name[:30]
        if OPD.objects.filter(kabkota=kab, singkatan=singkatan).exists():
            singkatan = singkatan[:26] + f"-{OPD.objects.filter(kabkota=kab).count() % 1000}"
        OPD.objects.create(kabkota=kab, singkatan=singkatan, nama=name[:200])
        audit(
            by=by, action="opd.create", region_kode=kabkota, data={"singkatan": singkatan, "nama": name[:200]}
        )
    opds = opd_lookup(kabkota)
    stored = {
        (normalize_code(x.code), normalize_name(x.opd.nama), x.source): x
        for x in BudgetLine.objects.filter(kabkota_id=kabkota, tahun=tahun, stage=stage).select_related("opd")
    }
    counts = {"added": 0, "changed": 0, "unchanged": 0, "removed": 0}
    kept = set()
    for line in lines:
        opd = opds[normalize_name(line.opd)]
        key = (normalize_code(line.code), normalize_name(opd.nama), line.source)
        fields = _fields(line)
        old = stored.get(key)
        if old is None:
            BudgetLine.objects.create(
                kabkota_id=kabkota, tahun=tahun, stage=stage, opd=opd, updated_by=by, **fields
            )
            counts["added"] += 1
        elif any(getattr(old, k) != v for k, v in fields.items()):
            BudgetLine.objects.filter(pk=old.pk).update(version=old.version + 1, updated_by=by, **fields)
            counts["changed"] += 1
        else:
            counts["unchanged"] += 1
        kept.add(key)
    gone = [x.pk for k, x in stored.items() if k not in kept]
    BudgetLine.objects.filter(pk__in=gone).delete()
    counts["removed"] = len(gone)
    audit(by=by, action="budget.import", region_kode=kabkota, data={"tahun": tahun, "stage": stage, **counts})
    return counts


# --- one line from the form ---------------------------------------------------------------------------


def may_edit(scope: Scope, kabkota: str, opd_id: int | None) -> bool:
    return has_permission(scope, Permission.BUDGET_MANAGE, kabkota) or has_permission(
        scope, Permission.BUDGET_EDIT, kabkota, opd_id=opd_id
    )


def clean_line(data, *, scope: Scope, kabkota: str) -> tuple[rules.BudgetLine, OPD]:
    """A line from the form, checked by the same rules as a file (the core's parsers and validation)."""
    from konvergensi_core.plan import is_subkegiatan_code, parse_rupiah

    def one(name: str) -> str:
        value = data.get(name, "")
        return (value if isinstance(value, str) else "").strip()

    def many(name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        return [v.strip() for v in values if isinstance(v, str) and v.strip()]

    errors: list[str] = []
    code = normalize_code(one("code"))
    if not is_subkegiatan_code(code):
        errors.append(
            _(
                "Kode sub kegiatan „%(c)s” tidak berbentuk kode nomenklatur Kepmendagri (contoh 1.02.02.2.02.0016)."
            )
            % {"c": code}
        )
    name = one("name")
    if not name:
        errors.append(_("Isi nama sub kegiatan."))
    source = rules.parse_source(one("source")) or ""
    if not source:
        errors.append(_("Pilih sumber dana."))
    category = rules.parse_category(one("category")) or ""
    if not category:
        errors.append(_("Pilih kategori (spesifik, sensitif atau pendamping)."))

    def amount(field: str, label: str, required: bool = False) -> int | None:
        text = one(field)
        if not text:
            if required:
                errors.append(_("Isi %(what)s.") % {"what": label})
            return None
        value, reason = parse_rupiah(text)
        if value is None:
            errors.append(_("%(what)s „%(v)s” bukan angka Rupiah.") % {"what": label, "v": text})
        return value

    pagu = amount("pagu", _("pagu"), required=True)
    quarters = tuple(amount(f"realisasi_tw{i}", _("realisasi TW%(n)s") % {"n": i}) for i in range(1, 5))
    if pagu is not None and sum(q or 0 for q in quarters) > pagu:
        errors.append(_("Realisasi (jumlah TW1–TW4) melebihi pagu."))
    groups = [g for g in many("target_groups") if g in rules.TARGET_GROUPS]
    desa = selectors.desa_of(kabkota)
    locations = many("locations")
    unknown = [d for d in locations if d not in desa]
    if unknown:
        errors.append(_("Lokasi bukan desa kabupaten ini: %(list)s") % {"list": ", ".join(unknown[:10])})
    catalogue = selectors.indicator_codes()
    indicators = [c.strip() for c in one("indicators").replace(",", ";").split(";") if c.strip()]
    bad = [c for c in indicators if c not in catalogue]
    if bad:
        errors.append(_("Indikator bukan kode katalog 2025: %(list)s") % {"list": ", ".join(bad)})
    opd_text = one("opd")
    opd = OPD.objects.filter(kabkota_id=kabkota, pk=int(opd_text) if opd_text.isdigit() else 0).first()
    if not has_permission(scope, Permission.BUDGET_MANAGE, kabkota):
        opd = OPD.objects.filter(pk=scope.opd_id, kabkota_id=kabkota).first()  # an OPD enters its own lines
    if opd is None:
        errors.append(_("Pilih OPD kabupaten ini."))
    if errors:
        raise ValidationError(errors)
    assert opd is not None and pagu is not None
    line = rules.BudgetLine(code=code, name=name, opd=opd.nama, source=source, pagu=pagu, realisasi=quarters,  # type: ignore[arg-type]
                            category=category, target_groups=tuple(groups), indicators=tuple(indicators),
                            locations=tuple(locations), direct=one("direct") in ("1", "ya", "on", "true"))  # fmt: skip
    return line, opd


def line_save(*, scope: Scope, kabkota: str, tahun: int, stage: str, data, line: BudgetLine | None = None,
              expected_version: int = 0, by) -> BudgetLine:  # fmt: skip
    require(scope, Permission.BUDGET_KABKOTA, kabkota)
    if line is not None and not may_edit(scope, kabkota, line.opd_id):
        require(scope, Permission.BUDGET_EDIT, kabkota, opd_id=-1)
    if line is None and not may_edit(scope, kabkota, scope.opd_id):
        require(scope, Permission.BUDGET_EDIT, kabkota, opd_id=-1)
    locks.require_open(kabkota, tahun, 2)
    parsed, opd = clean_line(data, scope=scope, kabkota=kabkota)
    fields = {**_fields(parsed), "opd": opd}
    clash = BudgetLine.objects.filter(kabkota_id=kabkota, tahun=tahun, stage=stage, code=fields["code"], opd=opd,
                                      source=fields["source"])  # fmt: skip
    if line is not None:
        clash = clash.exclude(pk=line.pk)
    if clash.exists():
        raise ValidationError(_("Sudah ada baris dengan kode, OPD dan sumber dana yang sama."))
    with transaction.atomic():
        if line is None:
            line = BudgetLine.objects.create(
                kabkota_id=kabkota, tahun=tahun, stage=stage, updated_by=by, **fields
            )
            audit(by=by, action="budget.line.add", target=line, region_kode=kabkota, data={"code": line.code})
        else:
            concurrency.compare_and_set(line, expected_version, conflict=Conflict, updated_by=by, **fields)
            audit(
                by=by, action="budget.line.update", target=line, region_kode=kabkota, data={"code": line.code}
            )
    return line


def line_delete(*, scope: Scope, line: BudgetLine, by) -> None:
    if not may_edit(scope, line.kabkota_id, line.opd_id):
        require(scope, Permission.BUDGET_EDIT, line.kabkota_id, opd_id=-1)
    locks.require_open(line.kabkota_id, line.tahun, 2)
    with transaction.atomic():
        audit(
            by=by,
            action="budget.line.delete",
            target=line,
            region_kode=line.kabkota_id,
            data={"code": line.code},
        )
        line.delete()


# --- the national sub-kegiatan catalogue ------------------------------------------------------------------


class CatalogueProblems(Exception):  # noqa: N818 - a refused file, told to the user
    def __init__(self, problems: list) -> None:
        super().__init__(_("Berkas bermasalah; tidak ada yang disimpan."))
        self.problems = problems


def catalogue_import(*, scope: Scope, path, by) -> dict[str, int]:
    """The catalogue file read whole; with any problem nothing is written, else every code is added or
    updated (codes not in the file stay: the catalogue only grows unless a code is edited)."""
    from konvergensi_core.io.subkegiatan import read_catalogue

    from .models import SubKegiatan

    require(scope, Permission.CATALOGUE_EDIT)
    entries, problems = read_catalogue(path)
    if problems or not entries:
        raise CatalogueProblems(problems or [])
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    with transaction.atomic():
        existing = {s.code: s for s in SubKegiatan.objects.filter(code__in=[e.code for e in entries])}
        for e in entries:
            old = existing.get(e.code)
            if old is None:
                SubKegiatan.objects.create(code=e.code, name=e.name, category=e.category, updated_by=by)
                counts["added"] += 1
            elif (old.name, old.category) != (e.name, e.category):
                SubKegiatan.objects.filter(pk=old.pk).update(name=e.name, category=e.category, updated_by=by)
                counts["changed"] += 1
            else:
                counts["unchanged"] += 1
        audit(by=by, action="budget.catalogue", data=counts)
    return counts
