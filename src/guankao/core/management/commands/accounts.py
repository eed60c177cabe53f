"""``guankao accounts review [--disable]``: accounts not signed in for 90 days (資通系統防護基準
（中級）帳號管理), listed with their last sign-in; ``--disable`` disables them, audited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from guankao.core.accounts import IDLE_DAYS, idle_accounts, idle_accounts_disable
from guankao.tw import format_roc_date


class Command(BaseCommand):
    help = (
        "List accounts not signed in for 90 days (never signed in: counted from their creation) "
        "with their last sign-in as an ROC date; --disable disables them (is_active=False), each "
        "one audited. Examples: guankao accounts review; guankao accounts review --disable"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        review = actions.add_parser("review", help="idle accounts; --disable disables them")
        review.add_argument(
            "--disable", action="store_true", help="disable the accounts listed (audited)"
        )
        review.add_argument(
            "--days",
            default=str(IDLE_DAYS),
            help=f"idle after this many days without sign-in (default {IDLE_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days_text: str = options["days"]
        if not days_text.isdigit() or int(days_text) < 1:
            raise CommandError(
                _("--days 須為正整數（天數），收到「%(value)s」。") % {"value": days_text},
                returncode=2,
            )
        days = int(days_text)
        users = (
            idle_accounts_disable(days=days, actor=None)
            if options["disable"]
            else list(idle_accounts(days=days))
        )
        for user in users:
            last = (
                format_roc_date(timezone.localtime(user.last_login).date())
                if user.last_login
                else _("從未登入（%(date)s 建立）")
                % {"date": format_roc_date(timezone.localtime(user.date_joined).date())}
            )
            self.stdout.write(f"{user.get_username()}\t{user.get_full_name()}\t{last}")
        if options["disable"]:
            summary = _("已停用 %(n)d 個閒置 %(days)d 天以上的帳號。")
        else:
            summary = _("閒置 %(days)d 天以上的帳號：%(n)d 個。")
        self.stdout.write(summary % {"n": len(users), "days": days})
