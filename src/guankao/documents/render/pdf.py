"""PDF: Typst lays out the document (``pdf.typ``, which follows the HTML's print CSS: A4, page
numbers, table headers repeated on every page, rows kept whole) and embeds the subset of Noto Sans
CJK TC it uses, so text stays selectable. Typst replaced WeasyPrint, which took about 1.5 ms per
line of text (decision 0050)."""

from __future__ import annotations

import json
import logging
import math
import threading
import unicodedata
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

import typst

from guankao.documents.model import (
    Block,
    Cell,
    Document,
    Figure,
    Footnote,
    Heading,
    Paragraph,
    Table,
)

logger = logging.getLogger(__name__)
TEMPLATE = Path(__file__).with_name("pdf.typ")
_REGIONS = {"hant": "tw", "hans": "cn"}
# A row is kept on one page only while its longest cell is at most this many lines; Typst cannot
# split a row it was told to keep whole and would cut off the rest of a longer one. An A4 page holds
# about 45 lines of table text.
KEEP_WHOLE_LINES = 25
# The text width on A4 with pdf.typ's margins, in table-font (10 pt) full-width characters.
_TEXT_WIDTH_EMS = (210 - 28) / (10 * 25.4 / 72)
# A compiler keeps the fonts it has read; one per process, used by one thread at a time.
_lock = threading.Lock()


@cache
def _compiler() -> typst.Compiler:
    return typst.Compiler(str(TEMPLATE))


def estimated_lines(cell: Cell, share: float) -> int:
    """Lines ``cell`` takes in a column ``share`` of the table's width: full-width characters
    take 1 em, others about half; an over-estimate, as the padding is counted generously."""
    ems_per_line = max(share * _TEXT_WIDTH_EMS - 1, 1)
    total = 0
    for line in cell.lines:
        ems = sum(1 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in line)
        total += max(1, math.ceil(ems / ems_per_line))
    return total


def _table_rows(table: Table) -> list[list[dict[str, Any]]]:
    """Body rows as pdf.typ reads them; ``keep`` marks the cells of rows short enough to keep
    whole (cells spanning rows never are, so a long plan still breaks between its rows)."""
    total = sum(c.width for c in table.columns) or 1
    shares = [c.width / total for c in table.columns]
    rows = []
    for row, line in zip(table.body_rows, table.grid()[len(table.header_rows) :], strict=True):
        starts = [x for x, cell in enumerate(line) if cell is not None]
        short = all(
            estimated_lines(cell, sum(shares[x : x + cell.colspan])) <= KEEP_WHOLE_LINES
            for x, cell in zip(starts, row, strict=True)
            if cell.rowspan == 1
        )
        rows.append([{**asdict(cell), "keep": short and cell.rowspan == 1} for cell in row])
    return rows


def _table(table: Table) -> dict[str, Any]:
    return {
        "kind": "table",
        "widths": [c.width for c in table.columns],
        "repeat_header": table.repeat_header,
        "caption": table.caption,
        "header_rows": [[asdict(c) for c in row] for row in table.header_rows],
        "body_rows": _table_rows(table),  # grid() in it refuses a malformed table
    }


def _block(block: Block) -> dict[str, Any]:
    if isinstance(block, Heading):
        return {"kind": "heading", "text": block.text, "level": block.level}
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "lines": block.text.split("\n"), "indent": block.indent}
    if isinstance(block, Footnote):
        return {"kind": "footnote", "text": block.text}
    if isinstance(block, Figure):
        # Typst draws the SVG itself, text as text in the embedded font (so pdftotext reads it).
        return {"kind": "figure", "svg": block.chart.svg, "table": _table(block.chart.table)}
    return _table(block)


def payload(document: Document) -> str:
    """The document as the JSON ``pdf.typ`` reads from ``sys.inputs.document``."""
    language, _, script = document.lang.lower().partition("-")
    return json.dumps(
        {
            "title": document.title,
            "subtitle_lines": list(document.subtitle_lines),
            "lang": language,
            "region": _REGIONS.get(script),
            "font_family": document.font_family,
            "serif_family": document.serif_family,
            "page_label": document.page_label,
            "blocks": [_block(b) for b in document.blocks],
        },
        ensure_ascii=False,
    )


def render(document: Document) -> bytes:
    """The document as a PDF with an embedded Traditional Chinese font."""
    with _lock:
        result, warnings = _compiler().compile_with_warnings(
            format="pdf", sys_inputs={"document": payload(document)}
        )
    for warning in warnings:  # such as an uninstalled font (see checks.py)
        logger.warning("Typst: %s", warning.message)
    if not isinstance(result, bytes):  # a list only for multi-page PNG/SVG output
        raise TypeError("Typst returned no PDF")
    return result
