"""What every reader produces: grids of cell text with their source locations, within limits.

A reader turns one file into a list of :class:`Grid` (a sheet of a workbook, or a table of a
text document). Cells are plain strings; a cell covered by a merge holds the text of the merge's
first cell and is marked, so that parsers can carry an agency down a merged block yet not read
the same task twice. Limits are enforced while reading, so a hostile file is refused before it
can use much memory or time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from django.utils.translation import gettext as _

from guankao.documents.render.formulas import restore
from guankao.imports.exceptions import FileRejected

# Limits, recorded in docs/decisions/0031-import-limits.md.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 64
MAX_CELLS = 400_000
MAX_CELL_CHARS = 32_767  # what Excel allows in one cell
# Elements a reader holds at once: the cells of one row (Excel's own column limit), and the
# paragraphs and runs inside one cell. Rows are dropped as soon as they are read.
MAX_CELLS_PER_ROW = 16_384
MAX_ELEMENTS_PER_CELL = 50_000
MAX_ZIP_ENTRIES = 1_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Small parts (styles, manifests) compress far better than data; only large ones are judged.
RATIO_FLOOR_BYTES = 1024 * 1024
# Bounds on the work a malformed or hostile file can cause (issue 13), per file: XML nesting
# (real files nest about 10 deep; recursion in the readers stays far below Python's limit),
# elements parsed in all the file's XML, bytes of XML that may pass without an element starting
# or ending (one text or one tag), XML bytes inside one cell, shared strings of a workbook, and
# digits of a number's exponent (``9e999999`` is kept as written, never expanded).
MAX_XML_DEPTH = 100
MAX_XML_ELEMENTS = 5_000_000
MAX_XML_QUIET_BYTES = 4 * 1024 * 1024
MAX_CELL_XML_BYTES = 8 * 1024 * 1024
MAX_SHARED_STRINGS = MAX_CELLS
MAX_STYLES = 65_536  # Excel allows 64,000 cell formats
MAX_NUMBER_EXPONENT = 100
# CSV: the delimiter is guessed from the first lines only (csv.Sniffer is slow on long lines),
# and one row may not hold more text than its cells could (a line of 30,000 commas is refused).
MAX_SNIFF_CHARS = 4096
MAX_SNIFF_LINES = 20
MAX_CSV_ROW_CHARS = MAX_COLUMNS * (MAX_CELL_CHARS + 3)


@dataclass
class Budget:
    """What one file has used so far of the per-file limits: cells kept, XML elements parsed."""

    cells: int = 0
    elements: int = 0


class GridKind(Enum):
    SHEET = "sheet"  # spreadsheet: cells are named like Sheet1!B7
    TABLE = "table"  # table in a text document: 表格1 第7列第2欄


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """0-based index of a spreadsheet column name: A → 0, AA → 26."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


@dataclass(frozen=True)
class GridRow:
    """One row as read: its 1-based number in the source and the text of each cell."""

    number: int
    cells: tuple[str, ...]
    # Columns whose text was copied from the first cell of a merge, not written in this cell.
    merged: frozenset[int] = frozenset()

    def cell(self, column: int | None) -> str:
        """The text of ``column`` (0-based), or "" past the end or when there is no column."""
        if column is None or column >= len(self.cells):
            return ""
        return self.cells[column]

    def is_merged(self, column: int | None) -> bool:
        return column is not None and column in self.merged

    @property
    def is_empty(self) -> bool:
        return not any(text.strip() for text in self.cells)


@dataclass(frozen=True)
class Grid:
    """A sheet or a table: its name, its kind and its rows (blank rows left out)."""

    name: str
    kind: GridKind
    rows: tuple[GridRow, ...]

    def cell_ref(self, row: GridRow, column: int) -> str:
        """Where a cell stands, as a person would look for it: ``Sheet1!B7``, ``表格1 第7列第2欄``."""
        if self.kind is GridKind.SHEET:
            return f"{self.name}!{column_letter(column)}{row.number}"
        return self._patterns[1] % {
            "table": self.name,
            "row": row.number,
            "column": column + 1,
        }

    def row_ref(self, row: GridRow) -> str:
        """Where a row stands: ``Sheet1 第7列``, ``表格1 第7列``."""
        return self._patterns[0] % {"table": self.name, "row": row.number}

    @cached_property
    def _patterns(self) -> tuple[str, str]:
        # Translated once per grid: a 5,000-row table asks for these 10,000 times.
        return _("%(table)s 第%(row)d列"), _("%(table)s 第%(row)d列第%(column)d欄")


