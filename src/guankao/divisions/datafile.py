"""Division tables kept as YAML data files (the seed tables): read, check, then load.

The whole file is checked before anything is written, and the load is one transaction, so a
broken file leaves the database as it was. Loading the same file again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from guankao.core.datafile import Record, check_unique, read_data_file
from guankao.core.exceptions import DataFileError
from guankao.core.models import Agency, AgencyKind, Jurisdiction
from guankao.core.services import Actor, agency_upsert, jurisdiction_upsert
from guankao.divisions.hotlines import HotlineInfo, LanguageHours
from guankao.divisions.hours import parse_hours
from guankao.divisions.models import (
    AgencyContact,
    DivisionTable,
    Hotline,
    ServiceArea,
    TaskAudience,
    language_codes,
    validate_hours,
    validate_language_codes,
)
from guankao.divisions.rows import ContactRow, TaskEntry, TaskRow
from guankao.divisions.services import (
    contact_details_load,
    division_table_upsert,
    hotline_upsert,
    service_area_upsert,
    table_contacts_replace,
    table_tasks_replace,
)
from guankao.tw import YearMonth, parse_phone, parse_roc_date


@dataclass(frozen=True)
class AgencyRow:
    slug: str
    name: str
    label: str
    kind: str
    phone: str
    parent: str | None
    tasks: tuple[TaskEntry, ...]  # agency and co-leads by slug, the area by name


@dataclass(frozen=True)
class DivisionFile:
    jurisdiction_slug: str
    jurisdiction_name: str
    area_code: str
    title: str
    version: YearMonth
    agencies: tuple[AgencyRow, ...]


def parse_division_file(path: Path) -> DivisionFile:
    """Read and check a division-table data file; raises ``DataFileError`` on the first problem."""
    top = read_data_file(path)
    jurisdiction = top.child("jurisdiction", "jurisdiction")
    table = top.child("table", "table")
    area_code = jurisdiction.text("area_code", required=False, default="02")
    version_text = table.text("version")
    try:
        version = parse_roc_date(version_text)
    except ValueError as error:
        raise table.error("version", str(error)) from None
    if not isinstance(version, YearMonth):
        raise table.error("version", f"expected ROC year.month such as 112.7, got {version_text!r}")

    records = [
        Record(file=top.file, name=f"agencies[{i + 1}]", data=item)
        for i, item in enumerate(top.items("agencies"))
    ]
    slugs = {record.text("slug") for record in records}
    agencies = [_agency_row(record, area_code, slugs) for record in records]
    check_unique(records, "slug", [a.slug for a in agencies])
    check_unique(records, "label", [a.label for a in agencies])
    known: set[str] = set()
    for record, agency in zip(records, agencies, strict=True):
        if agency.parent is not None and agency.parent not in known:
            raise record.error("parent", f"unknown agency {agency.parent!r} (list parents first)")
        known.add(agency.slug)
    return DivisionFile(
        jurisdiction_slug=jurisdiction.text("slug"),
        jurisdiction_name=jurisdiction.text("name"),
        area_code=area_code,
        title=table.text("title"),
        version=version,
        agencies=tuple(agencies),
    )


def _agency_row(record: Record, area_code: str, slugs: set[str]) -> AgencyRow:
    kind = record.text("kind", required=False, default=AgencyKind.CITY_DEPARTMENT)
    if kind not in AgencyKind.values:
        raise record.error("kind", f"unknown kind {kind!r}; one of {', '.join(AgencyKind.values)}")
    phone = record.text("phone", required=False)
    if phone:
        try:
            parse_phone(phone, default_area_code=area_code)
        except ValueError as error:
            raise record.error("phone", str(error)) from None
    name = record.text("name")
    task_records = [
        Record(file=record.file, name=f"{record.name} ({name}) tasks[{i + 1}]", data=item)
        for i, item in enumerate(record.items("tasks", required=False))
    ]
    slug = record.text("slug")
    tasks = [_task_entry(r, slug, slugs - {slug}) for r in task_records]
    check_unique(task_records, "number", [t.number for t in tasks])
    return AgencyRow(
        slug=slug,
        name=name,
        label=record.text("label", required=False, default=name),
        kind=kind,
        phone=phone,
        parent=record.text("parent", required=False) or None,
        tasks=tuple(tasks),
    )


def _task_entry(record: Record, agency: str, other_agencies: set[str]) -> TaskEntry:
    co_leads = tuple(record.text_list("shared_with"))
    for slug in co_leads:
        if slug not in other_agencies:
            raise record.error("shared_with", f"unknown agency {slug!r}")
    return TaskEntry(
        where=record.name,
        agency=agency,
        number=record.integer("number", minimum=1),
        numbered=record.boolean("numbered", default=True),
        area=record.text("area"),
        text=record.text("text"),
        co_leads=co_leads,
        audience=_audience(record),
    )


def _audience(record: Record) -> str:
    """``audience: internal`` on a task the public cannot ask for; public when not written."""
    audience = record.text("audience", required=False, default=TaskAudience.PUBLIC)
    if audience not in TaskAudience.values:
        raise record.error(
            "audience", f"unknown audience {audience!r}; one of {', '.join(TaskAudience.values)}"
        )
    return audience


def parse_service_areas(path: Path) -> list[Record]:
    """Read the list of service areas (項目) and check that slugs and names are unique."""
    top = read_data_file(path)
    records = [
        Record(file=top.file, name=f"areas[{i + 1}]", data=item)
        for i, item in enumerate(top.items("areas"))
    ]
    check_unique(records, "slug", [r.text("slug") for r in records])
    check_unique(records, "name", [r.text("name") for r in records])
    for record in records:
        record.boolean("national", default=False)
    return records


@transaction.atomic
def load_service_areas(*, path: Path, actor: Actor) -> list[ServiceArea]:
    """Create or update the service areas listed in ``path``, in their listed order."""
    return [
        service_area_upsert(
            slug=r.text("slug"),
            name=r.text("name"),
            is_national=r.boolean("national", default=False),
            position=i + 1,
            actor=actor,
        )
        for i, r in enumerate(parse_service_areas(path))
    ]


@transaction.atomic
def load_division_file(*, path: Path, actor: Actor) -> DivisionTable:
    """Load a division-table data file; tasks the file no longer lists are removed."""
    parsed = parse_division_file(path)
    areas = {area.name: area for area in ServiceArea.objects.all()}
    entries = [task for agency_row in parsed.agencies for task in agency_row.tasks]
    for task in entries:
        if task.area not in areas:
            raise DataFileError(
                file=path.name,
                record=task.where,
                field="area",
                message=f"unknown service area {task.area!r}",
            )

    jurisdiction = jurisdiction_upsert(
        slug=parsed.jurisdiction_slug,
        name=parsed.jurisdiction_name,
        area_code=parsed.area_code,
        actor=actor,
    )
    agencies: dict[str, Agency] = {}
    for row in parsed.agencies:
        agencies[row.slug] = agency_upsert(
            jurisdiction=jurisdiction,
            slug=row.slug,
            name=row.name,
            label=row.label,
            kind=row.kind,
            phone=row.phone,
            parent=agencies[row.parent] if row.parent else None,
            actor=actor,
        )
    # A seed table is an official, published version: public from its month.
    table = division_table_upsert(
        jurisdiction=jurisdiction,
        version=parsed.version,
        title=parsed.title,
        actor=actor,
        published_on=DivisionTable.month_of(parsed.version),
    )
    tasks = [
        TaskRow(
            agency=agencies[task.agency],
            number=task.number,
            numbered=task.numbered,
            area=areas[task.area],
            text=task.text,
            position=position,
            co_leads=tuple(agencies[slug] for slug in task.co_leads),
            audience=task.audience,
        )
        for position, task in enumerate(entries, start=1)
    ]
    table_tasks_replace(table=table, tasks=tasks, actor=actor)
    # What this version prints for each agency, as the file writes it (decision 0064).
    used = {a.pk for row in tasks for a in (row.agency, *row.co_leads)}
    table_contacts_replace(
        table=table,
        contacts=[
            ContactRow(
                agency=agencies[row.slug],
                label=row.label,
                name=row.name,
                parent_name=agencies[row.parent].name if row.parent else "",
                phone=row.phone,
            )
            for row in parsed.agencies
            if agencies[row.slug].pk in used
        ],
        actor=actor,
    )
    return table


HOTLINES_FILE = "hotlines.yaml"


def parse_hotlines_file(path: Path) -> tuple[HotlineInfo, ...]:
    """Read and check a hotlines data file (``seeds/hotlines.yaml``) into plain values, in the
    file's order; raises ``DataFileError`` on the first problem. No database."""
    top = read_data_file(path)
    records = [
        Record(file=top.file, name=f"hotlines[{i + 1}]", data=item)
        for i, item in enumerate(top.items("hotlines"))
    ]
    check_unique(records, "slug", [r.text("slug") for r in records])
    known = {code for code, _name in settings.LANGUAGES}
    found = []
    for record in records:
        number = record.text("number")
        try:
            parse_phone(number)
        except ValueError as error:
            raise record.error("number", str(error)) from None
        schedule: list[LanguageHours] = []
        for i, item in enumerate(record.items("languages")):
            row = Record(file=top.file, name=f"{record.name} languages[{i + 1}]", data=item)
            language = row.text("language")
            if language not in known:
                raise row.error("language", f"unknown language {language!r}")
            if language in {entry.language for entry in schedule}:
                raise row.error("language", f"{language!r} listed twice (join its hours with ;)")
            try:
                hours = parse_hours(row.text("hours"))
            except ValueError as error:
                raise row.error("hours", str(error)) from None
            schedule.append(LanguageHours(language, hours, row.text("note", required=False)))
        found.append(
            HotlineInfo(
                slug=record.text("slug"),
                number=number,
                name=record.text("name"),
                note=record.text("note", required=False),
                urgent=record.boolean("urgent", default=False),
                schedule=tuple(schedule),
                jurisdiction=record.text("jurisdiction", required=False) or None,
            )
        )
    return tuple(found)


