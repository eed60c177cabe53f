"""Writing plain sheets (rows of values, merged ranges) to XLSX and ODS, for the templates.

Text is always written as text, never as a formula, even when it starts with "=" (a cell that
says "=SUM(…)" must come back as those characters). Line breaks inside a cell are real line
breaks in both formats, so a spreadsheet program shows them as the report prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from odfdo import Cell, Document, Paragraph, Row, Table
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]


@dataclass(frozen=True)
class Percent:
    """A percentage as reports print it: ``Percent(Decimal(98))`` is written 98%."""

    value: Decimal


CellValue = str | int | Decimal | Percent | None


@dataclass
class Sheet:
    """One sheet: a name, rows of values, merged ranges (0-based, inclusive) and widths."""

    name: str
    rows: list[list[CellValue]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # row, col, row, col
    widths: list[int] = field(default_factory=list)  # in characters
    header_rows: set[int] = field(default_factory=set)


def write_xlsx(sheets: list[Sheet], path: Path) -> None:
    """Write ``sheets`` to an XLSX workbook at ``path``."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.name)
        for r, values in enumerate(sheet.rows, start=1):
            for c, value in enumerate(values, start=1):
                if value is None or value == "":
                    continue
                cell = worksheet.cell(row=r, column=c)
                if isinstance(value, Percent):
                    cell.value = value.value / 100
                    cell.number_format = "0%" if value.value == int(value.value) else "0.00%"
                elif isinstance(value, str):
                    cell.value = value
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    cell.alignment = wrap
                else:
                    cell.value = value
                    cell.number_format = "#,##0" if value == int(value) else "#,##0.##"
                if r - 1 in sheet.header_rows:
                    cell.font = bold
        for first_row, first_col, last_row, last_col in sheet.merges:
            worksheet.merge_cells(
                start_row=first_row + 1,
                start_column=first_col + 1,
                end_row=last_row + 1,
                end_column=last_col + 1,
            )
        for c, width in enumerate(sheet.widths, start=1):
            worksheet.column_dimensions[get_column_letter(c)].width = width
    workbook.save(path)


def _ods_cell(value: CellValue) -> Cell:
    if value is None or value == "":
        return Cell()
    if isinstance(value, Percent):
        return Cell(float(value.value / 100), cell_type="percentage", text=f"{value.value}%")
    if isinstance(value, str):
        cell = Cell(value, cell_type="string")
        for child in list(cell.children):
            cell.delete(child)
        # One paragraph per line, with runs of spaces kept (text:s), as LibreOffice writes it.
        for line in value.split("\n"):
            cell.append(Paragraph(line, formatted=True))
        return cell
    return Cell(value)


def write_ods(sheets: list[Sheet], path: Path) -> None:
    """Write ``sheets`` to an ODS spreadsheet at ``path``."""
    document = Document("spreadsheet")
    document.body.clear()
    for sheet in sheets:
        table = Table(sheet.name)
        for values in sheet.rows:
            row = Row()
            for value in values:
                row.append_cell(_ods_cell(value))
            table.append_row(row)
        for first_row, first_col, last_row, last_col in sheet.merges:
            table.set_span((first_col, first_row, last_col, last_row))
        document.body.append(table)
    document.save(path)
