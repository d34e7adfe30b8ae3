"""The app's log says what the app does: third-party INFO lines (a PDF's layout steps, font
subsetting) stay out of it."""

from __future__ import annotations

import logging


class _Keep(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def test_third_party_info_lines_are_not_logged():
    from weasyprint import HTML

    keep = _Keep()
    root = logging.getLogger()
    root.addHandler(keep)
    try:
        HTML(string="<p>Uji</p>").write_pdf()
        logging.getLogger("konvergensi.test").warning("app line")
    finally:
        root.removeHandler(keep)
    assert any(r.name == "konvergensi.test" for r in keep.records)  # the handler does see the app
    assert not [r.name for r in keep.records if r.levelno < logging.WARNING]
