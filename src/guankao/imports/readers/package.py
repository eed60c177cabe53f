"""Opening zip packages (XLSX, DOCX, ODS, ODT) only after checking what they would unpack to.

A zip's directory says how large each member is once uncompressed; Python's zipfile never
returns more than that, so checking the directory bounds the work before anything is
decompressed. A zip bomb (a tiny file that unpacks to gigabytes) is refused here.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guankao.imports.exceptions import FileRejected
from guankao.imports.readers.base import (
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MAX_UNCOMPRESSED_BYTES,
    MAX_ZIP_ENTRIES,
    RATIO_FLOOR_BYTES,
)

# What Python's zipfile raises for a damaged package: a bad header or CRC, a damaged deflate
# stream, a stream that ends early, an offset past the end of the file, a name that is not the
# UTF-8 its flag claims (UnicodeDecodeError is a ValueError), a compression method or flag it
# does not support.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    struct.error,
    NotImplementedError,
)
# Office programs store or deflate every member and never encrypt one.
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_ENCRYPTED_FLAGS = 0x01 | 0x40  # traditional, strong encryption
_PATCHED_FLAG = 0x20

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
        try:
            with archive.open("mimetype") as stream:
                mimetype = stream.read(100)
        except ZIP_ERRORS:
            return None
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
        if member.flag_bits & _ENCRYPTED_FLAGS:
            raise FileRejected(filename, _("檔案有密碼保護（已加密），請先移除密碼再匯入。"))
        if member.compress_type not in _METHODS or member.flag_bits & _PATCHED_FLAG:
            raise FileRejected(
                filename,
                _("內容「%(member)s」使用不支援的壓縮方式（%(method)d），無法匯入。")
                % {"member": member.filename, "method": member.compress_type},
            )
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
    except ZIP_ERRORS:
        raise not_a(filename, expected, head) from None
    with archive:
        check_members(archive, filename)
        yield archive


def damaged(filename: str, name: str) -> FileRejected:
    """The refusal of a package whose member ``name`` cannot be unpacked."""
    return FileRejected(
        filename, _("檔案已損毀：無法解壓縮「%(member)s」，無法匯入。") % {"member": name}
    )


class Member:
    """A member of a package opened for reading; a damaged one is refused as it is read."""

    def __init__(self, stream: IO[bytes], filename: str, name: str) -> None:
        self._stream = stream
        self._filename = filename
        self._name = name

    def read(self, size: int = -1, /) -> bytes:
        try:
            return self._stream.read(size)
        except ZIP_ERRORS:
            raise damaged(self._filename, self._name) from None

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> Member:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def member(archive: zipfile.ZipFile, name: str, filename: str) -> Member | None:
    """The named member opened for reading, or None when the package has none.

    ``filename`` is the file's name for messages: a member that cannot be opened or unpacked
    refuses the file (:func:`damaged`).
    """
    try:
        return Member(archive.open(name), filename, name)
    except KeyError:
        return None
    except ZIP_ERRORS:
        raise damaged(filename, name) from None
