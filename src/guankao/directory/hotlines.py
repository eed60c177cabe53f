"""The hotlines the directory shows when nothing matches or a question is urgent, and whether
each answers in the reader's language now (decision 0078).

A thin reader over the divisions app's hotline data (``divisions.hotlines``): staff correct the
numbers and language schedules in the admin, and this module falls back to the published
schedule in ``seeds/hotlines.yaml`` while the database has none. It keeps no copy: the pages
read the hotlines held by the cached directory (``Directory.hotlines``), which every server
rebuilds when a hotline changes (its models bump the directory's generation, decision 0083).

``PROTECTION``, ``POLICE``, ``IMMIGRANT``, ``URGENT`` and ``ALL`` are still module attributes,
read from the data when asked for (``__getattr__``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

import guankao.seeds
from guankao.divisions import hotlines as data
from guankao.divisions.datafile import HOTLINES_FILE, parse_hotlines_file
from guankao.divisions.hotlines import HotlineInfo, spoken
from guankao.divisions.hours import TAIPEI, format_hours
from guankao.tw import Phone, parse_phone

SEED_FILE = Path(guankao.seeds.__file__).resolve().parent / HOTLINES_FILE

# The seeded names, notes and schedule notes, so that makemessages keeps their msgids: the
# data holds the source text and the page translates it (a corrected text shows in Chinese
# until it is translated).
SEEDED_TEXTS = (
    gettext_noop("1990 外來人士在臺生活諮詢服務熱線"),
    gettext_noop("以多種語言回答在臺生活的問題，免付費。"),
    gettext_noop("113 保護專線"),
    gettext_noop("家庭暴力、性侵害、兒少保護，24 小時，有通譯。"),
    gettext_noop("110 報案專線"),
    gettext_noop("有立即危險時撥打警察。"),
    gettext_noop("有通譯"),
)

# What a language is called in the interface language (the language switcher uses endonyms).
LANGUAGE_NAMES: dict[str, Promise] = {
    "zh-hant": gettext_lazy("中文"),
    "zh-hans": gettext_lazy("中文"),
    "en": gettext_lazy("英語"),
    "vi": gettext_lazy("越南語"),
    "id": gettext_lazy("印尼語"),
    "th": gettext_lazy("泰語"),
    "fil": gettext_lazy("菲律賓語"),
    "km": gettext_lazy("柬埔寨語"),
    "my": gettext_lazy("緬甸語"),
    "ja": gettext_lazy("日語"),
    "ko": gettext_lazy("韓語"),
}

_SLUGS = {"PROTECTION": "protection-113", "POLICE": "police-110", "IMMIGRANT": "immigrant-1990"}


@dataclass(frozen=True)
class Hotline:
    """A hotline as the pages and the API use it: name and note translate when shown."""

    number: str
    name: Promise
    note: Promise
    info: HotlineInfo

    @property
    def phone(self) -> Phone:
        return parse_phone(self.number)

    @property
    def slug(self) -> str:
        return self.info.slug

    @property
    def urgent(self) -> bool:
        return self.info.urgent


def _hotline(info: HotlineInfo) -> Hotline:
    # gettext_lazy of the stored text: translated when shown, the source text if no catalogue has it.
    return Hotline(info.number, gettext_lazy(info.name), gettext_lazy(info.note), info)


def national() -> tuple[Hotline, ...]:
    """The national hotlines in their order: the data's, else the seed file's (two queries;
    pages take them from their directory, which holds a copy)."""
    found = data.read_hotlines() or parse_hotlines_file(SEED_FILE)
    return tuple(_hotline(info) for info in found if info.jurisdiction is None)


def urgent(lines: tuple[Hotline, ...]) -> tuple[Hotline, ...]:
    """The lines shown first for violence (113 and 110), in their order."""
    return tuple(h for h in lines if h.urgent)


def immigrant(lines: tuple[Hotline, ...]) -> Hotline:
    """The 1990 line of ``lines``."""
    return _named(lines, "IMMIGRANT")


def _named(lines: tuple[Hotline, ...], name: str) -> Hotline:
    found = next((h for h in lines if h.slug == _SLUGS[name]), None)
    if found is None:
        raise AttributeError(f"the {_SLUGS[name]} hotline is not in the data")
    return found


def taipei_now() -> datetime.datetime:
    """The moment the pages work out "available now" for: Asia/Taipei's now, or the ISO 8601
    time in ``settings.GUANKAO_DIRECTORY_NOW`` (tests, screenshots)."""
    fixed = getattr(settings, "GUANKAO_DIRECTORY_NOW", "")
    if fixed:
        moment = datetime.datetime.fromisoformat(fixed)
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=TAIPEI)
        return moment
    return timezone.localtime()


def available_now(hotline: Hotline | HotlineInfo, language: str, now: datetime.datetime) -> bool:
    """Whether ``hotline`` answers in ``language`` (a directory language code) at ``now``."""
    info = hotline.info if isinstance(hotline, Hotline) else hotline
    return data.available_now(info, language, now)


def hotlines_for(
    language: str,
    now: datetime.datetime | None = None,
    hotlines: tuple[Hotline, ...] | None = None,
) -> list[Hotline]:
    """The national hotlines (or ``hotlines``) that answer in ``language`` at ``now``
    (default: ``taipei_now()``), in their order: 1990, then 113 and 110."""
    moment = now if now is not None else taipei_now()
    lines = national() if hotlines is None else hotlines
    return [h for h in lines if available_now(h, language, moment)]


def language_name(code: str) -> str:
    """``vi`` → 「越南語」 in the active language."""
    name = LANGUAGE_NAMES.get(code)
    return str(name) if name is not None else code


@dataclass(frozen=True)
class HotlineShown:
    """A hotline with what it says about the reader's language at one moment."""

    hotline: Hotline
    available: bool
    status: str  # 「現在可用越南語」, 「現在不是越南語服務時間」, 「此專線沒有越南語服務」
    hours: str  # 「越南語服務時間：週一至週五 9:00–17:00」 (empty when it never answers in it)
    schedule: tuple[str, ...]  # every language: 「越南語：週一至週五 9:00–17:00」

    @property
    def number(self) -> str:
        return self.hotline.number

    @property
    def name(self) -> Promise:
        return self.hotline.name

    @property
    def note(self) -> Promise:
        return self.hotline.note

    @property
    def phone(self) -> Phone:
        return self.hotline.phone