@dataclass
class GridBuilder:
    """Collects the rows of one grid, enforcing the limits and filling merged cells."""

    filename: str
    name: str
    kind: GridKind
    rows: dict[int, list[str]] = field(default_factory=dict)
    merged: dict[int, set[int]] = field(default_factory=dict)
    # Shared by the grids of one file: MAX_CELLS bounds the whole file, not each sheet.
    budget: Budget = field(default_factory=Budget)

    def check_row(self, number: int) -> None:
        """Refuse a row beyond the limit before anything of it is kept."""
        if number > MAX_ROWS:
            raise FileRejected(
                self.filename,
                _("「%(name)s」超過 %(limit)s 列，請分成幾個檔案匯入。")
                % {"name": self.name, "limit": f"{MAX_ROWS:,}"},
            )

    def check_column(self, row: int, column: int) -> None:
        if column >= MAX_COLUMNS:
            raise FileRejected(
                self.filename,
                _("「%(name)s」第 %(row)d 列超過 %(limit)d 欄。")
                % {"name": self.name, "row": row, "limit": MAX_COLUMNS},
            )

    def too_long(self, row: int) -> FileRejected:
        """The refusal of a cell in ``row`` longer than MAX_CELL_CHARS."""
        return FileRejected(
            self.filename,
            _("「%(name)s」第 %(row)d 列有一格超過 %(limit)s 字。")
            % {"name": self.name, "row": row, "limit": f"{MAX_CELL_CHARS:,}"},
        )

    def set(self, row: int, column: int, text: str, *, merged: bool = False) -> None:
        """Write one non-empty cell (row 1-based, column 0-based)."""
        self.check_row(row)
        self.check_column(row, column)
        if len(text) > MAX_CELL_CHARS:
            raise self.too_long(row)
        self.budget.cells += 1
        if self.budget.cells > MAX_CELLS:
            raise FileRejected(
                self.filename,
                _("資料超過 %(limit)s 格，請分成幾個檔案匯入。") % {"limit": f"{MAX_CELLS:,}"},
            )
        cells = self.rows.setdefault(row, [])
        if len(cells) <= column:
            cells.extend([""] * (column + 1 - len(cells)))
        cells[column] = text
        if merged:
            self.merged.setdefault(row, set()).add(column)

    def get(self, row: int, column: int) -> str:
        cells = self.rows.get(row)
        if cells is None or column >= len(cells):
            return ""
        return cells[column]

    def fill_merge(
        self, first_row: int, first_column: int, last_row: int, last_column: int
    ) -> None:
        """Copy the first cell's text into every other cell of a merged range."""
        text = self.get(first_row, first_column)
        if not text:
            return
        self.check_row(last_row)
        self.check_column(first_row, last_column)
        for row in range(first_row, last_row + 1):
            for column in range(first_column, last_column + 1):
                if (row, column) != (first_row, first_column):
                    self.set(row, column, text, merged=True)

    def build(self) -> Grid:
        """The grid, rows in order, blank rows left out."""
        rows = tuple(
            GridRow(number, tuple(cells), frozenset(self.merged.get(number, ())))
            for number, cells in sorted(self.rows.items())
            if any(text.strip() for text in cells)
        )
        return Grid(self.name, self.kind, rows)


def clean_cell_text(text: str) -> str:
    """Line endings made uniform and the cell trimmed; the text itself is kept as written, less
    the ' that the sheet writers put before text that looks like a formula (decision 0053)."""
    return restore(text).replace("\r\n", "\n").replace("\r", "\n").strip()


def parse_int(value: str | None, default: int) -> int | None:
    """An attribute holding a count or an index: ``default`` when absent, None when malformed.

    Only ASCII digits (with an optional sign) are numbers here, and at most 12 of them, so that
    no attribute turns into a huge number or a slow conversion.
    """
    if value is None:
        return default
    text = value.strip()
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 12:
        return None
    return int(text)
