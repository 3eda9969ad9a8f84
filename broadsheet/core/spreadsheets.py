"""Spreadsheet exports that a spreadsheet program cannot be tricked into running.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a line break is
read as a formula by Excel, LibreOffice and Google Sheets, so an address such
as ``=HYPERLINK(...)@example.com`` typed into a signup form would run on an
editor's machine when they open the export. Such text cells get a leading
apostrophe, the spreadsheet convention for "this is text" (OWASP's advice).

Wagtail already turns formulas in XLSX exports into text, but its CSV export
writes strings as they are and has no per-project hook: ``install()`` wraps
its one preprocessing step, so every CSV export of the admin (snippets,
reports, history) is safe, not only the ones we remember to change.
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value):
    """Return ``value`` so that no spreadsheet program reads it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def install() -> None:
    """Make every Wagtail admin CSV export write safe cells."""
    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "safe_cells", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        cell = original(self, field, value, export_format)
        return safe_cell(cell) if export_format == self.FORMAT_CSV else cell

    preprocess_field_value.safe_cells = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
