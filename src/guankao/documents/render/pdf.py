"""PDF: WeasyPrint lays out the HTML rendering with its print CSS (A4, page numbers, repeated
table headers) and embeds the subset of Noto Sans CJK TC it uses, so text stays selectable."""

from __future__ import annotations

import logging

# WeasyPrint reports each layout step at INFO, some while it is imported; a command's stderr is
# for errors only, so quieten it before the import.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # type: ignore[import-untyped]  # noqa: E402

from guankao.documents.model import Document  # noqa: E402
from guankao.documents.render import html  # noqa: E402


def render(document: Document) -> bytes:
    """The document as a PDF with an embedded Traditional Chinese font."""
    result = HTML(string=html.render_string(document)).write_pdf()
    if not isinstance(result, bytes):  # None only when given a target file, which we never do
        raise RuntimeError("WeasyPrint returned no PDF")
    return result
