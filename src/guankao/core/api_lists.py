"""What every list of the API shares: ``limit``/``offset`` pagination in a stable order (by id),
the filters ``modified_after``, ``jurisdiction`` and ``year``, and each row's ``modified`` time.

A list answers a JSON array, as the first two lists of v1 did; the page is described by headers
(``X-Total-Count`` and an RFC 8288 ``Link`` with ``rel="next"``/``"prev"``), so adding
pagination broke no caller (decision 0084, docs/api.md).

``modified`` is read from the audit log (every write goes through a service that appends an
entry for the object it wrote, ``core.services.audit_record``): the time of the newest entry of
the row itself, or null for a row no service has written since the audit log began (seed data
loaded before it). No model gained an ``updated_at``: the audit log already holds the time of
every change, and adding fields would have meant migrations in four apps (decision 0084).
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar, TypeVar, cast
from urllib.parse import urlencode

from django.db import models
from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError
from ninja.params import functions as param_functions
from pydantic import ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from guankao.core.models import AuditEntry, Jurisdiction, Membership, Role
from guankao.core.permissions import Action, User, allowed_roles, memberships_of

M = TypeVar("M", bound=models.Model)

# The largest id a query can name (a signed 64-bit integer, SQLite's and PostgreSQL's bigint):
# a larger one would be a 500 from the driver, not a 404 or a 422.
ID_MAX = 2**63 - 1
# A slug as Django's SlugField keeps it; anything else (a NUL, which PostgreSQL refuses in
# text) is a 422 before it reaches a query.
SLUG = r"^[-a-zA-Z0-9_]*$"
TEXT = r"^[^\x00]*$"  # PostgreSQL cannot store NUL in text
DEFAULT_LIMIT = 100
MAX_LIMIT = 500
ROC_OFFSET = 1911


class Page(Schema):
    """``limit`` and ``offset`` of every list."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="rows per page")
    offset: int = Field(0, ge=0, le=10_000_000, description="rows to skip (ordered by id)")


# A PATCH field that may be omitted but not sent as null: the OpenAPI shows no null for it.
Omitted = SkipJsonSchema[None]


class Patch(Schema):
    """A PATCH body: only the fields sent change; a field the endpoint cannot change is an
    error, and so is a null for a field that cannot be empty (omit it to leave it as it is)."""

    model_config = ConfigDict(extra="forbid")
    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        # Before the fields' own checks, which would fail on None rather than refuse it.
        if isinstance(data, dict):
            nulls = sorted(
                str(name)
                for name, value in data.items()
                if value is None and name in cls.model_fields and name not in cls.nullable
            )
            if nulls:
                raise ValueError(
                    _("%(fields)s 不能是 null；不修改請省略。") % {"fields": "、".join(nulls)}
                )
        return data


class Modified(Page):
    """A page, and only the rows written after a time."""

    modified_after: datetime.datetime | None = Field(
        None,
        description="only rows written after this time (ISO 8601 with a time zone; "
        "from the audit log)",
    )


class Filters(Modified):
    """The filters every list of records takes, with its page."""

    jurisdiction: str | None = Field(
        None, max_length=40, pattern=SLUG, description="jurisdiction slug, e.g. keelung"
    )
    year: int | None = Field(
        None,
        ge=1,
        le=9999,
        description="ROC year (113); a value from 1912 on is read as a Gregorian year (2024)",
    )


def id_filter(description: str) -> Any:
    """A query parameter naming a row by id (optional)."""
    return Field(None, ge=1, le=ID_MAX, description=description)


def record_id(description: str = "the record's id") -> Any:
    """A path parameter naming a row by id."""
    return param_functions.Path(..., ge=1, le=ID_MAX, description=description)


def gregorian(year: int) -> int:
    """The Gregorian year of a ``year`` filter: ROC years below 1912, Gregorian ones as they are."""
    return year if year > ROC_OFFSET else year + ROC_OFFSET


