"""One owner per write (issue 12): every INSERT, UPDATE or DELETE of an app's table is made by
that app's own code, or by core's generic write helpers called from it.

The check wraps the database connection: for each writing statement it finds the table's app and
walks the Python stack to the innermost guankao module outside core (core's services write any
table on behalf of their caller). Core's own tables (the audit log, agencies, accounts) may be
written from anywhere through core's functions. A write whose stack holds no guankao module
(Django's sessions, the test's own fixtures) is not judged.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from guankao.core import services as core_services
from guankao.cycles import services as cycles_services
from guankao.cycles.demo import load_demo as load_cycles_demo
from guankao.cycles.models import Submission
from guankao.cycles.selectors import submission_whole
from guankao.cycles.state import Transition
from guankao.performance.models import Measure
from guankao.performance.services import measure_update
from tests.cycles.test_services import _hsinchu_period
from tests.performance.factories import open_correction

pytestmark = pytest.mark.django_db

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Tables of Django's own apps belong to core, which wraps accounts, sessions and 2FA.
CORE_APPS = {"core", "auth", "contenttypes", "sessions", "otp_totp", "otp_static", "admin"}


def _table_apps() -> dict[str, str]:
    found = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.app_label
        found[model._meta.db_table] = "core" if label in CORE_APPS else label
    return found


def _writer(frame: Any) -> tuple[str | None, bool]:
    """The app of the innermost guankao module outside core, and whether core was on the way."""
    through_core = False
    while frame is not None:
        name = str(frame.f_globals.get("__name__", ""))
        if name.startswith("guankao."):
            app = name.split(".")[1]
            if app != "core":
                return app, through_core
            through_core = True
        frame = frame.f_back
    return None, through_core


class OwnerCheck:
    """Collects every write made by an app that does not own the table."""

    def __init__(self) -> None:
        self.tables = _table_apps()
        self.foreign: list[str] = []
        self.judged = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        match = WRITE.match(sql)
        if match:
            owner = self.tables.get(match[1])
            writer, through_core = _writer(sys._getframe(1))
            if owner is not None and writer is not None:
                self.judged += 1
                if owner != writer and not (owner == "core" and through_core):
                    self.foreign.append(f"{writer} wrote {match[1]} (owned by {owner})")
        return execute(sql, params, many, context)


@pytest.fixture
def owners() -> Iterator[OwnerCheck]:
    check = OwnerCheck()
    with connection.execute_wrapper(check):
        yield check


def test_a_foreign_write_is_caught(owners: OwnerCheck) -> None:
    """The check can fail: code in the cycles app updating a measure itself is reported."""
    measure = Measure.objects.filter(indicator__plan__year=2019).first()
    assert measure is not None
    foreign_code = compile(
        "model_update(instance=measure, data={'label': 'x'}, actor=None)", "cycles", "exec"
    )
    exec(  # noqa: S102 - code that runs as if it were written in guankao.cycles.services
        foreign_code,
        {"__name__": "guankao.cycles.services", "model_update": core_services.model_update},
        {"measure": measure},
    )
    assert owners.foreign == ["cycles wrote performance_measure (owned by performance)"]


def test_the_reporting_cycle_and_its_flow_of_actuals_write_only_their_own_tables(
    owners: OwnerCheck,
) -> None:
    load_cycles_demo(actor=None)
    open_correction()
    submission, coordinator = _hsinchu_period("108Q4")
    whole = submission_whole(submission.pk)
    entries = list(whole.measure_entries.select_related("measure"))
    measures = {
        e.pk: cycles_services.MeasureInput(
            actual=(e.measure.actual or Decimal(0)) + 1, done=e.measure.done
        )
        for e in entries
    }
    cycles_services.submission_save_draft(
        submission=whole, expected_version=1, tasks={}, measures=measures, actor=None
    )
    cycles_services.submission_transition(
        transition=Transition.SUBMIT, submission=whole, actor=None
    )
    cycles_services.submission_transition(
        transition=Transition.APPROVE, submission=whole, actor=coordinator
    )
    assert Submission.objects.get(pk=whole.pk).status == "approved"
    assert owners.judged > 50  # the check saw the flow's writes
    assert owners.foreign == []


def test_performance_edits_write_only_their_own_tables(owners: OwnerCheck) -> None:
    open_correction()
    measure = Measure.objects.filter(indicator__plan__year=2019).select_related(
        "indicator__plan__department"
    )[0]
    measure_update(measure=measure, data={"actual": Decimal(7100)}, actor=None)
    assert owners.judged >= 2
    assert owners.foreign == []
