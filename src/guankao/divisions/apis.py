"""JSON API of division tables, mounted at /api/v1/divisions/: agencies with the contacts each
table version prints, the table versions, and their tasks (read; tasks also written).

What is public: agencies, and the versions published by today (Asia/Taipei) with their tasks
and contacts, as the directory shows them. A draft version, its tasks and contacts are seen only
by staff of its jurisdiction (``data.view``); a task is written by its coordinators and
administrators (``data.edit``), only in a draft: a published version is history (409).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import ConfigDict, Field

from guankao.core.api_auth import API_AUTH, SIGNED_IN, WITH_BODY, caller, refusals
from guankao.core.api_lists import (
    ID_MAX,
    SLUG,
    TEXT,
    Filters,
    Omitted,
    Patch,
    filtered,
    gregorian,
    id_filter,
    jurisdiction_of,
    page,
    record_id,
    staff_rows,
    with_modified,
)
from guankao.core.models import Agency
from guankao.core.permissions import Action, User, api_require, can
from guankao.divisions import services
from guankao.divisions.exceptions import VersionPublishedError
from guankao.divisions.models import (
    AgencyContact,
    DivisionTable,
    ServiceArea,
    TableStatus,
    Task,
    language_codes,
)

router = Router(tags=["divisions"])

MODIFIED = Field(description="newest write of this row (audit log), or null")


# --- who sees what -----------------------------------------------------------------------------


def _tables_seen(user: User, prefix: str = "") -> Q:
    """The table versions ``user`` sees, as a filter (``prefix`` reaches the table)."""
    public = Q(
        **{
            f"{prefix}status": TableStatus.PUBLISHED,
            f"{prefix}published_on__lte": timezone.localdate(),
        }
    )
    staff = staff_rows(user, Action.DATA_VIEW, jurisdiction=f"{prefix}jurisdiction_id")
    return Q() if staff is None else public | staff


def _table_seen(request: HttpRequest, table: DivisionTable) -> bool:
    published = table.status == TableStatus.PUBLISHED and table.published_on is not None
    if published and table.published_on <= timezone.localdate():  # type: ignore[operator]
        return True
    return can(caller(request), Action.DATA_VIEW, table.jurisdiction)


# --- schemas -------------------------------------------------------------------------------


class ContactOut(Schema):
    table: int = Field(description="id of the table version")
    version: str = Field(description="the version as printed, e.g. 112.7")
    label: str
    name: str
    parent_name: str
    phone: str = Field(description="as written on the table")
    phone_e164: str
    phone_extension: str
    address: str = Field(description="blank where nobody has written it down")
    opening_hours: str = Field(description="weekdays (1 = Monday) and times: 1-5 08:30-17:30")
    hours_note: str
    counter_languages: list[str] = Field(description="language codes spoken at the counter")
    walk_in: bool = Field(description="a place one may walk into without an appointment")


class AgencyOut(Schema):
    id: int
    slug: str
    jurisdiction: str
    name: str
    label: str
    parent: int | None
    kind: str
    phone: str
    phone_e164: str
    phone_extension: str
    contacts: list[ContactOut] = Field(
        description="how each table version you may see prints the agency, newest first"
    )
    modified: datetime.datetime | None = MODIFIED


class TableOut(Schema):
    id: int
    jurisdiction: str
    version: str = Field(description="ROC year.month, e.g. 112.7")
    title: str
    effective_month: datetime.date
    status: str
    published_on: datetime.date | None
    tasks: int
    modified: datetime.datetime | None = MODIFIED


class TaskOut(Schema):
    id: int
    table: int
    version: str
    jurisdiction: str
    agency: int
    agency_label: str
    number: int
    numbered: bool
    area: str = Field(description="service area slug")
    area_name: str
    text: str
    position: int
    audience: str = Field(description="public, or internal (not shown in public answers)")
    co_leads: list[int] = Field(description="ids of the co-lead agencies")
    modified: datetime.datetime | None = MODIFIED


class AgencyFilters(Filters):
    year: int | None = Field(
        None, ge=1, le=9999, description="agencies with a contact in a version of this year"
    )


class TableFilters(Filters):
    status: Literal["draft", "published"] | None = None


class TaskFilters(Filters):
    table: int | None = id_filter("id of one table version")
    agency: int | None = id_filter("id of the lead agency")


Audience = Literal["public", "internal"]
AgencyId = Annotated[int, Field(ge=1, le=ID_MAX)]


class TaskIn(Schema):
    model_config = ConfigDict(extra="forbid")

    table: int = Field(ge=1, le=ID_MAX, description="id of a draft table version")
    agency: int = Field(
        ge=1, le=ID_MAX, description="id of the lead agency, of the table's jurisdiction"
    )
    number: int | None = Field(
        None, ge=1, le=32767, description="the agency's task number; next free one if omitted"
    )
    area: str = Field(max_length=40, pattern=SLUG, description="service area slug")
    text: str = Field(min_length=1, max_length=5000, pattern=TEXT)
    audience: Audience | None = Field(None, description="omitted: the rule's default")
    co_leads: list[AgencyId] = Field(default_factory=list, max_length=50)


class TaskPatch(Patch):
    """Only the fields sent change (none may be null)."""

    area: str | Omitted = Field(None, max_length=40, pattern=SLUG)
    text: str | Omitted = Field(None, min_length=1, max_length=5000, pattern=TEXT)
    numbered: bool | Omitted = None
    audience: Audience | Omitted = None
    co_leads: list[AgencyId] | Omitted = Field(None, max_length=50)


LIST = refusals(404, 422)
WRITE = refusals(SIGNED_IN, WITH_BODY, 404, 409, 422)


# --- agencies ------------------------------------------------------------------------------


def _contact_out(contact: AgencyContact) -> dict[str, Any]:
    return {
        "table": contact.table_id,
        "version": contact.table.version,
        "label": contact.label,
        "name": contact.name,
        "parent_name": contact.parent_name,
        "phone": contact.phone,
        "phone_e164": contact.phone_e164,
        "phone_extension": contact.phone_extension,
        "address": contact.address,
        "opening_hours": contact.opening_hours,
        "hours_note": contact.hours_note,
        "counter_languages": list(language_codes(contact.counter_languages)),
        "walk_in": contact.walk_in,
    }


def _agency_out(agency: Agency) -> dict[str, Any]:
    return {
        "id": agency.pk,
        "slug": agency.slug,
        "jurisdiction": agency.jurisdiction.slug,
        "name": agency.name,
        "label": agency.label,
        "parent": agency.parent_id,
        "kind": agency.kind,
        "phone": agency.phone,
        "phone_e164": agency.phone_e164,
        "phone_extension": agency.phone_extension,
        "contacts": [_contact_out(c) for c in agency.seen_contacts],  # type: ignore[attr-defined]
        "modified": getattr(agency, "modified", None),
    }


def _agencies(user: User) -> QuerySet[Agency]:
    contacts = (
        AgencyContact.objects.filter(_tables_seen(user, "table__"))
        .select_related("table")
        .order_by("-table__effective_month", "pk")
    )
    return Agency.objects.select_related("jurisdiction").prefetch_related(
        Prefetch("contacts", queryset=contacts, to_attr="seen_contacts")
    )


@router.get(
    "/agencies",
    response={200: list[AgencyOut], **LIST},
    summary="Agencies (主辦單位) with the contacts of each table version",
)
def agency_list(
    request: HttpRequest, response: HttpResponse, params: Query[AgencyFilters]
) -> list[dict[str, Any]]:
    """Agencies by id. ``year``: those printed in a version of that year (ROC or Gregorian)."""
    user = caller(request)
    rows = filtered(_agencies(user), params)
    if params.jurisdiction:
        rows = rows.filter(jurisdiction=jurisdiction_of(params.jurisdiction))
    if params.year is not None:
        tables = DivisionTable.objects.filter(
            _tables_seen(user), effective_month__year=gregorian(params.year)
        )
        rows = rows.filter(contacts__table__in=tables).distinct()
    return [_agency_out(a) for a in page(request, response, rows, params)]


@router.get("/agencies/{agency_id}", response={200: AgencyOut, **LIST}, summary="One agency")
def agency_detail(request: HttpRequest, agency_id: int = record_id()) -> dict[str, Any]:
    agency = with_modified(_agencies(caller(request))).filter(pk=agency_id).first()
    if agency is None:
        raise HttpError(404, _("找不到這筆資料。"))
    return _agency_out(agency)


# --- table versions ------------------------------------------------------------------------


def _table_out(table: DivisionTable) -> dict[str, Any]:
    return {
        "id": table.pk,
        "jurisdiction": table.jurisdiction.slug,
        "version": table.version,
        "title": table.title,
        "effective_month": table.effective_month,
        "status": table.status,
        "published_on": table.published_on,
        "tasks": table.task_count,  # type: ignore[attr-defined]
        "modified": getattr(table, "modified", None),
    }


def _tables() -> QuerySet[DivisionTable]:
    return DivisionTable.objects.select_related("jurisdiction").annotate(task_count=Count("tasks"))


@router.get(
    "/tables",
    response={200: list[TableOut], **LIST},
    summary="Division table versions (分工表) you may see",
)
def table_list(
    request: HttpRequest, response: HttpResponse, params: Query[TableFilters]
) -> list[dict[str, Any]]:
    """Published versions for anyone; drafts too for staff of their jurisdiction."""
    rows = filtered(_tables().filter(_tables_seen(caller(request))), params)
    if params.jurisdiction:
        rows = rows.filter(jurisdiction=jurisdiction_of(params.jurisdiction))
    if params.year is not None:
        rows = rows.filter(effective_month__year=gregorian(params.year))
    if params.status:
        rows = rows.filter(status=params.status)
    return [_table_out(t) for t in page(request, response, rows, params)]


@router.get("/tables/{table_id}", response={200: TableOut, **LIST}, summary="One table version")
def table_detail(request: HttpRequest, table_id: int = record_id()) -> dict[str, Any]:
    table = with_modified(_tables()).filter(pk=table_id).first()
    # Another city's draft answers as if it did not exist, as the pages do.
    if table is None or not _table_seen(request, table):
        raise HttpError(404, _("找不到這筆資料。"))
    return _table_out(table)


# --- tasks ---------------------------------------------------------------------------------


def _task_out(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "table": task.table_id,
        "version": task.table.version,
        "jurisdiction": task.table.jurisdiction.slug,
        "agency": task.agency_id,
        "agency_label": task.agency.label,
        "number": task.number,
        "numbered": task.numbered,
        "area": task.area.slug,
        "area_name": task.area.name,
        "text": task.text,
        "position": task.position,
        "audience": task.audience,
        "co_leads": sorted(a.pk for a in task.co_leads.all()),
        "modified": getattr(task, "modified", None),
    }


def _tasks() -> QuerySet[Task]:
    return Task.objects.select_related("table__jurisdiction", "agency", "area").prefetch_related(
        "co_leads"
    )


@router.get(
    "/tasks",
    response={200: list[TaskOut], **LIST},
    summary="Tasks (業務內容) of the versions you may see",
)
def task_list(
    request: HttpRequest, response: HttpResponse, params: Query[TaskFilters]
) -> list[dict[str, Any]]:
    """Tasks by id; ``year`` is the version's year, ``table`` one version, ``agency`` its lead."""
    rows = filtered(_tasks().filter(_tables_seen(caller(request), "table__")), params)
    if params.jurisdiction:
        rows = rows.filter(table__jurisdiction=jurisdiction_of(params.jurisdiction))
    if params.year is not None:
        rows = rows.filter(table__effective_month__year=gregorian(params.year))
    if params.table is not None:
        rows = rows.filter(table_id=params.table)
    if params.agency is not None:
        rows = rows.filter(agency_id=params.agency)
    return [_task_out(t) for t in page(request, response, rows, params)]


