"""``guankao backup -o DIR``: the database, the uploaded files and a manifest, in a new directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guankao.site.backup import BackupRefused, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database (a portable JSON dump), the uploaded files and a manifest "
        "with the SHA-256 of every file and of every published report, into a new directory. "
        "Example: guankao backup -o /var/backups/guankao/2026-12-01"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o", "--output", type=Path, required=True, help="the new directory to write"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup(options["output"], progress=self.stdout.write)
        except BackupRefused as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(
            f"備份完成：{result.directory}，{result.rows} 筆資料、{result.files} 個上傳檔案，"
            f"{result.bytes / 1024 / 1024:.1f} MB，{result.seconds:.1f} 秒"
        )
