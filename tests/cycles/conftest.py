"""Fixtures for reporting cycles: the demo period 113H1 with its accounts, and signed-in clients.

The demo is loaded once per test module (``cycles_demo_once`` in tests/conftest.py, rolled back
at the module's end); ``demo`` reads it afresh for each test.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from guankao.cycles.models import ReportingPeriod, Submission
from guankao.cycles.selectors import submission_whole
from guankao.cycles.services import (
    FigureInput,
    TaskInput,
    submission_save_draft,
    submission_transition,
)
from guankao.cycles.state import Transition


@dataclass
class Demo:
    period: ReportingPeriod
    credentials: list[tuple[str, str, str]]

    def user(self, username: str) -> User:
        return User.objects.get(username=username)

    def submission(self, agency_slug: str) -> Submission:
        return Submission.objects.with_scope().get(period=self.period, agency__slug=agency_slug)


@pytest.fixture
def demo(cycles_demo_once: list[tuple[str, str, str]], db: None) -> Demo:
    """The cycles demo (period 113H1 for Keelung's 112.7 table, samples and accounts), with the
    period read afresh for each test: an instance kept from an earlier test would still carry
    what that test changed."""
    period = ReportingPeriod.objects.get(jurisdiction__slug="keelung", code="113H1")
    return Demo(period=period, credentials=list(cycles_demo_once))


def complete_tasks(submission: Submission, text: str = "本期辦理完成。") -> dict[int, TaskInput]:
    """Inputs that fill every task entry of ``submission`` (enough to submit)."""
    return {
        entry.pk: TaskInput(
            narrative=f"{entry.task.number}：{text}",
            figures=[FigureInput(label="辦理場次", value=Decimal(3), unit="場")],
        )
        for entry in submission.task_entries.all()
    }


def fill_and_submit(submission: Submission, actor: User | None) -> Submission:
    """Save complete entries and submit, as the agency's reporter would."""
    whole = submission_whole(submission.pk)
    submission_save_draft(
        submission=whole,
        expected_version=whole.version,
        tasks=complete_tasks(whole),
        actor=actor,
    )
    return submission_transition(submission=whole, transition=Transition.SUBMIT, actor=actor)
