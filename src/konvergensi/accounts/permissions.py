"""Permissions as an enum behind one check, :func:`has_permission`."""

from __future__ import annotations

from enum import StrEnum
from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import Role
from .scope import Scope

KABKOTA_ROLES = frozenset({Role.OPERATOR, Role.OPD, Role.KECAMATAN, Role.DESA, Role.PUSKESMAS})


class Permission(StrEnum):
    VIEW_NATIONAL = "view_national"  # national Pantau Aksi
    VIEW_PROVINCE = "view_province"  # a province's districts
    VIEW_KABKOTA = "view_kabkota"  # a district's cycle, aksi, regions, OPD, puskesmas
    MANAGE_USERS = "manage_users"  # create accounts below oneself
    MANAGE_OPD = "manage_opd"  # add the district's agencies
    AKSI_EDIT = "aksi_edit"  # start, plan, submit the district's aksi
    AKSI_CONTRIBUTE = "aksi_contribute"  # add evidence (operator; OPD for aksi assigned to it)
    AKSI_COMMENT = "aksi_comment"
    AKSI_REVIEW = "aksi_review"  # verify or send back (province)
    VIEW_AUDIT = "view_audit"
    CATALOGUE_EDIT = "catalogue_edit"  # the indicator catalogue and its category bands (nation)
    DATA_ENTER = "data_enter"  # coverage figures: operator all, OPD its own indicators (opd_id)
    DATA_MANAGE = "data_manage"  # assign indicators to OPD, programme mapping (operator)
    SASARAN_EDIT = "sasaran_edit"  # data sasaran of a desa: operator, or the kecamatan for its desa
    SASARAN_VERIFY = "sasaran_verify"  # verify, send back or unlock: the camat of the kecamatan
    ROUND_MANAGE = "round_manage"  # define measurement rounds, publish them (operator)
    MEASUREMENT_IMPORT = "measurement_import"  # operator, the health office, a puskesmas (its area)
    CHILD_VIEW = "child_view"  # names and follow-up lists: health office, puskesmas (area), desa (own)
    ANSIT_EDIT = "ansit_edit"  # situation analysis (Aksi 1): run, decide, lokus, recommendations (operator)
    ANSIT_REVIEW = "ansit_review"  # answer and comment on the Aksi 1 reviews (operator, OPD)
    ANSIT_KABKOTA = "ansit_district"  # Aksi 1 tables of every desa of a district (operator, OPD, up)
    PLAN_MANAGE = "plan_manage"  # Aksi 2 plan: seed, stages, versions, the district's documents (operator)
    PLAN_EDIT = "plan_edit"  # plan rows and a Renja: operator all, OPD its own (opd_id)
    PLAN_KABKOTA = "plan_district"  # the whole plan, documents, matrices (operator, OPD, province, nation)
    BUDGET_MANAGE = "budget_manage"  # the district's budget lines: import, every line (operator)
    BUDGET_EDIT = "budget_edit"  # a budget line: operator all, OPD its own agency's (opd_id)
    BUDGET_KABKOTA = "budget_district"  # the district's budget figures (operator, OPD, province, nation)
    REGULATION_MANAGE = "regulation_manage"  # Aksi 4: the district's Perbup/Perwali (operator)
    REGULATION_DESA = "regulation_desa"  # a desa's Perdes/APBDes (``kode`` the desa): operator, that desa
    REGULATION_READ = "regulation_read"  # Aksi 4 registers of ``kode``: operator, OPD, up; a desa by its area
    REMBUK_MANAGE = "rembuk_manage"  # Aksi 3: the district rembuk, its berita acara and evidence (operator)
    REMBUK_KECAMATAN = "rembuk_kecamatan"  # a kecamatan rembuk (``kode``): operator, that kecamatan
    REMBUK_READ = "rembuk_read"  # rembuk of ``kode``: operator, OPD, up; a kecamatan its own kecamatan's
    DATASYSTEM_MANAGE = "datasystem_manage"  # Aksi 6: improvement plan, levels of detail, document (operator)
    DATASYSTEM_UPDATE = (
        "datasystem_update"  # an Aksi 6 action: operator all, OPD the status of its own (opd_id)
    )
    DATASYSTEM_READ = (
        "datasystem_read"  # the district's Aksi 6 page and document (operator, OPD, province, nation)
    )
    KPM_EDIT = "kpm_edit"  # Aksi 5: a desa's KPM roster and scorecards: operator, that desa
    KPM_READ = "kpm_read"  # KPM names and contacts of ``kode`` (a desa): operator; the desa, its kecamatan
    SKOR_READ = "skor_read"  # scores and KPM counts of ``kode``: operator, OPD, up; kecamatan/desa their area
    SKOR_MANAGE = "skor_manage"  # switch scorecard indicators off for the district (operator)
    KNOWLEDGE_WRITE = "knowledge_write"  # the district's good practices: write, attach, submit (operator)
    KNOWLEDGE_READ = "knowledge_read"  # unpublished practices of ``kode``: operator, OPD, province, nation
    KNOWLEDGE_CURATE = "knowledge_curate"  # publish, send back, feature: province (its districts), nation
    REVIEW_MANAGE = "review_manage"  # Aksi 8: build, edit, finalise, attach the annual review (operator)
    REVIEW_READ = "review_read"  # the annual review of a district: operator, OPD, province, nation
    ASSESSMENT_RUBRIC = (
        "assessment_rubric"  # penilaian rubric: nation (``kode`` None); a province its adoption
    )
    ASSESSMENT_MANAGE = (
        "assessment_manage"  # open, edit, publish assessment rounds of its districts (province)
    )
    ASSESSMENT_GRADE = (
        "assessment_grade"  # grade a district of a round (province; the service checks the assessor)
    )
    ASSESSMENT_READ = (
        "assessment_read"  # a district's assessment: nation, its province; operator, OPD once published
    )
    ASSESSMENT_RESPOND = (
        "assessment_respond"  # the district's response to its published assessment (operator)
    )


