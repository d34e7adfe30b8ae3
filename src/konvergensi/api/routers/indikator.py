"""The indicator catalogue (``/indikator``)."""

from ninja import Router, Schema
from ninja.pagination import paginate

from ..base import Page

indicators = Router(tags=["indikator"])


class IndicatorOut(Schema):
    kode: str
    set: str
    nama: str
    nama_en: str
    definisi: str
    numerator: str
    denominator: str
    kelompok: str
    kelompok_label: str
    satuan: str
    target_nasional: float | None
    jenis_intervensi: str


@indicators.get("/", response=list[IndicatorOut], summary="Katalog indikator")
@paginate(Page)
def indicator_list(request, set: str | None = None):
    from konvergensi.indicators.models import Indicator

    qs = Indicator.objects.all()
    if set:
        qs = qs.filter(set=set)
    return qs.order_by("urutan", "kode")