@transaction.atomic
def load_hotlines(*, path: Path, actor: Actor) -> list[Hotline]:
    """Create or correct the hotlines of ``path`` (in its order); lines it does not list are
    kept. Loading the same file again writes nothing."""
    lines = parse_hotlines_file(path)
    jurisdictions = {
        j.slug: j
        for j in Jurisdiction.objects.filter(
            slug__in={h.jurisdiction for h in lines if h.jurisdiction}
        )
    }
    for info in lines:
        if info.jurisdiction and info.jurisdiction not in jurisdictions:
            raise DataFileError(
                file=path.name,
                record=info.slug,
                field="jurisdiction",
                message=f"unknown jurisdiction {info.jurisdiction!r}",
            )
    return [
        hotline_upsert(
            info=info,
            position=position,
            jurisdiction=jurisdictions[info.jurisdiction] if info.jurisdiction else None,
            actor=actor,
        )
        for position, info in enumerate(lines, start=1)
    ]


def _contact_details(record: Record, *, walk_in: bool) -> dict[str, Any]:
    """The detail fields of a contacts-file record, checked as the model checks them."""
    details: dict[str, Any] = {
        "address": record.text("address", required=False),
        "opening_hours": record.text("opening_hours", required=False),
        "hours_note": record.text("hours_note", required=False),
        "counter_languages": ",".join(
            language_codes(record.text("counter_languages", required=False))
        ),
        "walk_in": record.boolean("walk_in", default=walk_in),
    }
    for name, check in (
        ("opening_hours", validate_hours),
        ("counter_languages", validate_language_codes),
    ):
        try:
            check(details[name])
        except ValidationError as problem:
            raise record.error(name, " ".join(problem.messages)) from None
    return details


