"""Weekly hours: when a counter is open, when a hotline answers in a language.

One small text form, used by the contacts' opening hours and the seed files, read into plain
values: ``1-5 08:30-12:00,13:30-17:30; 6 09:00-12:00`` (ISO weekdays, 1 = Monday, 7 = Sunday;
``24:00`` is midnight at the end of the day). Times are Asia/Taipei's wall clock; a moment from
elsewhere is converted first. National holidays are not known here: a weekday schedule is read
as the published schedule says it, every Monday to Friday.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

TAIPEI = zoneinfo.ZoneInfo("Asia/Taipei")
ALL_WEEK = frozenset(range(1, 8))
MIDNIGHT = datetime.time(0, 0)

# Weekday names as the source language writes them; gettext translates them at display time.
WEEKDAY_NAMES = {
    1: gettext_noop("週一"),
    2: gettext_noop("週二"),
    3: gettext_noop("週三"),
    4: gettext_noop("週四"),
    5: gettext_noop("週五"),
    6: gettext_noop("週六"),
    7: gettext_noop("週日"),
}

_DAYS = re.compile(r"^[1-7](?:-[1-7])?(?:,[1-7](?:-[1-7])?)*$")
_SPAN = re.compile(r"^([0-2]?[0-9]):([0-5][0-9])-([0-2]?[0-9]):([0-5][0-9])$")


@dataclass(frozen=True)
class Hours:
    """Open on ``weekdays`` from ``opens`` to ``closes`` (``MIDNIGHT`` closes at 24:00)."""

    weekdays: frozenset[int]
    opens: datetime.time
    closes: datetime.time

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= ALL_WEEK:
            raise ValueError("weekdays must be ISO weekdays 1–7")
        if self.closes != MIDNIGHT and self.closes <= self.opens:
            raise ValueError("closes must be after opens (00:00 or 24:00 for midnight)")

    @property
    def all_day(self) -> bool:
        """Every day, around the clock (「24 小時」)."""
        return self.weekdays == ALL_WEEK and self.opens == MIDNIGHT and self.closes == MIDNIGHT

    def open_at(self, moment: datetime.datetime) -> bool:
        """Whether ``moment`` (aware; converted to Asia/Taipei) falls within these hours."""
        local = moment.astimezone(TAIPEI)
        if local.isoweekday() not in self.weekdays:
            return False
        clock = local.time().replace(tzinfo=None)
        return self.opens <= clock and (self.closes == MIDNIGHT or clock < self.closes)

    def spec(self) -> str:
        """The text form of these hours (``1-5 09:00-17:00``)."""
        return f"{_days_spec(self.weekdays)} {_clock(self.opens)}-{_end(self.closes)}"


def _clock(value: datetime.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def _end(value: datetime.time) -> str:
    return "24:00" if value == MIDNIGHT else _clock(value)


def _runs(days: frozenset[int]) -> list[tuple[int, int]]:
    """Consecutive weekdays as (first, last) runs: {1,2,3,5} → [(1,3),(5,5)]."""
    runs: list[tuple[int, int]] = []
    for day in sorted(days):
        if runs and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _days_spec(days: frozenset[int]) -> str:
    return ",".join(f"{a}" if a == b else f"{a}-{b}" for a, b in _runs(days))


def parse_weekdays(text: str) -> frozenset[int]:
    """``1-5``, ``6,7``, ``1-3,5`` → ISO weekdays; raises ValueError otherwise."""
    text = text.strip().replace(" ", "")
    if not _DAYS.match(text):
        raise ValueError(f"weekdays must be like 1-5 or 6,7 (1 = Monday), got {text!r}")
    days: set[int] = set()
    for part in text.split(","):
        first, _sep, last = part.partition("-")
        a, b = int(first), int(last or first)
        if b < a:
            raise ValueError(f"weekday range {part!r} runs backwards")
        days.update(range(a, b + 1))
    return frozenset(days)


def parse_time(text: str, *, end: bool = False) -> datetime.time:
    """``9:00`` → 09:00; ``24:00`` (only as an end) → midnight. Raises ValueError."""
    hour_text, _sep, minute_text = text.strip().partition(":")
    if not (hour_text.isdigit() and minute_text.isdigit() and len(minute_text) == 2):
        raise ValueError(f"a time must be like 9:00 or 17:30, got {text!r}")
    hour, minute = int(hour_text), int(minute_text)
    if end and (hour, minute) == (24, 0):
        return MIDNIGHT
    if hour > 23 or minute > 59:
        raise ValueError(f"no such time {text!r}")
    return datetime.time(hour, minute)


def parse_hours(text: str) -> tuple[Hours, ...]:
    """Read ``1-5 08:30-12:00,13:30-17:30; 6 09:00-12:00``; empty text is no hours.

    Raises ValueError naming the part that cannot be read.
    """
    found: list[Hours] = []
    for part in filter(None, (p.strip() for p in text.replace("；", ";").split(";"))):
        days_text, _sep, spans_text = part.partition(" ")
        days = parse_weekdays(days_text)
        spans = [s.strip() for s in spans_text.replace("，", ",").split(",") if s.strip()]
        if not spans:
            raise ValueError(f"{part!r}: give the hours after the weekdays, e.g. 1-5 09:00-17:00")
        for span in spans:
            match = _SPAN.match(span.replace("–", "-"))
            if match is None:
                raise ValueError(f"{span!r}: hours must be like 09:00-17:00")
            opens = parse_time(f"{match[1]}:{match[2]}")
            closes = parse_time(f"{match[3]}:{match[4]}", end=True)
            found.append(Hours(days, opens, closes))
    return tuple(found)


def open_at(hours: tuple[Hours, ...], moment: datetime.datetime) -> bool:
    """Whether any of ``hours`` covers ``moment``."""
    return any(h.open_at(moment) for h in hours)


def format_days(days: frozenset[int]) -> str:
    """The weekdays in the active language: 「每天」, 「週一至週五」, 「週六、週日」."""
    if days == ALL_WEEK:
        return _("每天")
    parts = []
    for first, last in _runs(days):
        if last - first >= 2:
            parts.append(
                _("%(first)s至%(last)s")
                % {"first": _(WEEKDAY_NAMES[first]), "last": _(WEEKDAY_NAMES[last])}
            )
        else:
            parts.extend(_(WEEKDAY_NAMES[d]) for d in range(first, last + 1))
    return _("、").join(parts)


def _shown_clock(value: datetime.time, *, end: bool) -> str:
    if end and value == MIDNIGHT:
        return "24:00"
    return f"{value.hour}:{value.minute:02d}"


def format_hours(hours: tuple[Hours, ...]) -> str:
    """The hours in the active language: 「週一至週五 9:00–17:00」, 「24 小時」.

    Spans on the same weekdays are joined: 「週一至週五 8:30–12:00、13:30–17:30」.
    """
    if any(h.all_day for h in hours):
        return _("24 小時")
    by_days: dict[frozenset[int], list[str]] = {}
    for h in hours:
        span = f"{_shown_clock(h.opens, end=False)}–{_shown_clock(h.closes, end=True)}"
        by_days.setdefault(h.weekdays, []).append(span)
    return _("；").join(
        f"{format_days(days)} {_('、').join(spans)}" for days, spans in by_days.items()
    )
