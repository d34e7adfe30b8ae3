"""The village-scorecard section of the Aksi 8 annual review (``konvergensi.reviews.sections``):
the district's pooled score per quarter (trend), desa scored, lokus desa below the threshold, a
generated sentence and recommendations. Counts and desa names only (no KPM names)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi.accounts.models import Role
from konvergensi.accounts.scope import Scope
from konvergensi.reviews.sections import SectionFigures, SectionSource, Table
from konvergensi_core.scorecard import as_float, percent_text

from . import selectors

# The review is assembled by the district's operator for the district: read as the whole district.
DISTRICT_READER = Role.OPERATOR


def build(kabkota: str, tahun: int) -> SectionFigures:
    scope = Scope(role=DISTRICT_READER, kode=kabkota)
    ov = selectors.overview(scope=scope, kabkota=kabkota, tahun=tahun)
    n = len(ov.rows)
    if not ov.n_scored:
        return SectionFigures(
            sentence=_("Belum ada kartu skor konvergensi desa untuk tahun %(tahun)s.") % {"tahun": tahun},
            numbers={"desa": n, "desa_skor": 0, "desa_kpm_terlatih": ov.n_active_trained},
            recommendations=(_("Latih KPM dan isi kartu skor konvergensi desa setiap triwulan."),),
            available=False,
        )
    rows = tuple((f"TW{q}", percent_text(s.value), str(s.pairs)) for q, s in ov.quarters.items())
    last_q, last = list(ov.quarters.items())[-1]
    first_q, first = next(iter(ov.quarters.items()))
    sentence = _(
        "Pada %(tahun)s, %(s)s dari %(n)s desa mengisi kartu skor konvergensi desa; skor gabungan "
        "triwulan %(q)s adalah %(v)s"
    ) % {"tahun": tahun, "s": ov.n_scored, "n": n, "q": last_q, "v": percent_text(last.value)}
    if first_q != last_q and first.value is not None and last.value is not None:
        sentence += _(" (triwulan %(q)s: %(v)s)") % {"q": first_q, "v": percent_text(first.value)}
    sentence += ". " + _("%(a)s desa memiliki KPM aktif yang sudah dilatih.") % {"a": ov.n_active_trained}
    recs = []
    if ov.low_lokus:
        names = ", ".join(r.nama for r in ov.low_lokus)
        sentence += " " + _("Desa lokus dengan skor di bawah %(t)s: %(names)s.") % {
            "t": ov.threshold,
            "names": names,
        }
        recs.append(_("Prioritaskan pendampingan KPM dan layanan di desa lokus berskor rendah: %(names)s.")
                    % {"names": names})  # fmt: skip
    if ov.n_active_trained < n:
        recs.append(_("Lengkapi pelatihan KPM di %(k)s desa yang belum memiliki KPM aktif terlatih.")
                    % {"k": n - ov.n_active_trained})  # fmt: skip
    if ov.n_scored < n:
        recs.append(_("Perluas pengisian kartu skor ke %(k)s desa lainnya.") % {"k": n - ov.n_scored})
    return SectionFigures(
        sentence=sentence,
        table=Table(
            headers=(_("Triwulan"), _("Skor gabungan"), _("Pasangan sasaran × indikator")), rows=rows
        ),
        numbers={
            "desa": n,
            "desa_skor": ov.n_scored,
            "desa_kpm_terlatih": ov.n_active_trained,
            "skor_terakhir": as_float(last.value),
            "lokus_rendah": len(ov.low_lokus),
        },
        recommendations=tuple(recs),
    )


SECTION = SectionSource(
    key="skor-desa", title=gettext_lazy("Skor konvergensi desa (Aksi 5)"), order=70, build=build
)
