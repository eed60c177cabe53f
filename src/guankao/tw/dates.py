"""Republic of China (民國) dates as written in Taiwan government documents.

The ROC year is the Gregorian year minus 1911, so 民國1年 is 1912.  Reports write dates in
several interchangeable forms (``108年5月7日``, ``108/05/07``, ``1080507``, ``108.5.7``); this
module reads all of them and writes each of them back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

__all__ = [
    "DATE_STYLES",
    "YearMonth",
    "format_roc_date",
    "from_roc_year",
    "parse_roc_date",
    "to_roc_year",
]

ROC_OFFSET = 1911
DATE_STYLES = ("long", "slash", "compact", "dot", "minguo")

_PREFIX = re.compile(r"^民國\s*")
_LONG = re.compile(
    r"(?P<y>[0-9]{1,4})\s*年(?:\s*(?P<m>[0-9]{1,2})\s*月(?:\s*(?P<d>[0-9]{1,2})\s*日)?)?"
)
_SEPARATED = re.compile(
    r"(?P<y>[0-9]{1,4})(?P<sep>[/.\-])(?P<m>[0-9]{1,2})(?:(?P=sep)(?P<d>[0-9]{1,2}))?"
)
# Compact dates pad the ROC year to three digits (0990507), but older systems wrote
# 990507 and years from 民國1000 on need four digits; month and day are always two.
_COMPACT = re.compile(r"(?P<y>[0-9]{2,4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})")


@dataclass(frozen=True, slots=True)
class YearMonth:
    """A month without a day (``112年7月``); ``year`` is Gregorian."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year must be in 1..9999, got {self.year}")
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be in 1..12, got {self.month}")

    @property
    def roc_year(self) -> int:
        """The ROC (民國) year of this month."""
        return self.year - ROC_OFFSET


def _require_int(value: object, name: str) -> int:
    # bool is an int subclass, but True as a year is always a bug.
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return value


def to_roc_year(gregorian: int) -> int:
    """Return the ROC year of a Gregorian year (2019 → 108); years before 1912 raise ValueError."""
    _require_int(gregorian, "gregorian")
    if gregorian <= ROC_OFFSET:
        raise ValueError(f"Gregorian year {gregorian} is before the ROC calendar (1912)")
    return gregorian - ROC_OFFSET


def from_roc_year(roc: int) -> int:
    """Return the Gregorian year of an ROC year (108 → 2019); ROC years below 1 raise ValueError."""
    _require_int(roc, "roc")
    if roc < 1:
        raise ValueError(f"ROC year must be at least 1, got {roc}")
    return roc + ROC_OFFSET


def _build(text: str, y: str, m: str | None, d: str | None) -> date | YearMonth | int:
    roc = int(y)
    if roc < 1:
        raise ValueError(f"invalid ROC date {text!r}: ROC year must be at least 1")
    year = roc + ROC_OFFSET
    try:
        if m is None:
            if year > 9999:
                raise ValueError(f"year {year} is out of range")
            return year
        if d is None:
            return YearMonth(year, int(m))
        return date(year, int(m), int(d))
    except ValueError as exc:
        raise ValueError(f"invalid ROC date {text!r}: {exc}") from None


def parse_roc_date(text: str) -> date | YearMonth | int:
    """Read an ROC date written the way Taiwan documents write it.

    Accepts ``108年5月7日``, ``民國108年5月7日``, ``108年 5月 7日``, ``108/05/07``, ``108.5.7``,
    ``108-05-07``, ``1080507`` (and ``990507`` for two-digit years), with full-width digits and
    surrounding spaces.  A year and month (``112年7月``, ``112.7``, ``112/07``) gives a
    :class:`YearMonth`; a bare year (``108年``) gives the Gregorian year as an ``int`` (2019).
    Anything else, including impossible dates, raises ``ValueError`` quoting the input.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    cleaned = _PREFIX.sub("", unicodedata.normalize("NFKC", text).strip())
    for pattern in (_LONG, _SEPARATED, _COMPACT):
        match = pattern.fullmatch(cleaned)
        if match is not None:
            return _build(text, match["y"], match["m"], match["d"])
    raise ValueError(
        f"not an ROC date: {text!r} (expected e.g. 108年5月7日, 108/05/07, 1080507 or 112.7)"
    )


def format_roc_date(value: date | YearMonth | int, style: str = "long") -> str:
    """Write a date, a :class:`YearMonth` or a Gregorian year (``int``) in ROC form.

    Styles: ``long`` → 108年5月7日, ``slash`` → 108/05/07, ``compact`` → 1080507 (year padded
    to three digits), ``dot`` → 108.5.7, ``minguo`` → 民國108年5月7日.  A YearMonth has no
    compact form and a bare year only has ``long`` and ``minguo``; those, unknown styles and
    years before 1912 raise ValueError.
    """
    if style not in DATE_STYLES:
        raise ValueError(f"unknown ROC date style {style!r}; use one of {', '.join(DATE_STYLES)}")
    if isinstance(value, date):
        roc = to_roc_year(value.year)
        m, d = value.month, value.day
        return {
            "long": f"{roc}年{m}月{d}日",
            "slash": f"{roc}/{m:02d}/{d:02d}",
            "compact": f"{roc:03d}{m:02d}{d:02d}",
            "dot": f"{roc}.{m}.{d}",
            "minguo": f"民國{roc}年{m}月{d}日",
        }[style]
    if isinstance(value, YearMonth):
        if style == "compact":
            raise ValueError("a YearMonth has no compact form (it would read as a full date)")
        roc, m = to_roc_year(value.year), value.month
        return {
            "long": f"{roc}年{m}月",
            "slash": f"{roc}/{m:02d}",
            "dot": f"{roc}.{m}",
            "minguo": f"民國{roc}年{m}月",
        }[style]
    roc = to_roc_year(_require_int(value, "value"))
    if style == "long":
        return f"{roc}年"
    if style == "minguo":
        return f"民國{roc}年"
    raise ValueError(f"a bare year can only be written in the long or minguo style, not {style!r}")


def format_roc_datetime(value: datetime, *, seconds: bool = False) -> str:
    """``115年11月24日 09:46`` (``09:46:05`` with ``seconds``), in the time zone ``value`` is in:
    callers pass local (Taipei) time."""
    time_format = "%H:%M:%S" if seconds else "%H:%M"
    return f"{format_roc_date(value.date())} {value.strftime(time_format)}"
