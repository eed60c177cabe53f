"""The cycles demo: an open 113H1 for Keelung, labelled samples, working accounts; idempotent."""

from __future__ import annotations

import datetime

from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import (
    get_default_password_validators,
    validate_password,
)
from django.utils import timezone

from guankao.core.models import AuditEntry
from guankao.core.password_validation import PasswordHistoryValidator
from guankao.cycles.demo import load_demo as load_cycles_demo
from guankao.cycles.models import Submission, SubmissionRevision
from tests.cycles.conftest import Demo


def test_period_is_open_for_thirty_days(demo: Demo) -> None:
    assert demo.period.code == "113H1"
    assert demo.period.is_sample
    assert demo.period.deadline == timezone.localdate() + datetime.timedelta(days=30)
    assert demo.period.starts_on == datetime.date(2024, 1, 1)
    assert demo.period.ends_on == datetime.date(2024, 6, 30)


def test_every_agency_of_the_table_has_a_submission(demo: Demo) -> None:
    submissions = Submission.objects.filter(period=demo.period)
    assert submissions.count() == 11  # every agency with a task in the 112.7 table
    statuses = dict(submissions.values_list("agency__label", "status"))
    assert statuses["衛生局"] == "approved"
    assert statuses["民政處"] == "submitted"
    assert statuses["移民署基隆市服務站"] == "returned"
    assert statuses["警察局"] == "draft"
    health = demo.submission("keelung-health")
    narratives = list(health.task_entries.values_list("narrative", flat=True))
    assert len(narratives) == 7
    assert all(n.startswith("【示範資料】") for n in narratives)


def test_accounts_sign_in_with_the_printed_passwords(demo: Demo) -> None:
    roles = [role for role, _username, _password in demo.credentials]
    assert roles == [
        "管考承辦人（基隆市）",
        "機關填報人（警察局）",
        "機關填報人（民政處）",
        "審查人員（基隆市）",
        "系統管理者",
    ]
    # The password rules; the history rule is about choosing a new one, not this one.
    rules = [
        v for v in get_default_password_validators() if not isinstance(v, PasswordHistoryValidator)
    ]
    for _role, username, password in demo.credentials:
        user = User.objects.get(username=username)
        validate_password(password, user, password_validators=rules)
        assert authenticate(username=username, password=password) == user


def test_running_twice_changes_nothing(demo: Demo) -> None:
    audit = AuditEntry.objects.count()
    revisions = SubmissionRevision.objects.count()
    again = load_cycles_demo(actor=None)
    assert again == demo.credentials
    assert AuditEntry.objects.count() == audit
    assert SubmissionRevision.objects.count() == revisions
