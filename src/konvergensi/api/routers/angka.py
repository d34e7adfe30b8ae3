"""The stored figures of the picture (``/angka``): prevalence, coverage, budget per region."""

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from konvergensi.accounts.models import Role

from ..base import Page, prefix

figures = Router(tags=["angka"])


def _shown(field: str):
    """A resolver that hides the number of a suppressed (small-cell) figure."""

    def resolve(obj):
        return None if obj.suppressed else getattr(obj, field)

    return staticmethod(resolve)


class FigureOut(Schema):
    kode: str
    level: str
    parent: str
    key: str
    periode: str
    tahun: int
    numerator: int | None
    denominator: int | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    suppressed: bool
    source: str

    # A suppressed figure says so and gives no number.
    resolve_numerator = _shown("numerator")
    resolve_denominator = _shown("denominator")
    resolve_value = _shown("value")
    resolve_ci_low = _shown("ci_low")
    resolve_ci_high = _shown("ci_high")
    resolve_n = _shown("n")


class FigureFilter(Schema):
    kode: str | None = None
    parent: str | None = None
    key: str | None = None
    periode: str | None = None
    tahun: int | None = None


@figures.get("/", response=list[FigureOut], summary="Angka wilayah (gambaran): prevalensi, cakupan, anggaran")
@paginate(Page)
def figure_list(request, filters: Query[FigureFilter]):
    from konvergensi.picture import selectors as picture
    from konvergensi.picture.models import RegionFigure

    scope = request.scope
    top = picture.area(scope)
    if top is None:
        return []
    qs = RegionFigure.objects.all()
    if top:  # not the nation: the reader's subtree only (the web's may_view / child_visible)
        qs = prefix(qs, "kode", top)
    qs = prefix(qs, "kode", filters.kode)
    if filters.parent is not None:
        qs = qs.filter(parent=filters.parent)
    if filters.key:
        qs = qs.filter(key=filters.key)
    if filters.periode:
        qs = qs.filter(periode=filters.periode)
    if filters.tahun:
        qs = qs.filter(tahun=filters.tahun)
    if scope.role == Role.DESA:  # a desa sees its own figures, not its neighbours' (child_visible)
        qs = qs.filter(kode=scope.kode)
    # The reader's subtree is in the query (picture.may_view), so the page is cut in SQL: every
    # figure of a province was read, made an object and checked in Python (112 ms for West Java).
    return qs.order_by("kode", "key", "periode")
