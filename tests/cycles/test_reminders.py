"""``guankao send_reminders`` against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import datetime
import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.core.management.base import CommandError

from guankao.cycles.models import Reminder
from guankao.tw import format_roc_date
from tests.cycles.conftest import Demo, fill_and_submit

pytestmark = pytest.mark.django_db


@dataclass
class Received:
    sender: str
    recipients: list[str]
    subject: str
    body: str


@dataclass
class Inbox:
    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        body = message.get_body()
        assert body is not None
        self.messages.append(
            Received(
                sender=envelope.mail_from,
                recipients=list(envelope.rcpt_tos),
                # Long encoded subjects are folded after "Subject:"; unfolding leaves a space.
                subject=str(message["Subject"]).strip(),
                body=body.get_content(),
            )
        )
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1; Django's SMTP backend pointed at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "guankao@keelung.example"
    settings.GUANKAO_BASE_URL = "https://guankao.keelung.example"
    try:
        yield inbox
    finally:
        controller.stop()


def run(*args: str) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def day(value: datetime.date) -> str:
    return format_roc_date(value, "slash")


def test_before_the_deadline_once(demo: Demo, smtp: Inbox) -> None:
    deadline = demo.period.deadline
    assert run("--date", day(deadline - datetime.timedelta(days=8))).count("已寄送：") == 0
    out = run("--date", day(deadline - datetime.timedelta(days=5)))
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message.sender == "guankao@keelung.example"
    assert message.recipients == ["demo-reporter-police@guankao.example"]
    roc_deadline = format_roc_date(deadline)
    assert message.subject == (
        f"【guankao】［示範資料］填報提醒：113H1 基隆市新住民照顧服務業務分工一覽表（截止日 {roc_deadline}）"
    )
    assert "警察局 填報人您好：" in message.body
    assert (
        f"基隆市「113年上半年（113H1）」基隆市新住民照顧服務業務分工一覽表辦理情形填報。填報截止日為 {roc_deadline}，還有 5 天。"
        in message.body
    )
    assert "目前狀態：草稿。" in message.body
    police = demo.submission("keelung-police")
    assert f"https://guankao.keelung.example/cycles/submissions/{police.pk}/" in message.body
    # Agencies without a reporter's e-mail are listed, not silently dropped.
    assert "略過：113H1 文化局（截止前提醒）：文化局 沒有設定電子郵件的填報人" in out
    # The next day: already reminded, nothing more.
    run("--date", day(deadline - datetime.timedelta(days=4)))
    assert len(smtp.messages) == 1


def test_when_late_weekly(demo: Demo, smtp: Inbox) -> None:
    deadline = demo.period.deadline
    run("--date", day(deadline + datetime.timedelta(days=3)))
    assert len(smtp.messages) == 1
    late = smtp.messages[0]
    assert late.subject.startswith("【guankao】［示範資料］逾期催報：113H1")
    assert f"填報截止日為 {format_roc_date(deadline)}，已逾期 3 天，請儘速填報。" in late.body
    run("--date", day(deadline + datetime.timedelta(days=9)))
    assert len(smtp.messages) == 1  # within a week of the last one
    run("--date", day(deadline + datetime.timedelta(days=10)))
    assert len(smtp.messages) == 2
    assert Reminder.objects.filter(kind="late").count() == 2


def test_sent_submissions_get_no_reminder(demo: Demo, smtp: Inbox) -> None:
    fill_and_submit(demo.submission("keelung-police"), demo.user("demo-reporter-police"))
    run("--date", day(demo.period.deadline + datetime.timedelta(days=1)))
    assert smtp.messages == []


def test_dry_run_sends_nothing(demo: Demo, smtp: Inbox) -> None:
    out = run("--dry-run", "--date", day(demo.period.deadline))
    assert "將寄送：113H1 警察局（截止前提醒）" in out
    assert smtp.messages == [] and not Reminder.objects.exists()


def test_a_server_that_is_down(demo: Demo, smtp: Inbox, settings: Any) -> None:
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    err = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(
            "send_reminders", "--date", day(demo.period.deadline), stdout=StringIO(), stderr=err
        )
    assert failed.value.returncode == 1
    assert "寄送失敗：113H1 警察局" in err.getvalue()
    assert not Reminder.objects.exists()


def test_a_bad_date_is_refused(demo: Demo) -> None:
    with pytest.raises(CommandError, match="「明天」不是日期") as refused:
        run("--date", "明天")
    assert refused.value.returncode == 2