def jurisdiction_of(slug: str) -> Jurisdiction:
    """The jurisdiction a ``jurisdiction`` filter names; 404 JSON for an unknown slug."""
    found = Jurisdiction.objects.filter(slug=slug).first()
    if found is None:
        raise HttpError(404, _("沒有代碼為「%(slug)s」的縣市。") % {"slug": slug[:40]})
    return found


def with_modified(queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """``queryset`` with ``modified``: the time of the newest audit entry of each row."""
    newest = (
        AuditEntry.objects.filter(
            object_type=queryset.model._meta.label_lower,
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return cast("models.QuerySet[M]", queryset.annotate(modified=Subquery(newest)))


def aware(value: datetime.datetime) -> datetime.datetime:
    """A ``modified_after`` time, refused (422) without a time zone: which city's 09:00?"""
    if value.tzinfo is None or value.utcoffset() is None:
        raise HttpError(422, _("modified_after 須帶時區，例如 2024-07-15T09:00:00+08:00。"))
    # In UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows up to ±23:59.
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        raise HttpError(422, _("modified_after 超出可用的時間範圍。")) from None


def filtered(queryset: models.QuerySet[M], params: Modified) -> models.QuerySet[M]:
    """``with_modified`` and the ``modified_after`` filter (the others depend on the model)."""
    queryset = with_modified(queryset)
    if params.modified_after is not None:
        queryset = queryset.filter(modified__gt=aware(params.modified_after))
    return queryset


def page(
    request: HttpRequest, response: HttpResponse, queryset: models.QuerySet[M], params: Page
) -> list[M]:
    """One page of ``queryset`` in id order, with ``X-Total-Count`` and ``Link`` set on
    ``response`` (ninja's temporal response, whose headers the answer keeps)."""
    total = queryset.count()
    rows = list(queryset.order_by("pk")[params.offset : params.offset + params.limit])
    response["X-Total-Count"] = str(total)
    links = []
    query = {k: v for k, v in request.GET.items() if k not in ("limit", "offset")}

    def link(offset: int, rel: str) -> str:
        args = urlencode({**query, "limit": params.limit, "offset": offset})
        return f'<{request.build_absolute_uri(request.path)}?{args}>; rel="{rel}"'

    if params.offset + params.limit < total:
        links.append(link(params.offset + params.limit, "next"))
    if params.offset > 0:
        links.append(link(max(params.offset - params.limit, 0), "prev"))
    if links:
        response["Link"] = ", ".join(links)
    return rows


# --- who sees what of a list ------------------------------------------------------------------


def _membership_q(
    membership: Membership, *, jurisdiction: str, agency: str | None, parent: str | None
) -> Q | None:
    """The rows one membership reaches, as ``permissions.covers`` rules (None: all rows)."""
    if membership.role == Role.ADMIN:
        return None
    if membership.jurisdiction_id is not None:
        return Q(**{jurisdiction: membership.jurisdiction_id})
    if membership.agency_id is None or agency is None:
        return Q(pk__in=[])
    condition = Q(**{agency: membership.agency_id})
    if membership.role != Role.REPORTER and parent is not None:
        condition |= Q(**{parent: membership.agency_id})
    return condition


def staff_rows(
    user: User,
    action: Action,
    *,
    jurisdiction: str,
    agency: str | None = None,
    parent: str | None = None,
) -> Q | None:
    """The rows ``user`` may ``action``, as a filter over the lookups naming each row's
    jurisdiction, agency and the agency's parent; None when every row (an administrator).

    The same rule as ``permissions.can`` row by row (tests/api/test_resources.py checks that
    the two agree), written as one query so that a list can be paged and counted."""
    condition = Q(pk__in=[])
    roles = allowed_roles(action)
    for membership in memberships_of(user):
        if membership.role not in roles:
            continue
        reached = _membership_q(membership, jurisdiction=jurisdiction, agency=agency, parent=parent)
        if reached is None:
            return None
        condition |= reached
    return condition


def visible(queryset: models.QuerySet[M], public: Q, staff: Q | None) -> models.QuerySet[M]:
    """Rows that are ``public``, or that the caller's roles reach (``staff_rows``)."""
    if staff is None:
        return queryset
    return queryset.filter(public | staff)
