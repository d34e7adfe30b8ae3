"""Pages of the penilaian kinerja: rubrics (national, a province's adoption; numbers, Excel in and
out, publication), a province's rounds (open, grade, publish) with its ranking and map, a district's
result (grades, notes, score, class, responses) and history, and the national ranking and map."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from konvergensi.accounts.models import Role
from konvergensi.accounts.permissions import Permission, has_permission, login_required_scope, require
from konvergensi.formats import activate_region
from konvergensi.web import attempt, int_from, kabkota_or_404, region_or_404, tahun_from, xlsx_response
from konvergensi.wilayah.models import Region

from . import figures, scoring, selectors, services
from .models import Round, RoundDistrict, Rubric, Stage

MAX_RUBRIC = 5 * 1024 * 1024


def _tahun(request) -> int:
    return tahun_from(request.GET.get("tahun") or request.POST.get("tahun"))


def _results_year(request, provinsi: str | None = None) -> int:
    """The year asked for, else the newest year with published results (this year's round may still be
    under way), else this year."""
    if request.GET.get("tahun"):
        return _tahun(request)
    return selectors.latest_published_year(provinsi=provinsi) or _tahun(request)


@require_GET
@login_required_scope
def home(request):
    """Each reader to the assessment page of their level."""
    scope = request.scope
    if scope.is_national:
        return redirect("assessment:national")
    if scope.role == Role.PROVINSI:
        return redirect("assessment:province", kode=scope.provinsi_kode)
    if scope.kabkota_kode and has_permission(scope, Permission.ASSESSMENT_READ, scope.kabkota_kode):
        return redirect("assessment:kabkota", kode=scope.kabkota_kode)
    raise PermissionDenied


# --- rubrics ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required_scope
def rubrics(request):
    """The rubrics the reader may use; the nation makes a year's rubric from the shipped default, a
    province adopts a published national rubric."""
    scope = request.scope
    if scope.role not in (Role.PUSAT, Role.PROVINSI):
        raise PermissionDenied
    if request.method == "POST":
        if scope.is_national:
            rubric = attempt(
                request,
                lambda: services.rubric_load_default(tahun=_tahun(request), by=request.user, scope=scope),
                _("Rubrik nasional dibuat dari rubrik bawaan. Sesuaikan bobot lalu terbitkan."),
            )
        else:
            source = selectors.rubric_get(scope=scope, pk=int_from(request.POST.get("source")))
            if source is None:
                raise Http404
            provinsi = region_or_404(scope.provinsi_kode or "", "provinsi")
            rubric = attempt(
                request,
                lambda: services.rubric_copy(scope=scope, source=source, provinsi=provinsi, by=request.user),
                _("Rubrik diadopsi. Sesuaikan bobot, huruf dan kelas untuk putaran provinsi lalu terbitkan."),
            )
        if isinstance(rubric, Rubric):
            return redirect("assessment:rubric", pk=rubric.pk)
        return redirect("assessment:rubrics")
    return render(
        request,
        "assessment/rubrics.html",
        {"rubrics": list(selectors.rubric_list(scope=scope)), "tahun": _tahun(request),
         "may_create": has_permission(scope, Permission.ASSESSMENT_RUBRIC, None),
         "may_adopt": scope.role == Role.PROVINSI},
    )  # fmt: skip


def _rubric(request, pk: int) -> Rubric:
    rubric = selectors.rubric_get(scope=request.scope, pk=pk)
    if rubric is None:
        raise Http404
    return rubric


@require_http_methods(["GET", "POST"])
@login_required_scope
def rubric(request, pk: int):
    rubric = _rubric(request, pk)
    scope = request.scope
    can_edit = selectors.may_edit_rubric(scope, rubric)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        done = attempt(
            request,
            lambda: services.rubric_update(
                scope=scope,
                rubric=rubric,
                data=request.POST,
                expected_version=int_from(request.POST.get("version")),
                by=request.user,
            ),  # fmt: skip
            _("Rubrik disimpan."),
        )
        if done:
            return redirect("assessment:rubric", pk=rubric.pk)
        rubric.refresh_from_db()
    indicators = list(rubric.indicators.all())
    by_aksi: dict[int, list] = {}
    for i in indicators:
        by_aksi.setdefault(i.aksi, []).append(i)
    return render(
        request,
        "assessment/rubric.html",
        {"rubric": rubric, "by_aksi": sorted(by_aksi.items()), "can_edit": can_edit,
         "letters": sorted(rubric.letters.items(), key=lambda kv: -scoring.frac(kv[1])),
         "stages": [(s, Stage(s).label, rubric.stages.get(s, "0")) for s in Stage.values],
         "classes": list(enumerate(rubric.classes)),
         "may_copy": rubric.frozen and has_permission(scope, Permission.ASSESSMENT_RUBRIC, rubric.provinsi_id),
         "may_adopt": rubric.frozen and rubric.is_national and scope.role == Role.PROVINSI},
    )  # fmt: skip


@require_POST
@login_required_scope
def rubric_upload(request, pk: int):
    """The rubric's whole content from a RUBRIK.xlsx (sheets Indikator, Huruf, Tahap, Kelas): checked
    by the core reader first; any problem → nothing is written and each problem is listed with its
    sheet, row and column."""
    from konvergensi_core.io.assessment import read_rubric

    rubric = _rubric(request, pk)
    if not selectors.may_edit_rubric(request.scope, rubric):
        raise PermissionDenied
    upload = request.FILES.get("file")
    problems: list = []
    if upload is None:
        problems_text = [_("Pilih berkas rubrik (.xlsx).")]
    elif upload.size > MAX_RUBRIC:
        problems_text = [_("Berkas rubrik terlalu besar (paling besar 5 MB).")]
    else:
        suffix = Path(upload.name).suffix.lower()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"rubrik{suffix if suffix == '.xlsx' else '.bin'}"
            with path.open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            data, problems = read_rubric(path)
        problems_text = []
        if data is not None and not problems:
            attempt(  # a validation error or a stale version is flashed on the rubric's page
                request,
                lambda: services.rubric_replace(
                    scope=request.scope,
                    rubric=rubric,
                    data=data,
                    expected_version=int_from(request.POST.get("version")),
                    by=request.user,
                ),  # fmt: skip
                _("Rubrik diganti dari berkas %(nama)s.") % {"nama": upload.name[:100]},
            )
            return redirect("assessment:rubric", pk=rubric.pk)
    return render(
        request,
        "assessment/rubric_problems.html",
        {"rubric": rubric, "problems": problems, "problems_text": problems_text},
        status=400,
    )


@require_GET
@login_required_scope
def rubric_export(request, pk: int):
    from konvergensi_core.io.assessment import write_rubric_xlsx

    rubric = _rubric(request, pk)
    name = f"rubrik-penilaian-{rubric.tahun}-{rubric.provinsi_id or 'nasional'}-v{rubric.versi}.xlsx"
    return xlsx_response(write_rubric_xlsx(scoring.to_core(rubric)), name)


@require_POST
@login_required_scope
def rubric_publish(request, pk: int):
    rubric = _rubric(request, pk)
    require(request.scope, Permission.ASSESSMENT_RUBRIC, rubric.provinsi_id)
    attempt(request, lambda: services.rubric_publish(scope=request.scope, rubric=rubric, by=request.user),
            _("Rubrik diterbitkan dan dibekukan."))  # fmt: skip
    return redirect("assessment:rubric", pk=rubric.pk)


@require_POST
@login_required_scope
def rubric_copy(request, pk: int):
    """A new draft version of a published rubric by its owner (the nation, or the province)."""
    rubric = _rubric(request, pk)
    require(request.scope, Permission.ASSESSMENT_RUBRIC, rubric.provinsi_id)
    new = attempt(
        request,
        lambda: services.rubric_copy(
            scope=request.scope, source=rubric, provinsi=rubric.provinsi, by=request.user
        ),
        _("Versi baru rubrik dibuat (draf)."),
    )
    return redirect("assessment:rubric", pk=new.pk if isinstance(new, Rubric) else rubric.pk)


# --- the province ----------------------------------------------------------------------------------------


def _map_values(results: list[RoundDistrict]) -> dict[str, str]:
    return {d.kabkota_id: d.kelas for d in results if d.kelas}


@require_GET
@login_required_scope
def province(request, kode: str):
    provinsi = region_or_404(kode, "provinsi")
    scope = request.scope
    require(scope, Permission.VIEW_PROVINCE, provinsi.kode)
    tahun = _results_year(request, provinsi.kode)
    manage = has_permission(scope, Permission.ASSESSMENT_MANAGE, provinsi.kode)
    results = selectors.published_results(scope=scope, tahun=tahun, provinsi=provinsi.kode)
    return render(
        request,
        "assessment/province.html",
        {"provinsi": provinsi, "tahun": tahun, "manage": manage,
         "rounds": list(selectors.round_list(scope=scope, provinsi=provinsi.kode)),
         "results": results, "map_values": _map_values(results),
         "geojson_url": reverse("wilayah:geojson", kwargs={"kode": provinsi.kode}),
         "districts": list(Region.objects.filter(level="kabkota", parent_id=provinsi.kode).order_by("kode")) if manage else [],
         "assessors": list(services.assessor_choices(provinsi.kode)) if manage else [],
         "round_year": _tahun(request),
         "round_rubrics": list(selectors.rubrics_for_round(provinsi=provinsi.kode, tahun=_tahun(request))) if manage else []},
    )  # fmt: skip


@require_POST
@login_required_scope
def round_create(request, kode: str):
    provinsi = region_or_404(kode, "provinsi")
    require(request.scope, Permission.ASSESSMENT_MANAGE, provinsi.kode)
    tahun = _tahun(request)
    rubric = (
        selectors.rubrics_for_round(provinsi=provinsi.kode, tahun=tahun)
        .filter(pk=int_from(request.POST.get("rubric")))
        .first()
    )
    if rubric is None:
        from django.contrib import messages

        messages.error(request, _("Pilih rubrik yang sudah diterbitkan untuk tahun %(t)s.") % {"t": tahun})
        return redirect(reverse("assessment:province", kwargs={"kode": provinsi.kode}) + f"?tahun={tahun}")
    rnd = attempt(
        request,
        lambda: services.round_create(
            scope=request.scope,
            provinsi=provinsi,
            tahun=tahun,
            rubric=rubric,
            nama=request.POST.get("nama", ""),
            kabkota=request.POST.getlist("kabkota"),
            assessors=[int_from(v) for v in request.POST.getlist("assessor")],
            by=request.user,
        ),  # fmt: skip
        _("Putaran penilaian dibuka."),
    )
    if isinstance(rnd, Round):
        return redirect("assessment:round", pk=rnd.pk)
    return redirect(reverse("assessment:province", kwargs={"kode": provinsi.kode}) + f"?tahun={tahun}")


def _round(request, pk: int) -> Round:
    rnd = selectors.round_get(scope=request.scope, pk=pk)
    if rnd is None:
        raise Http404
    return rnd


@require_GET
@login_required_scope
def round_detail(request, pk: int):
    rnd = _round(request, pk)
    scope = request.scope
    assessors = list(rnd.assessors.order_by("username"))
    progress = selectors.progress(rnd)
    n = rnd.rubric.indicators.count()
    results = {r.kabkota: r for r in scoring.results(rnd)}
    districts = list(rnd.districts.select_related("kabkota"))
    rows = [
        {"d": d, "result": results.get(d.kabkota_id),
         "progress": [(a, progress.get(d.kabkota_id, {}).get(a.pk, 0)) for a in assessors]}
        for d in sorted(districts, key=lambda d: (results[d.kabkota_id].rank if d.kabkota_id in results else 0))
    ]  # fmt: skip
    return render(
        request,
        "assessment/round.html",
        {"round": rnd, "rows": rows, "n_indicators": n, "assessors": assessors,
         "manage": has_permission(scope, Permission.ASSESSMENT_MANAGE, rnd.provinsi_id),
         "is_assessor": services.is_assessor(scope, rnd)},
    )  # fmt: skip


@require_GET
@login_required_scope
def round_export(request, pk: int):
    from konvergensi_core.io.assessment import write_results_xlsx

    rnd = _round(request, pk)
    names = dict(
        Region.objects.filter(kode__in=rnd.districts.values("kabkota_id")).values_list("kode", "nama")
    )
    title = _("Penilaian kinerja %(nama)s (%(tahun)s)%(status)s") % {
        "nama": rnd.nama, "tahun": rnd.tahun, "status": "" if rnd.published else _(" — belum diterbitkan")}  # fmt: skip
    content = write_results_xlsx(scoring.results(rnd), names, title=title)
    return xlsx_response(content, f"penilaian-{rnd.provinsi_id}-{rnd.tahun}-{rnd.pk}.xlsx")


@require_POST
@login_required_scope
def round_publish(request, pk: int):
    rnd = _round(request, pk)
    require(request.scope, Permission.ASSESSMENT_MANAGE, rnd.provinsi_id)
    attempt(request, lambda: services.round_publish(scope=request.scope, rnd=rnd, by=request.user),
            _("Penilaian diterbitkan: kabupaten/kota kini melihat nilai, skor dan kelasnya; data tahun ini dikunci."))  # fmt: skip
    return redirect("assessment:round", pk=rnd.pk)


# --- one district of a round -----------------------------------------------------------------------------


def _district(request, pk: int) -> RoundDistrict:
    d = selectors.district_get(scope=request.scope, pk=pk)
    if d is None:
        raise Http404
    activate_region(d.kabkota_id)
    return d


def _indicator_rows(d: RoundDistrict, *, figures_by_aksi=None, own: int | None = None, post=None):
    grades = selectors.grades_of(d)
    responses = list(d.responses.select_related("indicator", "by"))
    rows = []
    for ind in d.round.rubric.indicators.all():
        mine = next((g for g in grades if g.indicator_id == ind.pk and g.assessor_id == own), None)
        rows.append({
            "ind": ind,
            "grades": [g for g in grades if g.indicator_id == ind.pk],
            "figures": (figures_by_aksi or {}).get(ind.aksi, []),
            "mine": post.get(f"huruf-{ind.pk}", "") if post else (mine.huruf if mine else ""),
            "mine_note": post.get(f"catatan-{ind.pk}", "") if post else (mine.note if mine else ""),
            "responses": [r for r in responses if r.indicator_id == ind.pk],
            "criteria": sorted((ind.kriteria or {}).items()),
        })  # fmt: skip
    return rows, [r for r in responses if r.indicator_id is None]


@require_GET
@login_required_scope
def district(request, pk: int):
    """A district's assessment: for the province and the nation, its grades so far and the live
    score; for the district (after publication only), its grades, notes, score, class and responses."""
    d = _district(request, pk)
    scope = request.scope
    published = d.round.published is not None
    rows, overall = _indicator_rows(d)
    live = None
    if not published:
        live = next((r for r in scoring.results(d.round) if r.kabkota == d.kabkota_id), None)
    return render(
        request,
        "assessment/district.html",
        {"d": d, "round": d.round, "rows": rows, "overall": overall, "published": published, "live": live,
         "manage": has_permission(scope, Permission.ASSESSMENT_MANAGE, d.round.provinsi_id),
         "is_assessor": not published and services.is_assessor(scope, d.round),
         "may_respond": published and has_permission(scope, Permission.ASSESSMENT_RESPOND, d.kabkota_id)},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required_scope
def grade(request, pk: int):
    """The assessor's page: each indicator with its criteria, the district's Aksi evidence (links to its
    aksi pages) and Konvergensi's own figures beside it; a letter and a note per indicator."""
    d = _district(request, pk)
    scope = request.scope
    if not services.is_assessor(scope, d.round):
        raise PermissionDenied
    if request.method == "POST":
        done = attempt(
            request,
            lambda: services.grades_set(scope=scope, rnd=d.round, kabkota=d.kabkota_id, data=request.POST, by=request.user),
            lambda n: _("Nilai disimpan (%(n)s indikator dinilai).") % {"n": n},
        )  # fmt: skip
        if done is not None:
            return redirect("assessment:grade", pk=d.pk)
    rows, _overall = _indicator_rows(
        d, figures_by_aksi=figures.figures(d.kabkota_id, d.round.tahun), own=scope.user_id,
        post=request.POST if request.method == "POST" else None,
    )  # fmt: skip
    from konvergensi.aksi.models import Aksi

    aksi = {a.nomor: a for a in Aksi.objects.filter(siklus__kabkota_id=d.kabkota_id, siklus__tahun=d.round.tahun)
            .prefetch_related("evidence")}  # fmt: skip
    for row in rows:
        row["aksi"] = aksi.get(row["ind"].aksi)
    return render(
        request,
        "assessment/grade.html",
        {"d": d, "round": d.round, "rows": rows, "letters": sorted(d.round.rubric.letters),
         "locked": d.round.published is not None},
    )  # fmt: skip


