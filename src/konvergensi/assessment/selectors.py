"""Reads of the penilaian kinerja, always within the reader's scope.

- A rubric: the nation's are read by everyone who works with assessments; a province's adoption by
  that province and the nation.
- A round (its grades, assessors, progress): the province that opened it and the nation. A district
  never reads a round; it reads its own :class:`RoundDistrict` once the round is published.
- Results (rankings, maps, history) come from published rounds only, from the stored results.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from konvergensi.accounts.models import Role
from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope, scope_filter

from .models import Grade, Round, RoundDistrict, Rubric


def rubric_list(*, scope: Scope, tahun: int | None = None) -> QuerySet[Rubric]:
    if not scope.is_active or scope.role not in (Role.PUSAT, Role.PROVINSI):
        return Rubric.objects.none()
    qs = Rubric.objects.select_related("provinsi")
    if not scope.is_national:
        qs = qs.filter(Q(provinsi__isnull=True, published__isnull=False) | Q(provinsi_id=scope.provinsi_kode))
    if tahun is not None:
        qs = qs.filter(tahun=tahun)
    return qs.order_by("-tahun", "provinsi_id", "-versi")


def rubric_get(*, scope: Scope, pk: int) -> Rubric | None:
    return rubric_list(scope=scope).filter(pk=pk).first()


def may_edit_rubric(scope: Scope, rubric: Rubric) -> bool:
    return not rubric.frozen and has_permission(scope, Permission.ASSESSMENT_RUBRIC, rubric.provinsi_id)


def rubrics_for_round(*, provinsi: str, tahun: int) -> QuerySet[Rubric]:
    """The published rubrics a province may use for a round of ``tahun``."""
    return Rubric.objects.filter(
        Q(provinsi__isnull=True) | Q(provinsi_id=provinsi), tahun=tahun, published__isnull=False
    ).order_by("provinsi_id", "-versi")


def round_list(*, scope: Scope, provinsi: str | None = None) -> QuerySet[Round]:
    """Rounds the reader may open: the nation all, a province its own; nobody else."""
    if not scope.is_active or scope.role not in (Role.PUSAT, Role.PROVINSI):
        return Round.objects.none()
    qs = scope_filter(Round.objects.select_related("provinsi", "rubric"), scope, "provinsi_id", "region")
    if provinsi is not None:
        qs = qs.filter(provinsi_id=provinsi)
    return qs


def round_get(*, scope: Scope, pk: int) -> Round | None:
    return round_list(scope=scope).filter(pk=pk).first()


def district_get(*, scope: Scope, pk: int) -> RoundDistrict | None:
    """A district of a round: the nation and the round's province always; the district's operator and
    OPD once the round is published. Everyone else: not found."""
    d = (
        RoundDistrict.objects.select_related("round", "round__provinsi", "round__rubric", "kabkota")
        .filter(pk=pk)
        .first()
    )
    if d is None or not may_read_district(scope, d):
        return None
    return d


def may_read_district(scope: Scope, d: RoundDistrict) -> bool:
    if not has_permission(scope, Permission.ASSESSMENT_READ, d.kabkota_id):
        return False
    if scope.role in (Role.PUSAT, Role.PROVINSI):
        return True
    return d.round.published is not None


def grades_of(d: RoundDistrict) -> list[Grade]:
    return list(
        Grade.objects.filter(round_id=d.round_id, kabkota_id=d.kabkota_id)
        .select_related("indicator", "assessor")
        .order_by("indicator__urutan", "assessor__username")
    )


def latest_published_year(*, provinsi: str | None = None) -> int | None:
    """The newest year with a published round (of ``provinsi``, or anywhere): what the results pages
    show when the reader asks for no year."""
    qs = Round.objects.filter(published__isnull=False)
    if provinsi is not None:
        qs = qs.filter(provinsi_id=provinsi)
    return qs.order_by("-tahun").values_list("tahun", flat=True).first()


def published_results(*, scope: Scope, tahun: int, provinsi: str | None = None) -> list[RoundDistrict]:
    """The newest published result of each district of ``tahun`` the reader may see (a province its
    districts, the nation all, a district its own), in rank order within each province."""
    qs = RoundDistrict.objects.filter(round__tahun=tahun, round__published__isnull=False).select_related(
        "kabkota", "round", "round__provinsi"
    )
    if provinsi is not None:
        qs = qs.filter(round__provinsi_id=provinsi)
    qs = scope_filter(qs, scope, "kabkota_id")
    if not scope.is_national and scope.role != Role.PROVINSI:
        qs = (
            qs.filter(kabkota_id=scope.kabkota_kode) if scope.role in (Role.OPERATOR, Role.OPD) else qs.none()
        )
    newest: dict[str, RoundDistrict] = {}
    for d in qs.order_by("kabkota_id", "-round__published", "-round_id"):
        newest.setdefault(d.kabkota_id, d)
    return sorted(newest.values(), key=lambda d: (-(d.score or 0), d.kabkota_id))


def history(*, scope: Scope, kabkota: str) -> list[RoundDistrict]:
    """Every published result of a district, newest year first."""
    if not has_permission(scope, Permission.ASSESSMENT_READ, kabkota):
        return []
    return list(
        RoundDistrict.objects.filter(kabkota_id=kabkota, round__published__isnull=False)
        .select_related("round", "round__rubric")
        .order_by("-round__tahun", "-round__published")
    )


def open_for_district(*, scope: Scope, kabkota: str) -> list[RoundDistrict]:
    """Unpublished rounds of a district (what the province and nation see on the district's page)."""
    if scope.role not in (Role.PUSAT, Role.PROVINSI) or not has_permission(
        scope, Permission.ASSESSMENT_READ, kabkota
    ):
        return []
    return list(
        RoundDistrict.objects.filter(kabkota_id=kabkota, round__published__isnull=True)
        .select_related("round")
        .order_by("-round__tahun", "-round_id")
    )


def progress(rnd: Round) -> dict[str, dict[int, int]]:
    """Per district, per assessor: how many indicators are graded."""
    out: dict[str, dict[int, int]] = {}
    for g in Grade.objects.filter(round=rnd).values("kabkota_id", "assessor_id"):
        row = out.setdefault(g["kabkota_id"], {})
        row[g["assessor_id"]] = row.get(g["assessor_id"], 0) + 1
    return out
