"""ODS and ODT (OpenDocument), read as a stream from ``content.xml``.

Both keep tables the same way: rows of cells, spans on the first cell of a merge and covered
cells for the rest, and runs of identical rows or cells written once with a repeat count.
Repeats of empty rows and cells (LibreOffice writes a million of them at the end of a sheet)
are counted, never expanded; a repeated row with content is expanded only within the limits.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from guankao.imports.readers.base import (
    MAX_CELLS_PER_ROW,
    MAX_ELEMENTS_PER_CELL,
    FileRejected,
    Grid,
    GridBuilder,
    GridKind,
    clean_cell_text,
    column_letter,
)
from guankao.imports.readers.package import member, not_a, open_package, package_kind
from guankao.imports.readers.xlsx import format_number
from guankao.imports.readers.xml import iterparse

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"

_PARAGRAPHS = {f"{TEXT}p", f"{TEXT}h"}
_SKIPPED = {f"{OFFICE}annotation", f"{TEXT}note", f"{TEXT}tracked-changes"}
_WHITESPACE = re.compile(r"[ \t\r\n]+")
_CELLS = {f"{TABLE}table-cell", f"{TABLE}covered-table-cell"}


def _collapse(text: str | None) -> str:
    # ODF collapses white space inside paragraphs; spaces that count are written as text:s.
    return _WHITESPACE.sub(" ", text) if text else ""


def _inline(element: ET.Element) -> str:
    """The text of a paragraph, with ``text:s`` spaces, tabs and line breaks."""
    parts = [_collapse(element.text)]
    for child in element:
        if child.tag == f"{TEXT}s":
            parts.append(" " * int(child.get(f"{TEXT}c", "1")))
        elif child.tag == f"{TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{TEXT}line-break":
            parts.append("\n")
        elif child.tag not in _SKIPPED:
            parts.append(_inline(child))
        parts.append(_collapse(child.tail))
    return "".join(parts)


def cell_text(element: ET.Element) -> str:
    """The paragraphs of a cell (lists and nested tables included), one per line."""
    lines: list[str] = []
    for child in element:
        if child.tag in _PARAGRAPHS:
            lines.append(_inline(child))
        elif child.tag not in _SKIPPED:
            text = cell_text(child)
            if text:
                lines.append(text)
    return "\n".join(lines)


def _value(element: ET.Element) -> str:
    kind = element.get(f"{OFFICE}value-type", "")
    value = element.get(f"{OFFICE}value")
    if kind in ("float", "currency") and value is not None:
        return format_number(value)
    if kind == "percentage" and value is not None:
        try:
            return format_number(str(Decimal(value) * 100)) + "%"
        except InvalidOperation:
            return value
    if kind == "date":
        return element.get(f"{OFFICE}date-value", "")[:10]
    if kind == "boolean":
        return element.get(f"{OFFICE}boolean-value", "").upper()
    return cell_text(element)


@dataclass
class _Table:
    builder: GridBuilder
    row: int = 0  # 1-based number of the row being read
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)


def _repeat(element: ET.Element, attribute: str) -> int:
    try:
        return max(1, int(element.get(f"{TABLE}{attribute}", "1")))
    except ValueError:
        return 1


def _read_cell(
    table: _Table,
    element: ET.Element,
    cells: list[tuple[int, str, int, int]],
    column: int,
    filename: str,
) -> None:
    if element.get(f"{TABLE}formula") is not None:
        where = f"{table.builder.name}!{column_letter(column)}{table.row + 1}"
        raise FileRejected(
            filename, _("%(cell)s 是公式；請將公式改為數值後再匯入。") % {"cell": where}
        )
    if element.tag != f"{TABLE}table-cell":
        return  # a covered cell: filled from its merge's first cell at the end
    text = clean_cell_text(_value(element))
    if not text:
        return
    repeat = _repeat(element, "number-columns-repeated")
    table.builder.check_column(table.row + 1, column + repeat - 1)
    rows = _repeat(element, "number-rows-spanned")
    columns = _repeat(element, "number-columns-spanned")
    cells.extend((column + k, text, rows, columns) for k in range(repeat))


def _read_row(table: _Table, element: ET.Element, cells: list[tuple[int, str, int, int]]) -> None:
    repeat = _repeat(element, "number-rows-repeated")
    if not cells:
        table.row += repeat  # empty rows are counted, never expanded
        return
    table.builder.check_row(table.row + repeat)
    for _copy in range(repeat):
        table.row += 1
        for column, text, rows, columns in cells:
            table.builder.set(table.row, column, text)
            if rows > 1 or columns > 1:
                table.spans.append((table.row, column, table.row + rows - 1, column + columns - 1))


def read_odf(path: Path, filename: str, expected: str) -> list[Grid]:
    """Every table of an ODS or ODT file as a grid (``expected`` is "ODS" or "ODT")."""
    kind = GridKind.SHEET if expected == "ODS" else GridKind.TABLE
    grids: list[Grid] = []
    with open_package(path, filename, expected) as archive:
        if package_kind(archive) not in (expected, None):
            raise not_a(filename, expected, b"PK", archive)
        stream = member(archive, "content.xml")
        if stream is None:
            raise not_a(filename, expected, b"PK", archive)
        with stream:
            depth = 0  # tables open; only cells of top-level tables (depth 1) are read
            in_cell = False
            cell_elements = 0
            table: _Table | None = None
            cells: list[tuple[int, str, int, int]] = []  # column, text, rows, columns spanned
            column = 0
            parents: list[ET.Element] = []
            for event, element in iterparse(stream, filename):
                tag = element.tag
                if event == "start":
                    parents.append(element)
                    if in_cell:
                        cell_elements += 1
                        if cell_elements > MAX_ELEMENTS_PER_CELL:
                            raise FileRejected(filename, _("有一格的內容結構過於複雜，無法讀取。"))
                    elif tag == f"{TABLE}table":
                        depth += 1
                        name = element.get(f"{TABLE}name", "")
                        if kind is GridKind.TABLE or not name:
                            name = _("表格%(number)d") % {"number": len(grids) + 1}
                        table = _Table(GridBuilder(filename=filename, name=name, kind=kind))
                    elif tag == f"{TABLE}table-row" and depth == 1:
                        cells, column = [], 0
                    elif tag in _CELLS and depth == 1:
                        in_cell, cell_elements = True, 0
                    continue
                parents.pop()
                if in_cell and tag not in _CELLS:
                    continue  # part of a cell: read when the cell ends
                if table is not None and tag in _CELLS:
                    in_cell = False
                    _read_cell(table, element, cells, column, filename)
                    column += _repeat(element, "number-columns-repeated")
                    if column > MAX_CELLS_PER_ROW:
                        raise FileRejected(filename, _("有一列的儲存格太多，無法讀取。"))
                elif table is not None and tag == f"{TABLE}table-row" and depth == 1:
                    _read_row(table, element, cells)
                elif tag == f"{TABLE}table":
                    if table is not None:
                        for span in table.spans:
                            table.builder.fill_merge(*span)
                        grids.append(table.builder.build())
                        table = None
                    depth -= 1
                # Whatever has been read is dropped, so memory does not grow with the file.
                element.clear()
                if parents:
                    parents[-1].remove(element)
    return grids
