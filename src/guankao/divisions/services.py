"""Writes to division tables: service areas, table versions and tasks. Each one is audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guankao.core.models import Agency, AuditEntry, Jurisdiction
from guankao.core.permissions import Action, Scope, ensure_can
from guankao.core.services import (
    BATCH,
    Actor,
    audit_entry,
    audit_record,
    create_many,
    delete_except,
    model_update,
    upsert,
)
from guankao.divisions.audience import default_audience
from guankao.divisions.contacts import DETAIL_FIELDS
from guankao.divisions.exceptions import (
    PublicationError,
    TaskRowInvalid,
    VersionExistsError,
    VersionPublishedError,
)
from guankao.divisions.hotlines import HotlineInfo
from guankao.divisions.models import (
    AgencyContact,
    DivisionTable,
    Hotline,
    HotlineHours,
    ServiceArea,
    TableStatus,
    Task,
    language_codes,
)
from guankao.divisions.rows import ContactRow, TaskRow
from guankao.divisions.signals import task_texts_changed
from guankao.tw import YearMonth, format_roc_date, parse_phone


@transaction.atomic
def service_area_upsert(
    *, slug: str, name: str, is_national: bool, position: int, actor: Actor
) -> ServiceArea:
    """Create the service area or bring it up to date."""
    data = {"name": name, "is_national": is_national, "position": position}
    return upsert(model=ServiceArea, lookup={"slug": slug}, data=data, actor=actor)


@transaction.atomic
def division_table_upsert(
    *,
    jurisdiction: Jurisdiction,
    version: YearMonth,
    title: str,
    actor: Actor,
    published_on: datetime.date | None = None,
) -> DivisionTable:
    """Create the table version ``version`` of ``jurisdiction`` or update its title.

    A new version is a draft unless ``published_on`` is given (the seed tables, published
    from their month); an existing version keeps its status.
    """
    lookup = {"jurisdiction": jurisdiction, "effective_month": DivisionTable.month_of(version)}
    existing = DivisionTable.objects.filter(**lookup).first()
    if existing is not None:
        model_update(instance=existing, data={"title": title}, actor=actor)
        return existing
    status = TableStatus.DRAFT if published_on is None else TableStatus.PUBLISHED
    return upsert(
        model=DivisionTable,
        lookup=lookup,
        data={"title": title, "status": status, "published_on": published_on},
        actor=actor,
    )


def check_draft(table: DivisionTable) -> None:
    """Raise ``VersionPublishedError`` unless ``table`` is a draft (published is history)."""
    if not table.is_draft:
        raise VersionPublishedError(
            _("%(version)s 版已公開，不能修改；請以新版本匯入或複製。") % {"version": table.version}
        )


@transaction.atomic
def division_table_publish(
    *, table: DivisionTable, on: datetime.date, today: datetime.date, actor: Actor
) -> DivisionTable:
    """Publish the draft ``table`` from ``on`` (``today`` or a later day, Asia/Taipei).

    From that day the public directory shows it, unless a newer version is published too;
    older versions keep printing exactly as they were. Raises ``PublicationError`` for a
    version already published or a day before ``today``, ``NotPermitted`` without the role.
    """
    ensure_can(actor, Action.DATA_EDIT, table.jurisdiction)
    if not table.is_draft and table.published_on is not None:
        raise PublicationError(
            _("%(version)s 版已於 %(date)s 公開。")
            % {"version": table.version, "date": format_roc_date(table.published_on)}
        )
    if on < today:
        raise PublicationError(
            _("公開日期 %(date)s 已過；請選今天或之後的日期。") % {"date": format_roc_date(on)}
        )
    if not table.tasks.exists():
        raise PublicationError(
            _("%(version)s 版沒有任何業務，不能公開。") % {"version": table.version}
        )
    model_update(
        instance=table,
        data={"status": TableStatus.PUBLISHED, "published_on": on},
        actor=actor,
        action="publish",
    )
    return table


def _contact_data(row: ContactRow, area_code: str) -> dict[str, str]:
    data = {
        "label": row.label,
        "name": row.name,
        "parent_name": row.parent_name,
        "phone": row.phone,
        "phone_e164": "",
        "phone_extension": "",
    }
    if row.phone:
        parsed = parse_phone(row.phone, default_area_code=area_code)  # ValueError: unreadable
        data.update(phone_e164=parsed.e164, phone_extension=parsed.extension)
    return data


@transaction.atomic
def table_contacts_replace(
    *, table: DivisionTable, contacts: Sequence[ContactRow], actor: Actor
) -> list[AgencyContact]:
    """Make ``contacts`` what ``table`` prints for its agencies; contacts of agencies not
    listed are deleted. A contact that would not change is not written. Raises
    ``ValidationError`` or ``ValueError`` (a phone that cannot be read)."""
    existing = {c.agency_id: c for c in AgencyContact.objects.filter(table=table)}
    area_code = table.jurisdiction.area_code
    new = any(row.agency.pk not in existing for row in contacts)
    carried = _details_before(table) if new else {}
    kept: list[AgencyContact] = []
    for row in contacts:
        data = _contact_data(row, area_code)
        current = existing.get(row.agency.pk)
        if current is not None and all(getattr(current, k) == v for k, v in data.items()):
            kept.append(current)
            continue
        if current is None:  # a new contact starts from the earlier version's details
            data |= carried.get(row.agency.pk, {})
        kept.append(
            upsert(
                model=AgencyContact,
                lookup={"table": table, "agency": row.agency},
                data=data,
                actor=actor,
            )
        )
    # Walk-in centres are added data, not printed by the table: a file of the table's agencies
    # does not remove them (staff do, in the admin), and a new version keeps the earlier one's.
    keep = {contact.pk for contact in kept} | {c.pk for c in existing.values() if c.walk_in}
    if new:
        _walk_in_carry(table, have={c.agency_id for c in kept} | set(existing), actor=actor)
    if {c.pk for c in existing.values()} - keep:
        delete_except(queryset=AgencyContact.objects.filter(table=table), keep=keep, actor=actor)
    return kept


def _details_before(table: DivisionTable) -> dict[int, dict[str, Any]]:
    """The address, hours and counter languages the published version before ``table`` gives
    each agency (one query): a new version's contact starts from them, not blank."""
    previous = table.previous_published()
    if previous is None:
        return {}
    return {
        contact.agency_id: {name: getattr(contact, name) for name in DETAIL_FIELDS}
        for contact in AgencyContact.objects.of_table(previous)
    }


