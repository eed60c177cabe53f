"""Finding counted quantities (``1萬 3,850人次``, ``144班``, ``兩場``) in report sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .numerals import BIG_UNITS, DIGITS, SMALL_UNITS, parse_amount

__all__ = ["UNITS", "Quantity", "extract_quantities"]

_LISTED_UNITS = (
    "人次", "人", "名", "戶", "場", "班", "案", "案次", "處", "家", "家次", "次", "梯次",
    "小時", "件", "公斤", "個", "坪", "歲", "個月", "所", "團體", "小時", "期", "位", "份",
    "輛", "間", "天", "週", "堂", "組", "床",
)  # fmt: skip
# Longest first so that the regex alternation prefers 人次 over 人, 個月 over 個, and so on.
UNITS: tuple[str, ...] = tuple(sorted(dict.fromkeys(_LISTED_UNITS), key=len, reverse=True))

# Words that reports put between a figure and its unit ("7,700受益人次").
_INFIXES = ("受益",)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure with its unit, found at ``input[start:end]``.

    ``text`` is that span as written (``"1萬 3,850人次"``); it is left out of equality so that
    a Quantity can be compared without repeating the source text.
    """

    value: int | Decimal
    unit: str
    start: int
    end: int
    text: str = field(default="", compare=False)


def _spaced(word: str) -> str:
    # PDF text breaks lines anywhere, even inside 人次, so tolerate whitespace between letters.
    return r"\s*".join(re.escape(ch) for ch in word)


_CHINESE = "".join(c for c in DIGITS if not c.isascii()) + "".join(SMALL_UNITS)
_SECTION = rf"(?:[0-9]{{1,3}}(?:[,，][0-9]{{3}})+(?![0-9])|[0-9{_CHINESE}]+)(?:\.[0-9]+)?"
_NUMBER = rf"{_SECTION}(?:\s*[{''.join(BIG_UNITS)}](?:\s*{_SECTION})?)*"
_QUANTITY = re.compile(
    # Not inside a longer number: no digit, and no "1," or "1." right before.
    r"(?<![0-9])(?<![0-9][,.])"
    rf"(?P<number>{_NUMBER})\s*"
    rf"(?:{'|'.join(_spaced(w) for w in _INFIXES)})?\s*"
    rf"(?P<unit>{'|'.join(_spaced(u) for u in UNITS)})"
)
# Same length in and out, so match offsets stay valid for the original text.
_FULLWIDTH_DIGITS = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)})
_WHITESPACE = re.compile(r"\s+")


def _after_ordinal_mark(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i >= 0 and text[i] == "第"


def extract_quantities(text: str) -> list[Quantity]:
    """Return every counted quantity in ``text``, in order of appearance.

    A quantity is a number (Arabic with or without commas, full-width, Chinese numerals,
    or a mix with 萬/億 such as ``19萬 671``) followed by one of :data:`UNITS`, optionally with
    whitespace and the word 受益 in between: ``7,700受益人次`` is 7700 人次 and its span covers
    the whole phrase.  Whitespace, including line breaks, may separate the parts, so text
    copied out of PDF tables works once cells are joined.  Percentages, years and dates
    (``108年5月7日``), list markers (``1.``, ``(2)``, ``（一）``) and ordinals (``第3次``) are
    not quantities.  Values are ``int`` unless fractional (``1.5公斤`` → ``Decimal('1.5')``).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    searchable = text.translate(_FULLWIDTH_DIGITS)
    found: list[Quantity] = []
    pos = 0
    while (match := _QUANTITY.search(searchable, pos)) is not None:
        start, end = match.span()
        if _after_ordinal_mark(searchable, start):
            pos = end  # an ordinal: skip all of it, or 第十二次 would yield 二次
            continue
        try:
            value = parse_amount(match["number"])
        except ValueError:
            # 千家萬戶 or 二三百人: not a number, but a later start may be (一12次 → 12次).
            pos = start + 1
            continue
        unit = _WHITESPACE.sub("", match["unit"])
        found.append(Quantity(value, unit, start, end, text[start:end]))
        pos = end
    return found
