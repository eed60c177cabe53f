"""Bulk task creation: the same rows and audit entries as one task_upsert per task, in a fixed
number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guankao.core.models import Agency, AuditEntry, Jurisdiction, Membership, Role
from guankao.core.permissions import NotPermitted
from guankao.divisions.models import DivisionTable, ServiceArea, Task
from guankao.divisions.rows import TaskRow
from guankao.divisions.services import (
    division_table_upsert,
    table_tasks_replace,
    task_upsert,
    tasks_create,
)
from guankao.tw import YearMonth

pytestmark = pytest.mark.django_db


def new_table(month: int) -> DivisionTable:
    keelung = Jurisdiction.objects.get(slug="keelung")
    return division_table_upsert(
        jurisdiction=keelung, version=YearMonth(2030, month), title="測試", actor=None
    )


def new_tasks(count: int) -> list[TaskRow]:
    police, social = (
        Agency.objects.get(jurisdiction__slug="keelung", label=x) for x in ("警察局", "社會處")
    )
    area = ServiceArea.objects.get(name="人身安全保護")
    return [
        TaskRow(police, n, True, area, f"第 {n} 項業務。", n, (social,) if n % 2 else ())
        for n in range(1, count + 1)
    ]


def audit_of(table: DivisionTable) -> list[tuple[str, str, Any, Any]]:
    ids = [str(pk) for pk in Task.objects.filter(table=table).values_list("pk", flat=True)]
    entries = AuditEntry.objects.filter(object_type="divisions.task", object_id__in=ids)
    return sorted((e.action, e.object_repr, e.before, e.after) for e in entries)


def test_the_same_rows_and_audit_entries_as_task_upsert() -> None:
    bulk, one_by_one = new_table(1), new_table(2)
    tasks = new_tasks(4)
    created = tasks_create(table=bulk, tasks=tasks, actor=None)
    for new in tasks:
        task_upsert(table=one_by_one, **vars(new) | {"co_leads": list(new.co_leads)}, actor=None)

    def rows(table: DivisionTable) -> list[tuple[Any, ...]]:
        return [
            (t.agency_id, t.number, t.numbered, t.area_id, t.text, t.position,
             sorted(a.pk for a in t.co_leads.all()))
            for t in Task.objects.filter(table=table).order_by("position")
        ]  # fmt: skip

    assert [t.pk for t in created] == list(
        Task.objects.filter(table=bulk).order_by("position").values_list("pk", flat=True)
    )
    assert rows(bulk) == rows(one_by_one)
    assert len(rows(bulk)) == 4 and rows(bulk)[0][-1] != []
    assert audit_of(bulk) == audit_of(one_by_one)
    assert [a for a, *_ in audit_of(bulk)].count("set_co_leads") == 2


def test_queries_do_not_grow_with_the_rows() -> None:
    counts = []
    for month, rows in ((3, 10), (5, 450)):
        table, tasks = new_table(month), new_tasks(rows)
        with CaptureQueriesContext(connection) as queries:
            tasks_create(table=table, tasks=tasks, actor=None)
        assert Task.objects.filter(table=table).count() == rows
        counts.append(len(queries))
    # One statement per batch of inserts (SQLite caps the parameters of a statement at 999, so a
    # batch there is about 100 rows), never one per row: 450 tasks, 225 co-leads, 675 entries.
    # savepoint, numbers taken, tasks, their entries, co-leads, their entries, release; and for
    # each batch of audit entries the chain head read (locked) and moved (decision 0056); then
    # the version's contacts of its agencies (decision 0064): those it has, the agencies, the
    # contacts and their entries, with the chain head again; and the published version before
    # it and its contacts, whose addresses and hours a new contact starts from (decision 0078).
    assert counts[0] == 7 + 2 * 2 + 6 + 2, counts
    assert counts[1] <= 17 + 450 * 3 / 50, counts


@pytest.mark.parametrize("number", [1, 0])
def test_a_taken_or_invalid_number_writes_nothing(number: int) -> None:
    table = new_table(4)
    tasks_create(table=table, tasks=new_tasks(1), actor=None)
    before = (Task.objects.count(), AuditEntry.objects.count())
    bad = [*new_tasks(3)[1:], TaskRow(**vars(new_tasks(1)[0]) | {"number": number})]
    with pytest.raises(ValidationError, match="警察局 的業務編號"):
        tasks_create(table=table, tasks=bad, actor=None)
    assert (Task.objects.count(), AuditEntry.objects.count()) == before


def test_the_task_writers_refuse_a_coordinator_of_another_city() -> None:
    """The role is checked by the services themselves (issue 11, item 5), not only by the pages
    and the API in front of them; the system (actor None) may always write."""
    table = new_table(3)
    hsinchu = Jurisdiction.objects.exclude(slug="keelung").first()
    stranger = User.objects.create_user("coordinator-elsewhere")
    Membership.objects.create(user=stranger, role=Role.COORDINATOR, jurisdiction=hsinchu)
    here = User.objects.create_user("coordinator-here")
    Membership.objects.create(user=here, role=Role.COORDINATOR, jurisdiction=table.jurisdiction)
    task = new_tasks(1)[0]
    fields = vars(task) | {"co_leads": list(task.co_leads)}
    with pytest.raises(NotPermitted):
        task_upsert(table=table, **fields, actor=stranger)
    with pytest.raises(NotPermitted):
        tasks_create(table=table, tasks=[task], actor=stranger)
    with pytest.raises(NotPermitted):
        table_tasks_replace(table=table, tasks=[task], actor=stranger)
    assert not Task.objects.filter(table=table).exists()
    assert task_upsert(table=table, **fields, actor=here).text == "第 1 項業務。"
