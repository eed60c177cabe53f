"""Writes to division tables: service areas, table versions and tasks. Each one is audited."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guankao.core.models import Agency, AuditEntry, Jurisdiction
from guankao.core.services import (
    BATCH,
    Actor,
    audit_entry,
    audit_record,
    create_many,
    delete_except,
    upsert,
)
from guankao.divisions.exceptions import TaskRowInvalid, VersionExistsError
from guankao.divisions.models import DivisionTable, ServiceArea, Task
from guankao.divisions.rows import TaskRow
from guankao.tw import YearMonth, format_roc_date


@transaction.atomic
def service_area_upsert(
    *, slug: str, name: str, is_national: bool, position: int, actor: Actor
) -> ServiceArea:
    """Create the service area or bring it up to date."""
    data = {"name": name, "is_national": is_national, "position": position}
    return upsert(model=ServiceArea, lookup={"slug": slug}, data=data, actor=actor)


@transaction.atomic
def division_table_upsert(
    *, jurisdiction: Jurisdiction, version: YearMonth, title: str, actor: Actor
) -> DivisionTable:
    """Create the table version ``version`` of ``jurisdiction`` or update its title."""
    return upsert(
        model=DivisionTable,
        lookup={"jurisdiction": jurisdiction, "effective_month": DivisionTable.month_of(version)},
        data={"title": title},
        actor=actor,
    )


@transaction.atomic
def task_upsert(
    *,
    table: DivisionTable,
    agency: Agency,
    number: int,
    numbered: bool,
    area: ServiceArea,
    text: str,
    position: int,
    co_leads: list[Agency],
    actor: Actor,
) -> Task:
    """Create or update the task ``number`` of ``agency`` in ``table``, with its co-lead agencies."""
    task = upsert(
        model=Task,
        lookup={"table": table, "agency": agency, "number": number},
        data={"numbered": numbered, "area": area, "text": text, "position": position},
        actor=actor,
    )
    before = sorted(a.pk for a in task.co_leads.all())
    after = sorted(a.pk for a in co_leads)
    if before != after:
        task.co_leads.set(co_leads)
        audit_record(
            actor=actor,
            action="set_co_leads",
            obj=task,
            before={"co_leads": before},
            after={"co_leads": after},
        )
    return task


@transaction.atomic
def tasks_create(*, table: DivisionTable, tasks: Sequence[TaskRow], actor: Actor) -> list[Task]:
    """Add ``tasks`` to ``table`` in a handful of queries, audited as ``task_upsert`` audits a
    new task (``create``, then ``set_co_leads`` when it has co-lead agencies).

    For imports and version copies: a query per row made a 5,000-row table take over half a
    minute. Raises ``ValidationError`` when a task is invalid or its number is taken.
    """
    taken = set(Task.objects.filter(table=table).values_list("agency_id", "number"))
    for new in tasks:
        if (new.agency.pk, new.number) in taken or new.number < 1:
            # What the unique and check constraints say, checked here without a query per row.
            raise ValidationError(
                _("%(agency)s 的業務編號 %(number)d 重複或無效。")
                % {"agency": new.agency.label, "number": new.number}
            )
        taken.add((new.agency.pk, new.number))
    created = create_many(
        instances=[
            Task(
                table=table,
                agency=new.agency,
                number=new.number,
                numbered=new.numbered,
                area=new.area,
                text=new.text,
                position=new.position,
            )
            for new in tasks
        ],
        actor=actor,
        related=["table", "agency", "area"],
    )
    through = Task.co_leads.through
    through.objects.bulk_create(
        [
            through(task_id=task.pk, agency_id=agency.pk)
            for task, new in zip(created, tasks, strict=True)
            for agency in new.co_leads
        ],
        batch_size=BATCH,
    )
    AuditEntry.objects.bulk_create(
        [
            audit_entry(
                actor=actor,
                action="set_co_leads",
                obj=task,
                before={"co_leads": []},
                after={"co_leads": sorted(a.pk for a in new.co_leads)},
            )
            for task, new in zip(created, tasks, strict=True)
            if new.co_leads
        ],
        batch_size=BATCH,
    )
    return created


@contextmanager
def _naming(index: int) -> Iterator[None]:
    """Raise a row's ``ValidationError`` (or ``ValueError``) as ``TaskRowInvalid`` naming it."""
    try:
        yield
    except ValidationError as problem:
        raise TaskRowInvalid(problem, index) from None
    except ValueError as problem:
        raise TaskRowInvalid(ValidationError(str(problem)), index) from None


