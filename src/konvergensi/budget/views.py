"""Pages of the budget tagging: the district's dashboard and lines (form, template, upload, exports),
the province's districts side by side and the nation's provinces."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope, require
from konvergensi.formats import activate_region
from konvergensi.web import attachment, flash_errors, kabkota_or_404, region_or_404, tahun_from, xlsx_response
from konvergensi.wilayah.models import OPD, Region
from konvergensi_core import budget as rules

from . import selectors, services
from .models import BudgetLine, Category, Stage


def _period(request) -> tuple[int, str]:
    tahun = tahun_from(request.GET.get("tahun") or request.POST.get("tahun"))
    stage = request.GET.get("tahap") or request.POST.get("tahap") or Stage.MURNI
    return tahun, stage if stage in Stage.values else Stage.MURNI


def _district(request, kode: str):
    kab = kabkota_or_404(request, kode)
    require(request.scope, Permission.BUDGET_KABKOTA, kab.kode)
    activate_region(kab.kode)
    return kab


def _back(kab, tahun: int, stage: str, name: str = "budget:lines") -> str:
    return reverse(name, kwargs={"kode": kab.kode}) + f"?tahun={tahun}&tahap={stage}"


def _rows(mapping: dict, labels: dict | None = None) -> list[dict]:
    """A breakdown as table rows, largest pagu first, with absorption."""
    out = []
    for key, v in mapping.items():
        pagu, real = v["pagu"], v["realisasi"]
        out.append({"label": str((labels or {}).get(key, key)), "pagu": pagu, "realisasi": real,
                    "absorption": real / pagu if pagu else None})  # fmt: skip
    return sorted(out, key=lambda r: -r["pagu"])


@login_required_scope
def home(request, kode: str):
    kab = _district(request, kode)
    tahun, stage = _period(request)
    qs = BudgetLine.objects.filter(kabkota=kab, tahun=tahun, stage=stage).select_related("opd")
    core = selectors.core_lines(qs)  # read once: the figures, the flags and the plan's coverage use them
    data = selectors.summary(kab.kode, tahun, stage, lines=core)
    desa = selectors.desa_of(kab.kode)
    indicators = selectors.indicator_codes()
    tw = request.GET.get("tw", "")
    quarter = min(int(tw), 4) if tw.isdigit() and int(tw) >= 1 else _last_quarter(tahun)
    with_line, without = selectors.plan_coverage(
        scope=request.scope, kabkota=kab.kode, tahun=tahun, codes=[x.code for x in core]
    )
    by_desa = sorted(
        ((desa.get(k, k), v["pagu"]) for k, v in data.get("by_desa", {}).items()), key=lambda x: -x[1]
    )
    return render(
        request,
        "budget/home.html",
        {
            "kab": kab,
            "tahun": tahun,
            "stage": stage,
            "stages": Stage.choices,
            "data": data,
            "n_lines": len(core),
            "by_category": _rows(data["by_category"], dict(Category.choices)),
            "by_source": _rows(data["by_source"]),
            "by_opd": _rows(data["by_opd"]),
            "by_group": _rows(data["by_target_group"], rules.TARGET_GROUP_LABELS),
            "by_indicator": _rows(
                data.get("by_indicator", {}), {k: f"{k} {v}" for k, v in indicators.items()}
            ),
            "by_quarter": data.get("by_quarter", {}),
            "by_desa": by_desa[:30],
            "n_desa": len(by_desa),
            "flags": _flags(core, quarter),
            "quarter": quarter,
            "plan_with": with_line,
            "plan_without": without,
            "can_manage": has_permission(request.scope, Permission.BUDGET_MANAGE, kab.kode),
            "desa_measures": [("pagu", _("Pagu")), ("absorption", _("Serapan"))],
            "query": f"?tahun={tahun}&tahap={stage}",
        },
    )


def _last_quarter(tahun: int) -> int:
    """The last quarter that has ended (the flags are about it): TW4 for a past year, else the
    quarter before today's (TW1 at the least, so that January still shows something)."""
    from django.utils import timezone

    today = timezone.localdate()
    if tahun < today.year:
        return 4
    return max(1, (today.month - 1) // 3)


def _flags(core: list, quarter: int) -> list[str]:
    """The flags of the quarter as sentences in the reader's language."""
    from .wording import flag_text

    by_key = {line.key: line for line in core}
    return [flag_text(f, by_key[f.key], quarter) for f in rules.flags(core, quarter=quarter)]


def _form_context(kab) -> dict:
    return {
        "categories": Category.choices,
        "sources": rules.SOURCES,
        "groups": list(rules.TARGET_GROUP_LABELS.items()),
        "opds": list(OPD.objects.filter(kabkota=kab).order_by("singkatan")),
        "desa": sorted(selectors.desa_of(kab.kode).items(), key=lambda x: x[1]),
    }


@require_GET
@login_required_scope
def lines(request, kode: str):
    kab = _district(request, kode)
    tahun, stage = _period(request)
    scope = request.scope
    qs = selectors.lines(scope=scope, kabkota=kab.kode, tahun=tahun, stage=stage)
    opd_filter = request.GET.get("opd", "")
    if opd_filter.isdigit():
        qs = qs.filter(opd_id=int(opd_filter))
    items = [{"line": x, "editable": services.may_edit(scope, kab.kode, x.opd_id)} for x in qs]
    return render(
        request,
        "budget/lines.html",
        {
            "kab": kab, "tahun": tahun, "stage": stage, "stages": Stage.choices, "items": items,
            "opd_filter": opd_filter, "can_manage": has_permission(scope, Permission.BUDGET_MANAGE, kab.kode),
            "can_add": services.may_edit(scope, kab.kode, scope.opd_id), "values": {}, **_form_context(kab),
        },
    )  # fmt: skip


@require_POST
@login_required_scope
def line_add(request, kode: str):
    kab = _district(request, kode)
    tahun, stage = _period(request)
    if not services.may_edit(request.scope, kab.kode, request.scope.opd_id):
        raise PermissionDenied
    try:
        services.line_save(scope=request.scope, kabkota=kab.kode, tahun=tahun, stage=stage, data=request.POST,
                           by=request.user)  # fmt: skip
        messages.success(request, _("Baris anggaran ditambahkan."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect(_back(kab, tahun, stage))


def _line(request, pk: int) -> BudgetLine:
    line = selectors.line_get(scope=request.scope, pk=pk)
    if line is None:
        raise Http404
    require(request.scope, Permission.BUDGET_KABKOTA, line.kabkota_id)
    if not services.may_edit(request.scope, line.kabkota_id, line.opd_id):
        raise PermissionDenied
    activate_region(line.kabkota_id)
    return line


@require_http_methods(["GET", "POST"])
@login_required_scope
def line_edit(request, pk: int):
    line = _line(request, pk)
    kab = line.kabkota
    if request.method == "POST":
        try:
            services.line_save(scope=request.scope, kabkota=kab.kode, tahun=line.tahun, stage=line.stage,
                               data=request.POST, line=line, expected_version=int(request.POST.get("version") or 0),
                               by=request.user)  # fmt: skip
            messages.success(request, _("Baris anggaran disimpan."))
            return redirect(_back(kab, line.tahun, line.stage))
        except services.Conflict as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            flash_errors(request, exc)
    return render(request, "budget/line_form.html", {"kab": kab, "line": line, "tahun": line.tahun,
                                                      "stage": line.stage, **_form_context(kab)})  # fmt: skip


@require_POST
@login_required_scope
def line_delete(request, pk: int):
    line = _line(request, pk)
    kab, tahun, stage = line.kabkota, line.tahun, line.stage
    try:
        services.line_delete(scope=request.scope, line=line, by=request.user)
        messages.success(request, _("Baris anggaran dihapus."))
    except ValidationError as exc:  # the year's data are locked (docs/aksi.md, "Kunci data")
        flash_errors(request, exc)
    return redirect(_back(kab, tahun, stage))


@login_required_scope
def template(request, kode: str):
    """The Excel template, pre-filled with the district's lines of (year, stage): the round trip."""
    from konvergensi_core.io.budget_xlsx import write_template

    kab = _district(request, kode)
    tahun, stage = _period(request)
    qs = BudgetLine.objects.filter(kabkota=kab, tahun=tahun, stage=stage).select_related("opd")
    out = io.BytesIO()
    write_template(out, kabkota_name=kab.nama, tahun=tahun, stage=stage, lines=selectors.core_lines(qs),
                   opds=[o.nama for o in OPD.objects.filter(kabkota=kab).order_by("nama")],
                   desa=sorted(selectors.desa_of(kab.kode).items()),
                   indicators=sorted(selectors.indicator_codes().items()))  # fmt: skip
    return xlsx_response(out.getvalue(), f"templat-anggaran-{kab.kode_angka}-{tahun}-{stage}.xlsx")


@require_POST
@login_required_scope
def upload(request, kode: str):
    from konvergensi.imports import services as pipeline
    from konvergensi.imports.views import start_check

    from .imports import KIND_INSTANCE

    kab = _district(request, kode)
    tahun, stage = _period(request)
    require(request.scope, Permission.BUDGET_MANAGE, kab.kode)
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Pilih berkas anggaran (.xlsx atau .csv)."))
        return redirect(_back(kab, tahun, stage))
    try:
        imp = pipeline.stage(kind=KIND_INSTANCE, kabkota=kab.kode, params={"tahun": tahun, "stage": stage},
                             upload=file, by=request.user)  # fmt: skip
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect(_back(kab, tahun, stage))
    return start_check(request, imp)


EXPORT_HEADERS = ["Kode Sub Kegiatan", "Nama Sub Kegiatan", "Perangkat Daerah", "Sumber Dana", "Pagu", "Realisasi TW1",
                  "Realisasi TW2", "Realisasi TW3", "Realisasi TW4", "Kategori", "Kelompok Sasaran", "Indikator",
                  "Lokasi", "Langsung ke Sasaran"]  # fmt: skip


BREAKDOWN_HEADERS = ["bagian", "kode", "nama", "pagu", "realisasi", "serapan", "porsi_pagu"]


def _breakdowns(kab, tahun: int, lines: list) -> list:
    """Every breakdown of the district's lines, names with the codes (the export of everything)."""
    from konvergensi_core.budget.figures import breakdowns

    return breakdowns(lines, lokus=selectors.lokus_of(kab.kode, tahun), indicator_names=selectors.indicator_codes(),
                      desa_names=selectors.desa_of(kab.kode))  # fmt: skip


@login_required_scope
def export(request, kode: str, fmt: str):
    """The district's budget: Excel = the lines (sheet Anggaran, uploadable again) and one sheet per
    breakdown; CSV = the lines, or with ``?bagian=ringkasan`` the breakdowns in one table (a ``bagian``
    column)."""
    from konvergensi_core.io.cells import safe_row

    kab = _district(request, kode)
    tahun, stage = _period(request)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    part = request.GET.get("bagian") or "baris"
    if part not in ("baris", "ringkasan") or (fmt == "xlsx" and part != "baris"):
        return HttpResponse(_("Bagian ekspor tidak dikenal: pakai bagian=baris atau bagian=ringkasan (CSV)."),
                            status=400, content_type="text/plain; charset=utf-8")  # fmt: skip
    qs = BudgetLine.objects.filter(kabkota=kab, tahun=tahun, stage=stage).select_related("opd")
    name = f"anggaran-{kab.kode_angka}-{tahun}-{stage}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        if part == "ringkasan":
            total = sum(x.pagu for x in qs)
            writer.writerow(BREAKDOWN_HEADERS)
            for b in _breakdowns(kab, tahun, selectors.core_lines(qs)):
                for r in b.rows:
                    share = r.pagu / total if r.pagu is not None and total else None
                    writer.writerow(safe_row([b.key, r.code, r.name, r.pagu, r.realisasi, _decimal(r.absorption),
                                              _decimal(share)]))  # fmt: skip
            name += "-ringkasan"
        else:
            writer.writerow(EXPORT_HEADERS)
            for x in qs:
                writer.writerow(safe_row([x.code, x.name, x.opd.nama, x.source, x.pagu, *x.realisasi, x.category,
                                          ";".join(x.target_groups), ";".join(x.indicators), ";".join(x.locations),
                                          "ya" if x.direct else "tidak"]))  # fmt: skip
        return attachment(
            HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv"), f"{name}.csv"
        )
    from konvergensi_core.io.budget_xlsx import write_export

    lines = selectors.core_lines(qs)
    out = io.BytesIO()
    write_export(out, kabkota_name=kab.nama, tahun=tahun, stage=stage, lines=lines,
                 breakdowns=_breakdowns(kab, tahun, lines))  # fmt: skip
    return xlsx_response(out.getvalue(), f"{name}.xlsx")


def _decimal(value: float | None) -> str:
    """A fraction for the CSV, with the decimal comma of the ``;``-separated Indonesian CSV."""
    return "" if value is None else f"{value:.4f}".replace(".", ",")


# --- above the district --------------------------------------------------------------------------------


def _district_rows(kabkotas, found: dict[str, dict]) -> list[dict]:
    return [{"kab": kab, **found[kab.kode]} for kab in kabkotas if kab.kode in found]


def _map_context(tahun: int, stage: str) -> dict:
    from konvergensi_core.budget.figures import MEASURES

    labels = {"pagu": _("Pagu"), "absorption": _("Serapan"), "lokus": _("Pagu ke desa lokus"),
              "direct": _("Langsung ke sasaran")}  # fmt: skip
    return {"measures": [(m, labels[m]) for m in MEASURES], "query": f"?tahun={tahun}&tahap={stage}"}


@login_required_scope
def province(request, kode: str):
    prov = region_or_404(kode, "provinsi")
    require(request.scope, Permission.VIEW_PROVINCE, prov.kode)
    tahun, stage = _period(request)
    kabkotas = list(Region.objects.filter(parent=prov, level="kabkota").order_by("kode"))
    found = selectors.district_figures(tahun=tahun, stage=stage, kabkotas=[k.kode for k in kabkotas])
    rows = _district_rows(kabkotas, found)
    return render(request, "budget/province.html", {"prov": prov, "tahun": tahun, "stage": stage, "stages": Stage.choices,
                                                    "rows": rows, "n_kabkota": len(kabkotas),
                                                    **_map_context(tahun, stage)})  # fmt: skip


@login_required_scope
def national(request):
    require(request.scope, Permission.VIEW_NATIONAL)
    tahun, stage = _period(request)
    per_province, per_district = selectors.province_figures(tahun=tahun, stage=stage)
    regions = Region.objects.select_related("parent").in_bulk(
        [*per_province, *per_district], field_name="kode"
    )
    rows = [{"prov": regions[k], **f} for k, f in per_province.items()]
    districts = sorted(
        ({"kab": regions[k], **f} for k, f in per_district.items()), key=lambda r: r["kab"].kode
    )
    return render(request, "budget/national.html", {"tahun": tahun, "stage": stage, "stages": Stage.choices,
                                                    "rows": rows, "districts": districts,
                                                    **_map_context(tahun, stage)})  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required_scope
def catalogue(request):
    """The national list of stunting-relevant sub-kegiatan (read by everyone; imported by the nation)."""
    import tempfile
    from pathlib import Path

    from .models import SubKegiatan

    can_edit = has_permission(request.scope, Permission.CATALOGUE_EDIT)
    problems: list = []
    if request.method == "POST":
        require(request.scope, Permission.CATALOGUE_EDIT)
        upload = request.FILES.get("file")
        suffix = Path(upload.name).suffix.lower() if upload else ""
        if upload is None or suffix not in (".xlsx", ".csv"):
            messages.error(request, _("Pilih berkas katalog (.xlsx atau .csv)."))
            return redirect("budget:catalogue")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"katalog{suffix}"
            with path.open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            try:
                counts = services.catalogue_import(scope=request.scope, path=path, by=request.user)
            except services.CatalogueProblems as exc:
                problems = exc.problems
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Katalog disimpan: %(a)s baru, %(c)s berubah, %(u)s tetap.")
                                 % {"a": counts["added"], "c": counts["changed"], "u": counts["unchanged"]})  # fmt: skip
                return redirect("budget:catalogue")
    query = (request.GET.get("q") or "").strip()
    qs = SubKegiatan.objects.all()
    if query:
        qs = qs.filter(code__startswith=query) | qs.filter(name__icontains=query)
    return render(request, "budget/catalogue.html", {"entries": qs[:500], "total": SubKegiatan.objects.count(),
                                                     "query": query, "can_edit": can_edit, "problems": problems})  # fmt: skip
