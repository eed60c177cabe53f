"""CSV: the first sheet, UTF-8 with a byte-order mark so that spreadsheet programs on Windows
read the Chinese correctly; numbers as plain digits, dates ISO 8601, text that could be read as
a formula prefixed with ' (see formulas). Title lines are rows of one cell; merged cells repeat
their value, as CSV cannot merge."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from guankao.documents.model import CellValue, Workbook
from guankao.documents.render.formulas import neutralise


def _text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value.normalize())
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def render(workbook: Workbook) -> bytes:
    """The first sheet of the workbook as CSV (UTF-8 with BOM, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if workbook.sheets:
        sheet = workbook.sheets[0]
        for line in sheet.title_lines:
            writer.writerow([_text(line.text)])
        writer.writerow([_text(c.header) for c in sheet.columns])
        for row in sheet.rows:
            writer.writerow([_text(v) for v in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
