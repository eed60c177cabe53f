"""``guankao export NAME …``: one subcommand per app module (see ``guankao.core.registry``).

Examples::

    guankao export template division --format ods --jurisdiction keelung --version 112.7 -o 分工表.ods
    guankao export template performance --format xlsx --org hsinchu-social --year 108 -o 績效.xlsx
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guankao.core.exceptions import GuankaoError
from guankao.core.registry import export_subcommands


class Command(BaseCommand):
    help = (
        "Export data in other formats; each app adds its own subcommand. Example: guankao "
        "export template division --format ods --jurisdiction keelung --version 112.7 -o t.ods"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = export_subcommands()
        names = "|".join(s.name for s in subcommands)
        subparsers = parser.add_subparsers(dest="subcommand", required=True, metavar=names)
        for subcommand in subcommands:
            subcommand.add_arguments(subparsers.add_parser(subcommand.name, help=subcommand.help))

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = next(s for s in export_subcommands() if s.name == options["subcommand"])
        try:
            subcommand.run(options, self.stdout)
        except GuankaoError as problem:
            raise CommandError(str(problem), returncode=2) from None
