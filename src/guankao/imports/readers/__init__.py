"""One reader per file format, each turning a file into grids of cell text (see ``base``)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from guankao.imports.exceptions import FileRejected
from guankao.imports.readers.base import MAX_FILE_BYTES, MAX_ROWS, Grid, GridKind, GridRow
from guankao.imports.readers.delimited import read_csv
from guankao.imports.readers.docx import read_docx
from guankao.imports.readers.odf import read_odf
from guankao.imports.readers.xlsx import read_xlsx

__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "FileRejected",
    "Grid",
    "GridKind",
    "GridRow",
    "read_grids",
]

FORMATS = ("xlsx", "ods", "csv", "docx", "odt")


def read_grids(path: Path, filename: str | None = None) -> list[Grid]:
    """Read every sheet or table of ``path``, choosing the reader by the file's extension.

    ``filename`` is the name shown in messages (an upload's original name); it defaults to the
    path's name. Raises :class:`FileRejected` with a message for the person who sent the file.
    """
    name = filename or path.name
    try:
        return _read(path, name)
    except RecursionError:
        # The readers bound the nesting of the XML (MAX_XML_DEPTH); this is the backstop.
        raise FileRejected(name, _("檔案的結構層次過深，無法讀取。")) from None


def _read(path: Path, name: str) -> list[Grid]:
    extension = Path(name).suffix.lower().lstrip(".")
    if extension == "xlsx":
        return read_xlsx(path, name)
    if extension in ("ods", "odt"):
        return read_odf(path, name, extension.upper())
    if extension == "docx":
        return read_docx(path, name)
    if extension == "csv":
        return read_csv(path, name)
    raise FileRejected(
        name,
        _("不支援這種檔案；請用 %(formats)s。")
        % {"formats": "、".join(f.upper() for f in FORMATS)},
    )
