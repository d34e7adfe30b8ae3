"""The budget flags in the reader's language (the core, Django-free, says them in Indonesian): each
sentence rebuilt from the flag's code and its line."""

from __future__ import annotations

from django.utils.translation import gettext as _

from konvergensi_core.budget import BudgetLine
from konvergensi_core.budget.rules import SERAPAN_RENDAH_TW3, TANPA_REALISASI, Flag
from konvergensi_core.plan import format_rupiah


def flag_text(flag: Flag, line: BudgetLine, quarter: int) -> str:
    label = f"{line.code} ({line.opd}, {line.source})"
    if flag.code == TANPA_REALISASI:
        return _("Sub kegiatan %(line)s belum mempunyai realisasi sampai akhir TW%(q)s") % {
            "line": label,
            "q": quarter,
        }
    if flag.code == SERAPAN_RENDAH_TW3:
        spent = line.realised_until(3)
        return _(
            "Serapan sub kegiatan %(line)s sampai akhir TW3 baru %(pct)s%% (%(spent)s dari pagu %(pagu)s), "
            "di bawah 50%%"
        ) % {"line": label, "pct": spent * 100 // line.pagu, "spent": format_rupiah(spent),
             "pagu": format_rupiah(line.pagu)}  # fmt: skip
    return flag.message
