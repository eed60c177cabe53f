"""DOCX (Word), read as a stream from ``word/document.xml``: every top-level table.

A horizontal merge (``gridSpan``) and a vertical merge (``vMerge``) both give the covered
cells the text of the merge's first cell. Paragraphs and line breaks inside a cell become
line breaks; a table nested in a cell is read as that cell's text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from django.utils.translation import gettext as _

from guankao.imports.exceptions import FileRejected
from guankao.imports.readers.base import (
    MAX_CELLS_PER_ROW,
    Budget,
    Grid,
    GridBuilder,
    GridKind,
    clean_cell_text,
    parse_int,
)
from guankao.imports.readers.package import member, not_a, open_package
from guankao.imports.readers.xml import iterparse

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BREAKS = {f"{W}br", f"{W}cr"}
TBL, TR, TC, TR_PR = f"{W}tbl", f"{W}tr", f"{W}tc", f"{W}trPr"


def _paragraph(paragraph: ET.Element) -> str:
    parts: list[str] = []
    for element in paragraph.iter():
        if element.tag == f"{W}t":
            parts.append(element.text or "")
        elif element.tag == f"{W}tab":
            parts.append("\t")
        elif element.tag in _BREAKS:
            parts.append("\n")
    return "".join(parts)


def cell_text(cell: ET.Element) -> str:
    """Every paragraph of the cell, nested tables included, one per line."""
    return "\n".join(_paragraph(p) for p in cell.iter(f"{W}p"))


def _int(element: ET.Element | None, default: int) -> int:
    if element is None:
        return default
    value = parse_int(element.get(f"{W}val"), default)
    return default if value is None else max(1, value)


def _read_cell(builder: GridBuilder, cell: ET.Element, row: int, column: int) -> int:
    """Put one cell into the grid; return the column after it."""
    properties = cell.find(f"{W}tcPr")
    span = _int(None if properties is None else properties.find(f"{W}gridSpan"), 1)
    vmerge = None if properties is None else properties.find(f"{W}vMerge")
    builder.check_column(row, column + span - 1)
    if vmerge is not None and vmerge.get(f"{W}val", "continue") == "continue":
        # A cell continuing a vertical merge shows the text of the cell above it.
        for k in range(span):
            above = builder.get(row - 1, column + k)
            if above:
                builder.set(row, column + k, above, merged=True)
    else:
        text = clean_cell_text(cell_text(cell))
        if text:
            builder.set(row, column, text)
            for k in range(1, span):
                builder.set(row, column + k, text, merged=True)
    return column + span


def read_docx(path: Path, filename: str) -> list[Grid]:
    """Every top-level table of a DOCX document as a grid."""
    grids: list[Grid] = []
    budget = Budget()
    with open_package(path, filename, "DOCX") as archive:
        stream = member(archive, "word/document.xml", filename)
        if stream is None:
            raise not_a(filename, "DOCX", b"PK", archive)
        with stream:
            depth = 0  # tables open; only cells of top-level tables (depth 1) are read
            cells_open = 0  # a table nested in a cell opens cells inside the cell
            builder: GridBuilder | None = None
            row = column = 0
            # A cell's subtree (and a row's properties) are kept until they end; everything
            # else is dropped as soon as it has been seen, so memory does not grow with the file.
            events = iterparse(stream, filename, records=frozenset({TC, TR_PR}), budget=budget)
            for event, element in events:
                tag = element.tag
                if event == "start":
                    if cells_open:
                        if tag == TC:
                            cells_open += 1
                    elif tag == TBL:
                        depth += 1
                        if depth == 1:
                            name = _("表格%(number)d") % {"number": len(grids) + 1}
                            builder = GridBuilder(
                                filename=filename, name=name, kind=GridKind.TABLE, budget=budget
                            )
                            row = 0
                    elif tag == TR and depth == 1 and builder is not None:
                        row += 1
                        column = 0
                        builder.check_row(row)
                    elif tag == TC and depth == 1:
                        cells_open = 1
                    continue
                if cells_open:
                    if tag != TC:
                        continue  # part of a cell: read when the cell ends
                    cells_open -= 1
                    if cells_open or builder is None:
                        continue  # a cell of a table nested in the cell
                    column = _read_cell(builder, element, row, column)
                    if column > MAX_CELLS_PER_ROW:
                        raise FileRejected(filename, _("有一列的儲存格太多，無法讀取。"))
                elif depth == 1 and tag == TR_PR:
                    # Cells left out at the start of a row (gridBefore) shift the rest right.
                    column += _int(element.find(f"{W}gridBefore"), 0)
                    if column > MAX_CELLS_PER_ROW:
                        raise FileRejected(filename, _("有一列的儲存格太多，無法讀取。"))
                elif tag == TBL:
                    if depth == 1 and builder is not None:
                        grids.append(builder.build())
                        builder = None
                    depth -= 1
    return grids
