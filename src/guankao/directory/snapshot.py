"""The public directory of one jurisdiction as plain, cached data: the read model of every
public page, the search command, the JSON API and HSDS.

A snapshot holds the table in force (the newest version published by today, Asia/Taipei), its
agencies as that version prints them (its contacts), areas, tasks and every content
translation, plus the search index built from them. Only public-facing tasks are in ``tasks``
and the index: internal ones (staff training, committees, media liaison) are kept apart in
``internal_tasks``, for the agency page's own list, so no answer, area page, API or HSDS output
can offer them (decision 0075). It is built with a fixed number of queries
and cached per process; one cheap query per request (the newest audit entry) and the date tell
whether it is stale. Writes that bypass the audited services (the admin) are caught by signals
in this process.
"""

from __future__ import annotations

import datetime
import functools
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

import opencc
from django.db.models import Max, Q
from django.utils import timezone

from guankao.core.models import Agency, AuditEntry, Jurisdiction
from guankao.directory.hotlines import Hotline
from guankao.directory.hotlines import national as national_hotlines
from guankao.directory.languages import BY_CODE, SOURCE
from guankao.directory.models import ContentKind, ContentTranslation, TranslationStatus
from guankao.directory.search import invalidation
from guankao.directory.search.concepts import default_concepts
from guankao.directory.search.index import Document, Ranking, SearchIndex
from guankao.divisions.contacts import ContactDetails, details_of
from guankao.divisions.models import AgencyContact, DivisionTable, ServiceArea, Task, TaskAudience
from guankao.tw import Phone

# Field weights: the task's own words count most, the area and the agency's name less.
TASK_WEIGHT = 1.0
AGENCY_WEIGHT = 0.6
AREA_WEIGHT = 0.5


@functools.cache
def _tw_to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("tw2sp")


def to_simplified(text: str) -> str:
    """Taiwan Traditional to Simplified with Mainland phrasing, for zh-Hans without a draft."""
    return str(_tw_to_simplified().convert(text))


@dataclass(frozen=True)
class Shown:
    """A piece of content as shown in one language."""

    text: str
    tag: str  # BCP 47 tag of the language the text is actually in
    draft: bool
    fallback: bool  # no translation: the source text is shown
    outdated: bool = False  # made for an earlier source text: shown with a notice
    source: str = ""  # the Chinese original, given with an outdated translation


@dataclass(frozen=True)
class Text:
    """Source text (zh-Hant) with its translations: language → (text, is_draft)."""

    source: str
    translations: Mapping[str, tuple[str, bool]] = field(default_factory=dict)
    outdated: frozenset[str] = frozenset()  # languages whose translation is outdated

    def shown(self, code: str) -> Shown:
        if code == SOURCE:
            return Shown(self.source, BY_CODE[SOURCE].tag, draft=False, fallback=False)
        if code in self.translations:
            text, draft = self.translations[code]
            if code in self.outdated:
                return Shown(
                    text, BY_CODE[code].tag, draft, False, outdated=True, source=self.source
                )
            return Shown(text, BY_CODE[code].tag, draft=draft, fallback=False)
        if code == "zh-hans":
            return Shown(to_simplified(self.source), "zh-Hans", draft=True, fallback=False)
        return Shown(self.source, BY_CODE[SOURCE].tag, draft=False, fallback=True)

    def all_texts(self) -> list[str]:
        return [self.source, *(text for text, _ in self.translations.values())]


@dataclass(frozen=True)
class AreaEntry:
    slug: str
    name: Text
    position: int


@dataclass(frozen=True)
class AgencyEntry:
    slug: str
    label: str  # as the table writes it
    name: Text
    phone: Phone | None
    parent_slug: str | None
    # Address, hours, counter languages, walk-in, as the version prints them (decision 0078).
    contact: ContactDetails = field(default_factory=ContactDetails)