def _walk_in_carry(table: DivisionTable, *, have: set[int], actor: Actor) -> None:
    """Give ``table`` the walk-in centres of the published version before it that it lacks."""
    previous = table.previous_published()
    if previous is None:
        return
    fields = ("label", "name", "parent_name", "phone", "phone_e164", "phone_extension")
    create_many(
        instances=[
            AgencyContact(
                table=table,
                agency_id=contact.agency_id,
                **{name: getattr(contact, name) for name in (*fields, *DETAIL_FIELDS)},
            )
            for contact in AgencyContact.objects.of_table(previous).filter(walk_in=True)
            if contact.agency_id not in have
        ],
        actor=actor,
        related=["table", "agency"],
    )


def _contacts_ensure(*, table: DivisionTable, agencies: Iterable[Agency], actor: Actor) -> None:
    """Give ``table`` a contact for each of ``agencies`` it has none for, from the agency's
    current values: every version prints from its own contacts, whoever wrote its tasks."""
    have = set(AgencyContact.objects.filter(table=table).values_list("agency_id", flat=True))
    missing = {a.pk: a for a in agencies if a.pk not in have}
    if not missing:
        return
    rows = Agency.objects.filter(pk__in=missing).select_related("parent").order_by("pk")
    carried = _details_before(table)
    create_many(
        instances=[
            AgencyContact(
                table=table,
                agency=agency,
                **_contact_data(ContactRow.of_agency(agency), table.jurisdiction.area_code),
                **carried.get(agency.pk, {}),
            )
            for agency in rows
        ],
        actor=actor,
        related=["table", "agency"],
    )


