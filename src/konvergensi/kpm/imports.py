"""The per-person scorecard template (no NIK, no names) through the import pipeline: read and checked
by the core (``konvergensi_core.scorecard.read_people``) sheet by sheet, turned into counts per
indicator, previewed as the quarter's score, and committed all or nothing as the desa's scorecard of
that quarter (counts only; the pipeline deletes the file)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope
from konvergensi.aksi import locks
from konvergensi.imports import services as pipeline
from konvergensi.imports.kinds import CheckOutcome, FileRefused, ImportKind, refuse_unsafe_xlsx
from konvergensi.imports.models import Import
from konvergensi.wilayah.models import Region
from konvergensi_core import scorecard as sc
from konvergensi_core.io.skor_xlsx import sheets
from konvergensi_core.io.xlsx import XlsxRejected, iter_sheet_rows, sheet_names
from konvergensi_core.problems import Problem

from . import catalogue, selectors, services
from .models import Source

KIND = "skor_desa"


def _read(imp: Import) -> tuple[list[sc.Count], list[Problem], int]:
    desa = imp.params.get("desa", "")
    if not str(desa).startswith(imp.kabkota_id + "."):
        raise FileRefused(_("Desa impor tidak dikenal."))
    indicators = catalogue.core(selectors.applicable(imp.kabkota_id))
    people: list[sc.Person] = []
    problems: list[Problem] = []
    try:
        with imp.file.open("rb") as fh:
            present = sheet_names(fh)
            for spec in sheets(indicators):
                if spec.name not in present:
                    problems.append(Problem(spec.name, None, "", "",
                                            _("Lembar '%(s)s' tidak ada; pakai templat dari halaman desa.")
                                            % {"s": spec.name}))  # fmt: skip
                    continue
                found, bad = sc.read_people(spec, iter_sheet_rows(fh, spec.name))
                people += found
                problems += bad
    except XlsxRejected as exc:
        raise FileRefused(str(exc)) from None
    if not people and not problems:
        problems.append(Problem("", None, "", "", _("Templat belum berisi satu sasaran pun.")))
    return sc.counts_from_people(people, indicators), problems, len(people)


class ScorecardImportKind(ImportKind):
    key = KIND
    label = "kartu skor desa"
    suffixes = (".xlsx",)
    max_bytes = 5 * 1024 * 1024
    preview_template = "kpm/import_part.html"

    @property
    def upload_hint(self) -> str:
        return _("Unggah templat skor desa (.xlsx) dari halaman desa.")

    def may_use(self, scope: Scope, imp: Import) -> bool:
        return has_permission(scope, Permission.KPM_EDIT, imp.params.get("desa"))

    def refuse(self, upload, name: str) -> None:
        refuse_unsafe_xlsx(upload, name)

    def check(self, imp: Import, scope: Scope, progress, **options: Any) -> CheckOutcome:
        if refused := locks.refusal(imp.kabkota_id, imp.params.get("tahun"), 5):
            raise FileRefused(refused)
        counts, problems, n = _read(imp)
        score = sc.scores(counts)
        return CheckOutcome(
            ok=not problems and n > 0,
            counts={"rows": n, "pairs": score["total"].pairs, "received": score["total"].received},
            problems=problems,
            details={
                "desa": imp.params.get("desa"),
                "tahun": imp.params.get("tahun"),
                "triwulan": imp.params.get("triwulan"),
                "total": sc.percent_text(score["total"].value),
                "ibu_hamil": sc.percent_text(score["ibu_hamil"].value),
                "anak_0_23": sc.percent_text(score["anak_0_23"].value),
                "counts": [[c.code, c.targets, c.received] for c in counts],
            },
        )

    def commit(self, imp: Import, scope: Scope, by, progress) -> dict[str, int]:
        counts, problems, n = _read(imp)
        if problems or not n:
            raise ValidationError(_("Berkas masih bermasalah; tidak ada yang disimpan."))
        desa = Region.objects.get(kode=imp.params["desa"])
        with transaction.atomic():
            services.scorecard_save(scope=scope, desa=desa, tahun=imp.params["tahun"],
                                    triwulan=imp.params["triwulan"],
                                    counts={c.code: (c.targets, c.received) for c in counts}, by=by,
                                    source=Source.IMPORT)  # fmt: skip
            result = {"rows": n, "pairs": sum(c.targets for c in counts)}
            pipeline.mark_committed(imp, result)
        return result

    def _url(self, imp: Import) -> str:
        return (
            reverse("kpm:desa", kwargs={"kode": imp.params.get("desa")})
            + f"?tahun={imp.params.get('tahun')}&triwulan={imp.params.get('triwulan')}#skor"
        )

    def back_url(self, imp: Import) -> str:
        return self._url(imp)

    def done_url(self, imp: Import) -> str:
        return self._url(imp)

    def title(self, imp: Import) -> str:
        return _("Skor desa %(tahun)s triwulan %(q)s: %(name)s") % {
            "tahun": imp.params.get("tahun"), "q": imp.params.get("triwulan"), "name": imp.original_name
        }  # fmt: skip

    def preview_context(self, imp: Import) -> dict[str, Any]:
        c = imp.counts
        return {
            "section_label": _("Kartu skor"),
            "ready_text": _(
                "%(n)s sasaran (%(p)s pasangan sasaran × indikator) akan disimpan sebagai jumlah."
            )
            % {"n": c.get("rows", 0), "p": c.get("pairs", 0)},
        }

    def check_message(self, counts: dict[str, int]) -> str:
        return _("%(n)s sasaran") % {"n": counts.get("rows", 0)}

    def done_message(self, counts: dict[str, int]) -> str:
        return _("Kartu skor disimpan dari %(n)s sasaran; hanya jumlahnya yang disimpan.") % {
            "n": counts.get("rows", 0)
        }

    def json(self, imp: Import) -> dict[str, Any]:
        c = imp.counts
        return {"rows": c.get("rows", 0), "pairs": c.get("pairs", 0), "received": c.get("received", 0)}


KIND_INSTANCE = ScorecardImportKind()
