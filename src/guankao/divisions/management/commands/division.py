"""``guankao division publish``: make a draft table version public, now or from a chosen day."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from guankao.core.exceptions import GuankaoError
from guankao.core.models import Jurisdiction
from guankao.divisions.models import DivisionTable
from guankao.divisions.services import division_table_publish
from guankao.tw import YearMonth, format_roc_date, parse_roc_date


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = (
        "Publish an imported (draft) division-table version: the public directory shows it from "
        "that day (Asia/Taipei); older versions keep printing exactly as they were. Example: "
        "guankao division publish --jurisdiction keelung --version 114.3 --on 114/04/01"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        publish = sub.add_parser("publish", help="publish a draft version, now or on a day")
        publish.add_argument("--jurisdiction", required=True, help="e.g. keelung")
        publish.add_argument("--version", required=True, help="ROC year.month, e.g. 114.3")
        publish.add_argument("--on", help="ROC date to publish on, e.g. 114/04/01 (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        slug: str = options["jurisdiction"]
        jurisdiction = Jurisdiction.objects.filter(slug=slug).first()
        if jurisdiction is None:
            raise _fail(_("沒有代碼為「%(slug)s」的縣市。") % {"slug": slug[:40]})
        table = self._table(jurisdiction, options["version"])
        today = timezone.localdate()
        on = self._day(options["on"]) if options["on"] else today
        try:
            division_table_publish(table=table, on=on, today=today, actor=None)
        except GuankaoError as error:
            raise _fail(str(error)) from None
        self.stdout.write(
            _("%(name)s 分工表 %(version)s 版自 %(date)s 起公開。")
            % {"name": jurisdiction.name, "version": table.version, "date": format_roc_date(on)}
        )

    @staticmethod
    def _table(jurisdiction: Jurisdiction, version: str) -> DivisionTable:
        try:
            month = parse_roc_date(version)
        except ValueError:
            month = None
        if not isinstance(month, YearMonth):
            raise _fail(_("版本「%(v)s」須為民國年.月，例如 114.3。") % {"v": version[:20]})
        table = (
            DivisionTable.objects.filter(
                jurisdiction=jurisdiction, effective_month=DivisionTable.month_of(month)
            )
            .select_related("jurisdiction")
            .first()
        )
        if table is None:
            raise _fail(
                _("%(name)s 沒有 %(v)s 版分工表。")
                % {"name": jurisdiction.name, "v": format_roc_date(month, "dot")}
            )
        return table

    @staticmethod
    def _day(text: str) -> datetime.date:
        try:
            day = parse_roc_date(text)
        except ValueError:
            day = None
        if not isinstance(day, datetime.date):
            raise _fail(
                _("「%(v)s」不是日期；請寫民國年/月/日，例如 114/04/01。") % {"v": text[:20]}
            )
        return day
