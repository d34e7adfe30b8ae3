"""Rupiah amounts as people type them in a plan or a budget document.

``parse_rupiah(value) -> (amount, reason)``: ``(int, None)`` for an amount, ``(None, None)`` for an
empty cell ("", "-", None), ``(None, reason)`` with an Indonesian reason otherwise. Accepted:

* numbers (int; a float is rounded to the whole rupiah);
* Indonesian text: ``1.250.000.000``, ``1.250.000.000,00``, ``Rp 1.250.000.000,00``,
  ``Rp1.250.000.000``, ``Rp. 1.250.000,-``, ``IDR 1.250.000``, plain ``1250000000``; the sen after
  the decimal comma (one or two digits) are rounded;
* text with commas as thousands separators only when it cannot be a decimal comma: two or more
  groups (``1,250,000,000``) or followed by decimals with a point (``1,250,000.00``). A single
  ``1,250`` is refused as ambiguous (1,25 or 1.250?), and so is ``1.250.000.000.5``;
* ``1250000.5`` (a decimal point followed by one or two digits, what a program writes) is 1.250.001.

Refused: negative amounts (``-5``, ``(5.000)``), text, NaN/infinity, amounts over ``MAX_RUPIAH``.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from ..numbers import id_count

MAX_RUPIAH = 10**16  # ten quadrillion: more than any district's budget, a typing error
MISSING = frozenset({"", "-", "–", "—", "n/a", "na", "#n/a", "null", "none"})
_PREFIX = re.compile(r"^(?:rp\.?|idr)", re.IGNORECASE)
_INDONESIAN = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?|\d+(?:,\d{1,2})?")
_ENGLISH = re.compile(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d{1,2})?|\d{1,3}(?:,\d{3})+\.\d{1,2}")
_POINT_DECIMAL = re.compile(r"\d+\.\d{1,2}")

NOT_RUPIAH = "bukan nilai Rupiah; tulis mis. 1.250.000.000 atau Rp 1.250.000.000,00"
NEGATIVE = "anggaran tidak boleh negatif"
AMBIGUOUS = "nilai Rupiah tidak jelas (koma sebagai pemisah ribuan atau desimal?); tulis mis. 1.250.000"
TOO_LARGE = "nilai Rupiah terlalu besar"


def _whole(number: Decimal) -> tuple[int | None, str | None]:
    if number < 0:
        return None, NEGATIVE
    if number > MAX_RUPIAH:
        return None, TOO_LARGE
    return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP)), None


def parse_rupiah(value: object) -> tuple[int | None, str | None]:
    """``value`` as whole rupiah: (amount, None), (None, None) when empty, (None, reason)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, NOT_RUPIAH
    if isinstance(value, int):
        return _whole(Decimal(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            return None, NOT_RUPIAH
        return _whole(Decimal(repr(value)))
    text = str(value).strip()
    if text.casefold() in MISSING:
        return None, None
    text = re.sub(r"[\s\u00a0\u202f]+", "", text)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.startswith(("-", "−", "–")):
        negative, text = True, text[1:]
    text = _PREFIX.sub("", text)
    if text.startswith(("-", "−", "–")):
        negative, text = True, text[1:]
    if text.endswith((",-", ",—", ",–", ".-")):
        text = text[:-2]
    if not text:
        return None, NOT_RUPIAH
    if _INDONESIAN.fullmatch(text):
        number = Decimal(text.replace(".", "").replace(",", "."))
    elif _ENGLISH.fullmatch(text):
        number = Decimal(text.replace(",", ""))
    elif _POINT_DECIMAL.fullmatch(text):
        number = Decimal(text)
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})", text) or re.fullmatch(r"[\d.,]+", text):
        return None, AMBIGUOUS
    else:
        return None, NOT_RUPIAH
    if negative and number != 0:
        return None, NEGATIVE
    return _whole(number)


def format_rupiah(amount: int | None) -> str:
    """ "Rp 1.250.000.000"; "–" for None."""
    return "–" if amount is None else f"Rp {id_count(amount)}"
