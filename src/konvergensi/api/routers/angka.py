"""The stored figures of the picture (``/angka``): prevalence, coverage, budget per region."""

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from ..base import Page, prefix

figures = Router(tags=["angka"])


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


class FigureFilter(Schema):
    kode: str | None = None
    parent: str | None = None
    key: str | None = None
    periode: str | None = None
    tahun: int | None = None


def _figure_out(r) -> dict:
    hidden = r.suppressed
    return {
        "kode": r.kode,
        "level": r.level,
        "parent": r.parent,
        "key": r.key,
        "periode": r.periode,
        "tahun": r.tahun,
        "numerator": None if hidden else r.numerator,
        "denominator": None if hidden else r.denominator,
        "value": None if hidden else r.value,
        "ci_low": None if hidden else r.ci_low,
        "ci_high": None if hidden else r.ci_high,
        "n": None if hidden else r.n,
        "suppressed": hidden,
        "source": r.source,
    }


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
    rows = qs.order_by("kode", "key", "periode")
    return [
        _figure_out(r)
        for r in rows
        if picture.child_visible(scope, r.kode) and picture.may_view(scope, r.kode)
    ]
