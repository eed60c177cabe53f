"""Messy files built the way staff make them: merged cells, wrapped lines, Big5, spans.

Each builder writes one file with a real library (openpyxl, python-docx, odfdo, csv), so the
readers meet the structures those programs produce, not hand-written XML.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from docx import Document as WordDocument
from docx.table import _Cell
from odfdo import Cell, Document, Paragraph, Row, Table
from openpyxl import Workbook  # type: ignore[import-untyped]

Value = str | int | float | None
Rows = Sequence[Sequence[Value]]


def xlsx(path: Path, rows: Rows, merges: tuple[str, ...] = (), title: str = "分工表") -> Path:
    """An XLSX sheet with ``rows`` (None leaves a cell empty) and merged ranges like "A2:A4"."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for values in rows:
        sheet.append(values)
    for merge in merges:
        sheet.merge_cells(merge)
    workbook.save(path)
    return path


def csv_file(
    path: Path, rows: Sequence[Sequence[str]], encoding: str, delimiter: str = ","
) -> Path:
    """A CSV file in ``encoding`` ("cp950" is Big5 as Excel writes it, "utf-8-sig" has a BOM)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _odf_cell(value: Value) -> Cell:
    if value is None:
        return Cell()
    if isinstance(value, (int, float)):
        return Cell(value)
    cell = Cell(value, cell_type="string")
    for child in list(cell.children):
        cell.delete(child)
    # Line breaks inside a cell the way LibreOffice writes them: text:line-break.
    cell.append(Paragraph(value, formatted=True))
    return cell


def odf(
    path: Path,
    rows: Rows,
    spans: tuple[str, ...] = (),
    kind: str = "spreadsheet",
    name: str = "工作表1",
) -> Path:
    """An ODS (kind "spreadsheet") or ODT (kind "text") table with spanned cells."""
    document = Document(kind)
    document.body.clear()
    if kind == "text":
        document.body.append(Paragraph("基隆市新住民照顧服務業務分工一覽表"))
    table = Table(name)
    for values in rows:
        row = Row()
        for value in values:
            row.append_cell(_odf_cell(value))
        table.append_row(row)
    for span in spans:
        table.set_span(span)
    document.body.append(table)
    document.save(path)
    return path


def _write(cell: _Cell, text: str) -> None:
    """Each "\\n\\n" starts a new paragraph, each "\\n" a line break (w:br) in the same one."""
    cell.text = ""
    paragraphs = text.split("\n\n")
    for index, paragraph_text in enumerate(paragraphs):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        lines = paragraph_text.split("\n")
        for number, line in enumerate(lines):
            run = paragraph.add_run(line)
            if number < len(lines) - 1:
                run.add_break()


def docx(
    path: Path,
    rows: Sequence[Sequence[str]],
    merges: tuple[tuple[int, int, int, int], ...] = (),
    intro: str = "",
) -> Path:
    """A DOCX table; merges are (first row, first column, last row, last column), 0-based."""
    document = WordDocument()
    if intro:
        document.add_paragraph(intro)
    table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value:
                _write(table.cell(r, c), value)
    for first_row, first_col, last_row, last_col in merges:
        origin = table.cell(first_row, first_col)
        text = origin.text
        merged = origin.merge(table.cell(last_row, last_col))
        # python-docx joins the merged cells' paragraphs; keep only the first cell's text.
        _write(merged, text)
    document.save(str(path))
    return path


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
WORKBOOK = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)
SHEET_OPEN = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_CLOSE = "</sheetData></worksheet>"


def raw_xlsx(path: Path, sheet_xml: str) -> Path:
    """A minimal XLSX package around ``sheet_xml``, for shapes no spreadsheet program writes."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def inline_row(number: int, *texts: str) -> str:
    """One sheet row of inline strings in columns A, B, C…"""
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
        for i, text in enumerate(texts)
    )
    return f'<row r="{number}">{cells}</row>'
