"""ODS (OpenDocument spreadsheet): one table per Sheet, title lines spanning every column, a bold
header row, numbers as float cells with thousands grouping, percentages as percentage cells
(fractions), dates as date cells, text as string cells (never a formula; see formulas).
odfdo writes the package; the rows are built with lxml (see odfxml)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

from odfdo import Document as OdfDocument
from odfdo import Table as OdfTable

from guankao.documents.model import CellValue, ColumnKind, Sheet, SheetColumn, Workbook
from guankao.documents.render.formulas import neutralise
from guankao.documents.render.odfxml import paragraph, sub, tree
from guankao.documents.render.odt import style

# Data styles: how a spreadsheet program shows the numbers (1,159,000 · 98%).
DATA_STYLES = (
    '<number:number-style style:name="GkInteger"><number:number number:decimal-places="0"'
    ' number:min-integer-digits="1" number:grouping="true"/></number:number-style>',
    '<number:number-style style:name="GkDecimal"><number:number number:decimal-places="2"'
    ' number:min-decimal-places="0" number:min-integer-digits="1" number:grouping="true"/>'
    "</number:number-style>",
    '<number:percentage-style style:name="GkPercent"><number:number number:decimal-places="0"'
    ' number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>',
    '<number:percentage-style style:name="GkPercentExact"><number:number'
    ' number:decimal-places="2" number:min-decimal-places="0" number:min-integer-digits="1"/>'
    "<number:text>%</number:text></number:percentage-style>",
    '<style:style style:name="GkIntegerCell" style:family="table-cell"'
    ' style:data-style-name="GkInteger"/>',
    '<style:style style:name="GkDecimalCell" style:family="table-cell"'
    ' style:data-style-name="GkDecimal"/>',
    '<style:style style:name="GkPercentCell" style:family="table-cell"'
    ' style:data-style-name="GkPercent"/>',
    '<style:style style:name="GkPercentExactCell" style:family="table-cell"'
    ' style:data-style-name="GkPercentExact"/>',
    '<style:style style:name="GkWrap" style:family="table-cell">'
    '<style:table-cell-properties style:vertical-align="top" fo:wrap-option="wrap"/>'
    "</style:style>",
    '<style:style style:name="GkHead" style:family="table-cell">'
    '<style:table-cell-properties style:vertical-align="top" fo:wrap-option="wrap"/>'
    '<style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/>'
    "</style:style>",
)
CELL_STYLES: dict[ColumnKind, str] = {
    "integer": "GkIntegerCell",
    "decimal": "GkDecimalCell",
    "percent": "GkPercentCell",
}


def _text_cell(row: Any, text: str, style_name: str | None = None, **spans: int) -> Any:
    """A string cell, one paragraph per line, as Calc writes a cell of several lines (a
    text:line-break is shown, but lost when Calc saves the sheet as CSV or copies the cell)."""
    cell = sub(row, "table:table-cell", table__style_name=style_name,
               office__value_type="string", **spans)  # fmt: skip
    for line in neutralise(text).split("\n"):
        paragraph(cell, line)
    return cell


def _percent_text(value: float, exact: bool) -> str:
    if not exact:
        return f"{round(value * 100)}%"
    return f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _cell(row: Any, value: CellValue, column: SheetColumn, span: tuple[int, int] | None) -> None:
    spans: dict[str, int] = {}
    if span is not None:
        spans = {"table__number_rows_spanned": span[0], "table__number_columns_spanned": span[1]}
    if value is None or value == "":
        sub(row, "table:table-cell", **spans)
        return
    kind = column.kind
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        cell = sub(row, "table:table-cell", office__value_type="date",
                   office__date_value=value.isoformat(), **spans)  # fmt: skip
        paragraph(cell, value.isoformat())
    elif isinstance(value, int | float):
        style_name = CELL_STYLES.get(kind)
        if kind == "percent":
            shown, value_type = _percent_text(value, column.exact), "percentage"
            if column.exact:
                style_name = "GkPercentExactCell"
        else:
            shown, value_type = (f"{value:,}" if kind == "integer" else str(value)), "float"
        cell = sub(
            row,
            "table:table-cell",
            office__value_type=value_type,
            office__value=value if isinstance(value, int) else repr(value),
            table__style_name=style_name,
            **spans,
        )
        paragraph(cell, shown)
    else:
        _text_cell(row, str(value), "GkWrap" if column.wrap else None, **spans)


def _table(element: Any, sheet: Sheet) -> None:
    width = len(sheet.columns)
    for line in sheet.title_lines:
        row = sub(element, "table:table-row")
        spans: dict[str, int] = {"table__number_columns_spanned": width} if width > 1 else {}
        if line.text:
            _text_cell(row, line.text, "GkHead" if line.bold else None, **spans)
        else:
            sub(row, "table:table-cell", **spans)
        for _covered in range(width - 1):
            sub(row, "table:covered-table-cell")
    header = sub(sub(element, "table:table-header-rows"), "table:table-row")
    for column in sheet.columns:
        _text_cell(header, column.header, "GkHead")
    first, covered = sheet.spans()
    for y, values in enumerate(sheet.rows):
        row = sub(element, "table:table-row")
        for x, (value, column) in enumerate(zip(values, sheet.columns, strict=True)):
            if (y, x) in covered:
                sub(row, "table:covered-table-cell")
            else:
                _cell(row, value, column, first.get((y, x)))


def render(workbook: Workbook) -> bytes:
    """The workbook as an ODS file."""
    ods = OdfDocument("spreadsheet")
    body = ods.body
    body.clear()
    ods.meta.title = workbook.title
    for data_style in DATA_STYLES:
        ods.insert_style(style(data_style), automatic=True)
    for index, sheet in enumerate(workbook.sheets):
        table = OdfTable(sheet.name)
        body.append(table)
        element = tree(table)
        for x, column in enumerate(sheet.columns):
            name = f"co{index}.{x}"
            ods.insert_style(
                style(
                    f'<style:style style:name="{name}" style:family="table-column">'
                    # A CJK character is about a quarter of a centimetre wide at 10 pt.
                    f'<style:table-column-properties style:column-width="{column.width * 0.25:.2f}cm"/>'
                    "</style:style>"
                ),
                automatic=True,
            )
            sub(element, "table:table-column", table__style_name=name)
        _table(element, sheet)
    buffer = io.BytesIO()
    ods.save(buffer)
    return buffer.getvalue()
