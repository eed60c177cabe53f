"""E-mail reminders: before the deadline, when late, and by hand from the dashboard.

``guankao send_reminders`` (run daily by cron or a systemd timer, see docs/cycles.md) sends
what :func:`reminders_due` finds; the dashboard's button calls :func:`reminder_send` directly.
Messages are in Traditional Chinese with ROC dates, whatever language the sender's page used.
"""

from __future__ import annotations

import datetime
import smtplib

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guankao.core.permissions import Action, ensure_can
from guankao.core.services import Actor, audit_record
from guankao.cycles.exceptions import InputRejected
from guankao.cycles.models import Reminder, ReminderKind, Submission, SubmissionStatus
from guankao.cycles.selectors import reporters_of
from guankao.tw import format_roc_date

# Days before the deadline from which one "due soon" reminder goes out.
UPCOMING_DAYS = 7
# After the deadline, a late reminder at most this often.
LATE_EVERY_DAYS = 7

# What sending can raise when the mail server is down, refuses or drops the connection
# (socket errors are OSError; smtplib's own are listed for the reader). reminder_send lets
# them through with nothing recorded; its callers say so in their own words: the dashboard
# as a message, the API as a 409, send_reminders as a failed line.
MAIL_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPException, OSError)


def reminders_due(*, today: datetime.date) -> list[tuple[Submission, ReminderKind]]:
    """Submissions still with their agency that should get a reminder today, and which kind.

    Due soon: the deadline is 0–7 days away and no "due soon" reminder went out yet.
    Late: the deadline has passed and no late reminder went out in the last 7 days.
    """
    waiting = (
        Submission.objects.waiting_for_agency()
        .filter(period__deadline__gte=today - datetime.timedelta(days=365))
        .select_related("agency", "period", "period__jurisdiction", "period__division_table")
        .annotate(
            last_upcoming=Max(
                "reminders__sent_on", filter=Q(reminders__kind=ReminderKind.UPCOMING)
            ),
            last_late=Max("reminders__sent_on", filter=Q(reminders__kind=ReminderKind.LATE)),
        )
        .order_by("period__deadline", "period_id", "agency__label")
    )
    due: list[tuple[Submission, ReminderKind]] = []
    for submission in waiting:
        days_left = (submission.period.deadline - today).days
        if 0 <= days_left <= UPCOMING_DAYS and submission.last_upcoming is None:  # type: ignore[attr-defined]
            due.append((submission, ReminderKind.UPCOMING))
        elif days_left < 0:
            last: datetime.date | None = submission.last_late  # type: ignore[attr-defined]
            if last is None or (today - last).days >= LATE_EVERY_DAYS:
                due.append((submission, ReminderKind.LATE))
    return due


def compose(
    *, submission: Submission, kind: str, today: datetime.date, url: str
) -> tuple[str, str]:
    """The subject and body of a reminder, in zh-Hant with ROC dates."""
    period = submission.period
    with translation.override("zh-hant"):
        subject_of = period.division_table.title if period.division_table else _("施政計畫衡量標準")
        deadline = format_roc_date(period.deadline)
        days_left = (period.deadline - today).days
        sample = _("［示範資料］") if submission.is_sample else ""
        names = {
            "agency": submission.agency.label,
            "jurisdiction": period.jurisdiction.name,
            "code": period.code,
            "name": period.period.name,
            "subject": subject_of,
            "deadline": deadline,
            "days": abs(days_left),
            "status": SubmissionStatus(submission.status).label,
            "url": url,
        }
        if days_left < 0:
            subject = _("%(sample)s逾期催報：%(code)s %(subject)s（截止日 %(deadline)s）") % (
                names | {"sample": sample}
            )
            timing = _("填報截止日為 %(deadline)s，已逾期 %(days)d 天，請儘速填報。") % names
        else:
            subject = _("%(sample)s填報提醒：%(code)s %(subject)s（截止日 %(deadline)s）") % (
                names | {"sample": sample}
            )
            timing = (
                _("填報截止日為 %(deadline)s（今天）。") % names
                if days_left == 0
                else _("填報截止日為 %(deadline)s，還有 %(days)d 天。") % names
            )
        body = "\n\n".join(
            [
                _("%(agency)s 填報人您好：") % names,
                _("%(jurisdiction)s「%(name)s（%(code)s）」%(subject)s辦理情形填報。") % names
                + timing,
                _("目前狀態：%(status)s。") % names,
                _("請登入 guankao 填報：%(url)s") % names,
                _("此信由系統自動寄出，請勿直接回覆；如有疑問，請洽管考承辦人。"),
            ]
        )
    return f"【guankao】{subject}", body


def submission_url(submission: Submission, base_url: str | None = None) -> str:
    """The link in the message: the site's address (``GUANKAO_BASE_URL``) and the edit page."""
    base = str(base_url or getattr(settings, "GUANKAO_BASE_URL", "http://127.0.0.1:8000"))
    base = base.rstrip("/")
    return base + reverse("cycles:submission", args=[submission.pk])


@transaction.atomic
def reminder_send(
    *,
    submission: Submission,
    kind: ReminderKind,
    actor: Actor,
    base_url: str | None = None,
    today: datetime.date | None = None,
) -> Reminder:
    """E-mail the agency's reporters now and record it; raises InputRejected without recipients.

    One of :data:`MAIL_ERRORS` when the mail server fails: then nothing is written (the
    message goes out before the row and the audit entry, in one transaction).
    """
    ensure_can(actor, Action.REMINDER_SEND, submission.period)
    if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
        raise InputRejected(
            _("%(agency)s 已送出，不需要催報。") % {"agency": submission.agency.label}
        )
    recipients = sorted({m.user.email for m in reporters_of(submission.agency) if m.user.email})
    if not recipients:
        raise InputRejected(
            _("%(agency)s 沒有設定電子郵件的填報人，無法寄送。")
            % {"agency": submission.agency.label}
        )
    today = today or timezone.localdate()
    subject, body = compose(
        submission=submission, kind=kind, today=today, url=submission_url(submission, base_url)
    )
    # Sent before the row is written: a failed send leaves no record claiming it went out.
    EmailMessage(subject=subject, body=body, to=recipients).send(fail_silently=False)
    user = actor if isinstance(actor, User) else None
    reminder = Reminder.objects.create(
        submission=submission,
        kind=kind,
        recipients=", ".join(recipients),
        sent_at=timezone.now(),
        sent_on=today,
        sent_by=user,
    )
    audit_record(
        actor=actor,
        action="remind",
        obj=submission,
        after={"kind": kind.value, "recipients": recipients, "subject": subject},
    )
    return reminder
