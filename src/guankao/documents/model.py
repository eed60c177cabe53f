"""The document model every renderer reads: plain dataclasses, no Django, no database.

A report module (``documents/reports/<kind>.py``) turns its app's report model into a
:class:`Document` (for HTML, PDF, ODT, DOCX) and a :class:`Workbook` (for ODS, XLSX, CSV).
Renderers only ever see these two, so one report looks the same in every format.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Align = Literal["start", "center", "end"]


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading such as 「壹、前言」; level 1 is a section, 2 a subsection."""

    text: str
    level: int = 1


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Body text; each line of ``text`` is its own paragraph in editable formats.

    ``indent`` hangs continuation lines under the text after a list marker (「一、」 is 2).
    """

    text: str
    indent: int = 0


@dataclass(frozen=True, slots=True)
class Footnote:
    """A note printed in small type right after the table it explains."""

    text: str


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell. Each entry of ``lines`` is one paragraph of the cell.

    A cell that spans rows or columns covers the cells to its right and below: rows list only
    the cells that start in them, as HTML does.
    """

    lines: tuple[str, ...]
    rowspan: int = 1
    colspan: int = 1
    align: Align = "start"
    header: bool = False

    @classmethod
    def of(
        cls,
        text: str,
        *,
        rowspan: int = 1,
        colspan: int = 1,
        align: Align = "start",
        header: bool = False,
    ) -> Cell:
        """A cell from text; line breaks in ``text`` start new paragraphs."""
        return cls(tuple(text.split("\n")), rowspan, colspan, align, header)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True, slots=True)
class Column:
    """A table column; ``width`` is relative to the other columns (they need not sum to 100)."""

    width: float


@dataclass(frozen=True, slots=True)
class Table:
    """A table with header rows that repeat on every page and body rows kept whole."""

    columns: tuple[Column, ...]
    header_rows: tuple[tuple[Cell, ...], ...]
    body_rows: tuple[tuple[Cell, ...], ...]
    name: str = ""
    repeat_header: bool = True
    caption: str = ""

    def grid(self) -> list[list[Cell | None]]:
        """All rows, header first, as a full grid: a cell at its start, None where it spans."""
        return layout(self.header_rows + self.body_rows, len(self.columns))


Block = Heading | Paragraph | Footnote | Table


@dataclass(frozen=True, slots=True)
class Document:
    """A printable document: title, subtitle lines, then blocks in order. A4 portrait."""

    title: str
    blocks: tuple[Block, ...]
    subtitle_lines: tuple[str, ...] = ()
    lang: str = "zh-Hant"
    font_family: str = "Noto Sans CJK TC"
    serif_family: str = "Noto Serif CJK TC"
    # Printed in the page footer; {page} and {pages} are replaced by the numbers.
    page_label: str = "第 {page} 頁，共 {pages} 頁"


def layout(rows: tuple[tuple[Cell, ...], ...], width: int) -> list[list[Cell | None]]:
    """Place HTML-style rows (covered positions omitted) on a grid of ``width`` columns.

    Raises ValueError when a row does not fill the grid exactly, so a mistake in a report
    module shows up in its tests rather than as a shifted column in one format.
    """
    grid: list[list[Cell | None]] = []
    covered: set[tuple[int, int]] = set()
    for y, row in enumerate(rows):
        line: list[Cell | None] = [None] * width
        cells = iter(row)
        x = 0
        while x < width:
            if (y, x) in covered:
                x += 1
                continue
            cell = next(cells, None)
            if cell is None:
                raise ValueError(f"row {y} has too few cells for {width} columns")
            if x + cell.colspan > width:
                raise ValueError(f"row {y}: a cell spans past column {width}")
            line[x] = cell
            for dy in range(cell.rowspan):
                for dx in range(cell.colspan):
                    if dy or dx:
                        covered.add((y + dy, x + dx))
            x += cell.colspan
        if next(cells, None) is not None:
            raise ValueError(f"row {y} has more cells than {width} columns")
        grid.append(line)
    return grid


# --- spreadsheets -----------------------------------------------------------------------------

CellValue = str | int | Decimal | float | datetime.date | None
ColumnKind = Literal["text", "integer", "decimal", "percent", "date"]


@dataclass(frozen=True, slots=True)
class SheetColumn:
    """A spreadsheet column: header text, the kind of value, and a width in characters.

    ``percent`` values are fractions (0.98 shows as 98%), so formulas on them work.
    """

    header: str
    kind: ColumnKind = "text"
    width: float = 12


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet: a header row, then one row of typed values per record."""

    name: str
    columns: tuple[SheetColumn, ...]
    rows: tuple[tuple[CellValue, ...], ...]


@dataclass(frozen=True, slots=True)
class Workbook:
    """Sheets for ODS, XLSX and CSV (CSV writes the first sheet)."""

    title: str
    sheets: tuple[Sheet, ...] = field(default_factory=tuple)
