"""Taiwan telephone numbers as written on government pages: ``(02)2420-1122 分機1632``."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Phone", "parse_phone"]

# Area code → allowed lengths of the local number.  Longer codes first for prefix matching.
_AREAS: dict[str, frozenset[int]] = {
    "0826": frozenset({5}),  # Wuqiu
    "0836": frozenset({5}),  # Matsu
    "037": frozenset({6}),  # Miaoli
    "049": frozenset({7}),  # Nantou
    "082": frozenset({6}),  # Kinmen
    "089": frozenset({6}),  # Taitung
    "02": frozenset({8}),  # Taipei, New Taipei, Keelung
    "03": frozenset({7}),
    "04": frozenset({7, 8}),  # Changhua has 7 digits, Taichung 8
    "05": frozenset({7}),
    "06": frozenset({7}),
    "07": frozenset({7}),
    "08": frozenset({7}),
}
_EXTENSION = re.compile(r"\s*(?:#|＃|分機|轉|ext\.?|x)\s*([0-9]{1,8})\s*$", re.IGNORECASE)
# Digits and separators, with at most one parenthesised group: "(02)", "+886 (0)2".
_BODY = re.compile(r"\+?[0-9\s.\-]*(?:\([0-9\s]+\)[0-9\s.\-]*)?")
_INTERNATIONAL = re.compile(r"^\+886\s*(?:\(0\))?")


@dataclass(frozen=True, slots=True)
class Phone:
    """A parsed Taiwan number.

    ``e164`` is ``+886…`` for landlines and mobiles; toll-free (0800/0809) numbers and short
    codes (110, 113, 1990…) cannot be dialled from abroad, so there it holds the national
    digits (``0800000123``, ``1990``).
    """

    as_written: str
    e164: str
    extension: str = ""

    @property
    def tel_uri(self) -> str:
        """``tel:`` link; an extension is appended after a pause (``,``) so phones dial it."""
        suffix = f",{self.extension}" if self.extension else ""
        return f"tel:{self.e164}{suffix}"

    @property
    def national(self) -> str:
        """The number as printed in Taiwan: ``(02)2420-1122``, ``0912-345-678``, ``1990``."""
        if not self.e164.startswith("+886"):
            digits = self.e164
            if len(digits) == 10:  # toll-free 0800-000-123
                return f"{digits[:4]}-{digits[4:7]}-{digits[7:]}"
            return digits
        digits = "0" + self.e164[4:]
        if digits.startswith("09"):
            return f"{digits[:4]}-{digits[4:7]}-{digits[7:]}"
        area = _area_of(digits)
        local = digits[len(area) :]
        if len(local) >= 7:
            local = f"{local[:-4]}-{local[-4:]}"
        elif len(local) == 6:
            local = f"{local[:3]}-{local[3:]}"
        return f"({area}){local}"


def _area_of(digits: str) -> str:
    for area in _AREAS:
        if digits.startswith(area):
            return area
    raise ValueError("unknown area code")


def _classify(digits: str, default_area: str) -> str:
    """Return the e164 field for national ``digits`` (no separators)."""
    if digits.startswith("1") and len(digits) in (3, 4):
        return digits  # short code: 110, 113, 119, 1990, 1999
    if digits.startswith(("0800", "0809")) and len(digits) == 10:
        return digits
    if digits.startswith("09") and len(digits) == 10:
        return "+886" + digits[1:]
    if not digits.startswith("0"):
        digits = default_area + digits
    area = _area_of(digits)
    local = digits[len(area) :]
    if len(local) not in _AREAS[area] or local[0] in "01":
        raise ValueError(f"{len(local)}-digit local number does not fit area code {area}")
    return "+886" + digits[1:]


def parse_phone(text: str, default_area_code: str = "02") -> Phone:
    """Read a Taiwan phone number with an optional extension.

    Accepts ``2420-1122#1632``, ``24331888#115``, ``(02)2420-1122 分機1632``,
    ``02-2420-1122 ext. 1632``, ``+886 2 2420 1122``, mobiles (``0912-345-678``), toll-free
    numbers (``0800-000-123``), short codes (``1990``, ``113``) and full-width digits.  A local
    number without an area code gets ``default_area_code`` (Taipei and Keelung are 02).  Text
    that is not such a number raises ValueError.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    area = re.sub(r"[\s()\-]", "", unicodedata.normalize("NFKC", default_area_code))
    area = area if area.startswith("0") else "0" + area
    if area not in _AREAS:
        raise ValueError(f"unknown default area code {default_area_code!r}")
    written = text.strip()
    body = unicodedata.normalize("NFKC", written)
    extension = ""
    if (ext := _EXTENSION.search(body)) is not None:
        extension, body = ext[1], body[: ext.start()]
    body = body.strip()
    if not _BODY.fullmatch(body):
        raise ValueError(f"not a Taiwan phone number: {text!r}")
    if body.startswith("+"):
        if (intl := _INTERNATIONAL.match(body)) is None:
            raise ValueError(f"not a Taiwan phone number (only +886 is supported): {text!r}")
        body = "0" + body[intl.end() :]
    digits = re.sub(r"[^0-9]", "", body)
    try:
        if not digits:
            raise ValueError("no digits")
        e164 = _classify(digits, area)
    except ValueError as exc:
        raise ValueError(f"not a Taiwan phone number: {text!r} ({exc})") from None
    return Phone(written, e164, extension)
