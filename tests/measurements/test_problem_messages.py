"""The e-PPGBM check's fixed problem sentences (written in Indonesian by the Django-free core) are
all marked for translation in ``measurements/problem_messages.py``, so that the import's preview page
can show them in English: the list must follow the core."""

from __future__ import annotations

import datetime as dt

import polars as pl

from konvergensi.measurements.problem_messages import MESSAGES
from konvergensi_core import eppgbm
from konvergensi_core import nik as nik_rules

FIELDS = ("sex", "birth_date", "age", "visit_date", "weight", "lenhei", "measure", "oedema", "nama", "desa",
          "desa_kode", "lila", "head_circumference", "birth_weight", "birth_length", "nik")  # fmt: skip


def _fixed(message: pl.Expr) -> str | None:
    """The sentence of a check whose message is a literal (None when it takes the row's values)."""
    try:
        return pl.select(message).item()
    except pl.exceptions.PolarsError:
        return None


def test_every_fixed_sentence_of_the_core_is_marked_for_translation():
    checks = eppgbm.row_checks({f: f for f in FIELDS}, dt.date(2026, 1, 1))
    fixed = {text for c in checks if (text := _fixed(c.message))}
    fixed |= {text for _code, _f, _flag, text, z in eppgbm.FLAG_CHECKS if z is None}
    fixed |= set(eppgbm.missing_columns({}))
    fixed |= {f"{label} bukan angka: tidak disimpan" for _n, _c, label, *_ in eppgbm.IMPLAUSIBLE_DROPPED}
    fixed.add(nik_rules.PROBLEMS["missing"][1])
    assert len(fixed) >= 25  # the literal checks were found (not a silently empty set)
    assert fixed <= set(MESSAGES), sorted(fixed - set(MESSAGES))
    assert len(MESSAGES) == len(set(MESSAGES))
