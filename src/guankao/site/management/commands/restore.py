"""``guankao restore DIR``: a backup into an empty database, verified before it is kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guankao.site.backup import BackupRefused, RestoreMismatch, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by guankao backup into an empty database: checks every file's "
        "SHA-256, migrates, loads the data in one transaction, restores the uploaded files, "
        "then checks the audit chain, the row counts and every published report against the "
        "manifest and undoes everything if they differ. "
        "Example: guankao restore /var/backups/guankao/2026-12-01"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="the backup directory")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore(options["directory"], progress=self.stdout.write)
        except BackupRefused as error:
            raise CommandError(str(error), returncode=2) from None
        except RestoreMismatch as error:
            raise CommandError(str(error), returncode=1) from None
        self.stdout.write(
            f"還原完成：{result.rows} 筆資料、{result.audit_entries} 筆稽核紀錄（雜湊鏈完整）、"
            f"{result.files} 個上傳檔案、{result.reports} 份施政績效報告相符，"
            f"{result.seconds:.1f} 秒"
        )
