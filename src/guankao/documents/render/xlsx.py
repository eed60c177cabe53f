"""XLSX with openpyxl: one sheet per Sheet, a bold frozen header row that repeats when printed,
numbers as numeric cells with the official thousands format, percentages as fractions."""

from __future__ import annotations

import io
from decimal import Decimal

# openpyxl ships no type information; its use here is small and covered by the tests.
from openpyxl import Workbook as XlsxWorkbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from guankao.documents.model import CellValue, ColumnKind, Workbook

NUMBER_FORMATS: dict[ColumnKind, str] = {
    "integer": "#,##0",
    "decimal": "#,##0.##",
    "percent": "0%",
    "date": "yyyy-mm-dd",
    "text": "@",
}


def _value(value: CellValue) -> CellValue:
    # openpyxl writes Decimal as a number too, but float keeps the file identical to what
    # spreadsheet programs write.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def render(workbook: Workbook) -> bytes:
    """The workbook as an XLSX file."""
    book = XlsxWorkbook()
    book.remove(book.active)
    book.properties.title = workbook.title
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for sheet in workbook.sheets:
        ws = book.create_sheet(title=sheet.name[:31])
        ws.append([c.header for c in sheet.columns])
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = wrap
        for row in sheet.rows:
            ws.append([_value(v) for v in row])
        for x, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(x)
            ws.column_dimensions[letter].width = column.width
            if column.kind == "text":
                continue
            for (cell,) in ws.iter_rows(min_row=2, min_col=x, max_col=x):
                if cell.value is not None:
                    cell.number_format = NUMBER_FORMATS[column.kind]
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
