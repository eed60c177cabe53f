"""The HSDS 3.0 API at /hsds/<jurisdiction>/: ``/``, ``/services``, ``/services/{id}``,
``/organizations``, ``/organizations/{id}``, ``/taxonomy_terms``.

Lists are pages as the HSDS OpenAPI ``Page`` object describes them (``total_items``,
``total_pages``, ``page_number``, ``size``, ``first_page``, ``last_page``, ``empty``,
``contents``), with ``page`` (from 1) and ``per_page``; ``/services`` also takes ``search``,
``taxonomy_term_id``, ``organization_id`` and, as guankao's extension, ``lang``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from guankao.directory.hsds import mapping
from guankao.directory.languages import SOURCE, normalise_language
from guankao.directory.snapshot import Directory, TaskEntry, get_directory

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"


class BadRequest(Exception):
    """A query parameter that cannot be used; answered with 400 and a JSON message."""


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def hsds_view(view: Callable[..., JsonResponse]) -> Callable[..., HttpResponse]:
    """Look up the directory, turn bad parameters into 400 and unknown things into 404."""

    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, jurisdiction: str, **kwargs: Any) -> HttpResponse:
        directory = get_directory(jurisdiction)
        if directory is None:
            return _json({"detail": "jurisdiction not found"}, status=404)
        try:
            return view(request, directory, **kwargs)
        except BadRequest as error:
            return _json({"detail": str(error)}, status=400)

    return wrapper


def _positive(request: HttpRequest, name: str, default: int, maximum: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise BadRequest(f"{name} must be a whole number from 1 to {maximum}")
    return int(raw)


def _language(request: HttpRequest) -> str:
    raw = request.GET.get("lang", "")
    code = normalise_language(raw) if raw else SOURCE
    if code is None:
        raise BadRequest(f"unknown lang {raw[:20]!r}")
    return code


def _page(request: HttpRequest, items: list[Any]) -> JsonResponse:
    per_page = _positive(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    pages = max(1, math.ceil(len(items) / per_page))
    number = _positive(request, "page", 1, 1_000_000)
    contents = items[(number - 1) * per_page : number * per_page]
    return _json(
        {
            "total_items": len(items),
            "total_pages": pages,
            "page_number": number,
            "size": len(contents),
            "first_page": number == 1,
            "last_page": number >= pages,
            "empty": not contents,
            "contents": contents,
        }
    )


@hsds_view
def root(request: HttpRequest, directory: Directory) -> JsonResponse:
    """What this API is: HSDS version, profile, where the OpenAPI description lives."""
    return _json(
        {
            "version": mapping.HSDS_VERSION,
            "profile": request.build_absolute_uri("/static/directory/hsds-profile.txt"),
            "openapi_url": OPENAPI_URL,
            "jurisdiction": directory.jurisdiction_slug,
            "table_version": directory.version,
            "services_url": request.build_absolute_uri(
                reverse("hsds:services", args=[directory.jurisdiction_slug])
            ),
        }
    )


def _tasks(request: HttpRequest, directory: Directory) -> list[TaskEntry]:
    query = request.GET.get("search", "").strip()
    if query:
        tasks = [directory.tasks[int(h.key)] for h in directory.search(query, limit=100).hits]
    else:
        tasks = sorted(directory.tasks.values(), key=lambda t: t.position)
    if term := request.GET.get("taxonomy_term_id"):
        tasks = [t for t in tasks if mapping.hsds_id("taxonomy_term", t.area_slug) == term]
    if organization := request.GET.get("organization_id"):
        tasks = [t for t in tasks if mapping.hsds_id("organization", t.agency_slug) == organization]
    return tasks


@hsds_view
def services(request: HttpRequest, directory: Directory) -> JsonResponse:
    """Services, best match first when searched, one page at a time."""
    code = _language(request)
    tasks = _tasks(request, directory)
    return _page(request, [mapping.service(directory, t, code, full=False) for t in tasks])


@hsds_view
def service(request: HttpRequest, directory: Directory, id: str) -> JsonResponse:
    """One service, with its organization, phones and taxonomy terms."""
    code = _language(request)
    for task in directory.tasks.values():
        if mapping.service_id(task) == id:
            return _json(mapping.service(directory, task, code))
    return _json({"detail": "service not found"}, status=404)


@hsds_view
def organizations(request: HttpRequest, directory: Directory) -> JsonResponse:
    """Organizations (agencies), one page at a time."""
    return _page(request, mapping.organizations(directory, _language(request)))


@hsds_view
def organization(request: HttpRequest, directory: Directory, id: str) -> JsonResponse:
    """One organization."""
    code = _language(request)
    for slug in directory.agencies:
        if mapping.hsds_id("organization", slug) == id:
            return _json(mapping.organization(directory, slug, code))
    return _json({"detail": "organization not found"}, status=404)


@hsds_view
def taxonomy_terms(request: HttpRequest, directory: Directory) -> JsonResponse:
    """The service areas as taxonomy terms, one page at a time."""
    return _page(request, mapping.taxonomy_terms(directory, _language(request)))
