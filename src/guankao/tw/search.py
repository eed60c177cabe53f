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
# Characters NFKC never changes and never composes with what follows (ASCII, CJK ideographs,
# precomposed Vietnamese letters).  NFKC is slow, so it only runs on what lies in between.
_NFKC_STABLE = (
    "\x00-\x7f\u00c0-\u0131\u0134-\u013e\u0141-\u0148\u014a-\u017e\u01a0\u01a1\u01af\u01b0"
    "\u1ea0-\u1ef9\u3400-\u4dbf\u4e00-\u9fff" + _PROTECTED
)
_NFKC_UNSTABLE_RUN = re.compile(f"[^{_NFKC_STABLE}]+")
_PROTECTED_CHAR = re.compile(f"[{_PROTECTED}]")
_LATIN_RANGES = (
    (0x00C0, 0x0250), (0x1E00, 0x1F00), (0x2C60, 0x2C80), (0xA720, 0xA800), (0xAB30, 0xAB70),
)  # fmt: skip
_MARK_RANGES = ((0x0300, 0x0370), (0x1AB0, 0x1B00), (0x1DC0, 0x1E00), (0x20D0, 0x2100))
_LATIN = "A-Za-z" + "".join(f"{chr(a)}-{chr(b - 1)}" for a, b in _LATIN_RANGES)
_MARKS = "".join(f"{chr(a)}-{chr(b - 1)}" for a, b in _MARK_RANGES) + "\ufe20-\ufe2f"
_LATIN_RUN = re.compile(f"[\x00-\x7f{_LATIN}{_MARKS}]+")
_ANY_MARK = re.compile(f"[{_MARKS}]")
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
    # Every letter of a Latin run is a key, even unchanged ones: str.translate is slow on misses.
    table = {cp: chr(cp) for cp in range(0x80)}
    for start, stop in _LATIN_RANGES:
        for cp in range(start, stop):
            decomposed = unicodedata.normalize("NFD", chr(cp))
            base = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
            table[cp] = _STROKED.get(chr(cp), base or chr(cp))
    return table


def _strip_latin_marks(match: re.Match[str]) -> str:
    run = match.group()
    if run.isascii():
        return run
    run = run.translate(_latin_table())
    if _ANY_MARK.search(run):
        run = _STRAY_LATIN_MARKS.sub("", run)
    return run


def _nfkc_outside_protected(text: str) -> str:
    pieces: list[str] = []
    last = 0
    for match in _NFKC_UNSTABLE_RUN.finditer(text):
        # Take the character before the run too: it may be the base a mark composes with.
        start = max(match.start() - 1, last)
        if _PROTECTED_CHAR.match(text, start):
            start = match.start()
        pieces.append(text[last:start])
        pieces.append(unicodedata.normalize("NFKC", text[start : match.end()]))
        last = match.end()
    pieces.append(text[last:])
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
    folded = _LATIN_RUN.sub(_strip_latin_marks, folded)
    return " ".join(folded.split())


def to_traditional(text: str) -> str:
    """Convert Simplified Chinese to Taiwan Traditional with Taiwan phrasing (OpenCC ``s2twp``).

    Meant for display, e.g. ``软件`` → ``軟體``; text that is already Traditional is unchanged.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return _convert("s2twp", text)
