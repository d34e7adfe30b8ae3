"""Reads of the Aksi 2 plan, always within the reader's scope.

Whole-district readers (operator, OPD, province, nation: ``Permission.PLAN_KABKOTA``) see every row,
the checks, the documents and the matrices. A kecamatan, desa or puskesmas reads only the rows whose
locations lie in its area (district-wide rows are not "theirs"). The rules are those of
``konvergensi_core.plan``; this module turns stored rows into the core's ``PlanRow``/``DocRow``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import QuerySet

from konvergensi.accounts.permissions import Permission, has_permission
from konvergensi.accounts.scope import Scope, scope_filter
from konvergensi.wilayah.models import OPD, Region
from konvergensi_core import plan as rules

from .models import BudgetDocument, DocumentKind, Plan, PlanRow
from .wording import check_text

# --- plans -----------------------------------------------------------------------------------------


def plan_list(*, scope: Scope, kabkota: str, tahun: int | None = None) -> QuerySet[Plan]:
    qs = scope_filter(Plan.objects.filter(kabkota_id=kabkota), scope, "kabkota_id")
    if tahun is not None:
        qs = qs.filter(tahun=tahun)
    return qs.select_related("created_by").order_by("-tahun", "-number")


def plan_current(*, scope: Scope, kabkota: str, tahun: int) -> Plan | None:
    """The plan the district works on: the highest version of the year."""
    return plan_list(scope=scope, kabkota=kabkota, tahun=tahun).first()


def plan_get(*, scope: Scope, pk: int) -> Plan | None:
    qs = Plan.objects.select_related("kabkota", "based_on", "lokus_list", "created_by")
    return scope_filter(qs, scope, "kabkota_id").filter(pk=pk).first()


def is_latest(plan: Plan) -> bool:
    return not Plan.objects.filter(
        kabkota_id=plan.kabkota_id, tahun=plan.tahun, number__gt=plan.number
    ).exists()


def sees_whole_plan(scope: Scope, kabkota: str) -> bool:
    return has_permission(scope, Permission.PLAN_KABKOTA, kabkota)


def rows_of(plan: Plan) -> list[PlanRow]:
    return list(plan.rows.select_related("opd", "recommendation").order_by("group", "urutan", "id"))


def visible_rows(*, scope: Scope, plan: Plan, rows: list[PlanRow] | None = None) -> list[PlanRow]:
    """Every row for a whole-district reader; else the rows reaching a place in the reader's area.
    ``rows``: the plan's rows when the caller has read them already."""
    rows = rows_of(plan) if rows is None else rows
    if sees_whole_plan(scope, plan.kabkota_id):
        return rows
    return [r for r in rows if any(scope.covers(loc, "region") or _inside(scope, loc) for loc in r.locations)]


def _inside(scope: Scope, kode: str) -> bool:
    """A kecamatan-level location is "theirs" for a desa user of that kecamatan too."""
    return bool(scope.kode) and scope.kode.startswith(kode + ".")


def row_get(*, scope: Scope, pk: int) -> PlanRow | None:
    qs = PlanRow.objects.select_related("plan", "plan__kabkota", "opd")
    return scope_filter(qs, scope, "plan__kabkota_id").filter(pk=pk).first()


def numbering(rows: list[PlanRow]) -> dict[int, str]:
    """Tabel 2.2's numbers: "1.1", "1.2", "2.1"… by group, in row order."""
    counter: dict[int, int] = defaultdict(int)
    out = {}
    for r in rows:
        counter[r.group] += 1
        out[r.pk] = f"{r.group}.{counter[r.group]}"
    return out


# --- places ----------------------------------------------------------------------------------------


def places(kabkota: str) -> dict[str, Region]:
    """The district's kecamatan and desa by code."""
    qs = Region.objects.filter(kode__startswith=kabkota + ".", level__in=("kecamatan", "desa"))
    return {r.kode: r for r in qs}


def place_names(kabkota: str) -> dict[str, str]:
    return {kode: r.nama for kode, r in places(kabkota).items()}


def resolver(kabkota: str):
    """A location as written (a code, "Desa X", "x") → the district's code, for the matching rules;
    names shared by two desa stay as written (they then match only the same name)."""
    by_name: dict[str, set[str]] = defaultdict(set)
    regions = places(kabkota)
    for kode, r in regions.items():
        by_name[rules.normalize_name(r.nama)].add(kode)
        by_name[rules.normalize_name(f"{r.get_level_display()} {r.nama}")].add(kode)
        by_name[rules.normalize_name(f"desa {r.nama}")].add(kode)
        by_name[rules.normalize_name(f"kelurahan {r.nama}")].add(kode)

    def resolve(text: str) -> str:
        t = text.strip()
        if t in regions:
            return t
        found = by_name.get(rules.normalize_name(t), set())
        return next(iter(found)) if len(found) == 1 else t

    return resolve


def opd_list(kabkota: str) -> list[OPD]:
    return list(OPD.objects.filter(kabkota_id=kabkota).order_by("singkatan"))


# --- the rules' view of the rows ----------------------------------------------------------------------


def core_row(row: PlanRow, no: str) -> rules.PlanRow:
    return rules.PlanRow(
        no=no,
        code=row.code,
        activity=row.activity,
        opd=row.opd.nama if row.opd else "",
        budget=row.budget,
        locations=tuple(row.locations),
        indicator=row.indicator_code or row.indicator,
        baseline=row.baseline,
        target=row.target,
        unit=row.unit,
        source=row.source,
        schedule=row.schedule,
        group=row.group,
        row_class=row.row_class,
        adjustments=tuple(row.adjustments),
    )


