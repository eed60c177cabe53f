"""Public pages of the new-immigrant directory: search, areas, agencies. No login, no JavaScript.

Every page reads the cached directory (one query when it is fresh) and renders in the
language of ``?lang=`` or, without it, the one the browser asks for.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from guankao.core.models import Jurisdiction
from guankao.core.page_cache import not_cached, published_page
from guankao.directory import hotlines
from guankao.directory.forms import SearchForm
from guankao.directory.languages import BY_CODE, LANGUAGES, SOURCE, normalise_language
from guankao.directory.presenters import (
    agency_view,
    area_view,
    group_by_agency,
    present_search,
    task_view,
    walk_in_centres,
)
from guankao.directory.search import invalidation
from guankao.directory.services import unanswered_record
from guankao.directory.snapshot import Directory, get_directory
from guankao.divisions.models import TableStatus

View = Callable[..., HttpResponse]

# Where the quick exit goes (decision 0076): a page that says nothing about what was read and
# is common in anyone's history. A plain link without JavaScript; with it, location.replace.
QUICK_EXIT_URL = "https://www.google.com.tw/"


def _minute() -> str:
    """The page cache's clock (decision 0085): the pages say which hotlines answer now."""
    return hotlines.taipei_now().strftime("%Y%m%d%H%M")


# Anonymous readers get these pages from the page cache, stale when the directory's generation,
# the newest audit entry or the minute moves (decision 0085).
directory_page = published_page(invalidation.NAME, clock=_minute)


def page_language(request: HttpRequest) -> str:
    """``?lang=`` when valid, else the language the browser negotiated, else zh-Hant."""
    return (
        normalise_language(request.GET.get("lang"))
        or normalise_language(translation.get_language_from_request(request))
        or SOURCE
    )


def in_page_language(view: View) -> View:
    """Render the view in the page's language and say so in ``Content-Language``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        code = page_language(request)
        with translation.override(code):
            response = view(request, *args, code=code, **kwargs)
        response.headers["Content-Language"] = BY_CODE[code].tag
        return response

    return wrapper


def _directory(slug: str) -> Directory:
    directory = get_directory(slug)
    if directory is None:
        raise Http404
    return directory


def _common(directory: Directory, code: str) -> dict[str, Any]:
    return {
        "directory": directory,
        "city": directory.jurisdiction_name.shown(code),
        "code": code,
        "page_tag": BY_CODE[code].tag,
        "languages": LANGUAGES,
        "translated": code != SOURCE,
        "all_hotlines": directory.hotlines,
        "urgent_hotlines": hotlines.urgent(directory.hotlines),
        "quick_exit_url": QUICK_EXIT_URL,
    }


@directory_page
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The jurisdictions that have a directory: a table version in force (not only drafts)."""
    code = page_language(request)
    with translation.override(code):
        jurisdictions = Jurisdiction.objects.filter(
            division_tables__status=TableStatus.PUBLISHED,
            division_tables__published_on__lte=timezone.localdate(),
        ).distinct()
        return render(
            request,
            "directory/index.html",
            {
                "jurisdictions": jurisdictions,
                "code": code,
                "languages": LANGUAGES,
                "quick_exit_url": QUICK_EXIT_URL,
            },
        )


@directory_page
@require_safe
@in_page_language
def home(request: HttpRequest, jurisdiction: str, *, code: str) -> HttpResponse:
    """The search box, the results of a question, and browsing by area and by agency."""
    directory = _directory(jurisdiction)
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = _common(directory, code)
    context["form"] = form
    context["query"] = query
    context["areas"] = [area_view(directory, a.slug, code) for a in directory.used_areas()]
    context["agencies"] = [agency_view(directory, a.slug, code) for a in directory.used_agencies()]
    if query:
        ranking = directory.search(query)
        if ranking.weak:  # counted anonymously (decision 0082)
            unanswered_record(
                jurisdiction=directory.jurisdiction_slug,
                language=code,
                text=query,
                when=timezone.now(),
            )
        context["results"] = present_search(directory, ranking, code)
        # Never an empty answer (decision 0080): a weak one says so, offers the nearest areas,
        # the hotlines (those answering in the reader's language now first), ways to rephrase.
        context["weak"] = ranking.weak
        context["closest"] = [
            area_view(directory, slug, code) for slug in ranking.closest if slug in directory.areas
        ]
        now = hotlines.hotlines_for(code, hotlines=directory.hotlines)
        context["help_hotlines"] = [*now, *(h for h in directory.hotlines if h not in now)]
    response = render(request, "directory/home.html", context)
    # A weak answer is counted on every asking (decision 0082): never from the page cache.
    return not_cached(response) if context.get("weak") else response


@directory_page
@require_safe
@in_page_language
def area(request: HttpRequest, jurisdiction: str, area: str, *, code: str) -> HttpResponse:
    """One service area: its tasks, grouped by agency."""
    directory = _directory(jurisdiction)
    tasks = directory.tasks_in_area(area)
    if area not in directory.areas or not tasks:
        raise Http404
    context = _common(directory, code)
    context["area"] = area_view(directory, area, code)
    context["groups"] = group_by_agency([task_view(directory, t, code) for t in tasks])
    context["form"] = SearchForm()
    return render(request, "directory/area.html", context)


@directory_page
@require_safe
@in_page_language
def agency(request: HttpRequest, jurisdiction: str, agency: str, *, code: str) -> HttpResponse:
    """One agency: its phone and its tasks, with their areas."""
    directory = _directory(jurisdiction)
    tasks = directory.tasks_of_agency(agency)
    internal = directory.internal_tasks_of_agency(agency)
    if agency not in directory.agencies:
        raise Http404
    # A walk-in centre the table does not print has a page of its own: where it is, when open.
    if not (tasks or internal or directory.agencies[agency].contact.walk_in):
        raise Http404
    context = _common(directory, code)
    context["agency"] = agency_view(directory, agency, code)
    context["walk_in_centres"] = walk_in_centres(directory, agency, code)
    # On its own page an agency is never "also handled by" itself.
    context["tasks"] = [task_view(directory, t, code, seen_from=agency) for t in tasks]
    context["internal_tasks"] = [task_view(directory, t, code, seen_from=agency) for t in internal]
    context["form"] = SearchForm()
    return render(request, "directory/agency.html", context)
