"""XLSX (Office Open XML workbooks), read as a stream straight from the package.

Only what an import needs is read: sheet names, shared strings, number formats (to show a
percentage as ``98%``), cell values and merged ranges. Formulas are refused: a cached result
may be missing or stale, and the preview must show what the file says, not a guess
(docs/decisions/0032-formula-cells-refused.md).
"""

from __future__ import annotations

import datetime
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from guankao.imports.readers.base import (
    MAX_CELLS_PER_ROW,
    FileRejected,
    Grid,
    GridBuilder,
    GridKind,
    clean_cell_text,
    column_index,
    column_letter,
)
from guankao.imports.readers.package import member, not_a, open_package
from guankao.imports.readers.xml import iterparse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

C, F, ROW, MERGE = f"{MAIN}c", f"{MAIN}f", f"{MAIN}row", f"{MAIN}mergeCell"
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_BUILTIN_PERCENT = {9, 10}
_BUILTIN_DATE = set(range(14, 23)) | {45, 46, 47}
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]')


def _text(element: ET.Element) -> str:
    """The text of a string item: all ``t`` runs, without phonetic guides (``rPh``)."""
    parts: list[str] = []
    for child in element:
        if child.tag == f"{MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{MAIN}r":
            parts.extend(t.text or "" for t in child.iter(f"{MAIN}t"))
    return "".join(parts)


def _sheets(archive: zipfile.ZipFile, filename: str) -> list[tuple[str, str]]:
    """(sheet name, member path) of every worksheet, in workbook order."""
    targets: dict[str, str] = {}
    rels = member(archive, "xl/_rels/workbook.xml.rels")
    if rels is not None:
        with rels:
            for _event, element in iterparse(rels, filename, ("end",)):
                if element.tag == f"{PKG_REL}Relationship":
                    target = element.get("Target", "")
                    path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                    targets[element.get("Id", "")] = posixpath.normpath(path)
    workbook = member(archive, "xl/workbook.xml")
    if workbook is None:
        raise not_a(filename, "XLSX", b"PK", archive)
    sheets: list[tuple[str, str]] = []
    with workbook:
        for _event, element in iterparse(workbook, filename, ("end",)):
            if element.tag == f"{MAIN}sheet":
                path = targets.get(element.get(f"{REL}id", ""), "")
                if path in archive.NameToInfo:
                    sheets.append((element.get("name", ""), path))
    return sheets


def _shared_strings(archive: zipfile.ZipFile, filename: str) -> list[str]:
    stream = member(archive, "xl/sharedStrings.xml")
    if stream is None:
        return []
    strings: list[str] = []
    with stream:
        for _event, element in iterparse(stream, filename, ("end",)):
            if element.tag == f"{MAIN}si":
                strings.append(_text(element))
                element.clear()
    return strings