SHOWN_PLACES = 6


def places_of(row: PlanRow, names: dict[str, str], lokus: set[str]) -> dict:
    """A row's locations as the page writes them: "every lokus desa (28)" when that is what they are,
    else the first few names (lokus marked) and the rest counted."""
    every_lokus = bool(lokus) and set(row.locations) == lokus
    named = [(names.get(k, k), k in lokus) for k in row.locations]
    return {
        "every_lokus": every_lokus,
        "count": len(named),
        "shown": named[:SHOWN_PLACES],
        "more": named[SHOWN_PLACES:],
    }


def core_rows(rows: list[PlanRow]) -> list[rules.PlanRow]:
    nos = numbering(rows)
    return [core_row(r, nos[r.pk]) for r in rows]


def low_coverage(plan: Plan) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The main indicators with low coverage in each lokus desa, from the analysis the lokus came
    from (desa → indicator codes), and the indicators' names."""
    if plan.lokus_list is None:
        return {}, {}
    from konvergensi.ansit import selectors as ansit_selectors

    lokus = set(plan.lokus_list.desa_codes())
    out: dict[str, list[str]] = defaultdict(list)
    names = {}
    for fact in ansit_selectors.coverage(analysis=plan.lokus_list.analysis).facts():
        names[fact.code] = fact.name
        for desa in sorted(fact.low & lokus):
            out[desa].append(fact.code)
    return dict(out), names


@dataclass
class Review:
    """What the plan page shows beside the rows: the checks and the totals."""

    checks: list = field(default_factory=list)
    totals: object = None


def review(plan: Plan, rows: list[PlanRow], *, places: dict[str, str] | None = None) -> Review:
    """The checks and totals of the plan's ``rows``; ``places`` (code → name) when already read."""
    lokus = plan.lokus_list.desa_codes() if plan.lokus_list else []
    low, names = low_coverage(plan)
    core = core_rows(rows)
    names_of_places = place_names(plan.kabkota_id) if places is None else places
    checks = rules.plan_checks(
        core, lokus=lokus, low_coverage=low, indicator_names=names, desa_names=names_of_places
    )
    activities = {r.no: r.activity for r in core}
    checks = [  # each sentence in the reader's language (the core's is Indonesian)
        replace(c, message=check_text(c, activities=activities, places=names_of_places, indicators=names))
        for c in checks
    ]
    return Review(checks=checks, totals=rules.totals(core))


# --- documents and matching ------------------------------------------------------------------------------


def documents(*, scope: Scope, kabkota: str, tahun: int) -> QuerySet[BudgetDocument]:
    qs = BudgetDocument.objects.filter(kabkota_id=kabkota, tahun=tahun).select_related("opd", "uploaded_by")
    return scope_filter(qs, scope, "kabkota_id").order_by("kind", "opd__singkatan")


def doc_rows(document: BudgetDocument) -> list[rules.DocRow]:
    return [rules.DocRow(**{**r, "locations": tuple(r.get("locations", ()))}) for r in document.rows]


def documents_by_kind(kabkota: str, tahun: int) -> dict[str, list[rules.DocRow]]:
    """Each kind's lines; the Renja of every OPD together make the district's Renja."""
    out: dict[str, list[rules.DocRow]] = {}
    for doc in BudgetDocument.objects.filter(kabkota_id=kabkota, tahun=tahun).select_related("opd"):
        out.setdefault(doc.kind, []).extend(doc_rows(doc))
    order = [k.value for k in DocumentKind]
    return {k: out[k] for k in order if k in out}


def integration(plan: Plan, rows: list[PlanRow] | None = None):
    """Tabel 2.4 and 2.5: every plan row matched against every uploaded document of its year."""
    rows = rows_of(plan) if rows is None else rows
    return rules.integration(
        core_rows(rows), documents_by_kind(plan.kabkota_id, plan.tahun), resolve=resolver(plan.kabkota_id)
    )


# --- versions ------------------------------------------------------------------------------------------------

DIFF_FIELDS = ("activity", "code", "indicator", "target", "unit", "locations", "budget", "source", "opd_id",
               "schedule", "row_class", "group")  # fmt: skip


@dataclass
class Diff:
    added: list[PlanRow] = field(default_factory=list)
    removed: list[PlanRow] = field(default_factory=list)
    changed: list[tuple[PlanRow, PlanRow, list[str]]] = field(default_factory=list)  # before, after, fields
    budget_before: int = 0
    budget_after: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff(base: Plan, plan: Plan) -> Diff:
    """What changed from ``base`` to ``plan``: rows are the same activity when they share a key."""
    before = {r.key: r for r in rows_of(base)}
    after = {r.key: r for r in rows_of(plan)}
    out = Diff(
        budget_before=sum(r.budget or 0 for r in before.values()),
        budget_after=sum(r.budget or 0 for r in after.values()),
    )
    for key, row in after.items():
        old = before.get(key)
        if old is None:
            out.added.append(row)
            continue
        fields = [f for f in DIFF_FIELDS if getattr(old, f) != getattr(row, f)]
        if fields:
            labels = [str(PlanRow._meta.get_field(f.removesuffix("_id")).verbose_name) for f in fields]
            out.changed.append((old, row, labels))
    out.removed = [r for k, r in before.items() if k not in after]
    return out
