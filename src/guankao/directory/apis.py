"""JSON API of the directory, mounted at /api/v1/directory/: search and browse."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from guankao.core.api_auth import refusals
from guankao.directory import hotlines
from guankao.directory.languages import SOURCE, normalise_language
from guankao.directory.presenters import area_view, present_search
from guankao.directory.snapshot import Directory, get_directory

router = Router(tags=["directory"])


class SearchParams(Schema):
    q: str = Field("", max_length=2000, description="the question, in any of the eleven languages")
    lang: str = Field(SOURCE, description="language of the texts returned")
    limit: int = Field(10, ge=1, le=100)


class Hotline(Schema):
    number: str
    name: str
    tel: str


class ClosestArea(Schema):
    slug: str
    name: str
    url: str


class SearchOut(Schema):
    query: str
    language: str
    violence: bool = Field(description="the question may be about violence: call 113 / 110")
    hotlines: list[Hotline] = Field(
        description="113 and 110 first for violence; else 1990; when `weak`, the lines that "
        "answer in `language` now"
    )
    results: list[dict[str, Any]]
    weak: bool = Field(
        description="no good answer: say so, offer `closest` and `hotlines`, suggest rephrasing"
    )
    closest: list[ClosestArea] = Field(
        description="the service areas nearest the question, best first; never empty"
    )


class AreaOut(Schema):
    slug: str
    name: str
    tasks: int


def _directory(slug: str) -> Directory:
    directory = get_directory(slug)
    if directory is None:
        raise HttpError(404, _("沒有代碼為「%(slug)s」的縣市。") % {"slug": slug[:40]})
    return directory


def _language(raw: str) -> str:
    code = normalise_language(raw)
    if code is None:
        raise HttpError(422, _("不支援的語言「%(lang)s」。") % {"lang": raw[:20]})
    return code


@router.get("/{jurisdiction}/search", response={200: SearchOut, **refusals(404, 422)})
def search(request: HttpRequest, jurisdiction: str, params: Query[SearchParams]) -> dict[str, Any]:
    """Search the directory: tasks best first, each with its agency and a `tel:` link."""
    directory = _directory(jurisdiction)
    code = _language(params.lang)
    query = params.q.strip()
    ranking = directory.search(query, limit=params.limit)
    view = present_search(directory, ranking, code)
    national = directory.hotlines
    shown = list(hotlines.urgent(national) if view.violence else (hotlines.immigrant(national),))
    if ranking.weak:
        # Never an empty answer (decision 0080): the lines that answer in the reader's language
        # now (after 113 and 110 for violence), else all of them.
        now = hotlines.hotlines_for(code, hotlines=national)
        shown = [*shown, *(h for h in now if h not in shown)] if now else list(national)
    closest = [area_view(directory, slug, code) for slug in ranking.closest]
    with translation.override(code):
        lines = [{"number": h.number, "name": str(h.name), "tel": h.phone.tel_uri} for h in shown]
    return {
        "query": query,
        "language": code,
        "violence": view.violence,
        "hotlines": lines,
        "results": [task.as_json() for task in view.tasks],
        "weak": ranking.weak,
        "closest": [
            {
                "slug": a.slug,
                "name": a.name.text,
                "url": reverse("directory:area", args=[jurisdiction, a.slug]) + f"?lang={code}",
            }
            for a in closest
        ],
    }


@router.get("/{jurisdiction}/areas", response={200: list[AreaOut], **refusals(404, 422)})
def areas(request: HttpRequest, jurisdiction: str, lang: str = SOURCE) -> list[dict[str, Any]]:
    """The service areas that have tasks, with how many."""
    directory = _directory(jurisdiction)
    code = _language(lang)
    return [
        {
            "slug": area.slug,
            "name": area_view(directory, area.slug, code).name.text,
            "tasks": len(directory.tasks_in_area(area.slug)),
        }
        for area in directory.used_areas()
    ]
