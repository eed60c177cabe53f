"""CSV in UTF-8 (with or without BOM) or Big5, as Excel in Taiwan saves it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.utils.translation import gettext as _

from guankao.imports.exceptions import FileRejected
from guankao.imports.readers.base import (
    MAX_CELL_CHARS,
    MAX_CELLS_PER_ROW,
    MAX_CSV_ROW_CHARS,
    MAX_SNIFF_CHARS,
    MAX_SNIFF_LINES,
    Grid,
    GridBuilder,
    GridKind,
    clean_cell_text,
)
from guankao.imports.readers.package import check_size, sniff

# cp950 is Big5 as Windows writes it (Excel's "CSV" in a Taiwanese locale); big5hkscs reads the
# Hong Kong additions some files carry. UTF-8 is tried first: Big5 bytes are rarely valid UTF-8.
ENCODINGS = ("utf-8", "cp950", "big5hkscs")


def decode(data: bytes, filename: str) -> str:
    """The text of a CSV file, whichever of the accepted encodings it is in."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError:
            pass
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected(filename, _("無法辨識文字編碼；請存成 UTF-8 或 Big5 的 CSV。"))


def sniff_sample(text: str) -> str:
    """The first lines of ``text``, few and short enough for ``csv.Sniffer`` to be quick.

    The sniffer's regular expressions take seconds on one long line (``"a`` and 30,000
    commas took 27 s), so it sees at most MAX_SNIFF_LINES lines and MAX_SNIFF_CHARS characters.
    """
    sample = text[:MAX_SNIFF_CHARS]
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1 and len(sample) == MAX_SNIFF_CHARS:
        lines.pop()  # cut short: keep only whole lines
    return "".join(lines[:MAX_SNIFF_LINES])


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        return csv.excel


class _Lines:
    """The lines of the text for ``csv.reader``, refusing a row longer than its cells could be.

    A row may span lines (a quoted cell with line breaks); ``row_chars`` counts the characters
    handed over since the last row ended, so one row never holds more than MAX_CSV_ROW_CHARS.
    """

    def __init__(self, text: str, filename: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self._filename = filename
        self.row_chars = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.row_chars += len(line)
        if self.row_chars > MAX_CSV_ROW_CHARS:
            raise FileRejected(self._filename, _("有一列的內容過長，無法讀取。"))
        return line


def read_csv(path: Path, filename: str) -> list[Grid]:
    """The CSV file as one grid named after the file."""
    check_size(path, filename)
    data = path.read_bytes()
    found = sniff(data[:8])
    if found is not None or b"\x00" in data[:4096]:
        raise FileRejected(
            filename,
            _("副檔名是 CSV，內容卻是 %(found)s 檔案，無法匯入。")
            % {"found": found or _("二進位")},
        )
    if b"\x00" in data:
        # PostgreSQL stores no NUL character; no spreadsheet program writes one into a CSV.
        raise FileRejected(
            filename, _("檔案內含 NUL 字元（二進位資料），請重新存成 CSV 後再匯入。")
        )
    text = decode(data, filename)
    builder = GridBuilder(filename=filename, name=filename, kind=GridKind.SHEET)
    lines = _Lines(text, filename)
    reader = csv.reader(lines, _dialect(sniff_sample(text)))
    try:
        for number, row in enumerate(reader, start=1):
            lines.row_chars = 0
            builder.check_row(number)  # blank rows too: the work is bounded, not only the data
            if len(row) > MAX_CELLS_PER_ROW:
                raise FileRejected(filename, _("有一列的儲存格太多，無法讀取。"))
            cells = [clean_cell_text(cell) for cell in row]
            for column, cell in enumerate(cells):
                if cell:
                    builder.set(number, column, cell[: MAX_CELL_CHARS + 1])
    except csv.Error as error:
        raise FileRejected(filename, _("CSV 格式錯誤（%(error)s）。") % {"error": error}) from None
    return [builder.build()]