@dataclass(frozen=True)
class TaskEntry:
    pk: int
    agency_slug: str
    number: int
    numbered: bool
    area_slug: str
    text: Text
    co_lead_slugs: tuple[str, ...]
    position: int
    internal: bool = False  # TaskAudience.INTERNAL: never in a public answer


@dataclass(frozen=True)
class Directory:
    """One jurisdiction's table in force, ready to show and to search."""

    jurisdiction_slug: str
    jurisdiction_name: Text
    table_title: str
    version: str
    table_pk: int
    areas: Mapping[str, AreaEntry]
    agencies: Mapping[str, AgencyEntry]
    tasks: Mapping[int, TaskEntry]  # public-facing only
    index: SearchIndex
    internal_tasks: Mapping[int, TaskEntry] = field(default_factory=dict)
    # The national hotlines, read with the table: the directory's generation moves when a
    # hotline changes, so every server's pages show a correction at once (decision 0083).
    hotlines: tuple[Hotline, ...] = ()

    def search(self, query: str, *, limit: int = 20) -> Ranking:
        return self.index.search(query, limit=limit)

    def tasks_in_area(self, slug: str) -> list[TaskEntry]:
        return [t for t in self.tasks.values() if t.area_slug == slug]

    def tasks_of_agency(self, slug: str) -> list[TaskEntry]:
        """The agency's public tasks: its own, then those it co-leads that it does not also
        list itself (a shared task is printed under each of its agencies: shown once)."""
        return _of_agency(list(self.tasks.values()), slug)

    def internal_tasks_of_agency(self, slug: str) -> list[TaskEntry]:
        """The agency's internal tasks (listed apart, never offered as answers)."""
        return _of_agency(list(self.internal_tasks.values()), slug)

    def used_areas(self) -> list[AreaEntry]:
        used = {t.area_slug for t in self.tasks.values()}
        return [a for a in self.areas.values() if a.slug in used]

    def used_agencies(self) -> list[AgencyEntry]:
        used = {t.agency_slug for t in self.tasks.values()}
        return [a for a in self.agencies.values() if a.slug in used]


def _of_agency(tasks: list[TaskEntry], slug: str) -> list[TaskEntry]:
    own = [t for t in tasks if t.agency_slug == slug]
    texts = {t.text.source for t in own}
    co_led = [
        t
        for t in tasks
        if t.agency_slug != slug and slug in t.co_lead_slugs and t.text.source not in texts
    ]
    return own + co_led


def table_in_force(slug: str, today: datetime.date | None = None) -> DivisionTable | None:
    """The version the public sees: the newest published with a publication date reached.

    A draft (an import not yet published) and a version published for a later day stay out of
    sight; ``today`` is Asia/Taipei's date (``TIME_ZONE``).
    """
    today = today or timezone.localdate()
    return DivisionTable.objects.for_jurisdiction(slug).in_force(today)


def _texts(rows: list[ContentTranslation]) -> dict[tuple[str, str], Text]:
    translations: dict[tuple[str, str], dict[str, tuple[str, bool]]] = {}
    outdated: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        key = (row.kind, row.source)
        translations.setdefault(key, {})[row.language] = (
            row.text,
            row.status == TranslationStatus.DRAFT,
        )
        if row.status == TranslationStatus.OUTDATED:
            outdated.setdefault(key, set()).add(row.language)
    return {
        key: Text(key[1], found, frozenset(outdated.get(key, ())))
        for key, found in translations.items()
    }


