"""What the village-data pages share: the period and set asked for, the indicators shown, the tabs."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergensi_core import datadesa

from .. import selectors, services
from ..models import (
    Indicator,
    IndicatorSet,
)


def periode_asked(request) -> str:
    value = (request.GET.get("periode") or request.POST.get("periode") or "").strip()
    if datadesa.PERIOD_RE.match(value):
        return value
    return selectors.default_periode(timezone.localdate())


def set_asked(request) -> str:
    value = request.GET.get("set") or request.POST.get("set") or ""
    return value if value in IndicatorSet.values else IndicatorSet.S2018


def indicators_shown(request, kabkota: str, set_: str, *, only_allowed: bool) -> list[Indicator]:
    qs = Indicator.objects.filter(set=set_)
    if only_allowed:
        allowed = services.allowed_indicators(request.scope, kabkota)
        if allowed is not None:
            qs = qs.filter(kode__in=allowed)
    return list(qs)


def nav_page(request, template: str, context: dict):
    """A page with the "Data desa" sub-menu: ``context["kab"]`` is the district; whether the reader
    may enter coverage figures there (the menu's entry links) is read here, not in the template."""
    kab = context["kab"]
    context["may_enter"] = services.allowed_indicators(request.scope, kab.kode) != set()
    return render(request, template, context)


def int_or_none(value) -> int | None:
    """A whole number typed in the grid or a form, by the Excel template's own rule (1.250 is one
    thousand two hundred and fifty; 1,5 is not a count)."""
    number, reason = datadesa.parse_count(value)
    if reason:
        raise ValidationError(_("Isi bilangan bulat 0 sampai 10.000.000, tanpa desimal: %(value)s %(reason)s.")
                              % {"value": str(value)[:20], "reason": reason})  # fmt: skip
    return number


def decimal_value(value) -> float:
    try:
        number = float((value or "").replace(",", "."))
    except ValueError as exc:
        raise ValidationError(_("Isi angka persen, mis. 70 atau 72,5.")) from exc
    if not 0 <= number <= 100:
        raise ValidationError(_("Persen harus antara 0 dan 100."))
    return round(number, 1)
