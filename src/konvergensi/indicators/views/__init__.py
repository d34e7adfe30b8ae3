"""The village-data pages, one module per concern."""

from .catalogue import assignments, catalogue, indicator_detail
from .entry import cell_save, completeness, grid, history, sasaran
from .files import export, indicator_map, program, program_template, template_download, upload, upload_moved
from .sasaran_files import sasaran_import, sasaran_template

__all__ = [
    "assignments", "catalogue", "cell_save", "completeness", "export", "grid", "history", "indicator_detail",
    "indicator_map", "program", "program_template", "sasaran", "sasaran_import", "sasaran_template",
    "template_download", "upload", "upload_moved",
]  # fmt: skip
