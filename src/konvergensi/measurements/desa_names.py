"""The answers a district gives once for its e-PPGBM files: which official desa an ambiguous desa
name means (asked by an import's check, remembered for later imports; issue 11) and the district's
own file layout (the column mapping)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from konvergensi.accounts.models import Role
from konvergensi.accounts.permissions import Permission, has_permission, require
from konvergensi.accounts.scope import Scope
from konvergensi.accounts.services import audit
from konvergensi.imports.models import Import, ImportStatus
from konvergensi.wilayah.models import Region
from konvergensi_core import desa_match, eppgbm

from .models import ColumnMapping, DesaAlias

KIND = "pengukuran"


def remembered(kabkota: str, scope: Scope) -> dict[tuple[str, str], DesaAlias]:
    """The remembered desa names that hold for an import by ``scope``: the district's answers, and
    for a puskesmas also its own (which win for its files). A puskesmas's answer never holds for
    the district's or another puskesmas's imports (issue 11)."""
    aliases = DesaAlias.objects.filter(kabkota_id=kabkota, puskesmas__isnull=True)
    if scope.role == Role.PUSKESMAS and scope.puskesmas_id:
        aliases = DesaAlias.objects.filter(kabkota_id=kabkota).filter(
            Q(puskesmas__isnull=True) | Q(puskesmas_id=scope.puskesmas_id)
        )
    out: dict[tuple[str, str], DesaAlias] = {}
    for alias in aliases.order_by(F("puskesmas_id").asc(nulls_first=True), "pk"):
        out[(alias.kecamatan_key, alias.desa_key)] = alias  # the puskesmas's own last: it wins
    return out


def desa_answers(
    *, imp: Import, scope: Scope, answers: list[tuple[str | None, str, str]], by
) -> list[DesaAlias]:
    """Remember the answers ``[(kecamatan, desa as written, official desa kode)]`` to the desa
    questions of an import's last check: all of them, or none (issue 11).

    Refused with a ValidationError, nothing stored: an answer to a (kecamatan, desa) pair the check
    did not ask about; a desa that was not one of the candidates offered for it; a desa outside the
    answerer's area (a puskesmas: its service area; the district operator and health office: the
    district). An answer of a puskesmas holds for that puskesmas's imports only; one of the
    district for every import of the district (:func:`remembered`)."""
    kabkota = imp.kabkota_id
    require(scope, Permission.MEASUREMENT_IMPORT, kabkota)
    if by is not None and imp.created_by_id != getattr(by, "pk", None):
        raise PermissionDenied
    if imp.status != ImportStatus.CHECKED:
        raise ValidationError(
            _("Impor ini tidak sedang menunggu pilihan desa; tidak ada pilihan yang disimpan.")
        )
    asked = {
        desa_match.remember_key(q.get("kecamatan"), q.get("desa")): {
            c.get("kode") for c in q.get("candidates") or []
        }
        for q in (imp.summary or {}).get("details", {}).get("ambiguous", [])
    }
    puskesmas_id = scope.puskesmas_id if scope.role == Role.PUSKESMAS else None
    plan: dict[tuple[str, str], Region] = {}
    for kecamatan, desa, kode in answers:
        key = desa_match.remember_key(kecamatan, desa)
        if key not in asked or not key[1]:
            raise ValidationError(
                _(
                    "Ada jawaban untuk nama desa yang tidak ditanyakan pada pemeriksaan ini; tidak ada pilihan yang disimpan."
                )
            )
        if kode not in asked[key]:
            raise ValidationError(
                _(
                    "Desa yang dipilih bukan salah satu pilihan untuk nama itu; tidak ada pilihan yang disimpan."
                )
            )
        target = Region.objects.filter(kode=kode, level="desa", kode__startswith=kabkota + ".").first()
        if target is None:
            raise ValidationError(_("Desa yang dipilih tidak ada di kabupaten/kota ini."))
        if not scope.covers(target.kode, "region") or (scope.role == Role.PUSKESMAS and not puskesmas_id):
            raise ValidationError(
                _("Desa %(desa)s di luar wilayah Anda; hanya dinas kesehatan atau operator kabupaten/kota "
                  "yang dapat memilihnya. Tidak ada pilihan yang disimpan.") % {"desa": target.nama}
            )  # fmt: skip
        plan[key] = target
    stored = []
    with transaction.atomic():
        for (kec_key, desa_key), target in plan.items():
            alias, _created = DesaAlias.objects.update_or_create(
                kabkota_id=kabkota,
                puskesmas_id=puskesmas_id,
                kecamatan_key=kec_key,
                desa_key=desa_key,
                defaults={"desa": target, "created_by": by},
            )
            audit(by=by, action="measurement.desa_alias", target=alias, region_kode=kabkota,
                  data={"desa": target.kode, "puskesmas": puskesmas_id})  # fmt: skip
            stored.append(alias)
    return stored


def desa_choose(*, imp: Import, scope: Scope, kecamatan: str | None, desa: str, kode: str, by) -> DesaAlias:
    """Remember which official desa one ambiguous name of the import's check means."""
    return desa_answers(imp=imp, scope=scope, answers=[(kecamatan, desa, kode)], by=by)[0]


