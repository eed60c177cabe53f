"""Uploaded files kept between the preview and the save, under ``MEDIA_ROOT/imports/``.

Each upload gets a random name; the session remembers which names belong to whom, so a
person can only confirm their own upload. Files older than a day are removed on the next
upload (an abandoned preview leaves nothing behind for long).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 60 * 60
_TOKEN_LENGTH = 22  # secrets.token_urlsafe(16)


def folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _valid(token: str) -> bool:
    return len(token) == _TOKEN_LENGTH and all(c.isalnum() or c in "-_" for c in token)


def save_upload(chunks: Iterable[bytes], extension: str) -> str:
    """Store an uploaded file under a new random name; return its token."""
    sweep()
    token = secrets.token_urlsafe(16)
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    with (target / f"{token}.{extension}").open("xb") as stream:
        for chunk in chunks:
            stream.write(chunk)
    return token


def path_of(token: str, extension: str) -> Path | None:
    """The stored file of ``token``, or None when it is gone or the token is malformed."""
    if not _valid(token) or not extension.isalnum():
        return None
    path = folder() / f"{token}.{extension}"
    return path if path.is_file() else None


def delete(token: str, extension: str) -> None:
    path = path_of(token, extension)
    if path is not None:
        path.unlink(missing_ok=True)


def sweep(now: float | None = None) -> int:
    """Remove stored uploads older than a day; return how many were removed."""
    if not folder().is_dir():
        return 0
    limit = (now or time.time()) - MAX_AGE_SECONDS
    removed = 0
    for path in folder().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
