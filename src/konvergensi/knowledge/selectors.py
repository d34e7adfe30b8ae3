"""Reads of the knowledge base.

Published practices are public (no login). Unpublished ones (draft, submitted, sent back) and their
files are read only within scope: the district's operator and OPD, the province of the district and
the nation (``Permission.KNOWLEDGE_READ``); everyone else — the public, another district — gets a 404.

Search: on PostgreSQL a full-text search with the ``indonesian`` text search configuration when the
server has it (looked up in ``pg_ts_config`` once per process), else ``simple``; the title weighs
most (A), then the themes and the summary (B), then the body (C), ranked by ``SearchRank``. On other
databases (SQLite) every word must appear, case-insensitively, in one of the same fields, and a word
in the title counts more than one in the summary or themes, which counts more than one in the body.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from konvergensi.accounts.scope import Scope, scope_filter
from konvergensi.wilayah.models import Region

from .models import Attachment, Practice, Status, Tag

MAX_WORDS = 8
_TS_CONFIG: dict[str, str] = {}


def ts_config(alias: str = "default") -> str:
    """``indonesian`` when this PostgreSQL server has that text search configuration, else ``simple``."""
    if alias not in _TS_CONFIG:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", ["indonesian"])
            _TS_CONFIG[alias] = "indonesian" if cursor.fetchone() else "simple"
    return _TS_CONFIG[alias]


def published() -> QuerySet[Practice]:
    return Practice.objects.filter(status=Status.TERBIT).select_related("kabkota", "region", "opd")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    aksi: int | None = None
    tag: str = ""
    wilayah: str = ""  # a province (2 digits) or district (NN.NN) code

    @property
    def any(self) -> bool:
        return bool(self.q or self.aksi or self.tag or self.wilayah)


def filters_from(params) -> Filters:
    """The filters of a query string, anything malformed ignored (never an error)."""
    q = " ".join(str(params.get("q") or "").split())[:200]
    aksi_text = str(params.get("aksi") or "").strip()
    aksi = int(aksi_text) if aksi_text.isdigit() and 1 <= int(aksi_text) <= 8 else None
    tag = str(params.get("tema") or "").strip()[:40]
    wilayah = str(params.get("wilayah") or "").strip()
    if not (len(wilayah) == 2 and wilayah.isdigit()) and not (
        len(wilayah) == 5 and wilayah[2] == "." and wilayah.replace(".", "").isdigit()
    ):
        wilayah = ""
    return Filters(q=q, aksi=aksi, tag=tag, wilayah=wilayah)


def search(qs: QuerySet[Practice], q: str) -> QuerySet[Practice]:
    """``qs`` limited to the practices matching ``q``, best first (see the module's docstring)."""
    q = " ".join(q.split())
    if not q:
        return qs
    connection = connections[qs.db]
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        config = ts_config(qs.db)
        vector = (
            SearchVector("title", weight="A", config=config)
            + SearchVector("tag_text", weight="B", config=config)
            + SearchVector("summary", weight="B", config=config)
            + SearchVector("body", weight="C", config=config)
        )
        query = SearchQuery(q, config=config, search_type="websearch")
        return (
            qs.annotate(document=vector)
            .filter(document=query)
            .annotate(rank=SearchRank(vector, query))
            .order_by("-rank", "-featured", "-published_at", "-id")
        )
    words = q.split()[:MAX_WORDS]
    score = Value(0, output_field=IntegerField())
    for word in words:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(tag_text__icontains=word)
            | Q(body__icontains=word)
        )
        score = (
            score
            + Case(When(title__icontains=word, then=Value(4)), default=Value(0), output_field=IntegerField())
            + Case(
                When(Q(summary__icontains=word) | Q(tag_text__icontains=word), then=Value(2)),
                default=Value(0),
                output_field=IntegerField(),
            )
            + Case(When(body__icontains=word, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
    return qs.annotate(rank=Coalesce(score, Value(0))).order_by("-rank", "-featured", "-published_at", "-id")


def public_search(filters: Filters) -> QuerySet[Practice]:
    """Published practices matching ``filters``: featured first, newest first (or best match first
    when there is a query)."""
    qs = published()
    if filters.aksi:
        qs = qs.filter(aksi=filters.aksi)
    if filters.tag:
        qs = qs.filter(tags__slug=filters.tag)
    if filters.wilayah:
        qs = qs.filter(Q(kabkota__pk=filters.wilayah) | Q(kabkota__pk__startswith=filters.wilayah + "."))
    if filters.q:
        return search(qs, filters.q).prefetch_related("tags")
    return qs.order_by("-featured", "-published_at", "-id").prefetch_related("tags")


def public_get(pk: int) -> Practice | None:
    return published().prefetch_related("tags", "files").filter(pk=pk).first()


def public_file(pk: int) -> Attachment | None:
    return Attachment.objects.filter(pk=pk, practice__status=Status.TERBIT).first()


def public_regions() -> list[tuple[str, str]]:
    """(code, name) of the provinces and districts that have published practices, for the filter."""
    districts = set(published().values_list("kabkota_id", flat=True))
    codes = districts | {k[:2] for k in districts}
    return list(Region.objects.filter(kode__in=codes).order_by("kode").values_list("kode", "nama"))


def tags() -> list[Tag]:
    return list(Tag.objects.order_by("name"))


# --- within scope --------------------------------------------------------------------------------------


def district_practices(*, scope: Scope, kabkota: str) -> QuerySet[Practice]:
    qs = Practice.objects.filter(kabkota_id=kabkota).select_related("region", "opd").prefetch_related("tags")
    return scope_filter(qs, scope, "kabkota_id").order_by("-updated_at", "-id")


def practice_get(*, scope: Scope, pk: int) -> Practice | None:
    qs = Practice.objects.select_related("kabkota", "region", "opd").prefetch_related("tags", "files")
    return scope_filter(qs, scope, "kabkota_id").filter(pk=pk).first()


def file_get(*, scope: Scope, pk: int) -> Attachment | None:
    qs = Attachment.objects.select_related("practice")
    return scope_filter(qs, scope, "practice__kabkota_id").filter(pk=pk).first()


def queue(*, scope: Scope) -> QuerySet[Practice]:
    """What the curator decides on: the submitted practices of the districts in scope, oldest first."""
    qs = Practice.objects.filter(status=Status.DIAJUKAN).select_related("kabkota", "opd")
    return scope_filter(qs, scope, "kabkota_id").order_by("submitted_at", "id")


def curated(*, scope: Scope) -> QuerySet[Practice]:
    """Published practices of the districts in scope (to feature, or take offline)."""
    qs = Practice.objects.filter(status=Status.TERBIT).select_related("kabkota", "opd")
    return scope_filter(qs, scope, "kabkota_id").order_by("-featured", "-published_at", "-id")


def counts_by_aksi() -> dict[int, int]:
    """Published practices per aksi, for the guide pages."""
    out: dict[int, int] = {}
    for nomor in published().exclude(aksi=None).values_list("aksi", flat=True):
        out[nomor] = out.get(nomor, 0) + 1
    return out
