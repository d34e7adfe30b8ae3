"""Measurement rounds and their publications as the work of Aksi 7 (registered in ``apps.py``).

It lives in the publication app because Aksi 7's output is a published figure: this app reads the
measurements app's rounds, the measurements app never reads publications."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope
from konvergensi.aksi.work import Link, WorkItem, WorkSource
from konvergensi.measurements.models import MeasurementRound, RoundStatus

from .models import Publication


def _rounds(kabkota: str, tahun: int):
    """The rounds of a cycle year: those that started in it (the weighing months of that year)."""
    return MeasurementRound.objects.filter(kabkota_id=kabkota, tanggal_mulai__year=tahun)


def _current(qs):
    return Publication.objects.filter(
        round__in=qs, withdrawn_at__isnull=True, round__status=RoundStatus.DIPUBLIKASIKAN
    )


def items(scope: Scope, kabkota: str, tahun: int) -> list[WorkItem]:
    """The year's rounds with their status; the public page and PDF of a current publication."""
    if not has_permission(scope, Permission.VIEW_KABKOTA, kabkota):  # as the round pages decide
        return []
    rounds = list(_rounds(kabkota, tahun).order_by("tanggal_mulai", "pk"))
    publications = {p.round_id: p for p in _current(rounds).order_by("published_at")}
    out = []
    for rnd in rounds:
        pub = publications.get(rnd.pk)
        links = [Link(_("Buka putaran"), reverse("measurements:round", kwargs={"pk": rnd.pk}))]
        if pub is not None:
            args = {"kode": kabkota, "pk": rnd.pk}
            links.append(Link(_("Halaman publik"), reverse("publication:public-round", kwargs=args)))
            if pub.pdf:
                links.append(Link("PDF", reverse("publication:public-pdf", kwargs=args)))
        out.append(
            WorkItem(
                title=_("Putaran pengukuran %(nama)s") % {"nama": rnd.nama},
                status=_("Dipublikasikan") if pub is not None else _("Belum dipublikasikan"),
                date=pub.published_at if pub is not None else rnd.tanggal_mulai,
                links=tuple(links),
                detail=_("pengukuran %(mulai)s – %(selesai)s")
                % {
                    "mulai": date_format(rnd.tanggal_mulai, "DATE_FORMAT"),
                    "selesai": date_format(rnd.tanggal_selesai, "DATE_FORMAT"),
                },
            )
        )
    return out


def missing(kabkota: str, tahun: int) -> str | None:
    """Aksi 7's output is a published stunting figure: at least one round of the year published."""
    if _current(_rounds(kabkota, tahun)).exists():
        return None
    return _(
        "Aksi 7 belum dapat diverifikasi: belum ada putaran pengukuran %(tahun)s yang "
        "dipublikasikan di Konvergensi."
    ) % {"tahun": tahun}


def home(kabkota: str, tahun: int) -> str:
    return reverse("measurements:rounds", kwargs={"kode": kabkota})


SOURCE = WorkSource(
    nomor=7,
    key="publication",
    label=gettext_lazy("Pengukuran dan publikasi"),
    items=items,
    missing=missing,
    home=home,
    home_label=gettext_lazy("Buka Pengukuran"),
)
