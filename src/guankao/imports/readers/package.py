"""Opening zip packages (XLSX, DOCX, ODS, ODT) only after checking what they would unpack to.

A zip's directory says how large each member is once uncompressed; Python's zipfile never
returns more than that, so checking the directory bounds the work before anything is
decompressed. A zip bomb (a tiny file that unpacks to gigabytes) is refused here.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guankao.imports.readers.base import (
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MAX_UNCOMPRESSED_BYTES,
    MAX_ZIP_ENTRIES,
    RATIO_FLOOR_BYTES,
    FileRejected,
)

# First bytes of formats that people rename by mistake, to say what the file really is.
_MAGIC = (
    (b"%PDF", "PDF"),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("舊版 Office（.xls／.doc）")),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"{\\rtf", "RTF"),
)


def sniff(head: bytes) -> str | None:
    """Name the format that ``head`` (the first bytes of a file) starts like, if known."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return str(name)
    return None


def check_size(path: Path, filename: str) -> None:
    """Refuse an empty file or one over the size limit, before reading any of it."""
    size = path.stat().st_size
    if size == 0:
        raise FileRejected(filename, _("檔案是空的。"))
    if size > MAX_FILE_BYTES:
        raise FileRejected(
            filename,
            _("檔案太大（%(size).1f MB），上限為 %(limit)d MB。")
            % {"size": size / 1024 / 1024, "limit": MAX_FILE_BYTES // 1024 // 1024},
        )


def package_kind(archive: zipfile.ZipFile) -> str | None:
    """What an office package really is, from the parts it holds."""
    names = set(archive.namelist())
    if "xl/workbook.xml" in names:
        return "XLSX"
    if "word/document.xml" in names:
        return "DOCX"
    if "mimetype" in names:
        with archive.open("mimetype") as stream:
            mimetype = stream.read(100)
        for suffix, kind in ((b".spreadsheet", "ODS"), (b".text", "ODT")):
            if mimetype.endswith(suffix):
                return kind
    return None


def not_a(
    filename: str, expected: str, head: bytes, archive: zipfile.ZipFile | None = None
) -> FileRejected:
    """The error for a file whose content is not the format its name claims."""
    found = sniff(head)
    if archive is not None:
        found = package_kind(archive) or found
    if found and found not in ("ZIP", expected):
        return FileRejected(
            filename,
            _("副檔名是 %(expected)s，內容卻是 %(found)s 檔案，無法匯入。")
            % {"expected": expected, "found": found},
        )
    return FileRejected(
        filename, _("不是有效的 %(expected)s 檔案，無法匯入。") % {"expected": expected}
    )


def check_members(archive: zipfile.ZipFile, filename: str) -> None:
    """Refuse a package with too many members, too much data or a suspicious compression ratio."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_ENTRIES:
        raise FileRejected(filename, _("壓縮檔內的檔案太多，無法匯入。"))
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > RATIO_FLOOR_BYTES and (
            member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise FileRejected(
                filename,
                _("內容「%(member)s」壓縮比異常（%(ratio)d 倍），疑似壓縮炸彈，無法匯入。")
                % {
                    "member": member.filename,
                    "ratio": member.file_size // max(member.compress_size, 1),
                },
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise FileRejected(
            filename,
            _("解壓縮後超過 %(limit)d MB，無法匯入。")
            % {"limit": MAX_UNCOMPRESSED_BYTES // 1024 // 1024},
        )


@contextmanager
def open_package(path: Path, filename: str, expected: str) -> Iterator[zipfile.ZipFile]:
    """Open ``path`` as a zip package after the size, format and member checks."""
    check_size(path, filename)
    with path.open("rb") as stream:
        head = stream.read(8)
    if not zipfile.is_zipfile(path):
        raise not_a(filename, expected, head)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise not_a(filename, expected, head) from None
    with archive:
        check_members(archive, filename)
        yield archive


def member(archive: zipfile.ZipFile, name: str) -> IO[bytes] | None:
    """The named member opened for reading, or None when the package has none."""
    try:
        return archive.open(name)
    except KeyError:
        return None
