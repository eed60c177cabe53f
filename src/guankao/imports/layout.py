"""Finding a table's heading row, whichever words and column order a file uses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from guankao.imports.readers import Grid, GridRow
from guankao.imports.text import join_lines, normalise_key

HEADER_SCAN_ROWS = 30
MAX_HEADING = 40  # longer cells are data, never a heading
_VERSION_NOTE = re.compile(r"\d{2,3}\s*[.年/]\s*\d{1,2}\s*月?\s*(?:更新|修正|修訂|版)?")


@dataclass(frozen=True)
class Column:
    """A column an import looks for: its key and the heading words that name it."""

    key: str
    words: tuple[str, ...]
    required: bool = True


@dataclass(frozen=True)
class Layout:
    """Where a table starts in a grid and which column holds what."""

    grid: Grid
    header: int  # index in grid.rows of the (last) heading row
    columns: dict[str, int]
    spec: tuple[Column, ...]
    end: int | None = None  # index in grid.rows where another table starts, if one does

    def until(self, other: Layout) -> Layout:
        """This layout, ending where ``other`` starts when it follows in the same grid."""
        if other.grid is not self.grid or other.first <= self.header:
            return self
        end = other.first if self.end is None else min(self.end, other.first)
        return replace(self, end=end)

    @property
    def first(self) -> int:
        """Index of the first heading row (two stacked rows start one earlier)."""
        return self.header - (1 if self.stacked else 0)

    stacked: bool = False

    def data_rows(self) -> Iterator[GridRow]:
        """The rows after the heading, leaving out a heading repeated on a new page."""
        first = next(c for c in self.spec if c.required)
        column = self.columns[first.key]
        for row in self.grid.rows[self.header + 1 : self.end]:
            # Cheap test first: a heading repeats only where its first heading word is.
            cell = row.cell(column)
            if len(cell) <= MAX_HEADING:
                key = normalise_key(cell)
                if (
                    any(w in key for w in first.words)
                    and _match(row.cells, self.spec) == self.columns
                ):
                    continue
            yield row

    def title(self) -> str:
        """The first text above the heading that is not a version note such as ``112.7 更新``."""
        for row in self.grid.rows[: self.header]:
            for cell in row.cells:
                text = join_lines(cell)
                if text and not _VERSION_NOTE.fullmatch(normalise_key(text)):
                    return text
        return ""


def _match(cells: tuple[str, ...], spec: tuple[Column, ...]) -> dict[str, int]:
    """Column key → index for the headings in ``cells``; earlier keys in ``spec`` win a cell."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = normalise_key(cell)
        if not key:
            continue
        for column in spec:
            if column.key not in found and any(word in key for word in column.words):
                found[column.key] = index
                break
    return found


def _stacked(upper: GridRow, lower: GridRow) -> tuple[str, ...]:
    width = max(len(upper.cells), len(lower.cells))
    return tuple(
        upper.cell(i) + (lower.cell(i) if lower.cell(i) != upper.cell(i) else "")
        for i in range(width)
    )


def find_layouts(grids: list[Grid], spec: tuple[Column, ...]) -> list[Layout]:
    """Every grid whose first rows hold all required headings (one row, or two stacked)."""
    required = {column.key for column in spec if column.required}
    layouts: list[Layout] = []
    for grid in grids:
        rows = grid.rows[:HEADER_SCAN_ROWS]
        for index, row in enumerate(rows):
            columns = _match(row.cells, spec)
            if required <= columns.keys():
                layouts.append(Layout(grid, index, columns, spec))
                break
            if not columns or index + 1 >= len(rows):
                continue
            # A heading split over two rows ("預算金額" above "（千元）", or merged cells); the
            # upper row must hold headings of its own, and the lower one not all of them.
            if required <= _match(rows[index + 1].cells, spec).keys():
                continue
            columns = _match(_stacked(row, rows[index + 1]), spec)
            if required <= columns.keys():
                layouts.append(Layout(grid, index + 1, columns, spec, stacked=True))
                break
    return layouts
