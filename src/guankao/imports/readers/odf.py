"""ODS and ODT (OpenDocument), read as a stream from ``content.xml``.

Both keep tables the same way: rows of cells, spans on the first cell of a merge and covered
cells for the rest, and runs of identical rows or cells written once with a repeat count.
Repeats of empty rows and cells (LibreOffice writes a million of them at the end of a sheet)
are counted, never expanded; a repeated row with content is expanded only within the limits.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from guankao.imports.exceptions import FileRejected
from guankao.imports.readers.base import (
    MAX_CELL_CHARS,
    MAX_CELLS_PER_ROW,
    Budget,
    Grid,
    GridBuilder,
    GridKind,
    clean_cell_text,
    column_letter,
    parse_int,
)
from guankao.imports.readers.package import member, not_a, open_package, package_kind
from guankao.imports.readers.xlsx import format_number, format_percent
from guankao.imports.readers.xml import iterparse

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"

_PARAGRAPHS = {f"{TEXT}p", f"{TEXT}h"}
_SKIPPED = {f"{OFFICE}annotation", f"{TEXT}note", f"{TEXT}tracked-changes"}
_WHITESPACE = re.compile(r"[ \t\r\n]+")
_CELLS = {f"{TABLE}table-cell", f"{TABLE}covered-table-cell"}
_RECORDS = frozenset(_CELLS)


def _collapse(text: str | None) -> str:
    # ODF collapses white space inside paragraphs; spaces that count are written as text:s.
    return _WHITESPACE.sub(" ", text) if text else ""


class _TooLong(Exception):
    """A cell's text grew past MAX_CELL_CHARS while it was being put together."""


def _bounded_join(parts: Iterable[str], separator: str = "") -> str:
    """Join ``parts``; raise :class:`_TooLong` as soon as the text is longer than a cell may be.

    A cell made of a million ``text:s`` spaces is refused without ever being built.
    """
    kept: list[str] = []
    length = 0
    for part in parts:
        kept.append(part)
        length += len(part) + len(separator)
        if length > MAX_CELL_CHARS + len(separator):
            raise _TooLong
    return separator.join(kept)


def _spaces(element: ET.Element) -> str:
    count = parse_int(element.get(f"{TEXT}c"), 1)
    return " " * min(max(count or 1, 1), MAX_CELL_CHARS + 1)


def _inline_parts(element: ET.Element) -> Iterable[str]:
    yield _collapse(element.text)
    for child in element:
        if child.tag == f"{TEXT}s":
            yield _spaces(child)
        elif child.tag == f"{TEXT}tab":
            yield "\t"
        elif child.tag == f"{TEXT}line-break":
            yield "\n"
        elif child.tag not in _SKIPPED:
            yield _inline(child)
        yield _collapse(child.tail)


def _inline(element: ET.Element) -> str:
    """The text of a paragraph, with ``text:s`` spaces, tabs and line breaks."""
    return _bounded_join(_inline_parts(element))


def _lines(element: ET.Element) -> Iterable[str]:
    for child in element:
        if child.tag in _PARAGRAPHS:
            yield _inline(child)
        elif child.tag not in _SKIPPED:
            text = cell_text(child)
            if text:
                yield text


def cell_text(element: ET.Element) -> str:
    """The paragraphs of a cell (lists and nested tables included), one per line."""
    return _bounded_join(_lines(element), "\n")


def _value(element: ET.Element) -> str:
    kind = element.get(f"{OFFICE}value-type", "")
    value = element.get(f"{OFFICE}value")
    if kind in ("float", "currency") and value is not None:
        return format_number(value)
    if kind == "percentage" and value is not None:
        return format_percent(value)
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
    # At most 12 digits (parse_int): far past every limit, yet never a huge number.
    return max(1, parse_int(element.get(f"{TABLE}{attribute}"), 1) or 1)


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
    try:
        text = clean_cell_text(_value(element))
    except _TooLong:
        raise table.builder.too_long(table.row + 1) from None
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
    budget = Budget()
    with open_package(path, filename, expected) as archive:
        if package_kind(archive) not in (expected, None):
            raise not_a(filename, expected, b"PK", archive)
        stream = member(archive, "content.xml", filename)
        if stream is None:
            raise not_a(filename, expected, b"PK", archive)
        with stream:
            depth = 0  # tables open; only cells of top-level tables (depth 1) are read
            cells_open = 0  # a table nested in a cell opens cells inside the cell
            table: _Table | None = None
            cells: list[tuple[int, str, int, int]] = []  # column, text, rows, columns spanned
            column = 0
            # A cell's subtree is kept until it ends; everything else is dropped as soon as it
            # has been seen, so memory does not grow with the file.
            for event, element in iterparse(stream, filename, records=_RECORDS, budget=budget):
                tag = element.tag
                if event == "start":
                    if cells_open:
                        if tag in _CELLS:
                            cells_open += 1
                    elif tag == f"{TABLE}table":
                        depth += 1
                        name = element.get(f"{TABLE}name", "")
                        if kind is GridKind.TABLE or not name:
                            name = _("表格%(number)d") % {"number": len(grids) + 1}
                        table = _Table(
                            GridBuilder(filename=filename, name=name, kind=kind, budget=budget)
                        )
                    elif tag == f"{TABLE}table-row" and depth == 1:
                        cells, column = [], 0
                    elif tag in _CELLS and depth == 1:
                        cells_open = 1
                    continue
                if cells_open:
                    if tag not in _CELLS:
                        continue  # part of a cell: read when the cell ends
                    cells_open -= 1
                    if cells_open or table is None:
                        continue  # a cell of a table nested in the cell
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
    return grids