def _unchanged(task: Task, row: TaskRow) -> bool:
    """Whether writing ``row`` over ``task`` (read with its co-leads) would change nothing."""
    return (
        (task.numbered, task.area_id, task.text, task.position)
        == (row.numbered, row.area.pk, row.text, row.position)
    ) and {a.pk for a in task.co_leads.all()} == {a.pk for a in row.co_leads}


@transaction.atomic
def table_tasks_replace(
    *, table: DivisionTable, tasks: Sequence[TaskRow], actor: Actor
) -> list[Task]:
    """Make ``tasks`` the tasks of ``table``, in that order: a task that differs is updated
    (``task_upsert``), new ones are added in bulk (``tasks_create``), and tasks no longer listed
    are deleted. Each write is audited and a task that would not change is not written, so the
    same rows again write nothing. The seed data file and imports both write through here.

    Returns the tasks in the order given. Raises ``TaskRowInvalid`` when a changed task breaks a
    rule and ``ValidationError`` when a new one does; nothing is written then.
    """
    # What the table holds already, read once: a task that would not change is not written
    # (nor looked up again), so re-loading a corrected 5,000-row table stays quick.
    existing = {
        (task.agency_id, task.number): task
        for task in Task.objects.filter(table=table).prefetch_related("co_leads")
    }
    written: dict[int, Task] = {}
    new: dict[int, TaskRow] = {}
    for index, row in enumerate(tasks):
        current = existing.get((row.agency.pk, row.number))
        if current is None:  # created all at once below
            new[index] = row
        elif _unchanged(current, row):
            written[index] = current
        else:
            with _naming(index):
                written[index] = task_upsert(
                    table=table, **vars(row) | {"co_leads": list(row.co_leads)}, actor=actor
                )
    if new:
        created = tasks_create(table=table, tasks=list(new.values()), actor=actor)
        written.update(zip(new, created, strict=True))
    kept = [written[index] for index in range(len(tasks))]
    keep = {task.pk for task in kept}
    if {task.pk for task in existing.values()} - keep:
        tasks_of_table = Task.objects.filter(table=table).select_related("agency")
        delete_except(queryset=tasks_of_table, keep=keep, actor=actor)
    return kept


@transaction.atomic
def division_table_copy(
    *, source: DivisionTable, version: YearMonth, actor: Actor
) -> DivisionTable:
    """Start a new version of ``source``'s table as a copy of it: same title, same tasks.

    Staff then edit the copy; the public keeps seeing the version in force until the new
    version's month begins. Raises ``VersionExistsError`` when that version already exists.
    """
    month = DivisionTable.month_of(version)
    if DivisionTable.objects.filter(
        jurisdiction=source.jurisdiction, effective_month=month
    ).exists():
        raise VersionExistsError(
            _("%(jurisdiction)s 已有 %(version)s 版分工表。")
            % {"jurisdiction": source.jurisdiction.name, "version": format_roc_date(version, "dot")}
        )
    table = DivisionTable(
        jurisdiction=source.jurisdiction, title=source.title, effective_month=month
    )
    table.full_clean()
    table.save()
    audit_record(
        actor=actor,
        action="copy",
        obj=table,
        before={"copied_from": source.pk, "version": source.version},
        after={"version": table.version},
    )
    tasks_create(
        table=table,
        tasks=[
            TaskRow(
                agency=task.agency,
                number=task.number,
                numbered=task.numbered,
                area=task.area,
                text=task.text,
                position=task.position,
                co_leads=tuple(task.co_leads.all()),
            )
            for task in source.tasks.with_related().in_table_order()
        ],
        actor=actor,
    )
    return table
