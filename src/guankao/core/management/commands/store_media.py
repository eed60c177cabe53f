"""``guankao store_media``: move the uploaded files still on this server's disk (MEDIA_ROOT, from
before decision 0083) into the default storage, the database.

Run once on each server after upgrading, before the next backup. A file already stored under
the same name with the same content is skipped, so running it again is harmless; one stored
with different content is refused (exit 2) and left for a person to look at. ``--delete``
removes each file from disk once it is stored and read back.

    guankao store_media [--delete]
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Command(BaseCommand):
    help = "Move the uploaded files under MEDIA_ROOT into the default storage (the database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--delete", action="store_true", help="remove each file from disk once stored"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.MEDIA_ROOT)
        target = storages["default"]
        if (
            isinstance(target, FileSystemStorage)
            and Path(target.location).resolve() == root.resolve()
        ):
            # The files already are where the storage keeps them (and --delete would lose them).
            self.stdout.write(_("預設儲存區就是 MEDIA_ROOT，沒有檔案需要搬移。"))
            return
        paths = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
        stored = skipped = 0
        for path in paths:
            name = path.relative_to(root).as_posix()
            data = path.read_bytes()
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as existing:
                    if _sha256(existing.read()) != _sha256(data):
                        raise CommandError(
                            _("%(name)s：儲存區已有同名但內容不同的檔案，未搬移。")
                            % {"name": name},
                            returncode=2,
                        )
                skipped += 1
            else:
                with path.open("rb") as stream:
                    saved = default_storage.save(name, File(stream, name=name))
                if saved != name:  # the name is the one the rows point at; it must not change
                    default_storage.delete(saved)
                    raise CommandError(
                        _("%(name)s：無法以原名存入儲存區。") % {"name": name}, returncode=2
                    )
                stored += 1
            if options["delete"]:
                with default_storage.open(name, "rb") as check:
                    if _sha256(check.read()) == _sha256(data):
                        path.unlink()
        self.stdout.write(
            _("已搬移 %(stored)d 個檔案，%(skipped)d 個已在儲存區。")
            % {"stored": stored, "skipped": skipped}
        )
