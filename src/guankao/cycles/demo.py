"""Demo data for reporting cycles: Keelung's open period 113H1, sample submissions, demo accounts.

Everything here is labelled 「示範資料」. The period's deadline is always 30 days from the day
the loader runs, so the demo looks open whenever it is run; running it twice on a day changes
nothing. Passwords are derived from the installation's SECRET_KEY: unique per installation, never
published, and the same on every run, so they can be printed each time (decision 0046).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from guankao.core.accounts import membership_grant, user_ensure
from guankao.core.models import Agency, Jurisdiction, Role
from guankao.core.services import Actor
from guankao.cycles import services
from guankao.cycles.models import ReportingPeriod, Submission, SubmissionStatus
from guankao.cycles.selectors import submission_whole
from guankao.cycles.state import Transition
from guankao.divisions.models import DivisionTable
from guankao.tw import YearMonth

JURISDICTION = "keelung"
TABLE_VERSION = YearMonth(2023, 7)  # 112.7
PERIOD_CODE = "113H1"
DEADLINE_IN_DAYS = 30
SAMPLE = "【示範資料】"


@dataclass(frozen=True, slots=True)
class DemoAccount:
    role: Role
    username: str
    full_name: str
    agency: str = ""  # agency slug for reporters; otherwise the jurisdiction is the scope


ACCOUNTS = (
    DemoAccount(Role.COORDINATOR, "demo-coordinator", "示範管考承辦人（民政處）"),
    DemoAccount(Role.REPORTER, "demo-reporter-police", "示範填報人（警察局）", "keelung-police"),
    DemoAccount(
        Role.REPORTER, "demo-reporter-civil", "示範填報人（民政處）", "keelung-civil-affairs"
    ),
    DemoAccount(Role.REVIEWER, "demo-reviewer", "示範審查委員"),
    DemoAccount(Role.ADMIN, "demo-admin", "示範系統管理者"),
)

# agency slug → the state its sample submission is left in
SAMPLES = {
    "keelung-health": SubmissionStatus.APPROVED,
    "keelung-civil-affairs": SubmissionStatus.SUBMITTED,
    "keelung-immigration-station": SubmissionStatus.RETURNED,
}


def demo_password(username: str) -> str:
    """The demo password of ``username`` on this installation (derived from SECRET_KEY)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"guankao-demo:{username}".encode(), hashlib.sha256
    ).digest()
    token = base64.b32encode(digest).decode().rstrip("=").lower()
    return f"Demo-{token[:4]}-{token[4:8]}-{token[8:12]}"


def _accounts(jurisdiction: Jurisdiction, actor: Actor) -> dict[str, User]:
    users: dict[str, User] = {}
    for account in ACCOUNTS:
        user = user_ensure(
            username=account.username,
            password=demo_password(account.username),
            email=f"{account.username}@guankao.example",
            full_name=account.full_name,
            is_staff=account.role == Role.ADMIN,
            is_superuser=account.role == Role.ADMIN,
            actor=actor,
        )
        if account.role == Role.REPORTER:
            agency = Agency.objects.get(slug=account.agency)
            membership_grant(user=user, role=account.role, agency=agency, actor=actor)
        elif account.role == Role.ADMIN:
            membership_grant(user=user, role=account.role, actor=actor)
        else:
            membership_grant(user=user, role=account.role, jurisdiction=jurisdiction, actor=actor)
        users[account.username] = user
    return users


def _fill(submission: Submission, actor: Actor) -> None:
    """Sample 辦理情形 and figures for every task, clearly marked as sample data."""
    whole = submission_whole(submission.pk)
    tasks = {
        entry.pk: services.TaskInput(
            narrative=f"{SAMPLE}{entry.task.text.rstrip('。')}：本期依計畫辦理，"
            f"以下數據為示範用的虛構數字。",
            figures=[
                services.FigureInput(label="辦理場次", value=Decimal(2 + i), unit="場"),
                services.FigureInput(label="參與", value=Decimal(120 * (i + 1)), unit="人次"),
            ],
        )
        for i, entry in enumerate(whole.task_entries.all())
    }
    services.submission_save_draft(
        submission=whole, expected_version=whole.version, tasks=tasks, actor=actor
    )
    services.submission_transition(submission=whole, transition=Transition.SUBMIT, actor=actor)


def _samples(period: ReportingPeriod, users: dict[str, User]) -> None:
    coordinator = users["demo-coordinator"]
    reviewer = users["demo-reviewer"]
    civil_reporter = users["demo-reporter-civil"]
    for slug, target in SAMPLES.items():
        submission = Submission.objects.with_scope().get(period=period, agency__slug=slug)
        reporter = civil_reporter if slug == "keelung-civil-affairs" else None
        _fill(submission, reporter)
        if target == SubmissionStatus.APPROVED:
            first = submission_whole(submission.pk).task_entries.first()
            services.comment_add(
                submission=submission,
                entry=first,
                body=f"{SAMPLE}辦理情形完整，建議下期補充受益人數的統計方式。",
                actor=reviewer,
            )
            services.submission_transition(
                submission=submission, transition=Transition.APPROVE, actor=coordinator
            )
        elif target == SubmissionStatus.RETURNED:
            services.submission_transition(
                submission=submission,
                transition=Transition.RETURN,
                reason=f"{SAMPLE}請補充各場次的辦理日期與地點。",
                actor=coordinator,
            )


@transaction.atomic
def load_demo(*, actor: Actor) -> list[tuple[str, str, str]]:
    """Load the demo period, sample submissions and accounts; returns (role, username, password).

    Idempotent: a second run on the same day writes nothing; on a later day it only moves the
    deadline so that the period still looks open.
    """
    jurisdiction = Jurisdiction.objects.get(slug=JURISDICTION)
    users = _accounts(jurisdiction, actor)
    table = DivisionTable.objects.get(
        jurisdiction=jurisdiction, effective_month=DivisionTable.month_of(TABLE_VERSION)
    )
    deadline = timezone.localdate() + datetime.timedelta(days=DEADLINE_IN_DAYS)
    period = ReportingPeriod.objects.filter(
        jurisdiction=jurisdiction, code=PERIOD_CODE, department__isnull=True
    ).first()
    if period is None:
        period = services.period_open(
            jurisdiction=jurisdiction,
            code=PERIOD_CODE,
            deadline=deadline,
            division_table=table,
            is_sample=True,
            actor=users["demo-coordinator"],
        )
        _samples(period, users)
    elif period.deadline != deadline:
        services.period_set_deadline(period=period, deadline=deadline, actor=actor)
    credentials = []
    for account in ACCOUNTS:
        where = (
            Agency.objects.get(slug=account.agency).label
            if account.agency
            else ("" if account.role == Role.ADMIN else jurisdiction.name)
        )
        label = f"{account.role.label}（{where}）" if where else str(account.role.label)
        credentials.append((label, account.username, demo_password(account.username)))
    return credentials
