"""What a directory shows, in one language: tasks with their agency, area and phone.

Shared by the web pages, the JSON API and ``guankao directory search``, so that the three
always agree. Built from a cached :class:`~guankao.directory.snapshot.Directory`: no queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy

from guankao.directory.hotlines import language_name
from guankao.directory.languages import BY_CODE, SOURCE
from guankao.directory.search.index import Ranking
from guankao.directory.snapshot import Directory, Shown, TaskEntry
from guankao.divisions.contacts import ContactDetails
from guankao.divisions.hours import format_hours
from guankao.tw import Phone

OUTDATED_NOTICE = gettext_lazy("這段譯文是依修改前的中文原文翻譯的，可能已不正確；下方附中文原文。")
ORIGINAL_LABEL = gettext_lazy("中文原文")


@dataclass(frozen=True)
class Notice:
    """A line in the reader's language, or in English when that language has none yet."""

    text: str
    tag: str


def notice(message: object, code: str) -> Notice:
    """``message`` in language ``code``; English when its catalogue lacks it (Japanese, Korean
    …), since a Chinese notice would not help a reader who chose another language."""
    with translation.override(code):
        text = str(message)
    if code == SOURCE or code == "zh-hans" or text != str(_source_text(message)):
        return Notice(text, BY_CODE[code].tag)
    with translation.override("en"):
        return Notice(str(message), BY_CODE["en"].tag)


def _source_text(message: object) -> str:
    with translation.override(SOURCE):
        return str(message)


@dataclass(frozen=True)
class AreaView:
    slug: str
    name: Shown


@dataclass(frozen=True)
class ContactView:
    """How to go to an agency, in the reader's language (the address stays as written)."""

    address: str
    map_url: str
    hours: str  # 「週一至週五 8:30–12:00、13:30–17:30」, empty when not written
    hours_note: str  # as written (Chinese)
    languages: tuple[str, ...]  # the counter's languages, named in the reader's language
    walk_in: bool


@dataclass(frozen=True)
class AgencyView:
    slug: str
    label: str  # as the table writes it
    name: Shown
    phone: Phone | None
    contact: ContactView | None = None  # None when the version says nothing about it


@dataclass(frozen=True)
class TaskView:
    pk: int
    number: int
    numbered: bool
    text: Shown
    area: AreaView
    agency: AgencyView
    co_leads: tuple[AgencyView, ...]
    score: float
    # An outdated translation: the notice and the label of the Chinese original, shown with it.
    outdated_notice: Notice | None = None
    original_label: Notice | None = None

    @property
    def draft(self) -> bool:
        return self.text.draft or self.area.name.draft or self.agency.name.draft

    def as_json(self) -> dict[str, Any]:
        """The task as one item of the CLI's and the API's JSON output."""
        phone = self.agency.phone
        return {
            "agency": self.agency.label,
            "agency_name": self.agency.name.text,
            "phone": phone.as_written if phone else "",
            "tel": phone.tel_uri if phone else "",
            "extension": phone.extension if phone else "",
            "area": self.area.name.text,
            "area_slug": self.area.slug,
            "task": self.text.text,
            "task_number": self.number,
            "task_id": self.pk,
            "co_leads": [
                {
                    "agency": a.label,
                    "phone": a.phone.as_written if a.phone else "",
                    "tel": a.phone.tel_uri if a.phone else "",
                }
                for a in self.co_leads
            ],
            "language": self.text.tag,
            "draft": self.draft,
            "outdated": self.text.outdated,
            "source_text": self.text.source if self.text.outdated else "",
            "score": self.score,
        }


@dataclass(frozen=True)
class AgencyGroup:
    agency: AgencyView
    tasks: tuple[TaskView, ...]


@dataclass(frozen=True)
class SearchView:
    tasks: tuple[TaskView, ...]  # best first
    groups: tuple[AgencyGroup, ...]  # by agency, the agency of the best task first
    violence: bool
    suggested_areas: tuple[AreaView, ...]

    @property
    def draft(self) -> bool:
        return any(t.draft for t in self.tasks)


def area_view(directory: Directory, slug: str, code: str) -> AreaView:
    return AreaView(slug, directory.areas[slug].name.shown(code))


def contact_view(details: ContactDetails) -> ContactView | None:
    """``details`` in the active language; None when the version gives none."""
    if details.empty:
        return None
    return ContactView(
        address=details.address,
        map_url=details.map_url,
        hours=format_hours(details.hours) if details.hours else "",
        hours_note=details.hours_note,
        languages=tuple(dict.fromkeys(language_name(c) for c in details.languages)),
        walk_in=details.walk_in,
    )


def agency_view(directory: Directory, slug: str, code: str) -> AgencyView:
    """An agency in language ``code`` (call inside the page's language: the hours and the
    language names are written in it)."""
    agency = directory.agencies[slug]
    return AgencyView(
        slug, agency.label, agency.name.shown(code), agency.phone, contact_view(agency.contact)
    )


def walk_in_centres(directory: Directory, slug: str, code: str) -> list[AgencyView]:
    """The walk-in centres (新住民家庭服務中心 …) that belong to agency ``slug``."""
    return [
        agency_view(directory, a.slug, code)
        for a in directory.agencies.values()
        if a.parent_slug == slug and a.contact.walk_in
    ]


def task_view(
    directory: Directory,
    task: TaskEntry,
    code: str,
    score: float = 0.0,
    *,
    seen_from: str | None = None,
) -> TaskView:
    """A task in language ``code``. ``seen_from`` is the agency whose page lists it: the other
    agencies that handle it are then its lead and co-leads other than that one."""
    text = task.text.shown(code)
    others = task.co_lead_slugs
    if seen_from is not None:
        others = tuple(s for s in (task.agency_slug, *task.co_lead_slugs) if s != seen_from)
    return TaskView(
        outdated_notice=notice(OUTDATED_NOTICE, code) if text.outdated else None,
        original_label=notice(ORIGINAL_LABEL, code) if text.outdated else None,
        pk=task.pk,
        number=task.number,
        numbered=task.numbered,
        text=text,
        area=area_view(directory, task.area_slug, code),
        agency=agency_view(directory, task.agency_slug, code),
        co_leads=tuple(agency_view(directory, s, code) for s in others),
        score=score,
    )


def group_by_agency(tasks: list[TaskView]) -> tuple[AgencyGroup, ...]:
    """Tasks grouped under their agency, groups in the order of each agency's first task."""
    groups: dict[str, list[TaskView]] = {}
    agencies: dict[str, AgencyView] = {}
    for task in tasks:
        groups.setdefault(task.agency.slug, []).append(task)
        agencies[task.agency.slug] = task.agency
    return tuple(AgencyGroup(agencies[slug], tuple(items)) for slug, items in groups.items())


def present_search(directory: Directory, ranking: Ranking, code: str) -> SearchView:
    """A search's results in language ``code``."""
    tasks = [task_view(directory, directory.tasks[int(h.key)], code, h.score) for h in ranking.hits]
    return SearchView(
        tasks=tuple(tasks),
        groups=group_by_agency(tasks),
        violence=ranking.violence,
        suggested_areas=tuple(
            area_view(directory, slug, code) for slug in ranking.areas if slug in directory.areas
        ),
    )
