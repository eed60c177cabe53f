"""Uploaded files kept between the preview and the save, as ``imports/<token>.<ext>`` in the
default storage (the database, decision 0083), so the save may reach another app server than
the preview did.

Each upload gets a random name; the session remembers which names belong to whom, so a
person can only confirm their own upload. Files older than a day are removed on the next
upload (an abandoned preview leaves nothing behind for long).

The readers open a file by path (LibreOffice converts some formats), so a storage that has no
local paths gets a copy of the file in this server's temporary folder, made on first use and
removed with the upload; a token is never reused, so a copy is never stale.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage

MAX_AGE_SECONDS = 24 * 60 * 60
FOLDER = "imports"
_TOKEN_LENGTH = 22  # secrets.token_urlsafe(16)


def _storage() -> Storage:
    return default_storage


def copies() -> Path:
    """This server's folder of local copies (for storages without paths)."""
    return Path(tempfile.gettempdir()) / f"guankao-imports-{os.getuid()}"


def _valid(token: str) -> bool:
    return len(token) == _TOKEN_LENGTH and all(c.isalnum() or c in "-_" for c in token)


def _name(token: str, extension: str) -> str:
    return f"{FOLDER}/{token}.{extension}"


def save_upload(chunks: Iterable[bytes], extension: str) -> str:
    """Store an uploaded file under a new random name; return its token."""
    sweep()
    token = secrets.token_urlsafe(16)
    saved = _storage().save(_name(token, extension), ContentFile(b"".join(chunks)))
    if saved != _name(token, extension):  # a 128-bit token is never taken; refuse if it were
        _storage().delete(saved)
        raise FileExistsError(saved)
    return token


def path_of(token: str, extension: str) -> Path | None:
    """A local path of the stored file of ``token``, or None when it is gone or the token is
    malformed."""
    if not _valid(token) or not extension.isalnum():
        return None
    name = _name(token, extension)
    storage = _storage()
    if not storage.exists(name):
        return None
    try:
        return Path(storage.path(name))  # a file system storage: the file itself
    except NotImplementedError:
        pass
    copy = copies() / f"{token}.{extension}"
    if not copy.is_file():
        copies().mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = copy.with_name(f".{copy.name}.{secrets.token_hex(4)}")
        with storage.open(name, "rb") as source, partial.open("xb") as target:
            for chunk in source.chunks():
                target.write(chunk)
        partial.replace(copy)  # a reader in another thread never sees half a file
    return copy


def delete(token: str, extension: str) -> None:
    """Remove the upload of ``token`` and this server's copy of it."""
    if not _valid(token) or not extension.isalnum():
        return
    _storage().delete(_name(token, extension))
    (copies() / f"{token}.{extension}").unlink(missing_ok=True)


def sweep(now: float | None = None) -> int:
    """Remove stored uploads older than a day (and old local copies); return how many stored
    uploads were removed."""
    limit = (now or time.time()) - MAX_AGE_SECONDS
    storage = _storage()
    removed = 0
    try:
        _folders, names = storage.listdir(FOLDER)
    except FileNotFoundError:  # a file system storage before the first upload
        names = []
    for file_name in names:
        name = f"{FOLDER}/{file_name}"
        modified = storage.get_modified_time(name)
        if modified.timestamp() < limit:
            storage.delete(name)
            removed += 1
    if copies().is_dir():
        for path in copies().iterdir():
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
    return removed