def build_directory(slug: str, table: DivisionTable | None = None) -> Directory | None:
    """Read one jurisdiction's table in force (or ``table``, an earlier version, for its
    leaflets), its contacts and its translations (8 queries)."""
    jurisdiction = Jurisdiction.objects.filter(slug=slug).first()
    if jurisdiction is None:
        return None
    table = table or table_in_force(slug)
    if table is None:
        return None
    tasks = list(Task.objects.filter(table=table).with_related().in_table_order())
    agencies = list(Agency.objects.in_jurisdiction(slug).select_related("parent"))
    # What this version prints for each agency; an agency it does not print (a parent office
    # without tasks) keeps its current values.
    contacts = {c.agency_id: c for c in AgencyContact.objects.of_table(table)}
    labels = {a.pk: contacts[a.pk].label if a.pk in contacts else a.label for a in agencies}
    areas = list(ServiceArea.objects.all())
    translations = _texts(
        list(
            ContentTranslation.objects.filter(
                Q(kind=ContentKind.JURISDICTION, source=jurisdiction.name)
                | Q(kind=ContentKind.AGENCY, source__in=list(labels.values()))
                | Q(kind=ContentKind.AREA, source__in=[a.name for a in areas])
                | Q(kind=ContentKind.TASK, source__in=[t.text for t in tasks])
            )
        )
    )

    def text(kind: str, source: str) -> Text:
        return translations.get((kind, source)) or Text(source)

    area_entries = {
        a.slug: AreaEntry(a.slug, text(ContentKind.AREA, a.name), a.position) for a in areas
    }
    agency_entries = {
        a.slug: AgencyEntry(
            slug=a.slug,
            label=labels[a.pk],
            name=text(ContentKind.AGENCY, labels[a.pk]),
            phone=contacts[a.pk].parsed_phone if a.pk in contacts else a.parsed_phone,
            parent_slug=a.parent.slug if a.parent else None,
            contact=details_of(contacts[a.pk]) if a.pk in contacts else ContactDetails(),
        )
        for a in agencies
    }
    task_entries = {
        t.pk: TaskEntry(
            pk=t.pk,
            agency_slug=t.agency.slug,
            number=t.number,
            numbered=t.numbered,
            area_slug=t.area.slug,
            text=text(ContentKind.TASK, t.text),
            co_lead_slugs=tuple(sorted(a.slug for a in t.co_leads.all())),
            position=t.position,
            internal=t.audience == TaskAudience.INTERNAL,
        )
        for t in tasks
    }
    internal_entries = {pk: t for pk, t in task_entries.items() if t.internal}
    task_entries = {pk: t for pk, t in task_entries.items() if not t.internal}
    index = SearchIndex(
        [task_document(t, area_entries, agency_entries, slug) for t in task_entries.values()],
        default_concepts(),
    )
    return Directory(
        jurisdiction_slug=slug,
        jurisdiction_name=text(ContentKind.JURISDICTION, jurisdiction.name),
        table_title=table.title,
        version=table.version,
        table_pk=table.pk,
        areas=area_entries,
        agencies=agency_entries,
        tasks=task_entries,
        index=index,
        internal_tasks=internal_entries,
        hotlines=national_hotlines(),
    )


def task_document(
    task: TaskEntry,
    areas: Mapping[str, AreaEntry],
    agencies: Mapping[str, AgencyEntry],
    group: str,
) -> Document:
    """The searchable form of a task: its text, its area's and its agencies' names, in all
    languages."""
    texts: list[tuple[float, str]] = [(TASK_WEIGHT, t) for t in task.text.all_texts()]
    texts += [(AREA_WEIGHT, t) for t in areas[task.area_slug].name.all_texts()]
    for slug in (task.agency_slug, *task.co_lead_slugs):
        texts += [(AGENCY_WEIGHT, t) for t in agencies[slug].name.all_texts()]
    return Document(key=str(task.pk), group=group, area=task.area_slug, texts=tuple(texts))


_cache: dict[str, tuple[tuple[int, int, int], Directory | None]] = {}
_lock = threading.Lock()


def _stamp() -> tuple[int, int, int]:
    newest = AuditEntry.objects.aggregate(newest=Max("pk"))["newest"] or 0
    # The day is part of it: a version published for a later day appears that morning.
    return (invalidation.generation(), newest, timezone.localdate().toordinal())


def get_directory(slug: str) -> Directory | None:
    """The cached directory of ``slug`` (rebuilt when the table or a translation changed, or
    on a new day)."""
    stamp = _stamp()
    cached = _cache.get(slug)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        directory = build_directory(slug)
        _cache[slug] = (stamp, directory)
    return directory
