"""``guankao export hsds``: the directory as Open Referral HSDS 3.0 JSON files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guankao.core.exceptions import GuankaoError
from guankao.directory.hsds.export import write_export
from guankao.directory.snapshot import get_directory


class Command(BaseCommand):
    help = (
        "Export a jurisdiction's service directory as HSDS 3.0 JSON (services, organizations, "
        "taxonomy terms), validated against the official schemas first. "
        "Example: guankao export hsds --jurisdiction keelung -o out/hsds"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="format", required=True)
        hsds = sub.add_parser("hsds", help="Open Referral HSDS 3.0 JSON files")
        hsds.add_argument("--jurisdiction", required=True, help="e.g. keelung")
        hsds.add_argument("-o", "--output", required=True, type=Path, help="folder to write")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = get_directory(options["jurisdiction"])
        if directory is None:
            raise CommandError(
                f"no directory for jurisdiction {options['jurisdiction']!r}", returncode=2
            )
        try:
            written = write_export(directory, options["output"])
        except GuankaoError as error:
            raise CommandError(str(error), returncode=2) from None
        for path in written:
            self.stdout.write(str(path))