def _task(request: HttpRequest, task_id: int) -> Task:
    task = with_modified(_tasks()).filter(pk=task_id).first()
    if task is None or not _table_seen(request, task.table):
        raise HttpError(404, _("找不到這筆資料。"))
    return task


@router.get("/tasks/{task_id}", response={200: TaskOut, **LIST}, summary="One task")
def task_detail(request: HttpRequest, task_id: int = record_id()) -> dict[str, Any]:
    return _task_out(_task(request, task_id))


def _area(slug: str) -> ServiceArea:
    area = ServiceArea.objects.filter(slug=slug).first()
    if area is None:
        raise HttpError(400, _("沒有代碼為「%(slug)s」的服務項目。") % {"slug": slug[:40]})
    return area


def _agencies_of(table: DivisionTable, ids: list[int]) -> list[Agency]:
    found = {a.pk: a for a in Agency.objects.filter(pk__in=ids, jurisdiction=table.jurisdiction)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise HttpError(
            400,
            _("%(name)s沒有這些機關：%(ids)s。")
            % {"name": table.jurisdiction.name, "ids": "、".join(missing)},
        )
    return [found[i] for i in dict.fromkeys(ids)]


def _write(request: HttpRequest, table: DivisionTable, **fields: Any) -> Task:
    """``services.task_upsert`` for the API: the role over the table's jurisdiction first,
    then 409 for a published version and 400 for a task the model refuses."""
    api_require(request, Action.DATA_EDIT, table.jurisdiction)
    try:
        services.check_draft(table)
        task = services.task_upsert(table=table, actor=request.user, **fields)
    except VersionPublishedError as error:
        raise HttpError(409, str(error)) from None
    except ValidationError as error:
        raise HttpError(400, "；".join(error.messages)) from None
    return _task(request, task.pk)


@router.post(
    "/tasks",
    auth=API_AUTH,
    response={201: TaskOut, **WRITE},
    summary="Add a task to a draft table version",
    description="Coordinators and administrators of the table's jurisdiction. 409 when the "
    "version is published or the agency already has a task of that number; 400 for an unknown "
    "area or an agency of another jurisdiction.",
)
def task_create(request: HttpRequest, payload: TaskIn) -> Status[dict[str, Any]]:
    table = DivisionTable.objects.select_related("jurisdiction").filter(pk=payload.table).first()
    if table is None:
        raise HttpError(404, _("找不到這筆資料。"))
    api_require(request, Action.DATA_EDIT, table.jurisdiction)
    agency, *co_leads = _agencies_of(table, [payload.agency, *payload.co_leads])
    area = _area(payload.area)
    tasks = Task.objects.filter(table=table)
    number = payload.number
    if number is None:
        number = (tasks.filter(agency=agency).aggregate(n=Max("number"))["n"] or 0) + 1
    elif tasks.filter(agency=agency, number=number).exists():
        raise HttpError(
            409,
            _("%(agency)s 已有業務編號 %(number)d；修改請用 PATCH。")
            % {"agency": agency.label, "number": number},
        )
    task = _write(
        request,
        table,
        agency=agency,
        number=number,
        numbered=True,
        area=area,
        text=payload.text,
        position=(tasks.aggregate(n=Max("position"))["n"] or 0) + 1,
        co_leads=[a for a in co_leads if a.pk != agency.pk],
        audience=payload.audience,
    )
    return Status(201, _task_out(task))


@router.patch(
    "/tasks/{task_id}",
    auth=API_AUTH,
    response={200: TaskOut, **WRITE},
    summary="Change a task of a draft table version",
    description="Send only the fields to change. 409 when the version is published.",
)
def task_update(
    request: HttpRequest, task_id: int = record_id(), *, payload: TaskPatch
) -> dict[str, Any]:
    task = _task(request, task_id)
    api_require(request, Action.DATA_EDIT, task.table.jurisdiction)
    data = payload.dict(exclude_unset=True)
    co_leads = (
        _agencies_of(task.table, data["co_leads"])
        if data.get("co_leads") is not None
        else list(task.co_leads.all())
    )
    saved = _write(
        request,
        task.table,
        agency=task.agency,
        number=task.number,
        numbered=data["numbered"] if data.get("numbered") is not None else task.numbered,
        area=_area(data["area"]) if data.get("area") else task.area,
        text=data["text"] if data.get("text") else task.text,
        position=task.position,
        co_leads=co_leads,
        audience=data.get("audience") or task.audience,
    )
    return _task_out(saved)
