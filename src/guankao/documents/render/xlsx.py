"""XLSX with openpyxl: one sheet per Sheet, title lines merged across, a bold frozen header row
that repeats when printed, numbers as numeric cells with the official thousands format,
percentages as fractions, text always as text (never a formula; see formulas)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

# openpyxl ships no type information; its use here is small and covered by the tests.
from openpyxl import Workbook as XlsxWorkbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from guankao.documents.model import CellValue, ColumnKind, SheetColumn, Workbook
from guankao.documents.render.formulas import neutralise

NUMBER_FORMATS: dict[ColumnKind, str] = {
    "integer": "#,##0",
    "decimal": "#,##0.##",
    "percent": "0%",
    "date": "yyyy-mm-dd",
    "text": "@",
}
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _value(value: CellValue) -> CellValue:
    # openpyxl writes Decimal as a number too, but float keeps the file identical to what
    # spreadsheet programs write.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _whole(value: int | float | Decimal, scale: int = 1) -> bool:
    return (Decimal(str(value)) * scale) % 1 == 0


def _number_format(value: CellValue, column: SheetColumn) -> str | None:
    if column.kind == "text" or isinstance(value, str):
        return None
    if isinstance(value, int | float | Decimal):
        if column.kind == "decimal" and _whole(value):
            return NUMBER_FORMATS["integer"]  # 6,300 rather than "6,300."
        if column.kind == "percent" and column.exact and not _whole(value, 100):
            return "0.00%"
    return NUMBER_FORMATS[column.kind]


def _write(ws: Any, row: int, column: int, value: CellValue) -> Any:
    """One cell; text is neutralised and typed as a string, so it is never a formula."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = neutralise(value)
        cell.data_type = "s"
    else:
        cell.value = _value(value)
    return cell


def render(workbook: Workbook) -> bytes:
    """The workbook as an XLSX file."""
    book = XlsxWorkbook()
    book.remove(book.active)
    book.properties.title = workbook.title
    for sheet in workbook.sheets:
        ws = book.create_sheet(title=sheet.name[:31])
        width = len(sheet.columns)
        for y, line in enumerate(sheet.title_lines, start=1):
            if line.text:
                cell = _write(ws, y, 1, line.text)
                cell.font, cell.alignment = (BOLD if line.bold else Font()), WRAP
            if width > 1:
                ws.merge_cells(start_row=y, start_column=1, end_row=y, end_column=width)
        header = len(sheet.title_lines) + 1
        for x, column in enumerate(sheet.columns, start=1):
            cell = _write(ws, header, x, column.header)
            cell.font, cell.alignment = BOLD, WRAP
            ws.column_dimensions[get_column_letter(x)].width = column.width
        first, covered = sheet.spans()
        for y, values in enumerate(sheet.rows):
            for x, (value, column) in enumerate(zip(values, sheet.columns, strict=True)):
                if value is None or value == "" or (y, x) in covered:
                    continue
                cell = _write(ws, header + 1 + y, x + 1, value)
                number_format = _number_format(value, column)
                if number_format is not None:
                    cell.number_format = number_format
                elif column.wrap and isinstance(value, str):
                    cell.alignment = WRAP
        for (y, x), (rows, columns) in first.items():
            top, left = header + 1 + y, x + 1
            ws.merge_cells(
                start_row=top,
                start_column=left,
                end_row=top + rows - 1,
                end_column=left + columns - 1,
            )
        ws.freeze_panes = f"A{header + 1}"
        ws.print_title_rows = f"{header}:{header}"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