def _styles(archive: zipfile.ZipFile, filename: str) -> list[str]:
    """For each cell style index: "percent", "date" or "" (a plain number)."""
    stream = member(archive, "xl/styles.xml")
    if stream is None:
        return []
    codes: dict[int, str] = {}
    kinds: list[str] = []
    in_cell_xfs = False
    with stream:
        for event, element in iterparse(stream, filename):
            if element.tag == f"{MAIN}cellXfs":
                in_cell_xfs = event == "start"
            elif event == "end" and element.tag == f"{MAIN}numFmt":
                codes[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif event == "end" and element.tag == f"{MAIN}xf" and in_cell_xfs:
                number_format = int(element.get("numFmtId", "0"))
                code = _QUOTED.sub("", codes.get(number_format, ""))
                if number_format in _BUILTIN_PERCENT or "%" in code:
                    kinds.append("percent")
                elif number_format in _BUILTIN_DATE or (
                    number_format in codes and re.search(r"[ymd]", code, re.IGNORECASE)
                ):
                    kinds.append("date")
                else:
                    kinds.append("")
    return kinds


def format_number(value: str) -> str:
    """A stored number as people write it: ``1159000.0`` → ``1159000``, ``98.5`` stays."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if not number.is_finite():
        return value
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _excel_date(value: str, date1904: bool) -> str:
    try:
        serial = float(value)
    except ValueError:
        return value
    epoch = datetime.date(1904, 1, 1) if date1904 else datetime.date(1899, 12, 30)
    try:
        return (epoch + datetime.timedelta(days=int(serial))).isoformat()
    except OverflowError:
        return value


def _cell_value(element: ET.Element, strings: list[str], styles: list[str], date1904: bool) -> str:
    kind = element.get("t", "n")
    value = element.find(f"{MAIN}v")
    raw = value.text or "" if value is not None else ""
    if kind == "s":
        try:
            return strings[int(raw)]
        except (ValueError, IndexError):
            return ""
    if kind == "inlineStr":
        inline = element.find(f"{MAIN}is")
        return _text(inline) if inline is not None else ""
    if kind == "b":
        return "TRUE" if raw == "1" else "FALSE"
    if kind in ("str", "e", "d"):
        return raw
    if not raw:
        return ""
    style = int(element.get("s", "0"))
    style_kind = styles[style] if style < len(styles) else ""
    if style_kind == "percent":
        return format_number(str(Decimal(raw) * 100)) + "%"
    if style_kind == "date":
        return _excel_date(raw, date1904)
    return format_number(raw)


def _read_sheet(
    archive: zipfile.ZipFile,
    filename: str,
    name: str,
    path: str,
    strings: list[str],
    styles: list[str],
    date1904: bool,
) -> Grid:
    builder = GridBuilder(filename=filename, name=name, kind=GridKind.SHEET)
    merges: list[tuple[int, int, int, int]] = []
    row_number = 0
    with archive.open(path) as stream:
        # End events only: a cell is complete when it ends, and a row's number is checked
        # before its cells are kept. Cleared rows stay as empty elements (bounded by MAX_ROWS).
        cells: list[tuple[int, str]] = []
        column = -1
        cell_elements = row_elements = 0
        for _event, element in iterparse(stream, filename, ("end",)):
            tag = element.tag
            if tag == C:
                cell_elements += 1
                if cell_elements > MAX_CELLS_PER_ROW:
                    raise FileRejected(filename, _("有一列的儲存格太多，無法讀取。"))
                ref = _CELL_REF.fullmatch(element.get("r", ""))
                column = column_index(ref[1]) if ref else column + 1
                if element.find(F) is not None:
                    cell = ref[0] if ref else column_letter(column)
                    raise FileRejected(
                        filename,
                        _("%(cell)s 是公式；請將公式改為數值（選擇性貼上→值）後再匯入。")
                        % {"cell": f"{name}!{cell}"},
                    )
                text = clean_cell_text(_cell_value(element, strings, styles, date1904))
                if text:
                    cells.append((column, text))
                element.clear()
            elif tag == ROW:
                row_elements += 1  # each one stays as an empty element: count them too
                row_number = int(element.get("r", row_number + 1))
                builder.check_row(row_elements)
                if cells:
                    builder.check_row(row_number)
                    for cell_column, text in cells:
                        builder.set(row_number, cell_column, text)
                cells, column, cell_elements = [], -1, 0
                element.clear()
            elif tag == MERGE:
                first, _colon, last = element.get("ref", "").partition(":")
                start, end = _CELL_REF.fullmatch(first), _CELL_REF.fullmatch(last or first)
                if start and end:
                    merges.append(
                        (int(start[2]), column_index(start[1]), int(end[2]), column_index(end[1]))
                    )
    for first_row, first_column, last_row, last_column in merges:
        builder.fill_merge(first_row, first_column, last_row, last_column)
    return builder.build()


def read_xlsx(path: Path, filename: str) -> list[Grid]:
    """Every worksheet of an XLSX workbook as a grid."""
    with open_package(path, filename, "XLSX") as archive:
        sheets = _sheets(archive, filename)
        if not sheets:
            raise not_a(filename, "XLSX", b"PK", archive)
        date1904 = False
        workbook = member(archive, "xl/workbook.xml")
        if workbook is not None:
            with workbook:
                for _event, element in iterparse(workbook, filename, ("end",)):
                    if element.tag == f"{MAIN}workbookPr":
                        date1904 = element.get("date1904", "0") in ("1", "true")
        strings = _shared_strings(archive, filename)
        styles = _styles(archive, filename)
        return [
            _read_sheet(archive, filename, name, sheet_path, strings, styles, date1904)
            for name, sheet_path in sheets
        ]
