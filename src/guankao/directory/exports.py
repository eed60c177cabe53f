"""``guankao export hsds``: the directory as Open Referral HSDS 3.0 JSON files.

Registered with the ``guankao export`` command through ``EXPORT_SUBCOMMANDS`` (see
``guankao.core.registry``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser, OutputWrapper
from django.utils.translation import gettext as _

from guankao.core.exceptions import GuankaoError
from guankao.core.registry import ExportSubcommand
from guankao.directory.hsds.export import write_export
from guankao.directory.snapshot import get_directory


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--jurisdiction", required=True, help="e.g. keelung")
    parser.add_argument("-o", "--output", required=True, type=Path, help="folder to write")


def run(options: dict[str, Any], stdout: OutputWrapper) -> None:
    """Validate the export against the official schemas, then write it to the folder."""
    directory = get_directory(options["jurisdiction"])
    if directory is None:
        raise GuankaoError(
            _("找不到縣市「%(slug)s」的服務導覽。") % {"slug": options["jurisdiction"]}
        )
    for path in write_export(directory, options["output"]):
        stdout.write(str(path))


EXPORT_SUBCOMMANDS = [
    ExportSubcommand(
        name="hsds",
        help="Open Referral HSDS 3.0 JSON files, validated against the official schemas. "
        "Example: guankao export hsds --jurisdiction keelung -o out/hsds",
        add_arguments=add_arguments,
        run=run,
    )
]