def has_permission(
    scope: Scope, permission: Permission, kode: str | None = None, *, opd_id: int | None = None
) -> bool:
    """May the holder of ``scope`` do ``permission`` on region ``kode``?

    ``kode`` is the region the object belongs to (a province for VIEW_PROVINCE, a district for
    the district permissions). ``opd_id`` is the agency responsible for the object, when it matters.
    """
    if not scope.is_active:
        return False
    role = scope.role
    national = role == Role.PUSAT
    in_province = kode is not None and role == Role.PROVINSI and scope.covers(kode)
    in_kabkota = kode is not None and role in KABKOTA_ROLES and scope.covers(kode)
    match permission:
        case Permission.VIEW_NATIONAL:
            return national
        case Permission.VIEW_PROVINCE:
            return national or in_province
        case Permission.VIEW_KABKOTA:
            return national or in_province or in_kabkota
        case Permission.MANAGE_USERS | Permission.VIEW_AUDIT:
            return national or in_province or (in_kabkota and role == Role.OPERATOR)
        case Permission.MANAGE_OPD | Permission.AKSI_EDIT:
            return in_kabkota and role == Role.OPERATOR
        case Permission.AKSI_CONTRIBUTE:
            return in_kabkota and (
                role == Role.OPERATOR or (role == Role.OPD and opd_id is not None and opd_id == scope.opd_id)
            )
        case Permission.AKSI_COMMENT:
            return national or in_province or (in_kabkota and role in (Role.OPERATOR, Role.OPD))
        case Permission.AKSI_REVIEW:
            return in_province
        case Permission.CATALOGUE_EDIT:
            return national
        case Permission.DATA_ENTER:
            return in_kabkota and (
                role == Role.OPERATOR or (role == Role.OPD and opd_id is not None and opd_id == scope.opd_id)
            )
        case Permission.DATA_MANAGE:
            return in_kabkota and role == Role.OPERATOR
        case Permission.SASARAN_EDIT:
            # ``kode`` is the desa (or kecamatan): a kecamatan works on its own desa only.
            return in_kabkota and (
                role == Role.OPERATOR or (role == Role.KECAMATAN and scope.covers(kode, "region"))
            )
        case Permission.SASARAN_VERIFY:
            return in_kabkota and role == Role.KECAMATAN and scope.covers(kode, "region")
        case Permission.ROUND_MANAGE:
            return in_kabkota and role == Role.OPERATOR
        case Permission.MEASUREMENT_IMPORT:
            return in_kabkota and (
                role in (Role.OPERATOR, Role.PUSKESMAS) or (role == Role.OPD and scope.health_office)
            )
        case Permission.CHILD_VIEW:
            # ``kode`` is the desa (or the district, for a district-wide list).
            return in_kabkota and (
                (role == Role.OPD and scope.health_office)
                or (role in (Role.PUSKESMAS, Role.DESA) and scope.covers(kode, "region"))
            )
        case Permission.ANSIT_EDIT:
            return in_kabkota and role == Role.OPERATOR
        case Permission.ANSIT_REVIEW:
            return in_kabkota and role in (Role.OPERATOR, Role.OPD)
        case Permission.ANSIT_KABKOTA | Permission.PLAN_KABKOTA | Permission.BUDGET_KABKOTA:
            return national or in_province or (in_kabkota and role in (Role.OPERATOR, Role.OPD))
        case Permission.PLAN_MANAGE | Permission.BUDGET_MANAGE:
            return in_kabkota and role == Role.OPERATOR
        case Permission.PLAN_EDIT | Permission.BUDGET_EDIT:
            return in_kabkota and (
                role == Role.OPERATOR or (role == Role.OPD and opd_id is not None and opd_id == scope.opd_id)
            )
        case Permission.REGULATION_MANAGE:
            return in_kabkota and role == Role.OPERATOR
        case Permission.REGULATION_DESA:
            return in_kabkota and (
                role == Role.OPERATOR or (role == Role.DESA and scope.covers(kode, "region"))
            )
        case Permission.REGULATION_READ:
            # ``kode`` is the district (its whole register) or a desa (a kecamatan reads its own desa).
            return (
                national
                or in_province
                or (in_kabkota and (role in (Role.OPERATOR, Role.OPD) or scope.covers(kode, "region")))
            )
        case Permission.REVIEW_MANAGE:
            return in_kabkota and role == Role.OPERATOR
        case Permission.REVIEW_READ:
            return national or in_province or (in_kabkota and role in (Role.OPERATOR, Role.OPD))
        case Permission.KNOWLEDGE_WRITE:
            return in_kabkota and role == Role.OPERATOR
        case Permission.KNOWLEDGE_READ:
            return national or in_province or (in_kabkota and role in (Role.OPERATOR, Role.OPD))
        case Permission.KNOWLEDGE_CURATE:
            return national or in_province
        case Permission.KPM_EDIT:
            return in_kabkota and (
                role == Role.OPERATOR or (role == Role.DESA and scope.covers(kode, "region"))
            )
        case Permission.KPM_READ:
            # Personal data (names, contacts): never the OPD, puskesmas, province or nation.
            return in_kabkota and (
                role == Role.OPERATOR
                or (role in (Role.DESA, Role.KECAMATAN) and scope.covers(kode, "region"))
            )
        case Permission.SKOR_READ:
            # ``kode`` is the district (every desa's score) or a desa (its kecamatan and itself read it).
            return (
                national
                or in_province
                or (
                    in_kabkota
                    and (
                        role in (Role.OPERATOR, Role.OPD)
                        or (role in (Role.DESA, Role.KECAMATAN) and scope.covers(kode, "region"))
                    )
                )
            )
        case Permission.SKOR_MANAGE:
            return in_kabkota and role == Role.OPERATOR
        case Permission.REMBUK_MANAGE:
            return in_kabkota and role == Role.OPERATOR
        case Permission.REMBUK_KECAMATAN:
            return in_kabkota and (
                role == Role.OPERATOR or (role == Role.KECAMATAN and scope.covers(kode, "region"))
            )
        case Permission.REMBUK_READ:
            # ``kode`` is the district (its rembuk) or a kecamatan (its rembuk: that kecamatan reads it too).
            return (
                national
                or in_province
                or (
                    in_kabkota
                    and (
                        role in (Role.OPERATOR, Role.OPD)
                        or (role == Role.KECAMATAN and scope.covers(kode, "region"))
                    )
                )
            )
        case Permission.DATASYSTEM_MANAGE:
            return in_kabkota and role == Role.OPERATOR
        case Permission.DATASYSTEM_UPDATE:
            return in_kabkota and (
                role == Role.OPERATOR or (role == Role.OPD and opd_id is not None and opd_id == scope.opd_id)
            )
        case Permission.DATASYSTEM_READ:
            return national or in_province or (in_kabkota and role in (Role.OPERATOR, Role.OPD))
        case Permission.ASSESSMENT_RUBRIC:
            # ``kode`` None: the national rubric; a province code: that province's adopted rubric.
            return (national and kode is None) or (in_province and kode is not None and len(kode) == 2)
        case Permission.ASSESSMENT_MANAGE | Permission.ASSESSMENT_GRADE:
            return in_province
        case Permission.ASSESSMENT_READ:
            # Whether the round is published (a district sees nothing before) is the selectors' check.
            return national or in_province or (in_kabkota and role in (Role.OPERATOR, Role.OPD))
        case Permission.ASSESSMENT_RESPOND:
            return in_kabkota and role == Role.OPERATOR
    return False


def require(
    scope: Scope, permission: Permission, kode: str | None = None, *, opd_id: int | None = None
) -> None:
    """Raise PermissionDenied (HTTP 403) unless allowed."""
    if not has_permission(scope, permission, kode, opd_id=opd_id):
        raise PermissionDenied


def assignable_roles(scope: Scope) -> list[str]:
    """Roles the holder of ``scope`` may give to new accounts."""
    if scope.role == Role.PUSAT:
        return [r.value for r in Role]
    if scope.role == Role.PROVINSI:
        return [Role.PROVINSI.value, Role.OPERATOR.value]
    if scope.role == Role.OPERATOR:
        return [Role.OPD.value, Role.KECAMATAN.value, Role.DESA.value, Role.PUSKESMAS.value]
    return []


def login_required_scope(view):
    """Views that need a logged-in user with a membership: redirect to login, else 403."""
    from django.contrib.auth.views import redirect_to_login

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.scope.is_active:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
