"""Uploaded files in the database (decision 0083): every app server reads what any of them
received, and one database backup holds them all.

``DatabaseStorage`` is a Django storage backend (``STORAGES["default"]``), so the code that
keeps files (cycle attachments, import previews) only speaks Django's storage API; an
S3-compatible object store (django-storages) can take its place in settings alone
(docs/deployment.md). Each file is one ``core.StoredFile`` row; names are the storage's own
("cycles/2026/12/<uuid>.pdf", "imports/<token>.xlsx"), with "/" separating folders.

Files are read whole into memory: the size limits of the upload paths (10 MB an attachment,
``imports.readers.MAX_FILE_BYTES`` an import) keep them small, and ``max_bytes`` refuses
anything larger that a future caller might pass.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.utils.deconstruct import deconstructible
from django.utils.encoding import filepath_to_uri

from guankao.core.models import StoredFile

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_SAVE_TRIES = 5


class StoredFileTooLarge(ValueError):
    """A file larger than the storage keeps; the upload paths refuse such files earlier."""


@deconstructible
class DatabaseStorage(Storage):
    """Files as rows of ``core.StoredFile``: name unique, content, size, SHA-256, created."""

    def __init__(self, max_bytes: int | None = None) -> None:
        self.max_bytes = max_bytes or DEFAULT_MAX_BYTES

    # --- reading ---------------------------------------------------------------------------

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if any(flag in mode for flag in "wa+"):
            # Django writes through save(); an open for writing would not reach the row.
            raise ValueError(f"DatabaseStorage opens files for reading only, not {mode!r}")
        content = StoredFile.objects.filter(name=name).values_list("content", flat=True).first()
        if content is None:
            raise FileNotFoundError(f"no stored file {name!r}")
        data = bytes(content)
        if "b" not in mode:
            return ContentFile(data.decode(), name=name)
        return ContentFile(data, name=name)

    def exists(self, name: str) -> bool:
        return StoredFile.objects.filter(name=name).exists()

    def size(self, name: str) -> int:
        size = StoredFile.objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(f"no stored file {name!r}")
        return int(size)

    def sha256(self, name: str) -> str:
        """The SHA-256 recorded when the file was saved."""
        digest = StoredFile.objects.filter(name=name).values_list("sha256", flat=True).first()
        if digest is None:
            raise FileNotFoundError(f"no stored file {name!r}")
        return str(digest)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = path.strip("/")
        prefix = f"{prefix}/" if prefix else ""
        names = StoredFile.objects.filter(name__startswith=prefix).values_list("name", flat=True)
        folders: set[str] = set()
        files: list[str] = []
        for name in names:
            rest = name[len(prefix) :]
            head, slash, _tail = rest.partition("/")
            if slash:
                folders.add(head)
            else:
                files.append(rest)
        return sorted(folders), sorted(files)

    def _created(self, name: str) -> datetime.datetime:
        created = StoredFile.objects.filter(name=name).values_list("created", flat=True).first()
        if created is None:
            raise FileNotFoundError(f"no stored file {name!r}")
        return created

    def get_created_time(self, name: str) -> datetime.datetime:
        return self._created(name)

    def get_modified_time(self, name: str) -> datetime.datetime:
        # A stored file is never changed in place: saving again makes a new name.
        return self._created(name)

    def get_accessed_time(self, name: str) -> datetime.datetime:
        return self._created(name)

    def url(self, name: str | None) -> str:
        # Nothing serves these files directly: each is downloaded through a view that checks
        # who may see it (cycles' attachment view). The URL is MEDIA_URL-shaped for code that
        # only displays it (the admin's file widget).
        return f"{settings.MEDIA_URL}{filepath_to_uri(name or '')}"

    # --- writing ---------------------------------------------------------------------------

    def _read_all(self, content: IO[Any] | File[Any]) -> bytes:
        if hasattr(content, "seek") and getattr(content, "seekable", lambda: True)():
            content.seek(0)
        parts: list[bytes] = []
        total = 0
        chunks = (
            content.chunks()
            if isinstance(content, File)
            else iter(lambda: content.read(1 << 20), b"")
        )
        for chunk in chunks:
            data = chunk.encode() if isinstance(chunk, str) else bytes(chunk)
            total += len(data)
            if total > self.max_bytes:
                raise StoredFileTooLarge(f"a stored file holds at most {self.max_bytes} bytes")
            parts.append(data)
        return b"".join(parts)

    def _save(self, name: str, content: File[Any]) -> str:
        data = self._read_all(content)
        digest = hashlib.sha256(data).hexdigest()
        for _try in range(_SAVE_TRIES):
            try:
                # A savepoint, so a name taken meanwhile by another server leaves the
                # caller's transaction usable for the next try.
                with transaction.atomic():
                    StoredFile.objects.create(
                        name=name, content=data, size=len(data), sha256=digest
                    )
                return name
            except IntegrityError:
                name = self.get_available_name(name, max_length=255)
        raise IntegrityError(f"no free name for a stored file like {name!r}")

    def delete(self, name: str) -> None:
        StoredFile.objects.filter(name=name).delete()