def _texts_changed(
    table: DivisionTable,
    rows: Sequence[TaskRow],
    existing: dict[tuple[int, int], Task],
    actor: Actor,
) -> None:
    """Tell the apps above which new tasks of ``table`` have another text than the same task
    (agency and number) in the published version before it (``signals.task_texts_changed``);
    a task updated in place is announced by ``task_upsert``."""
    previous = table.previous_published()
    before = (
        {
            (agency_id, number): text
            for agency_id, number, text in Task.objects.filter(table=previous).values_list(
                "agency_id", "number", "text"
            )
        }
        if previous is not None
        else {}
    )
    changes: dict[tuple[str, str], None] = {}
    for row in rows:
        key = (row.agency.pk, row.number)
        old = None if key in existing else before.get(key)
        if old is not None and old != row.text:
            changes[(old, row.text)] = None
    if changes:
        task_texts_changed.send(sender=Task, table=table, changes=list(changes), actor=actor)


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
    audience: str | None = None,
) -> Task:
    """Create or update the task ``number`` of ``agency`` in ``table``, with its co-lead agencies.

    ``audience`` None keeps an existing task's audience and gives a new one the rule's default
    (``audience.default_audience``). A new text is announced (``signals.task_texts_changed``)
    so that its translations follow it. Raises ``NotPermitted`` without the role.
    """
    ensure_can(actor, Action.DATA_EDIT, Scope(table.jurisdiction_id))
    old = (
        Task.objects.filter(table=table, agency=agency, number=number)
        .values_list("text", "audience")
        .first()
    )
    old_text = old[0] if old is not None else None
    if audience is None:
        audience = old[1] if old is not None else default_audience(text)
    task = upsert(
        model=Task,
        lookup={"table": table, "agency": agency, "number": number},
        data={
            "numbered": numbered,
            "area": area,
            "text": text,
            "position": position,
            "audience": audience,
        },
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
    if old_text is not None and old_text != text:
        task_texts_changed.send(sender=Task, table=table, changes=[(old_text, text)], actor=actor)
    return task


@transaction.atomic
def tasks_create(*, table: DivisionTable, tasks: Sequence[TaskRow], actor: Actor) -> list[Task]:
    """Add ``tasks`` to ``table`` in a handful of queries, audited as ``task_upsert`` audits a
    new task (``create``, then ``set_co_leads`` when it has co-lead agencies).

    For imports and version copies: a query per row made a 5,000-row table take over half a
    minute. Raises ``ValidationError`` when a task is invalid or its number is taken, and
    ``NotPermitted`` without the role.
    """
    # The scope from the id: the table's jurisdiction is not read for the system (actor None).
    ensure_can(actor, Action.DATA_EDIT, Scope(table.jurisdiction_id))
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
                audience=new.audience or default_audience(new.text),
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
    _contacts_ensure(
        table=table,
        agencies=[agency for row in tasks for agency in (row.agency, *row.co_leads)],
        actor=actor,
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
        and row.audience in (None, task.audience)
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
    rule, ``ValidationError`` when a new one does and ``NotPermitted`` without the role; nothing
    is written then.
    """
    ensure_can(actor, Action.DATA_EDIT, Scope(table.jurisdiction_id))
    # What the table holds already, read once: a task that would not change is not written
    # (nor looked up again), so re-loading a corrected 5,000-row table stays quick.
    existing = {
        (task.agency_id, task.number): task
        for task in Task.objects.filter(table=table).prefetch_related("co_leads")
    }
    written: dict[int, Task] = {}
    unchanged: set[int] = set()
    new: dict[int, TaskRow] = {}
    for index, row in enumerate(tasks):
        current = existing.get((row.agency.pk, row.number))
        if current is None:  # created all at once below
            new[index] = row
        elif _unchanged(current, row):
            written[index] = current
            unchanged.add(index)
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
    if len(written) > len(unchanged) or new:  # nothing written: nothing more to check
        _contacts_ensure(
            table=table,
            agencies=[agency for row in tasks for agency in (row.agency, *row.co_leads)],
            actor=actor,
        )
        if new:
            _texts_changed(table, tasks, existing, actor)
    return kept


@transaction.atomic
def division_table_copy(
    *, source: DivisionTable, version: YearMonth, actor: Actor
) -> DivisionTable:
    """Start a new version of ``source``'s table as a copy of it: same title, same tasks.

    The copy is a draft with the source's contacts: staff edit it, then publish it; the
    public keeps seeing the version in force until then. Raises ``VersionExistsError`` when
    that version already exists.
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
    create_many(
        instances=[
            AgencyContact(
                table=table,
                agency_id=contact.agency_id,
                **{
                    name: getattr(contact, name)
                    for name in (
                        "label",
                        "name",
                        "parent_name",
                        "phone",
                        "phone_e164",
                        "phone_extension",
                        *DETAIL_FIELDS,
                    )
                },
            )
            for contact in source.contacts.order_by("pk")
        ],
        actor=actor,
        related=["table", "agency"],
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
                audience=task.audience,
            )
            for task in source.tasks.with_related().in_table_order()
        ],
        actor=actor,
    )
    return table


