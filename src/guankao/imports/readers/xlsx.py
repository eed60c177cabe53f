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

from guankao.imports.exceptions import FileRejected
from guankao.imports.readers.base import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_CELLS_PER_ROW,
    MAX_NUMBER_EXPONENT,
    MAX_SHARED_STRINGS,
    MAX_STYLES,
    MAX_ZIP_ENTRIES,
    Budget,
    Grid,
    GridBuilder,
    GridKind,
    clean_cell_text,
    column_index,
    column_letter,
    parse_int,
)
from guankao.imports.readers.package import member, not_a, open_package
from guankao.imports.readers.xml import corrupt, iterparse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

C, F, ROW, MERGE = f"{MAIN}c", f"{MAIN}f", f"{MAIN}row", f"{MAIN}mergeCell"
SI = f"{MAIN}si"
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


def _sheets(archive: zipfile.ZipFile, filename: str, budget: Budget) -> list[tuple[str, str]]:
    """(sheet name, member path) of every worksheet, in workbook order."""
    targets: dict[str, str] = {}
    rels = member(archive, "xl/_rels/workbook.xml.rels", filename)
    if rels is not None:
        with rels:
            for _event, element in iterparse(rels, filename, ("end",), budget=budget):
                if element.tag == f"{PKG_REL}Relationship":
                    target = element.get("Target", "")
                    path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                    path = posixpath.normpath(path)
                    if path in archive.NameToInfo:
                        targets[element.get("Id", "")] = path
                        if len(targets) > MAX_ZIP_ENTRIES:
                            raise corrupt(filename, "xl/_rels/workbook.xml.rels")
    workbook = member(archive, "xl/workbook.xml", filename)
    if workbook is None:
        raise not_a(filename, "XLSX", b"PK", archive)
    sheets: list[tuple[str, str]] = []
    with workbook:
        for _event, element in iterparse(workbook, filename, ("end",), budget=budget):
            if element.tag == f"{MAIN}sheet":
                path = targets.get(element.get(f"{REL}id", ""), "")
                if path in archive.NameToInfo:
                    sheets.append((element.get("name", ""), path))
                    if len(sheets) > MAX_ZIP_ENTRIES:
                        raise corrupt(filename, "xl/workbook.xml")
    return sheets


def _shared_strings(archive: zipfile.ZipFile, filename: str, budget: Budget) -> list[str]:
    stream = member(archive, "xl/sharedStrings.xml", filename)
    if stream is None:
        return []
    strings: list[str] = []
    with stream:
        events = iterparse(stream, filename, ("end",), records=frozenset({SI}), budget=budget)
        for _event, element in events:
            if element.tag == SI:
                # One longer than a cell may be: a cell that uses it is refused, with its place.
                strings.append(_text(element)[: MAX_CELL_CHARS + 1])
                if len(strings) > MAX_SHARED_STRINGS:
                    raise FileRejected(
                        filename,
                        _("資料超過 %(limit)s 格，請分成幾個檔案匯入。")
                        % {"limit": f"{MAX_CELLS:,}"},
                    )
    return strings


def _style_number(element: ET.Element, filename: str) -> int:
    value = element.get("numFmtId", "0")
    number = parse_int(value, 0)
    if number is None or number < 0:
        raise corrupt(filename, f'xl/styles.xml：numFmtId="{value[:20]}"')
    return number


def _styles(archive: zipfile.ZipFile, filename: str, budget: Budget) -> list[str]:
    """For each cell style index: "percent", "date" or "" (a plain number)."""
    stream = member(archive, "xl/styles.xml", filename)
    if stream is None:
        return []
    codes: dict[int, str] = {}
    kinds: list[str] = []
    in_cell_xfs = False
    with stream:
        for event, element in iterparse(stream, filename, budget=budget):
            if element.tag == f"{MAIN}cellXfs":
                in_cell_xfs = event == "start"
            elif event == "end" and element.tag == f"{MAIN}numFmt":
                codes[_style_number(element, filename)] = element.get("formatCode", "")[:255]
            elif event == "end" and element.tag == f"{MAIN}xf" and in_cell_xfs:
                number_format = _style_number(element, filename)
                code = _QUOTED.sub("", codes.get(number_format, ""))
                if number_format in _BUILTIN_PERCENT or "%" in code:
                    kinds.append("percent")
                elif number_format in _BUILTIN_DATE or (
                    number_format in codes and re.search(r"[ymd]", code, re.IGNORECASE)
                ):
                    kinds.append("date")
                else:
                    kinds.append("")
            if len(codes) > MAX_STYLES or len(kinds) > MAX_STYLES:
                raise corrupt(filename, "xl/styles.xml")
    return kinds


def _decimal(value: str) -> Decimal | None:
    """A stored number, or None when it is not one or too large or small to write out."""
    if len(value) > MAX_NUMBER_EXPONENT:
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number.adjusted()) > MAX_NUMBER_EXPONENT:
        return None
    return number


def format_number(value: str) -> str:
    """A stored number as people write it: ``1159000.0`` → ``1159000``, ``98.5`` stays.

    What is not a number, or one too large or small to write out (``9e999999``), is kept as
    written.
    """
    number = _decimal(value)
    if number is None:
        return value
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def format_percent(value: str) -> str:
    """A stored fraction as a percentage: ``0.985`` → ``98.5%``; anything else as written."""
    number = _decimal(value)
    if number is None:
        return value
    return format_number(str(number * 100)) + "%"