def show(hotline: Hotline, code: str, moment: datetime.datetime) -> HotlineShown:
    """What ``hotline`` says to a reader of ``code`` at ``moment``, in the active language."""
    entry = hotline.info.hours_in(code)
    language = language_name(spoken(code))
    schedule = tuple(
        _("%(language)s：%(hours)s")
        % {"language": language_name(e.language), "hours": format_hours(e.hours)}
        + (_("（%(note)s）") % {"note": _(e.note)} if e.note else "")
        for e in hotline.info.schedule
    )
    if entry is None:
        status = _("此專線沒有%(language)s服務") % {"language": language}
        return HotlineShown(hotline, False, status, "", schedule)
    available = entry.open_at(moment)
    if available:
        status = _("現在可用%(language)s") % {"language": language}
    else:
        status = _("現在不是%(language)s服務時間") % {"language": language}
    if entry.note:
        status += _("（%(note)s）") % {"note": _(entry.note)}
    hours = _("%(language)s服務時間：%(hours)s") % {
        "language": language,
        "hours": format_hours(entry.hours),
    }
    return HotlineShown(hotline, available, status, hours, schedule)


def shown(
    hotlines: tuple[Hotline, ...] | list[Hotline], code: str, moment: datetime.datetime
) -> list[HotlineShown]:
    """``hotlines`` as a reader of ``code`` sees them at ``moment`` (call inside the page's
    language)."""
    return [show(h, code, moment) for h in hotlines]


def __getattr__(name: str) -> Any:
    """``PROTECTION``, ``POLICE``, ``IMMIGRANT``: one line; ``URGENT`` (113 and 110, shown first
    for violence) and ``ALL`` (1990, 113, 110): in order. Read from the data."""
    if name not in {"ALL", "URGENT", *_SLUGS}:
        # Not a hotline: never read the database for it (an import of a name not yet defined,
        # during a circular import, lands here too).
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    lines = national()
    if name == "ALL":
        return lines
    if name in _SLUGS:
        return _named(lines, name)
    return urgent(lines)
