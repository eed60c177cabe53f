"""ODS (OpenDocument spreadsheet): one table per Sheet, a bold header row, numbers as float
cells with thousands grouping, percentages as percentage cells (fractions), dates as date cells.
odfdo writes the package; the rows are built with lxml (see odfxml)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

from odfdo import Document as OdfDocument
from odfdo import Table as OdfTable

from guankao.documents.model import CellValue, ColumnKind, Workbook
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
    '<style:style style:name="GkIntegerCell" style:family="table-cell"'
    ' style:data-style-name="GkInteger"/>',
    '<style:style style:name="GkDecimalCell" style:family="table-cell"'
    ' style:data-style-name="GkDecimal"/>',
    '<style:style style:name="GkPercentCell" style:family="table-cell"'
    ' style:data-style-name="GkPercent"/>',
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


def _cell(row: Any, value: CellValue, kind: ColumnKind) -> None:
    if value is None or value == "":
        sub(row, "table:table-cell")
        return
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        cell = sub(row, "table:table-cell", office__value_type="date",
                   office__date_value=value.isoformat())  # fmt: skip
        paragraph(cell, value.isoformat())
    elif isinstance(value, int | float):
        if kind == "percent":
            shown, value_type = f"{round(value * 100)}%", "percentage"
        else:
            shown, value_type = (f"{value:,}" if kind == "integer" else str(value)), "float"
        cell = sub(
            row,
            "table:table-cell",
            office__value_type=value_type,
            office__value=value if isinstance(value, int) else repr(value),
            table__style_name=CELL_STYLES.get(kind),
        )
        paragraph(cell, shown)
    else:
        cell = sub(row, "table:table-cell", office__value_type="string")
        # A paragraph per line, as Calc writes a cell of several lines (a text:line-break is
        # shown, but lost when Calc saves the sheet as CSV or copies the cell).
        for line in str(value).split("\n"):
            paragraph(cell, line)


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
        header = sub(sub(element, "table:table-header-rows"), "table:table-row")
        for column in sheet.columns:
            cell = sub(header, "table:table-cell", table__style_name="GkHead",
                       office__value_type="string")  # fmt: skip
            paragraph(cell, column.header)
        for values in sheet.rows:
            row = sub(element, "table:table-row")
            for value, column in zip(values, sheet.columns, strict=True):
                _cell(row, value, column.kind)
    buffer = io.BytesIO()
    ods.save(buffer)
    return buffer.getvalue()