def desa_alias_revoke(*, scope: Scope, kabkota: Region, pk, by) -> DesaAlias | None:
    """Forget a remembered desa name of the district (the operator or the health office). Later
    imports ask again; children already stored stay where they are."""
    require_alias_manage(scope, kabkota.kode)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    alias = DesaAlias.objects.filter(pk=pk, kabkota=kabkota).first()
    if alias is None:
        return None
    data = {"kecamatan": alias.kecamatan_key, "nama": alias.desa_key, "desa": alias.desa_id,
            "puskesmas": alias.puskesmas_id, "answered_by": alias.created_by_id}  # fmt: skip
    audit(by=by, action="measurement.desa_alias_revoke", target=alias, region_kode=kabkota.kode, data=data)
    alias.delete()
    return alias


def may_manage_aliases(scope: Scope, kabkota: str) -> bool:
    """The district's remembered desa names are seen and revoked by its operator and health office."""
    return has_permission(scope, Permission.MEASUREMENT_IMPORT, kabkota) and scope.role in (
        Role.OPERATOR,
        Role.OPD,
    )


def require_alias_manage(scope: Scope, kabkota: str) -> None:
    if not may_manage_aliases(scope, kabkota):
        raise PermissionDenied


def desa_aliases(kabkota: Region) -> list[dict]:
    """The district's remembered desa names with who answered, when, and how many children of the
    committed imports each placed."""
    placed: dict[str, int] = {}
    for summary in Import.objects.filter(
        kind=KIND, kabkota=kabkota, status=ImportStatus.COMMITTED
    ).values_list("summary", flat=True):
        for pk, n in ((summary or {}).get("details", {}).get("aliases") or {}).items():
            placed[pk] = placed.get(pk, 0) + int(n)
    rows = (
        DesaAlias.objects.filter(kabkota=kabkota)
        .select_related("desa", "puskesmas", "created_by")
        .order_by("kecamatan_key", "desa_key", "puskesmas_id")
    )
    kecamatan = dict(Region.objects.filter(parent=kabkota).values_list("kode", "nama"))
    return [
        {"alias": a, "kecamatan": kecamatan.get(a.desa_id[:8], ""), "placed": placed.get(str(a.pk), 0)}
        for a in rows
    ]


def mapping_save(*, scope: Scope, kabkota: Region, mapping: dict[str, str | None], by) -> ColumnMapping:
    """The district's own file layout: {file header: field or None (ignore)}, used by later imports."""
    require(scope, Permission.MEASUREMENT_IMPORT, kabkota.kode)
    clean = {str(h)[:120]: (f or None) for h, f in mapping.items() if not f or f in eppgbm.FIELDS}
    row, _created = ColumnMapping.objects.update_or_create(
        kabkota=kabkota, defaults={"mapping": clean, "updated_by": by}
    )
    audit(
        by=by,
        action="measurement.mapping",
        target=row,
        region_kode=kabkota.kode,
        data={"columns": len(clean)},
    )
    return row
