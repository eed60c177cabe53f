"""HTML: the document as a standalone page (Django template) that also prints cleanly on A4."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from guankao.documents.model import (
    Block,
    Chart,
    Document,
    Figure,
    Footnote,
    Heading,
    Paragraph,
    Table,
)


def _page_content(label: str) -> str:
    """CSS ``content`` for the page footer: ``第 {page} 頁`` → ``"第 " counter(page) " 頁"``."""
    parts: list[str] = []
    rest = label
    while rest:
        starts = [(rest.find(k), k) for k in ("{page}", "{pages}") if rest.find(k) >= 0]
        if not starts:
            parts.append(json.dumps(rest, ensure_ascii=False))
            break
        index, key = min(starts)
        if index:
            parts.append(json.dumps(rest[:index], ensure_ascii=False))
        parts.append("counter(pages)" if key == "{pages}" else "counter(page)")
        rest = rest[index + len(key) :]
    return " ".join(parts) or '""'


def _table(table: Table) -> dict[str, Any]:
    total = sum(c.width for c in table.columns) or 1
    widths = [f"{100 * c.width / total:.2f}" for c in table.columns]
    table.grid()  # a malformed table fails here, not as shifted columns in print
    return {"kind": "table", "item": table, "widths": widths}


def _block(block: Block) -> dict[str, Any]:
    if isinstance(block, Heading):
        return {"kind": "heading", "item": block}
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "item": block, "lines": block.text.split("\n")}
    if isinstance(block, Footnote):
        return {"kind": "footnote", "item": block}
    if isinstance(block, Figure):
        # The SVG is lxml's serialisation of pygal's tree (documents.charts): text escaped.
        return {
            "kind": "figure",
            "item": block,
            "svg": mark_safe(block.chart.svg),  # noqa: S308
            "table": _table(block.chart.table),
        }
    return _table(block)


def figures(charts: Sequence[Chart]) -> list[dict[str, Any]]:
    """Template blocks for charts shown on a page outside a document (each with its table):
    loop over them with ``{% include "documents/_figure.html" with block=… %}``."""
    return [_block(Figure(chart)) for chart in charts]


def context(document: Document) -> dict[str, Any]:
    """Template context for ``documents/_document.html`` (the article) and the print CSS."""
    return {
        "document": document,
        "blocks": [_block(b) for b in document.blocks],
        "page_content": _page_content(document.page_label),
        "font_family": document.font_family,
        "serif_family": document.serif_family,
    }


def render_string(document: Document) -> str:
    """The document as a complete HTML page."""
    return render_to_string("documents/document.html", context(document))


def render(document: Document) -> bytes:
    """The document as a complete HTML page, UTF-8."""
    return render_string(document).encode("utf-8")
