"""``guankao import division|performance FILE …``: read a table staff already have, then save.

Examples::

    guankao import division 分工表.xlsx --jurisdiction keelung --version 114.3 --dry-run
    guankao import division table.docx --jurisdiction yilan --name 宜蘭縣 --version 114.3
    guankao import performance 績效報告.ods --org hsinchu-social --year 113
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guankao.core.exceptions import GuankaoError
from guankao.imports.preview import Preview, preview_lines
from guankao.imports.readers import FORMATS
from guankao.imports.services import (
    division_import,
    division_target,
    performance_import,
    performance_target,
)


class Command(BaseCommand):
    help = (
        "Import a division table (項目｜業務內容｜主辦單位) or a performance report's plan table "
        f"from {', '.join(f.upper() for f in FORMATS)}. --dry-run shows what was read and what "
        "would change, and writes nothing. Example: guankao import division 分工表.xlsx "
        "--jurisdiction keelung --version 114.3 --dry-run"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="division|performance")
        division = kinds.add_parser("division", help="a division table (分工表)")
        division.add_argument("file", type=Path)
        division.add_argument(
            "--jurisdiction", required=True, help="jurisdiction slug, e.g. keelung"
        )
        division.add_argument("--version", required=True, help="ROC year.month, e.g. 114.3")
        division.add_argument("--name", default="", help="the jurisdiction's name, if it is new")
        division.add_argument("--dry-run", action="store_true", help="preview only; write nothing")
        performance = kinds.add_parser("performance", help="a performance report's plan table")
        performance.add_argument("file", type=Path)
        performance.add_argument(
            "--org", required=True, help="department slug, e.g. hsinchu-social"
        )
        performance.add_argument("--year", required=True, type=int, help="ROC year, e.g. 113")
        performance.add_argument(
            "--dry-run", action="store_true", help="preview only; write nothing"
        )
        for subparser in (division, performance):
            # Also after the subcommand (guankao import division FILE -v 2): 2 lists every row.
            subparser.add_argument(
                "-v", "--verbosity", type=int, choices=[0, 1, 2, 3], default=argparse.SUPPRESS
            )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("%(file)s：找不到檔案。") % {"file": path}, returncode=2)
        save = not options["dry_run"]
        try:
            preview = self._run(options, path, save)
        except GuankaoError as problem:
            raise CommandError(str(problem), returncode=2) from None
        for line in preview_lines(preview, verbosity=options["verbosity"]):
            self.stdout.write(line)
        if preview.errors:
            raise CommandError(
                _("%(file)s：有 %(n)d 個錯誤，未寫入任何資料。")
                % {"file": path.name, "n": len(preview.errors)},
                returncode=2,
            )
        if preview.saved:
            self.stdout.write(_("已儲存。"))
        else:
            self.stdout.write(_("試算（--dry-run），未寫入任何資料。"))

    def _run(self, options: dict[str, Any], path: Path, save: bool) -> Preview:
        if options["kind"] == "division":
            target = division_target(
                jurisdiction=options["jurisdiction"],
                version=options["version"],
                name=options["name"],
            )
            return division_import(
                path=path, filename=path.name, target=target, actor=None, save=save
            )
        department = performance_target(org=options["org"], year=options["year"])
        return performance_import(
            path=path, filename=path.name, target=department, actor=None, save=save
        )
