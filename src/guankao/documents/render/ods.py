"""ODS (OpenDocument spreadsheet) with odfdo: one table per Sheet, a bold header row, numbers as
float cells, percentages as percentage cells (fractions), dates as date cells."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from odfdo import Cell as OdfCell
from odfdo import Document as OdfDocument
from odfdo import Element, Row
from odfdo import Table as OdfTable

from guankao.documents.model import CellValue, ColumnKind, Workbook
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
    '<style:style style:name="GkIntegerCell" style:family="table-cell"'
    ' style:data-style-name="GkInteger"/>',
    '<style:style style:name="GkDecimalCell" style:family="table-cell"'
    ' style:data-style-name="GkDecimal"/>',
    '<style:style style:name="GkPercentCell" style:family="table-cell"'
    ' style:data-style-name="GkPercent"/>',
)
CELL_STYLES: dict[ColumnKind, str] = {
    "integer": "GkIntegerCell",
    "decimal": "GkDecimalCell",
    "percent": "GkPercentCell",
}


def _cell(value: CellValue, kind: ColumnKind) -> OdfCell:
    if value is None:
        return OdfCell()
    if isinstance(value, Decimal):
        number: int | float = int(value) if value == value.to_integral_value() else float(value)
        value = number
    if kind == "percent" and isinstance(value, int | float):
        return OdfCell(value, cell_type="percentage", style=CELL_STYLES[kind])
    if isinstance(value, datetime.date):
        return OdfCell(value, cell_type="date")
    if isinstance(value, int | float) and kind in CELL_STYLES:
        return OdfCell(value, style=CELL_STYLES[kind])
    return OdfCell(value)


def render(workbook: Workbook) -> bytes:
    """The workbook as an ODS file."""
    ods = OdfDocument("spreadsheet")
    body = ods.body
    body.clear()
    ods.meta.title = workbook.title
    for data_style in DATA_STYLES:
        ods.insert_style(style(data_style), automatic=True)
    ods.insert_style(
        style(
            '<style:style style:name="GkHead" style:family="table-cell">'
            '<style:table-cell-properties style:vertical-align="top" fo:wrap-option="wrap"/>'
            '<style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/>'
            "</style:style>"
        ),
        automatic=True,
    )
    for index, sheet in enumerate(workbook.sheets):
        table = OdfTable(sheet.name)
        for x, column in enumerate(sheet.columns):
            name = f"co{index}.{x}"
            ods.insert_style(
                style(
                    f'<style:style style:name="{name}" style:family="table-column">'
                    # Width in characters of a CJK text is roughly 0.5 cm each at 10 pt.
                    f'<style:table-column-properties style:column-width="{column.width * 0.25:.2f}cm"/>'
                    "</style:style>"
                ),
                automatic=True,
            )
            table.append(Element.from_tag(f'<table:table-column table:style-name="{name}"/>'))
        header = Row()
        for column in sheet.columns:
            header.append(OdfCell(column.header, style="GkHead"))
        table.append(header)
        for values in sheet.rows:
            row = Row()
            for value, column in zip(values, sheet.columns, strict=True):
                row.append(_cell(value, column.kind))
            table.append(row)
        body.append(table)
    buffer = io.BytesIO()
    ods.save(buffer)
    return buffer.getvalue()
