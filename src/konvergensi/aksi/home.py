"""The aksi's panel of the home page (registered in ``AksiConfig.ready()``): the district's cycle
and its next steps, the OPD's aksi, what waits for the province's verification, the national
progress."""

from __future__ import annotations

from konvergensi.accounts.home import HomeRequest
from konvergensi.accounts.models import Role

from . import selectors


def home_context(asked: HomeRequest) -> dict:
    scope, tahun, today = asked.scope, asked.tahun, asked.today
    context: dict = {}
    if asked.kabkota is not None:
        kabkota = asked.kabkota
        context["district"] = selectors.kabkota_row(scope=scope, kabkota=kabkota, tahun=tahun, today=today)
        context["siklus"] = selectors.siklus_get(scope=scope, kabkota_kode=kabkota.kode, tahun=tahun)
        if context["siklus"]:
            context["aksi_list"] = selectors.aksi_list(siklus=context["siklus"])
    if scope.role == Role.OPD:
        context["my_aksi"] = selectors.aksi_for_opd(scope=scope, tahun=tahun)
    if scope.role == Role.PROVINSI:
        rows = selectors.province_rows(scope=scope, provinsi=asked.region, tahun=tahun, today=today)
        context["rows_summary"] = {
            "districts": len(rows),
            "opened": sum(r.siklus_opened for r in rows),
            "overdue": sum(r.progress.overdue for r in rows),
            "percent": round(sum(r.progress.percent for r in rows) / len(rows), 1) if rows else 0,
        }
        context["awaiting"] = selectors.aksi_awaiting_review(scope=scope, tahun=tahun)
    if scope.is_national:
        rows = selectors.national_rows(scope=scope, tahun=tahun, today=today)
        kabkota_children = sum(r.children for r in rows)
        context["national"] = {
            "provinces": len(rows),
            "districts": kabkota_children,
            "percent": round(
                sum(r.progress.percent * r.children for r in rows) / max(1, kabkota_children), 1
            ),
            "awaiting": sum(r.progress.submitted for r in rows),
        }
    return context
