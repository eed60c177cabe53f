"""JSON API of jurisdictions, mounted at /api/v1/: the cities and counties guankao serves.

Public: a jurisdiction's name and phone area code are printed on every table it publishes.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from guankao.core.api_auth import refusals
from guankao.core.api_lists import Modified, filtered, page, record_id, with_modified
from guankao.core.models import Jurisdiction

router = Router(tags=["jurisdictions"])


class JurisdictionOut(Schema):
    id: int
    slug: str
    name: str
    area_code: str
    modified: datetime.datetime | None = Field(description="newest write (audit log), or null")


def _out(jurisdiction: Jurisdiction) -> dict[str, Any]:
    return {
        "id": jurisdiction.pk,
        "slug": jurisdiction.slug,
        "name": jurisdiction.name,
        "area_code": jurisdiction.area_code,
        "modified": getattr(jurisdiction, "modified", None),
    }


@router.get(
    "/jurisdictions",
    response={200: list[JurisdictionOut], **refusals(422)},
    summary="Jurisdictions (縣市), by id",
)
def jurisdiction_list(
    request: HttpRequest, response: HttpResponse, params: Query[Modified]
) -> list[dict[str, Any]]:
    """Every jurisdiction; paged by ``limit``/``offset`` (``X-Total-Count``, ``Link``)."""
    rows = filtered(Jurisdiction.objects.all(), params)
    return [_out(j) for j in page(request, response, rows, params)]


@router.get(
    "/jurisdictions/{jurisdiction_id}",
    response={200: JurisdictionOut, **refusals(404, 422)},
    summary="One jurisdiction",
)
def jurisdiction_detail(request: HttpRequest, jurisdiction_id: int = record_id()) -> dict[str, Any]:
    return _out(get_object_or_404(with_modified(Jurisdiction.objects.all()), pk=jurisdiction_id))
