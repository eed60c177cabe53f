"""Checking an attachment before it is stored: size, and a type read from the bytes themselves.

The file name's extension must match what the content is, so a renamed executable is refused
even when it is called ``report.pdf``.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from guankao.cycles.exceptions import InputRejected

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

# extension → (content type, what people call it)
ALLOWED: dict[str, tuple[str, str]] = {
    ".pdf": ("application/pdf", "PDF"),
    ".odt": ("application/vnd.oasis.opendocument.text", "ODT"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "DOCX",
    ),
    ".png": ("image/png", "PNG"),
    ".jpg": ("image/jpeg", "JPEG"),
    ".jpeg": ("image/jpeg", "JPEG"),
}
MAX_FILES_PER_ENTRY = 10


def max_bytes() -> int:
    """The size limit, ``CYCLES_MAX_ATTACHMENT_MB`` megabytes (10 unless set)."""
    return int(getattr(settings, "CYCLES_MAX_ATTACHMENT_MB", 10)) * 1024 * 1024


class FileRefused(InputRejected):
    """A file that :func:`check_upload` refuses: the whole sentence, plus the file's name and a
    short reason for the list of files to choose again (「宣導成果.exe（不接受這種檔案）」)."""

    def __init__(self, message: str, *, name: str, short: str) -> None:
        self.name = name
        self.short = short
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """An upload that passed: its name as given, its type and its digest."""

    name: str
    content_type: str
    size: int
    sha256: str


def _zip_names(stream: IO[bytes]) -> tuple[list[str], bytes]:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
            return names, mimetype
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return [], b""


def _content_is(extension: str, head: bytes, stream: IO[bytes]) -> bool:
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if not head.startswith(b"PK\x03\x04"):
        return False
    stream.seek(0)
    names, mimetype = _zip_names(stream)
    if extension == ".odt":
        return bool(names) and names[0] == "mimetype" and mimetype.strip() == ODT_MIMETYPE
    return "[Content_Types].xml" in names and "word/document.xml" in names


def check_upload(upload: UploadedFile[Any]) -> CheckedFile:
    """Return what the upload is, or raise :class:`FileRefused` saying why it is refused."""
    name = PurePosixPath((upload.name or "").replace("\\", "/")).name or _("（未命名）")
    extension = PurePosixPath(name).suffix.lower()
    if extension not in ALLOWED:
        raise FileRefused(
            _("「%(name)s」的檔案類型不接受；請上傳 PDF、ODT、DOCX、PNG 或 JPEG 檔。")
            % {"name": name},
            name=name,
            short=_("不接受這種檔案"),
        )
    size = upload.size or 0
    if size == 0:
        raise FileRefused(
            _("「%(name)s」是空的檔案。") % {"name": name}, name=name, short=_("空的檔案")
        )
    limit = max_bytes()
    if size > limit:
        raise FileRefused(
            _("「%(name)s」有 %(size).1f MB，超過每個附件 %(limit)d MB 的上限。")
            % {"name": name, "size": size / 1024 / 1024, "limit": limit // 1024 // 1024},
            name=name,
            short=_("超過 %(limit)d MB") % {"limit": limit // 1024 // 1024},
        )
    stream = upload.file
    if stream is None:
        raise FileRefused(
            _("「%(name)s」是空的檔案。") % {"name": name}, name=name, short=_("空的檔案")
        )
    stream.seek(0)
    head = stream.read(16)
    content_type, kind = ALLOWED[extension]
    if not _content_is(extension, head, stream):
        raise FileRefused(
            _("「%(name)s」的內容不是 %(kind)s 檔，請確認檔案後再上傳。")
            % {"name": name, "kind": kind},
            name=name,
            short=_("內容不是 %(kind)s 檔") % {"kind": kind},
        )
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    stream.seek(0)
    return CheckedFile(
        name=name[:200], content_type=content_type, size=size, sha256=digest.hexdigest()
    )
