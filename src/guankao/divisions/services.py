"""Writes to division tables: service areas, table versions and tasks. Each one is audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guankao.core.models import Agency, AuditEntry, Jurisdiction
from guankao.core.services import BATCH, Actor, audit_entry, audit_record, create_many, upsert
from guankao.divisions.exceptions import VersionExistsError
from guankao.divisions.models import DivisionTable, ServiceArea, Task
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


@dataclass(frozen=True)
class NewTask:
    """A task for :func:`tasks_create`: what ``task_upsert`` takes, without the table."""

    agency: Agency
    number: int
    numbered: bool
    area: ServiceArea
    text: str
    position: int
    co_leads: tuple[Agency, ...] = ()


@transaction.atomic
def tasks_create(*, table: DivisionTable, tasks: Sequence[NewTask], actor: Actor) -> list[Task]:
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
            NewTask(
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
