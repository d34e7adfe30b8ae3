"""The plan's checks in the reader's language. The core (``konvergensi_core.plan.checks``) says them in
Indonesian and stays free of Django; the pages rebuild each sentence here from the check's code and
facts (its row, desa, indicator), so an English reader reads English and the Indonesian stays the
same words."""

from __future__ import annotations

from django.utils.translation import gettext as _

from konvergensi_core.plan.checks import (
    CAKUPAN_RENDAH_TANPA_KEGIATAN,
    DISESUAIKAN_TANPA_KETERANGAN,
    LOKUS_TANPA_KEGIATAN,
    MAX_NAMED,
    TANPA_ANGGARAN,
    TANPA_OPD,
    TANPA_TARGET,
    Check,
)


def check_text(
    check: Check, *, activities: dict[str, str], places: dict[str, str], indicators: dict[str, str]
) -> str:
    """``activities``: row number → activity; ``places``: desa code → name; ``indicators``: code → name."""
    row = (
        _("Baris %(no)s: kegiatan '%(name)s'")
        % {"no": check.row_no, "name": activities.get(check.row_no or "", "")}
        if check.row_no
        else ""
    )
    if check.code == TANPA_OPD:
        return _("%(row)s belum mempunyai OPD penanggung jawab") % {"row": row}
    if check.code == TANPA_TARGET:
        return _("%(row)s belum mempunyai target kinerja") % {"row": row}
    if check.code == TANPA_ANGGARAN:
        return _("%(row)s adalah kegiatan baru yang memerlukan anggaran, tetapi anggarannya belum diisi") % {
            "row": row
        }
    if check.code == DISESUAIKAN_TANPA_KETERANGAN:
        return _(
            "%(row)s adalah kegiatan yang disesuaikan, tetapi belum disebutkan apa yang disesuaikan "
            "(target, lokus, penyampaian atau anggaran)"
        ) % {"row": row}
    if check.code == LOKUS_TANPA_KEGIATAN:
        return _("Desa %(name)s (lokus) belum dijangkau kegiatan mana pun") % {
            "name": places.get(check.desa or "", check.desa or "")
        }
    if check.code == CAKUPAN_RENDAH_TANPA_KEGIATAN:
        names = [places.get(d, d) for d in check.desas]
        listed = ", ".join(names[:MAX_NAMED])
        if len(names) > MAX_NAMED:
            listed = _("%(listed)s dan %(n)s lainnya") % {"listed": listed, "n": len(names) - MAX_NAMED}
        label = indicators.get(check.indicator)
        shown = f"{check.indicator} ({label})" if label else check.indicator
        if len(names) == 1:
            return _(
                "Cakupan %(indicator)s rendah di Desa %(desa)s, tetapi belum ada kegiatan untuk indikator ini "
                "yang menjangkau desa tersebut"
            ) % {"indicator": shown, "desa": listed}
        return _(
            "Cakupan %(indicator)s rendah di %(n)s desa lokus (%(desa)s), tetapi belum ada kegiatan untuk "
            "indikator ini yang menjangkau desa tersebut"
        ) % {"indicator": shown, "n": len(names), "desa": listed}
    return check.message