@require_POST
@login_required_scope
def notes(request, pk: int):
    d = _district(request, pk)
    require(request.scope, Permission.ASSESSMENT_MANAGE, d.round.provinsi_id)
    attempt(request, lambda: services.district_notes(
        scope=request.scope, district=d, supervision=request.POST.get("supervision", ""),
        recommendations=request.POST.get("recommendations", ""), by=request.user), _("Catatan pembinaan disimpan."))  # fmt: skip
    return redirect("assessment:district", pk=d.pk)


@require_POST
@login_required_scope
def respond(request, pk: int):
    d = _district(request, pk)
    require(request.scope, Permission.ASSESSMENT_RESPOND, d.kabkota_id)
    raw = (request.POST.get("indicator") or "").strip()
    indicator_id = int_from(raw) if raw else None
    attempt(request, lambda: services.response_add(scope=request.scope, district=d, indicator_id=indicator_id,
                                                   text=request.POST.get("text", ""), by=request.user),
            _("Tanggapan dikirim ke provinsi."))  # fmt: skip
    return redirect("assessment:district", pk=d.pk)


# --- district history, national ------------------------------------------------------------------------


@require_GET
@login_required_scope
def kabkota(request, kode: str):
    kab = kabkota_or_404(request, kode)
    scope = request.scope
    if not has_permission(scope, Permission.ASSESSMENT_READ, kab.kode):
        raise PermissionDenied
    return render(
        request,
        "assessment/kabkota.html",
        {"kab": kab, "history": selectors.history(scope=scope, kabkota=kab.kode),
         "open": selectors.open_for_district(scope=scope, kabkota=kab.kode)},
    )  # fmt: skip


@require_GET
@login_required_scope
def national(request):
    scope = request.scope
    require(scope, Permission.VIEW_NATIONAL)
    tahun = _results_year(request)
    results = selectors.published_results(scope=scope, tahun=tahun)
    from . import layer

    provinces = layer.values("", tahun, scope)
    names = dict(Region.objects.filter(level="provinsi").values_list("kode", "nama"))
    return render(
        request,
        "assessment/national.html",
        {"tahun": tahun, "results": results,
         "provinces": [(k, names.get(k, k), v) for k, v in sorted(provinces.items())],
         "map_values": {k: v.category for k, v in provinces.items() if v.category},
         "geojson_url": reverse("wilayah:geojson-national")},
    )  # fmt: skip
