"""Writes to division tables: service areas, table versions and tasks. Each one is audited."""

from __future__ import annotations

from django.db import transaction

from guankao.core.models import Agency, Jurisdiction
from guankao.core.services import Actor, audit_record, upsert
from guankao.divisions.models import DivisionTable, ServiceArea, Task
from guankao.tw import YearMonth


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
