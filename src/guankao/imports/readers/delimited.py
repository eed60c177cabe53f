"""CSV in UTF-8 (with or without BOM) or Big5, as Excel in Taiwan saves it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.utils.translation import gettext as _

from guankao.imports.readers.base import (
    MAX_CELL_CHARS,
    FileRejected,
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


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        return csv.excel


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
    text = decode(data, filename)
    builder = GridBuilder(filename=filename, name=filename, kind=GridKind.SHEET)
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text[:65536]))
    try:
        for number, row in enumerate(reader, start=1):
            cells = [clean_cell_text(cell) for cell in row]
            if any(cells):
                builder.check_row(number)
            for column, cell in enumerate(cells):
                if cell:
                    builder.set(number, column, cell[: MAX_CELL_CHARS + 1])
    except csv.Error as error:
        raise FileRejected(filename, _("CSV 格式錯誤（%(error)s）。") % {"error": error}) from None
    return [builder.build()]
