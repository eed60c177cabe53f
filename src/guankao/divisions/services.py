"""Writes to division tables: service areas, table versions and tasks. Each one is audited."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from guankao.core.exceptions import GuankaoError
from guankao.core.models import Agency, Jurisdiction
from guankao.core.services import Actor, audit_record, upsert
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


class VersionExistsError(GuankaoError):
    """The jurisdiction already has a table of that version."""


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
    for task in source.tasks.with_related().in_table_order():
        task_upsert(
            table=table,
            agency=task.agency,
            number=task.number,
            numbered=task.numbered,
            area=task.area,
            text=task.text,
            position=task.position,
            co_leads=list(task.co_leads.all()),
            actor=actor,
        )
    return table
