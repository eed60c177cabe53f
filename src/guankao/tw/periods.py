"""Reporting-period codes (填報期間): ``113`` (a year), ``113H1``/``113H2``, ``113Q1``…``113Q4``.

The code names an ROC year and, optionally, a half or a quarter of it.  This module reads a
code, gives the Gregorian first and last day the code covers, and writes the code and its
Chinese name (``113年上半年``, ``113年第1季``) back.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from .dates import ROC_OFFSET

__all__ = ["PERIOD_KINDS", "Period", "parse_period_code"]

# kind → how many parts a year has of that kind
PERIOD_KINDS: dict[str, int] = {"year": 1, "half": 2, "quarter": 4}
_LETTER = {"H": "half", "Q": "quarter"}
_CODE = re.compile(r"(?P<y>[0-9]{1,4})(?:(?P<kind>[HQ])(?P<i>[0-9]))?")
_HALF_NAMES = {1: "上半年", 2: "下半年"}


@dataclass(frozen=True, slots=True)
class Period:
    """One reporting period: ``roc_year`` 113, ``kind`` half, ``index`` 1 is 113H1.

    ``start`` and ``end`` are the Gregorian first and last days it covers (both inclusive).
    Build one with :func:`parse_period_code` or :meth:`of`, which check the parts.
    """

    roc_year: int
    kind: str
    index: int
    start: date
    end: date

    @classmethod
    def of(cls, roc_year: int, kind: str, index: int = 1) -> Period:
        """The period ``index`` of ``kind`` in ``roc_year``; parts out of range raise ValueError."""
        for name, value in (("roc_year", roc_year), ("index", index)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if kind not in PERIOD_KINDS:
            raise ValueError(f"unknown period kind {kind!r}; use one of {', '.join(PERIOD_KINDS)}")
        parts = PERIOD_KINDS[kind]
        if not 1 <= index <= parts:
            raise ValueError(f"a {kind} period has an index from 1 to {parts}, got {index}")
        if not 1 <= roc_year <= 9999 - ROC_OFFSET:
            raise ValueError(f"ROC year out of range: {roc_year}")
        year = roc_year + ROC_OFFSET
        months = 12 // parts
        first_month = (index - 1) * months + 1
        last_month = first_month + months - 1
        end = date(year, last_month, calendar.monthrange(year, last_month)[1])
        return cls(roc_year, kind, index, date(year, first_month, 1), end)

    @property
    def code(self) -> str:
        """The code as written: ``113``, ``113H1``, ``113Q4``."""
        if self.kind == "year":
            return str(self.roc_year)
        letter = "H" if self.kind == "half" else "Q"
        return f"{self.roc_year}{letter}{self.index}"

    @property
    def name(self) -> str:
        """The period in words, as a report title writes it: ``113年上半年``, ``113年第2季``."""
        if self.kind == "year":
            return f"{self.roc_year}年度"
        if self.kind == "half":
            return f"{self.roc_year}年{_HALF_NAMES[self.index]}"
        return f"{self.roc_year}年第{self.index}季"

    @property
    def is_last_of_year(self) -> bool:
        """Whether the period ends with the year (``113``, ``113H2``, ``113Q4``)."""
        return self.index == PERIOD_KINDS[self.kind]

    @property
    def elapsed_months(self) -> int:
        """How many months of the year have passed at the period's end (6 for ``113H1``)."""
        return self.end.month

    def __str__(self) -> str:
        return self.code


def parse_period_code(text: str) -> Period:
    """Read a period code: ``113``, ``113H1``, ``113H2``, ``113Q1``…``113Q4``.

    Lower-case letters, full-width characters and surrounding spaces are accepted
    (``１１３ｈ１``).  Anything else — ``113H3``, ``113Q0``, ``113M1``, ``0``, an empty
    string — raises ValueError quoting the input.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    cleaned = unicodedata.normalize("NFKC", text).strip().upper()
    match = _CODE.fullmatch(cleaned)
    if match is None:
        raise ValueError(
            f"not a period code: {text!r} (expected e.g. 113, 113H1, 113H2, 113Q1 … 113Q4)"
        )
    kind = _LETTER[match["kind"]] if match["kind"] else "year"
    index = int(match["i"]) if match["i"] else 1
    try:
        return Period.of(int(match["y"]), kind, index)
    except ValueError as exc:
        raise ValueError(f"not a period code: {text!r} ({exc})") from None