def _excel_date(value: str, date1904: bool) -> str:
    epoch = datetime.date(1904, 1, 1) if date1904 else datetime.date(1899, 12, 30)
    try:
        return (epoch + datetime.timedelta(days=int(float(value)))).isoformat()
    except (ValueError, OverflowError):  # not a number, NaN, infinite, or past year 9999
        return value


def _cell_value(
    element: ET.Element,
    strings: list[str],
    styles: list[str],
    date1904: bool,
    where: str,
    filename: str,
) -> str:
    kind = element.get("t", "n")
    value = element.find(f"{MAIN}v")
    raw = value.text or "" if value is not None else ""
    if kind == "s":
        if not raw:
            return ""
        index = parse_int(raw, 0)
        if index is None or not 0 <= index < len(strings):
            raise corrupt(
                filename,
                _("%(cell)s 的字串編號「%(index)s」不正確") % {"cell": where, "index": raw[:20]},
            )
        return strings[index]
    if kind == "inlineStr":
        inline = element.find(f"{MAIN}is")
        return _text(inline) if inline is not None else ""
    if kind == "b":
        return "TRUE" if raw == "1" else "FALSE"
    if kind in ("str", "e", "d"):
        return raw
    if not raw:
        return ""
    style_attribute = element.get("s", "0")
    style = parse_int(style_attribute, 0)
    if style is None or style < 0:
        raise corrupt(
            filename,
            _("%(cell)s 的樣式編號「%(style)s」不正確")
            % {"cell": where, "style": style_attribute[:20]},
        )
    style_kind = styles[style] if style < len(styles) else ""
    if style_kind == "percent":
        return format_percent(raw)
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
    budget: Budget,
) -> Grid:
    builder = GridBuilder(filename=filename, name=name, kind=GridKind.SHEET, budget=budget)
    merges: list[tuple[int, int, int, int]] = []
    row_number = 0
    stream = member(archive, path, filename)
    if stream is None:
        raise not_a(filename, "XLSX", b"PK", archive)
    with stream:
        # End events only: a cell is complete when it ends, and a row's number is checked
        # before its cells are kept. Each cell is dropped once read, each row once it ends.
        cells: list[tuple[int, str]] = []
        column = -1
        cell_elements = row_elements = 0
        events = iterparse(stream, filename, ("end",), records=frozenset({C}), budget=budget)
        for _event, element in events:
            tag = element.tag
            if tag == C:
                cell_elements += 1
                if cell_elements > MAX_CELLS_PER_ROW:
                    raise FileRejected(filename, _("有一列的儲存格太多，無法讀取。"))
                ref = _CELL_REF.fullmatch(element.get("r", ""))
                column = column_index(ref[1]) if ref else column + 1
                cell = ref[0] if ref else f"{column_letter(column)}{row_number + 1}"
                if element.find(F) is not None:
                    raise FileRejected(
                        filename,
                        _("%(cell)s 是公式；請將公式改為數值（選擇性貼上→值）後再匯入。")
                        % {"cell": f"{name}!{cell}"},
                    )
                text = clean_cell_text(
                    _cell_value(element, strings, styles, date1904, f"{name}!{cell}", filename)
                )
                if text:
                    cells.append((column, text))
            elif tag == ROW:
                row_elements += 1
                builder.check_row(row_elements)
                number = parse_int(element.get("r"), row_number + 1)
                if number is None or number < 1:
                    raise corrupt(
                        filename,
                        _("「%(name)s」的列號「%(row)s」不正確")
                        % {"name": name, "row": element.get("r", "")[:20]},
                    )
                row_number = number
                if cells:
                    builder.check_row(row_number)
                    for cell_column, text in cells:
                        builder.set(row_number, cell_column, text)
                cells, column, cell_elements = [], -1, 0
            elif tag == MERGE:
                first, _colon, last = element.get("ref", "").partition(":")
                start, end = _CELL_REF.fullmatch(first), _CELL_REF.fullmatch(last or first)
                if start and end:
                    merges.append(
                        (int(start[2]), column_index(start[1]), int(end[2]), column_index(end[1]))
                    )
                    if len(merges) > MAX_CELLS:
                        raise FileRejected(
                            filename,
                            _("資料超過 %(limit)s 格，請分成幾個檔案匯入。")
                            % {"limit": f"{MAX_CELLS:,}"},
                        )
    for first_row, first_column, last_row, last_column in merges:
        builder.fill_merge(first_row, first_column, last_row, last_column)
    return builder.build()


def read_xlsx(path: Path, filename: str) -> list[Grid]:
    """Every worksheet of an XLSX workbook as a grid."""
    budget = Budget()
    with open_package(path, filename, "XLSX") as archive:
        sheets = _sheets(archive, filename, budget)
        if not sheets:
            raise not_a(filename, "XLSX", b"PK", archive)
        date1904 = False
        workbook = member(archive, "xl/workbook.xml", filename)
        if workbook is not None:
            with workbook:
                for _event, element in iterparse(workbook, filename, ("end",), budget=budget):
                    if element.tag == f"{MAIN}workbookPr":
                        date1904 = element.get("date1904", "0") in ("1", "true")
        strings = _shared_strings(archive, filename, budget)
        styles = _styles(archive, filename, budget)
        return [
            _read_sheet(archive, filename, name, sheet_path, strings, styles, date1904, budget)
            for name, sheet_path in sheets
        ]
