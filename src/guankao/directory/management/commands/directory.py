"""``guankao directory search``: the public directory's search from the command line."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guankao.directory.languages import SOURCE, normalise_language
from guankao.directory.presenters import present_search
from guankao.directory.snapshot import get_directory

MAX_LIMIT = 100


class Command(BaseCommand):
    help = (
        "Search the new-immigrant service directory of a jurisdiction, in any of its eleven "
        "languages. Example: guankao directory search 老公打我 --jurisdiction keelung --json"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        search = sub.add_parser("search", help="search the directory, best results first")
        search.add_argument("query", help="the question, in any language")
        search.add_argument("--jurisdiction", required=True, help="e.g. keelung")
        search.add_argument(
            "--lang", default=SOURCE, help="language of the output texts (default zh-hant)"
        )
        search.add_argument("--limit", type=int, default=10, help="at most this many results")
        search.add_argument("--json", action="store_true", help="print a JSON array")

    def handle(self, *args: Any, **options: Any) -> None:
        query: str = options["query"]
        code = normalise_language(options["lang"])
        if code is None:
            raise CommandError(
                _("不支援的語言「%(lang)s」。") % {"lang": options["lang"]}, returncode=2
            )
        limit: int = options["limit"]
        if not 1 <= limit <= MAX_LIMIT:
            raise CommandError(
                _("--limit 須介於 1 到 %(max)d 之間。") % {"max": MAX_LIMIT}, returncode=2
            )
        if not query.strip():
            raise CommandError(_("請輸入要查詢的問題。"), returncode=2)
        directory = get_directory(options["jurisdiction"])
        if directory is None:
            raise CommandError(
                _("找不到縣市「%(slug)s」的服務導覽。") % {"slug": options["jurisdiction"]},
                returncode=2,
            )
        view = present_search(directory, directory.search(query, limit=limit), code)
        if options["json"]:
            items = [task.as_json() for task in view.tasks]
            self.stdout.write(json.dumps(items, ensure_ascii=False, indent=2))
            return
        if view.violence:
            self.stdout.write("113 保護專線 / 110 報案專線")
        if not view.tasks:
            self.stdout.write("（沒有符合的業務）1990 外來人士在臺生活諮詢服務熱線")
        for task in view.tasks:
            phone = task.agency.phone.as_written if task.agency.phone else ""
            self.stdout.write(
                f"{task.score:8.3f}  {task.agency.label}  {phone}  [{task.area.name.text}]  "
                f"{task.text.text}"
            )
