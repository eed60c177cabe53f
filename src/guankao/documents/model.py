"""The document model every renderer reads: plain dataclasses, no Django, no database.

An app's document module (``performance/document.py``, …) turns its app's report model into a
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


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart as a complete ``<svg>`` element plus the same numbers as a table.

    Built by :mod:`guankao.documents.charts` (pygal, decision 0071), never by hand. ``width`` and
    ``height`` are the SVG's viewBox, so a renderer can keep its proportions. The SVG carries
    ``role="img"`` and a ``<title>``/``<desc>`` named by ``aria-labelledby``; ``table`` holds
    every number the picture shows, so nobody depends on seeing the picture.
    """

    title: str
    description: str
    svg: str
    width: int
    height: int
    table: Table


@dataclass(frozen=True, slots=True)
class Figure:
    """A chart in the flow of a document, printed with its data table under it."""

    chart: Chart


Block = Heading | Paragraph | Footnote | Table | Figure


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

    ``percent`` values are fractions (0.98 shows as 98%), so formulas on them work; an ``exact``
    percent column shows a value that is not a whole percentage with two decimals (99.50%)
    instead of rounding it. Text in a ``wrap`` column wraps inside the column, top-aligned.
    """

    header: str
    kind: ColumnKind = "text"
    width: float = 12
    wrap: bool = False
    exact: bool = False


@dataclass(frozen=True, slots=True)
class TitleLine:
    """A line above a sheet's header row (its title, its version), merged across every column."""

    text: str
    bold: bool = True


@dataclass(frozen=True, slots=True)
class Merge:
    """Body cells shown as one, the first one's value: ``first_row``/``last_row`` index
    ``Sheet.rows``, the columns ``Sheet.columns``; both ends inclusive. The covered cells keep
    their values in ``rows`` (CSV, which cannot merge, writes them)."""

    first_row: int
    first_column: int
    last_row: int
    last_column: int


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet: title lines, a header row, then one row of typed values per record."""

    name: str
    columns: tuple[SheetColumn, ...]
    rows: tuple[tuple[CellValue, ...], ...]
    title_lines: tuple[TitleLine, ...] = ()
    merges: tuple[Merge, ...] = ()

    def spans(self) -> tuple[dict[tuple[int, int], tuple[int, int]], set[tuple[int, int]]]:
        """The merges as (row, column) → (rows, columns) at each first cell, and the covered
        positions; raises ValueError for a merge outside the sheet or overlapping another."""
        first: dict[tuple[int, int], tuple[int, int]] = {}
        covered: set[tuple[int, int]] = set()
        for m in self.merges:
            if not (
                0 <= m.first_row <= m.last_row < len(self.rows)
                and 0 <= m.first_column <= m.last_column < len(self.columns)
            ):
                raise ValueError(f"sheet {self.name!r}: {m} lies outside the sheet")
            cells = {
                (r, c)
                for r in range(m.first_row, m.last_row + 1)
                for c in range(m.first_column, m.last_column + 1)
            }
            if cells & (covered | set(first)):
                raise ValueError(f"sheet {self.name!r}: {m} overlaps another merge")
            first[m.first_row, m.first_column] = (
                m.last_row - m.first_row + 1,
                m.last_column - m.first_column + 1,
            )
            covered |= cells - {(m.first_row, m.first_column)}
        return first, covered


@dataclass(frozen=True, slots=True)
class Workbook:
    """Sheets for ODS, XLSX and CSV (CSV writes the first sheet)."""

    title: str
    sheets: tuple[Sheet, ...] = field(default_factory=tuple)