def _hours_rows(hotline: Hotline, info: HotlineInfo) -> list[HotlineHours]:
    position = 0
    rows = []
    for entry in info.schedule:
        for hours in entry.hours:
            position += 1
            rows.append(
                HotlineHours(
                    hotline=hotline,
                    language=entry.language,
                    weekdays="".join(str(d) for d in sorted(hours.weekdays)),
                    opens=hours.opens,
                    closes=hours.closes,
                    note=entry.note,
                    position=position,
                )
            )
    return rows


def _hours_key(row: HotlineHours) -> tuple[object, ...]:
    return (row.language, row.weekdays, row.opens, row.closes, row.note, row.position)


@transaction.atomic
def hotline_upsert(
    *, info: HotlineInfo, position: int, actor: Actor, jurisdiction: Jurisdiction | None = None
) -> Hotline:
    """Create the hotline ``info.slug`` or bring it and its language schedule up to date.

    The schedule is replaced as a whole when it differs (its rows are few); the same data again
    writes nothing. National lines have no ``jurisdiction``. Raises ``ValidationError``.
    """
    hotline = upsert(
        model=Hotline,
        lookup={"slug": info.slug},
        data={
            "number": info.number,
            "name": info.name,
            "note": info.note,
            "urgent": info.urgent,
            "position": position,
            "jurisdiction": jurisdiction,
        },
        actor=actor,
    )
    wanted = _hours_rows(hotline, info)
    current = list(HotlineHours.objects.filter(hotline=hotline).select_related("hotline"))
    if [_hours_key(r) for r in current] != [_hours_key(r) for r in wanted]:
        delete_except(
            queryset=HotlineHours.objects.filter(hotline=hotline).select_related("hotline"),
            keep=set(),
            actor=actor,
        )
        create_many(instances=wanted, actor=actor, related=["hotline"])
    return hotline


@transaction.atomic
def agency_contact_details_update(
    *,
    contact: AgencyContact,
    address: str,
    opening_hours: str,
    hours_note: str,
    counter_languages: str,
    walk_in: bool,
    actor: Actor,
) -> AgencyContact:
    """Set how people reach ``contact``'s agency in its version: address, opening hours
    (``1-5 08:30-17:30``), a note on them, the counter's language codes, walk-in or not.

    A draft only (a published version is history, decision 0066). Raises
    ``VersionPublishedError``, ``NotPermitted`` without the role, ``ValidationError``.
    """
    table = contact.table
    ensure_can(actor, Action.DATA_EDIT, table.jurisdiction)
    check_draft(table)
    model_update(
        instance=contact,
        data={
            "address": address.strip(),
            "opening_hours": opening_hours.strip(),
            "hours_note": hours_note.strip(),
            "counter_languages": ",".join(language_codes(counter_languages)),
            "walk_in": walk_in,
        },
        actor=actor,
    )
    return contact


@transaction.atomic
def contact_details_load(
    *, table: DivisionTable, details: Sequence[tuple[Agency, dict[str, Any]]], actor: Actor
) -> list[AgencyContact]:
    """Write the seed's contact details into ``table`` (published or not: a seed writes its
    own version, as ``load_division_file`` does). An agency the version has no contact for (a
    walk-in centre the table does not print) gets one from its current values. The same
    details again write nothing. Raises ``ValidationError``."""
    existing = {c.agency_id: c for c in AgencyContact.objects.filter(table=table)}
    written = []
    for agency, data in details:
        current = existing.get(agency.pk)
        if current is None:
            written.append(
                upsert(
                    model=AgencyContact,
                    lookup={"table": table, "agency": agency},
                    data=_contact_data(ContactRow.of_agency(agency), table.jurisdiction.area_code)
                    | data,
                    actor=actor,
                )
            )
        else:
            model_update(instance=current, data=data, actor=actor)
            written.append(current)
    return written
