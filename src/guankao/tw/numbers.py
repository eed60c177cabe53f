"""Numbers the way Taiwan government reports print them (``6萬 9,264``, ``1,159,000``, ``98%``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .numerals import parse_amount, parse_count

__all__ = ["format_count", "format_percent", "format_thousands", "parse_amount", "parse_count"]

# Ascending; the last unit absorbs everything above it, so huge numbers stay readable.
_GROUP_UNITS = ("", "萬", "億", "兆", "京")


def _require_int(n: object) -> int:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"expected an int, got {type(n).__name__}")
    return n


def format_count(n: int) -> str:
    """Write a count in the official mixed style: ``69264`` → ``6萬 9,264``.

    Four-digit groups are named 萬/億/兆 (and 京 above that); each group keeps thousands
    commas, zero groups are left out, and a space follows a group name when digits follow.
    Negative numbers get a leading ``-``; anything but an ``int`` raises TypeError.
    """
    n = _require_int(n)
    if n < 0:
        return "-" + format_count(-n)
    if n == 0:
        return "0"
    groups: list[int] = []
    for _ in _GROUP_UNITS[:-1]:
        n, group = divmod(n, 10_000)
        groups.append(group)
    groups.append(n)
    parts = [
        f"{group:,}{unit}"
        for group, unit in zip(reversed(groups), reversed(_GROUP_UNITS), strict=True)
        if group
    ]
    return " ".join(parts)


def format_thousands(n: int) -> str:
    """Write an integer with thousands commas, as budget columns do: ``1,159,000``."""
    return f"{_require_int(n):,}"


def format_percent(x: float | int | Decimal, digits: int = 0) -> str:
    """Write a percentage; ``x`` is already in percent (``98`` → ``98%``, ``99.5, 1`` → ``99.5%``).

    Rounds half up, as reports do (``98.5`` → ``99%``), rather than Python's half-to-even.
    NaN, infinities and negative ``digits`` raise ValueError; non-numbers raise TypeError.
    """
    if isinstance(x, bool) or not isinstance(x, int | float | Decimal):
        raise TypeError(f"expected a number, got {type(x).__name__}")
    if isinstance(digits, bool) or not isinstance(digits, int):
        raise TypeError(f"digits must be an int, got {type(digits).__name__}")
    if digits < 0:
        raise ValueError(f"digits must not be negative, got {digits}")
    # str() first so that 0.1-style binary floats round the way they print.
    value = x if isinstance(x, Decimal) else Decimal(str(x))
    if not value.is_finite():
        raise ValueError(f"cannot format {x!r} as a percentage")
    try:
        rounded = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"cannot format {x!r} with {digits} digits") from None
    if rounded == 0:
        rounded = abs(rounded)  # no "-0%"
    return f"{rounded:f}%"
