"""Folding text for search, so that Traditional/Simplified, full-width and accents all match."""

from __future__ import annotations

import functools
import re
import unicodedata

import opencc

__all__ = ["fold_for_search", "to_traditional"]

# Scripts whose text NFKC would alter (Thai ำ → ํา, Lao ຳ → ໍາ) and whose combining
# marks are letters in their own right; they are passed through untouched.
_PROTECTED = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\ua9e0-\ua9ff\uaa60-\uaa7f"
_PROTECTED_RUN = re.compile(f"[{_PROTECTED}]+")
_LATIN = "A-Za-z\u00c0-\u024f\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff\uab30-\uab6f"
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# Marks NFKC could not compose into a precomposed letter (e.g. q + acute).
_STRAY_LATIN_MARKS = re.compile(f"(?<=[{_LATIN}])[{_MARKS}]+")
_SURROGATES = re.compile("[\ud800-\udfff]")
# Latin letters whose stroke is not a combining mark, so NFD leaves them alone.
_STROKED = {"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ħ": "h", "Ħ": "H"}


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    # Building a converter loads its dictionaries (~0.1 s); do it once per process.
    return opencc.OpenCC(config)


def _convert(config: str, text: str) -> str:
    if "\x00" in text:
        # OpenCC stops at NUL, silently dropping the rest of the text.
        return "\x00".join(_convert(config, part) for part in text.split("\x00"))
    try:
        return str(_converter(config).convert(text))
    except UnicodeEncodeError:
        # Lone surrogates cannot cross into C++; they carry no meaning anyway.
        return str(_converter(config).convert(_SURROGATES.sub("\ufffd", text)))


@functools.cache
def _latin_table() -> dict[int, str]:
    table: dict[int, str] = {ord(k): v for k, v in _STROKED.items()}
    for start, stop in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for cp in range(start, stop):
            decomposed = unicodedata.normalize("NFD", chr(cp))
            base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
            if base != chr(cp) and base:
                table.setdefault(cp, base)
    return table


def _nfkc_outside_protected(text: str) -> str:
    if not _PROTECTED_RUN.search(text):
        return unicodedata.normalize("NFKC", text)
    pieces: list[str] = []
    last = 0
    for match in _PROTECTED_RUN.finditer(text):
        pieces.append(unicodedata.normalize("NFKC", text[last : match.start()]))
        pieces.append(match.group())
        last = match.end()
    pieces.append(unicodedata.normalize("NFKC", text[last:]))
    return "".join(pieces)


def fold_for_search(text: str) -> str:
    """Fold text to a search key: equal keys mean "the same words" to a reader.

    Steps: NFKC (full-width → half-width), OpenCC ``t2s`` (Traditional → Simplified),
    casefold, strip diacritics from Latin letters only (Vietnamese ``Chồng`` → ``chong``,
    ``đ`` → ``d``), and collapse runs of whitespace to one space with none at the ends.
    Thai, Lao, Khmer and Burmese text is left exactly as is apart from whitespace, because
    their combining marks are vowels and tones that change the word.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    folded = _convert("t2s", _nfkc_outside_protected(text)).casefold()
    folded = _STRAY_LATIN_MARKS.sub("", folded).translate(_latin_table())
    return " ".join(folded.split())


def to_traditional(text: str) -> str:
    """Convert Simplified Chinese to Taiwan Traditional with Taiwan phrasing (OpenCC ``s2twp``).

    Meant for display, e.g. ``软件`` → ``軟體``; text that is already Traditional is unchanged.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return _convert("s2twp", text)
