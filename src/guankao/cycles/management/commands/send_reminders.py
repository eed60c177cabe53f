"""``guankao send_reminders``: e-mail agencies whose submission is due soon or late.

Meant to run once a day from cron or a systemd timer (docs/cycles.md). Each reminder is recorded,
so running it twice on a day sends nothing the second time.
"""

from __future__ import annotations

import datetime
import smtplib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from guankao.core.exceptions import GuankaoError
from guankao.cycles.reminders import reminder_send, reminders_due
from guankao.tw import format_roc_date, parse_roc_date


def _day(text: str) -> datetime.date:
    try:
        value = parse_roc_date(text)
    except ValueError:
        value = None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            "--date: "
            + _("「%(value)s」不是日期，請寫成 113/07/10 或 2024-07-10。") % {"value": text},
            returncode=2,
        ) from None


class Command(BaseCommand):
    help = (
        "Send e-mail reminders for submissions due within 7 days (once) or late (weekly). "
        "Example: guankao send_reminders --base-url https://guankao.example.gov.tw"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="act as if today were this day (ROC 113/07/10 or ISO); default today"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be sent, send nothing"
        )
        parser.add_argument(
            "--base-url", help="the site's address for links (default: GUANKAO_BASE_URL)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["date"]) if options["date"] else timezone.localdate()
        due = reminders_due(today=today)
        sent = skipped = failed = 0
        for submission, kind in due:
            label = f"{submission.period.code} {submission.agency.label}（{kind.label}）"
            if options["dry_run"]:
                self.stdout.write(_("將寄送：%(item)s") % {"item": label})
                continue
            try:
                reminder = reminder_send(
                    submission=submission,
                    kind=kind,
                    actor=None,
                    base_url=options["base_url"],
                    today=today,
                )
            except GuankaoError as error:
                skipped += 1
                self.stdout.write(_("略過：%(item)s：%(why)s") % {"item": label, "why": error})
            except (smtplib.SMTPException, OSError) as error:
                failed += 1
                self.stderr.write(_("寄送失敗：%(item)s：%(why)s") % {"item": label, "why": error})
            else:
                sent += 1
                self.stdout.write(
                    _("已寄送：%(item)s → %(to)s") % {"item": label, "to": reminder.recipients}
                )
        self.stdout.write(
            _(
                "%(day)s：應寄 %(due)d 份，已寄送 %(sent)d 份，略過 %(skipped)d 份，失敗 %(failed)d 份。"
            )
            % {
                "day": format_roc_date(today),
                "due": len(due),
                "sent": sent,
                "skipped": skipped,
                "failed": failed,
            }
        )
        if failed:
            raise CommandError(
                _("%(n)d 份催報通知寄送失敗，請檢查郵件伺服器設定。") % {"n": failed}, returncode=1
            )
