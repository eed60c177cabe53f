"""Hotlines and their language schedules as plain values, and which answer now (decision 0078).

``read_hotlines`` reads the rows (two queries); ``available_now`` and ``hotlines_for`` work on
the values only, so a page can ask them as often as it likes. Times are Asia/Taipei's.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from guankao.divisions.hours import Hours, open_at
from guankao.divisions.models import Hotline
from guankao.tw import Phone, parse_phone

# A reader of Simplified Chinese speaks to the same Mandarin-speaking operators.
_SPOKEN_AS = {"zh-hans": "zh-hant"}


def spoken(language: str) -> str:
    """The language a schedule lists for a reader of ``language`` (zh-hans → zh-hant)."""
    return _SPOKEN_AS.get(language, language)


@dataclass(frozen=True)
class LanguageHours:
    """When a hotline answers in ``language``, with a note such as 「有通譯」."""

    language: str
    hours: tuple[Hours, ...]
    note: str = ""

    def open_at(self, moment: datetime.datetime) -> bool:
        return open_at(self.hours, moment)

    @property
    def all_day(self) -> bool:
        return any(h.all_day for h in self.hours)


@dataclass(frozen=True)
class HotlineInfo:
    """A hotline as shown: number, name and note (source language), its language schedule."""

    slug: str
    number: str
    name: str
    note: str
    urgent: bool
    schedule: tuple[LanguageHours, ...]
    jurisdiction: str | None = None  # a jurisdiction's slug; None for a national line

    @property
    def phone(self) -> Phone:
        return parse_phone(self.number)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(entry.language for entry in self.schedule)

    def hours_in(self, language: str) -> LanguageHours | None:
        """The schedule for ``language`` (a zh-hans reader gets the Chinese one), or None."""
        wanted = spoken(language)
        return next((entry for entry in self.schedule if entry.language == wanted), None)


def available_now(hotline: HotlineInfo, language: str, now: datetime.datetime) -> bool:
    """Whether ``hotline`` answers in ``language`` at ``now`` (aware; Asia/Taipei's clock)."""
    entry = hotline.hours_in(language)
    return entry is not None and entry.open_at(now)


def hotlines_for(
    language: str, now: datetime.datetime, hotlines: Iterable[HotlineInfo]
) -> list[HotlineInfo]:
    """The ``hotlines`` that answer in ``language`` at ``now``, in their order."""
    return [h for h in hotlines if available_now(h, language, now)]


def info_of(hotline: Hotline) -> HotlineInfo:
    """A hotline read with its hours (``Hotline.objects.with_hours()``) as plain values; rows
    of one language are joined, in their order, and their notes with them."""
    by_language: dict[str, tuple[list[Hours], list[str]]] = {}
    for row in hotline.hours.all():
        hours, notes = by_language.setdefault(row.language, ([], []))
        hours.append(row.as_hours)
        if row.note and row.note not in notes:
            notes.append(row.note)
    return HotlineInfo(
        slug=hotline.slug,
        number=hotline.number,
        name=hotline.name,
        note=hotline.note,
        urgent=hotline.urgent,
        schedule=tuple(
            LanguageHours(language, tuple(hours), "、".join(notes))
            for language, (hours, notes) in by_language.items()
        ),
        jurisdiction=hotline.jurisdiction.slug if hotline.jurisdiction else None,
    )


def read_hotlines(jurisdiction: str | None = None) -> tuple[HotlineInfo, ...]:
    """The national hotlines, then ``jurisdiction``'s own (by slug), in their order (2 queries)."""
    rows = Hotline.objects.with_hours().select_related("jurisdiction")
    if jurisdiction is None:
        rows = rows.national()
    else:
        rows = rows.filter(Q(jurisdiction__isnull=True) | Q(jurisdiction__slug=jurisdiction))
    ordered = sorted(rows, key=lambda h: (h.jurisdiction_id is not None, h.position, h.pk))
    return tuple(info_of(h) for h in ordered)
