"""What an importer plugs into the pipeline: its reader, rules and writer (issue 12).

The pipeline (``services``, ``views``, ``tasks``) owns everything every import does alike: keeping
the upload (refused files leave nothing), the district's quota, the background check with the
progress the pages poll, the problems (one shape, one page, one Excel report, the CLI's JSON), the
commit that happens once, "Batal", and the expiry of what was never saved. An importer is a
subclass of :class:`ImportKind`, registered from its app's ``AppConfig.ready()``; the base app never
imports a domain app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from konvergensi_core.adapters import Note
from konvergensi_core.problems import Problem

if TYPE_CHECKING:
    from konvergensi.accounts.scope import Scope

    from .models import Import


class FileRefused(Exception):  # noqa: N818 - a refusal, told to the user as it is
    """The file cannot be read at all (the message is a plain Indonesian sentence): the pipeline
    deletes it at once, since it is of no further use and may hold personal data."""


@dataclass
class CheckOutcome:
    """What a check found. ``counts`` uses the pipeline's names where they apply (``rows``,
    ``add``, ``replace``, ``unchanged``, ``reject``) and the importer's own otherwise; ``details``
    is what the importer's preview shows beside the problems (JSON, never personal data);
    ``notes`` what the check did that is not wrong but worth telling: each old region code mapped to
    today's by a source adapter (``konvergensi_core.adapters``), shown on the preview and in the
    CLI's JSON."""

    ok: bool
    counts: dict[str, int] = field(default_factory=dict)
    problems: Iterable[Problem] = ()
    details: dict[str, Any] = field(default_factory=dict)
    notes: Iterable[Note] = ()


Progress = Callable[[int, int], None]  # (done, total)


class ImportKind:
    """One importer. Override what differs; the defaults suit a small file checked in the request."""

    key: str = ""
    label: str = ""  # what the file is, for titles ("ekspor e-PPGBM")
    suffixes: tuple[str, ...] = (".xlsx",)
    check_in_background: bool = False
    job_kinds: tuple[str, str] = ("import_check", "import_commit")  # job kinds of check, commit
    preview_template: str = ""  # the importer's part of the preview page

    # Read-only properties, so that an importer may override them with a class attribute or with a
    # property of its own (a limit read when asked, a sentence translated in the user's language).
    @property
    def max_bytes(self) -> int:
        """The largest upload accepted."""
        return 25 * 1024 * 1024

    @property
    def upload_hint(self) -> str:
        """What to upload, said when the suffix is wrong ("" for the pipeline's general sentence)."""
        return ""

    # --- who and what ---------------------------------------------------------------------------
    def may_use(self, scope: Scope, imp: Import) -> bool:
        """May ``scope`` see, check, save or cancel ``imp`` (its uploader only ever gets here)?"""
        raise NotImplementedError

    def refuse(self, upload, name: str) -> None:
        """Raise ``ValidationError`` for a file that cannot be read, before anything is kept."""

    # --- the work ---------------------------------------------------------------------------------
    def check(
        self, imp: Import, scope: Scope, progress: Callable[[int], None] | None, **options: Any
    ) -> CheckOutcome:
        """Read and check the file; write nothing the analyses read. Raise :class:`FileRefused`.
        ``options``: what the importer's check takes besides (e.g. ``today``)."""
        raise NotImplementedError

    def commit(self, imp: Import, scope: Scope, by, progress: Progress | None) -> dict[str, int]:
        """Write what the check prepared, all or nothing; return the counts to tell."""
        raise NotImplementedError

    def commit_in_background(self, imp: Import) -> bool:
        return self.check_in_background

    def rows_estimate(self, imp: Import) -> int:
        """Rows the check will read, roughly (for the progress bar)."""
        return 1

    # --- what the pages and the CLI say -----------------------------------------------------------
    def back_url(self, imp: Import) -> str:
        """Where the uploader came from (the upload page)."""
        raise NotImplementedError

    def done_url(self, imp: Import) -> str:
        """Where the saved data are shown."""
        raise NotImplementedError

    def title(self, imp: Import) -> str:
        return imp.original_name

    def preview_context(self, imp: Import) -> dict[str, Any]:
        return {}

    def answer(self, request, imp: Import):
        """A POST to the preview page (e.g. the answers to the check's questions); ``None`` when the
        importer asks nothing."""
        return None

    def check_message(self, counts: dict[str, int]) -> str:
        return ""

    def done_message(self, counts: dict[str, int]) -> str:
        return ""

    def json(self, imp: Import) -> dict[str, Any]:
        """The importer's own keys of the CLI's ``--format json`` answer."""
        return {}

    @property
    def bulk_tables(self) -> tuple[str, ...]:
        """The tables a commit fills in bulk: after a large one (dbstats.BULK_ROWS rows) the pipeline
        refreshes their planner statistics, before after_commit reads them."""
        return ()

    def refresh_statistics(self, imp: Import) -> None:
        from konvergensi import dbstats

        dbstats.refresh(*self.bulk_tables)

    def after_commit(self, imp: Import) -> None:
        """After a commit, outside its transaction (e.g. compute the figures once, so that the
        first page is fast too). A failure here is logged, never the user's problem."""

    def cleanup(self, imp: Import) -> None:
        """Delete what the importer kept beside the pipeline's files (none by default)."""

    def sweep(self) -> int:
        """What the importer kept for imports that no longer await their commit but was not cleaned
        with them (a crash between their end and the cleanup, an import row deleted): deleted when
        expired imports are (:func:`konvergensi.imports.services.expire`). Returns how many. None by
        default."""
        return 0


def refuse_unsafe_xlsx(upload, name: str) -> None:
    """``ImportKind.refuse`` for kinds that take XLSX (and CSV): a workbook that is not a safe,
    well-formed XLSX (``konvergensi_core.io.xlsx.check_xlsx``: zip bombs, macros, external links…) is
    refused before anything is kept; other suffixes pass to the kind's reader."""
    from django.core.exceptions import ValidationError

    from konvergensi_core.io.xlsx import XlsxRejected, check_xlsx

    if name.lower().endswith(".xlsx"):
        try:
            check_xlsx(upload, name=name, size=upload.size)
        except XlsxRejected as exc:
            raise ValidationError(str(exc)) from None


_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> None:
    if not kind.key:
        raise ValueError("an import kind needs a key")
    _KINDS[kind.key] = kind


def get(key: str) -> ImportKind:
    return _KINDS[key]


def known() -> dict[str, ImportKind]:
    return dict(_KINDS)
