"""Demo data for reporting cycles: Keelung's open period 113H1, sample submissions, demo accounts,
and the 民政處's quarterly reporting on its 115 plans (115Q1 approved, 115Q2 submitted) so that the
early warning (預警) predicts a red light and a corrective action is followed up.

Everything here is labelled 「示範資料」. The 113H1 deadline is always 30 days from the day
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
from guankao.performance import services as performance_services
from guankao.performance.models import ControlCode, Measure, MeasureKind, Plan
from guankao.performance.rows import IndicatorRow, MeasureRow, PlanRow
from guankao.tw import YearMonth, from_roc_year

JURISDICTION = "keelung"
TABLE_VERSION = YearMonth(2023, 7)  # 112.7
PERIOD_CODE = "113H1"
DEADLINE_IN_DAYS = 30
SAMPLE = "【示範資料】"

# The department whose plans are reported quarterly (its reporter is a demo account), the year,
# and each period's code and deadline.
PLAN_DEPARTMENT = "keelung-civil-affairs"
PLAN_YEAR = 115
PLAN_PERIODS = (("115Q1", datetime.date(2026, 4, 20)), ("115Q2", datetime.date(2026, 7, 20)))


def _numeric(label: str, target: int, unit: str) -> MeasureRow:
    return MeasureRow(label, MeasureKind.NUMERIC, Decimal(target), None, unit, "")


# (plan name, budget in thousands, [(indicator text, measure, Q1 figure, Q2 figure)]): a
# figure is the cumulative actual, or for a milestone (its done date, note). Chosen so that
# Q2 predicts every light: 1,800 of 6,000人次 (30% at mid-year) projects to 60%, red.
PLANS: tuple[
    tuple[
        str,
        int,
        tuple[tuple[str, MeasureRow, object, object], ...],
    ],
    ...,
] = (
    (
        "新住民生活適應輔導計畫",
        1200,
        (
            ("開設生活適應輔導班", _numeric("輔導班場次", 40, "場"), Decimal(9), Decimal(22)),
            ("新住民服務人次", _numeric("服務人次", 6000, "人次"), Decimal(900), Decimal(1800)),
        ),
    ),
    (
        "區里活動中心改善計畫",
        8500,
        (
            ("完成改善活動中心", _numeric("改善處數", 12, "處"), Decimal(3), Decimal(5)),
            (
                "活動中心改善規劃報告完成",
                MeasureRow(
                    "規劃報告完成",
                    MeasureKind.MILESTONE,
                    None,
                    None,
                    "",
                    "",
                    datetime.date(2026, 5, 31),
                ),
                (None, "規劃報告撰寫中。"),
                (None, "規劃報告初稿退回修正，預計8月完成。"),
            ),
            ("里民滿意度", _numeric("滿意度", 90, "%"), Decimal(88), Decimal(92)),
        ),
    ),
)


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


def _plans(department: Agency, actor: Actor) -> None:
    """The department's 115 plans, through the performance app's own service."""
    year = from_roc_year(PLAN_YEAR)
    if Plan.objects.filter(department=department, year=year).exists():
        return
    rows = [
        PlanRow(
            number=n,
            name=name,
            budget_thousands=budget,
            reported_rate=None,
            control_code=ControlCode.SELF_MANAGED,
            control_note="",
            indicators=tuple(
                IndicatorRow(
                    i,
                    f"{SAMPLE}{text}",
                    f"{text}{measure.target:,}{measure.unit}"
                    if measure.kind == MeasureKind.NUMERIC and measure.target is not None
                    else f"{text}（115年5月底前）",
                    "",
                    (measure,),
                )
                for i, (text, measure, _q1, _q2) in enumerate(indicators, start=1)
            ),
        )
        for n, (name, budget, indicators) in enumerate(PLANS, start=1)
    ]
    performance_services.plans_create(department=department, year=year, plans=rows, actor=actor)


def _figures(submission: Submission, quarter: int) -> dict[int, services.MeasureInput]:
    """The sample figures of ``quarter`` (1 or 2), keyed by the submission's measure entries."""
    figures = {
        (n, i): spec[2 + quarter - 1]
        for n, (_name, _budget, indicators) in enumerate(PLANS, start=1)
        for i, spec in enumerate(indicators, start=1)
    }
    inputs = {}
    for entry in submission.measure_entries.select_related("measure__indicator__plan"):
        figure = figures[(entry.measure.indicator.plan.number, entry.measure.indicator.number)]
        if isinstance(figure, tuple):
            done, note = figure
            inputs[entry.pk] = services.MeasureInput(actual=None, done=done, note=SAMPLE + note)
        else:
            inputs[entry.pk] = services.MeasureInput(actual=figure)  # type: ignore[arg-type]
    return inputs


def _plan_periods(jurisdiction: Jurisdiction, users: dict[str, User], actor: Actor) -> None:
    """115Q1 (approved, a corrective action opened) and 115Q2 (submitted, the action followed
    up): what the early warning of ``make run`` shows. Skipped once 115Q1 exists."""
    department = Agency.objects.get(slug=PLAN_DEPARTMENT)
    if ReportingPeriod.objects.filter(department=department, code=PLAN_PERIODS[0][0]).exists():
        return
    _plans(department, actor)
    coordinator = users["demo-coordinator"]
    reporter = users["demo-reporter-civil"]
    periods = []
    for quarter, (code, deadline) in enumerate(PLAN_PERIODS, start=1):
        period = services.period_open(
            jurisdiction=jurisdiction,
            code=code,
            deadline=deadline,
            department=department,
            is_sample=True,
            actor=coordinator,
        )
        periods.append(period)
        submission = submission_whole(
            Submission.objects.with_scope().get(period=period, agency=department).pk
        )
        services.submission_save_draft(
            submission=submission,
            expected_version=submission.version,
            tasks={},
            measures=_figures(submission, quarter),
            actor=reporter,
        )
        services.submission_transition(
            submission=submission, transition=Transition.SUBMIT, actor=reporter
        )
        if quarter == 1:
            services.submission_transition(
                submission=submission, transition=Transition.APPROVE, actor=coordinator
            )
    # 900 of 6,000人次 after Q1 projected to 60%: the coordinator opens an action in Q1, and
    # the reporter follows it up in Q2 (where the projection is still red).
    people = Measure.objects.get(
        indicator__plan__department=department,
        indicator__plan__year=from_roc_year(PLAN_YEAR),
        indicator__plan__number=1,
        indicator__number=2,
    )
    action = services.corrective_action_open(
        period=periods[0],
        measure=people,
        what=f"{SAMPLE}增開假日及夜間場次，並與新住民團體合作宣傳。",
        who="民政處新住民事務科",
        due=datetime.date(2026, 9, 30),
        actor=coordinator,
    )
    services.corrective_action_follow_up(
        action=action,
        period=periods[1],
        note=f"{SAMPLE}已增開假日場次4場，第2季服務人次仍低於進度，持續追蹤。",
        actor=reporter,
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
    _plan_periods(jurisdiction, users, actor)
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
