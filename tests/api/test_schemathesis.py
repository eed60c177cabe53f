"""Schemathesis against the API (issue 13): every operation of /api/v1/openapi.json, fed
generated valid and invalid requests, anonymously and with a demo coordinator's read-write API
token (of Keelung and, here, Hsinchu too, so that the writes of tasks and of plans, indicators
and measures reach their services).

Two checks: no 5xx (``not_a_server_error``) and every body matches the schema declared for its
status (``response_schema_conformance``). Examples are few and derandomized (a fixed seed), so
the module is repeatable and takes well under a minute; it is marked ``slow``.

Generated ids rarely name a record, so integer ids and slugs in paths are mapped onto the demo
data (a submission, a period, a plan, an indicator, a measure, a table version, a task, an
agency, a jurisdiction, a department), and so are the ids a body names: the fuzzed bodies then
reach the services instead of stopping at 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.db import close_old_connections, transaction
from django.db.models import Model
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from guankao.core.accounts import membership_grant
from guankao.core.models import Agency, Jurisdiction, Role, TokenScope
from guankao.core.tokens import api_token_create
from guankao.cycles.demo import load_demo
from guankao.cycles.models import ReportingPeriod, Submission
from guankao.divisions.models import DivisionTable, TableStatus, Task
from guankao.performance.models import Indicator, Measure, PerformanceReport, Plan
from guankao.wsgi import application

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MAX_EXAMPLES = 12
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 13,
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "mode": "all",  # valid and invalid requests
            "database": "none",
        },
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)
# The two of issue 13, and a third: every status answered is declared for its operation.
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
# The fixtures are the demo data and a token, made once per operation on purpose: every
# example of an operation runs in the same rolled-back transaction.
FIXTURES_ONCE = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, derandomize=True
)


Records = dict[str, list[Any]]


def _pks(model: type[Model], **lookup: Any) -> list[Any]:
    return list(
        model._default_manager.filter(**lookup).order_by("pk").values_list("pk", flat=True)[:20]
    )


def _records() -> Records:
    load_demo(actor=None)
    # Writes reach the services: a draft version of Keelung's table, and 社會處's 108 report
    # back to a draft (the coordinator is given Hsinchu too, in ``demo``).
    keelung = Jurisdiction.objects.get(slug="keelung")
    draft = DivisionTable.objects.create(
        jurisdiction=keelung, title="草稿", effective_month="2024-01-01"
    )
    published = DivisionTable.objects.get(jurisdiction=keelung, status=TableStatus.PUBLISHED)
    for task in published.tasks.order_by("pk")[:5]:
        Task.objects.create(
            table=draft,
            agency=task.agency,
            number=task.number,
            area=task.area,
            text=task.text,
            position=task.position,
        )
    PerformanceReport.objects.filter(department__slug="hsinchu-social").update(status="draft")
    return {
        "submissions": _pks(Submission),
        "periods": _pks(ReportingPeriod),
        "measures": _pks(Measure),
        "indicators": _pks(Indicator),
        "plans": _pks(Plan),
        "tables": [draft.pk, published.pk],
        "tasks": _pks(Task, table=draft) + _pks(Task, table=published)[:5],
        "agencies": _pks(Agency, jurisdiction=keelung),
        "jurisdiction_ids": _pks(Jurisdiction),
        "jurisdictions": ["keelung"],
        "orgs": ["hsinchu-social"],
        "years": [108, 109],
    }


# Path parameters and body fields that name a record, and the kind of record.
IDS = {
    "measure_id": "measures",
    "indicator_id": "indicators",
    "plan_id": "plans",
    "table_id": "tables",
    "task_id": "tasks",
    "agency_id": "agencies",
    "jurisdiction_id": "jurisdiction_ids",
}
BODY_IDS = {"plan": "plans", "indicator": "indicators", "table": "tables", "agency": "agencies"}


def _aim(case: schemathesis.Case[Any], records: Records) -> None:
    """Point integer ids and slugs at demo records (deterministically, by the generated value)."""
    params = case.path_parameters or {}

    def pick(kind: str, value: Any) -> Any:
        choices = records[kind]
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0 and choices:
            return choices[value % len(choices)] if value % 4 else value  # a few stay unknown
        if isinstance(value, str) and kind in ("jurisdictions", "orgs") and len(value) % 3:
            return choices[len(value) % len(choices)]
        return value

    path = case.operation.path
    for name, value in list(params.items()):
        if name == "pk":
            kind = "periods" if "/periods/" in path else "submissions"
            params[name] = pick(kind, value)
        elif name in IDS:
            params[name] = pick(IDS[name], value)
        elif name == "jurisdiction":
            params[name] = pick("jurisdictions", value)
        elif name == "org":
            params[name] = pick("orgs", value)
        elif name == "year" and isinstance(value, int) and value % 2:
            params[name] = records["years"][value % 2]
    if isinstance(case.body, dict):
        for name, kind in BODY_IDS.items():
            if name in case.body:
                case.body[name] = pick(kind, case.body[name])


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[Records, str]]:
    """The cycles demo and a coordinator's token, loaded once for the module in a transaction
    rolled back at its end; each test's own transaction is a savepoint inside it."""
    # Requests go straight to the WSGI app, which closes the database connection at the end of
    # each one (CONN_MAX_AGE=0); on PostgreSQL that would end the test's transaction. Django's
    # own test client disconnects these handlers the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            records = _records()
            user = User.objects.get(username="demo-coordinator")
            hsinchu = Jurisdiction.objects.get(slug="hsinchu")
            membership_grant(user=user, role=Role.COORDINATOR, jurisdiction=hsinchu, actor=None)
            _token, key = api_token_create(
                user=user, name="schemathesis", actor=None, scope=TokenScope.WRITE
            )
            yield records, key
            transaction.set_rollback(True)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def records(demo: tuple[Records, str]) -> Records:
    return demo[0]


@pytest.fixture
def coordinator_key(demo: tuple[Records, str]) -> str:
    return demo[1]


@schema.parametrize()
@FIXTURES_ONCE
def test_anonymous(case: schemathesis.Case[Any], records: Records) -> None:
    _aim(case, records)
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FIXTURES_ONCE
def test_coordinator(case: schemathesis.Case[Any], records: Records, coordinator_key: str) -> None:
    _aim(case, records)
    case.call_and_validate(headers={"Authorization": f"Bearer {coordinator_key}"}, checks=CHECKS)
