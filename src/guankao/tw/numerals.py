"""Reading counts written with Arabic digits, Chinese numerals, or a mix of both."""

from __future__ import annotations

import itertools
import re
import unicodedata
from decimal import Decimal

__all__ = ["parse_amount", "parse_count"]

DIGITS: dict[str, int] = {str(i): i for i in range(10)} | {
    "零": 0, "〇": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
    # Financial forms (大寫), used on cheques and in budget tables.
    "壹": 1, "貳": 2, "贰": 2, "參": 3, "叁": 3, "肆": 4, "伍": 5, "陸": 6, "陆": 6,
    "柒": 7, "捌": 8, "玖": 9,
}  # fmt: skip
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: dict[str, int] = {
    "萬": 10**4, "万": 10**4, "億": 10**8, "亿": 10**8, "兆": 10**12, "京": 10**16,
}  # fmt: skip

_CHINESE_DIGITS = frozenset(c for c in DIGITS if not c.isascii())
_BIG_SPLIT = re.compile(r"\s*([" + "".join(BIG_UNITS) + r"])\s*")
_ARABIC = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+")
_ARABIC_FRACTION = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)\.[0-9]+")


class _Invalid(Exception):
    """Internal signal; turned into a ValueError that quotes the whole input."""


def _small_units(section: str) -> int:
    total = 0
    pending: int | None = None
    last_unit = 10_000
    after_zero = False
    for ch in section:
        if ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if unit >= last_unit:
                raise _Invalid(f"{ch} out of order")
            if pending is None:
                # 十二 means twelve, but a bare 百 or 千 is not how anyone writes a count.
                if unit != 10:
                    raise _Invalid(f"{ch} needs a digit before it")
                pending = 1
            total += pending * unit
            pending, last_unit, after_zero = None, unit, False
        elif ch in DIGITS:
            if pending is not None:
                raise _Invalid("two digits in a row")
            if DIGITS[ch] == 0:
                after_zero = True
            else:
                pending = DIGITS[ch]
        else:
            raise _Invalid(f"unexpected {ch!r}")
    if pending is not None:
        # 三千五 is 3500 in speech and writing; only 三千零五 is 3005.
        if not after_zero and last_unit >= 100:
            total += pending * (last_unit // 10)
        else:
            total += pending
    return total


def _section(section: str) -> int:
    """Value of the digits between two big units (or the whole number when there are none)."""
    if not section:
        raise _Invalid("missing digits")
    if _ARABIC.fullmatch(section):
        return int(section.replace(",", ""))
    if all(ch in _CHINESE_DIGITS for ch in section):
        # Positional reading (一〇八 = 108); 兩 only ever stands alone or before a unit.
        if len(section) > 1 and ("兩" in section or "两" in section):
            raise _Invalid("兩 inside a digit string")
        return int("".join(str(DIGITS[ch]) for ch in section))
    return _small_units(section)


def _unsigned(text: str, allow_fraction: bool) -> int | Decimal:
    parts = _BIG_SPLIT.split(text)
    sections, units = parts[0::2], [BIG_UNITS[u] for u in parts[1::2]]
    if not units:
        if allow_fraction and _ARABIC_FRACTION.fullmatch(text):
            return _normalise(Decimal(text.replace(",", "")))
        return _section(text)
    if any(a <= b for a, b in itertools.pairwise(units)):
        raise _Invalid("big units out of order")
    lead, middle, tail = sections[0], sections[1:-1], sections[-1]
    if _ARABIC_FRACTION.fullmatch(lead):
        # 2.5萬 is common; 2.5萬 3,000 is not a thing anyone writes.
        if len(units) > 1 or tail:
            raise _Invalid("a fraction must be the whole number")
        value = Decimal(lead.replace(",", "")) * units[0]
        if allow_fraction:
            return _normalise(value)
        if value != value.to_integral_value():
            raise _Invalid("not a whole number")
        return int(value)
    total = _section(lead) * units[0]
    for unit, section in zip(units[1:], middle, strict=True):
        part = _section(section)
        if part >= 10_000:
            raise _Invalid("group too large")
        total += part * unit
    if tail:
        if len(tail) == 1 and tail in _CHINESE_DIGITS and DIGITS[tail]:
            # 一萬二 is 12,000 (one and two-tenths of 萬), like 三千五.
            return total + DIGITS[tail] * (units[-1] // 10)
        part = _section(tail)
        if part >= 10_000:
            raise _Invalid("group too large")
        total += part
    return total


def _normalise(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value


def parse_amount(text: str, allow_fraction: bool = True) -> int | Decimal:
    """Like :func:`parse_count` but also reads fractions (``1.5`` → ``Decimal('1.5')``).

    Whole results are returned as ``int``; raises ValueError on anything unreadable.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    cleaned = unicodedata.normalize("NFKC", text).strip()
    negative = cleaned[:1] in ("-", "\u2212")
    if negative:
        cleaned = cleaned[1:]
    try:
        value = _unsigned(cleaned, allow_fraction)
    except (_Invalid, ValueError) as exc:
        raise ValueError(f"not a count: {text!r} ({exc})") from None
    return -value if negative else value


def parse_count(text: str) -> int:
    """Read a whole-number count as Taiwan documents write it.

    Accepts ``6萬 9,264``, ``6萬9264``, ``69,264``, full-width digits and commas, Chinese
    numerals (``十二``, ``兩百``, ``三千零五``, ``一〇八``), mixes (``1萬2千``, ``2.5萬``) and
    ``1億 2,345萬 6,789``.  A leading minus is accepted so that every :func:`format_count`
    output reads back.  Empty text, stray characters, misplaced commas and fractions that are
    not whole numbers raise ValueError.
    """
    value = parse_amount(text, allow_fraction=False)
    if not isinstance(value, int):  # pragma: no cover - allow_fraction=False never gives one
        raise ValueError(f"not a whole number: {text!r}")
    return value