@transaction.atomic
def load_contacts_file(*, path: Path, actor: Actor) -> list[AgencyContact]:
    """Load a contacts data file (``seeds/keelung-contacts-112.7.yaml``) into the version it
    names: details of the table's agencies, and walk-in centres as agencies of their own (with
    a contact marked walk-in). The whole file is checked first; the same file again writes
    nothing."""
    top = read_data_file(path)
    slug = top.text("jurisdiction")
    version_text = top.text("version")
    try:
        version = parse_roc_date(version_text)
    except ValueError as error:
        raise top.error("version", str(error)) from None
    if not isinstance(version, YearMonth):
        raise top.error("version", f"expected ROC year.month such as 112.7, got {version_text!r}")
    table = (
        DivisionTable.objects.filter(
            jurisdiction__slug=slug, effective_month=DivisionTable.month_of(version)
        )
        .select_related("jurisdiction")
        .first()
    )
    if table is None:
        raise top.error("version", f"{slug} has no table version {version_text} (load it first)")
    agencies = {a.slug: a for a in Agency.objects.filter(jurisdiction=table.jurisdiction)}
    rows: list[tuple[Record, dict[str, Any]]] = []
    for i, item in enumerate(top.items("agencies", required=False)):
        record = Record(file=top.file, name=f"agencies[{i + 1}]", data=item)
        if record.text("slug") not in agencies:
            raise record.error("slug", f"unknown agency {record.text('slug')!r}")
        rows.append((record, _contact_details(record, walk_in=False)))
    centres = [
        Record(file=top.file, name=f"walk_in_centres[{i + 1}]", data=item)
        for i, item in enumerate(top.items("walk_in_centres", required=False))
    ]
    for record in centres:
        parent = record.text("parent", required=False)
        if parent and parent not in agencies:
            raise record.error("parent", f"unknown agency {parent!r}")
        kind = record.text("kind", required=False, default=AgencyKind.OTHER)
        if kind not in AgencyKind.values:
            raise record.error("kind", f"unknown kind {kind!r}")
        if phone := record.text("phone", required=False):
            try:
                parse_phone(phone, default_area_code=table.jurisdiction.area_code)
            except ValueError as error:
                raise record.error("phone", str(error)) from None
        rows.append((record, _contact_details(record, walk_in=True)))
    check_unique([r for r, _d in rows], "slug", [r.text("slug") for r, _d in rows])

    for record in centres:
        name = record.text("name")
        parent = record.text("parent", required=False)
        agencies[record.text("slug")] = agency_upsert(
            jurisdiction=table.jurisdiction,
            slug=record.text("slug"),
            name=name,
            label=record.text("label", required=False, default=name),
            kind=record.text("kind", required=False, default=AgencyKind.OTHER),
            phone=record.text("phone", required=False),
            parent=agencies[parent] if parent else None,
            actor=actor,
        )
    return contact_details_load(
        table=table,
        details=[(agencies[record.text("slug")], details) for record, details in rows],
        actor=actor,
    )
