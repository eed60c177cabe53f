"""Unanswered needs (decision 0082): the normalised text under which a weak search is counted.

A question is counted only as its normalised text: NFKC, case folded, Simplified Chinese turned
into Taiwan Traditional (OpenCC ``s2twp``, as the directory's display does), whitespace
collapsed, and everything that could name or reach a person removed — e-mail addresses, web
addresses, handles (``@line_id``), identity and residence-permit numbers, phone numbers, and
every other digit. What is left is cut to :data:`~guankao.directory.models.UNANSWERED_MAX_TEXT`
characters. Below the threshold only :func:`question_digest` of it is stored.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.utils.crypto import salted_hmac

from guankao.directory.models import UNANSWERED_MAX_TEXT
from guankao.tw.search import to_traditional

# Only this much of a question is looked at: the search box allows more, a need is shorter.
_MAX_INPUT = 500
# Thai, Lao, Myanmar, Khmer: NFKC would decompose their vowels (Thai ำ → ํา), which are letters
# in their own right, so those runs are left as typed (as the search folding does).
_PROTECTED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff]+")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b\u2060\ufeff]")
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"@[\w.-]+")
# Anything with a digit: phone numbers with their separators (+886 2-2425 8000, (02)2345-6789),
# identity and residence numbers with their letters (A123456789, AC01234567), passport numbers,
# house numbers, dates. Digits of every script (Thai ๐–๙ too): \d is Unicode here.
_WITH_DIGITS = re.compile(r"[A-Za-z]*[+(]?\d(?:[\d\s().#/:+\-–—]*\d)?[A-Za-z]*")
# A phone number spelled in Chinese numerals (〇九一二三四五六七八).
_CHINESE_NUMERALS = re.compile("[零〇一二三四五六七八九壹貳參肆伍陸柒捌玖兩两]{6,}")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")


def _nfkc(text: str) -> str:
    pieces: list[str] = []
    last = 0
    for match in _PROTECTED.finditer(text):
        pieces.append(unicodedata.normalize("NFKC", text[last : match.start()]))
        pieces.append(match.group())
        last = match.end()
    pieces.append(unicodedata.normalize("NFKC", text[last:]))
    return "".join(pieces)


def _strip_edges(text: str) -> str:
    # Punctuation, symbols and spaces at either end (「？」, "...", "!!") do not change the
    # question; combining marks (Thai vowels) are letters and stay.
    def edge(ch: str) -> bool:
        return unicodedata.category(ch)[0] in "PSZC"

    start, end = 0, len(text)
    while start < end and edge(text[start]):
        start += 1
    while end > start and edge(text[end - 1]):
        end -= 1
    return text[start:end]


def normalise_question(text: str, *, language: str) -> str:
    """The text a weak search is counted under; ``""`` when nothing countable is left.

    Japanese keeps its own kanji (no Simplified→Traditional step for ``language="ja"``).
    """
    text = _CONTROL.sub(" ", text[:_MAX_INPUT])
    text = _nfkc(text)
    for pattern in (_URL, _EMAIL, _HANDLE):
        text = pattern.sub(" ", text)
    text = _WITH_DIGITS.sub(" ", text)
    text = _CHINESE_NUMERALS.sub(" ", text)
    text = text.casefold()
    if language != "ja":
        text = to_traditional(text)
    text = " ".join(text.split())
    text = _SPACE_BETWEEN_CJK.sub("", text)
    text = _strip_edges(_strip_edges(text)[:UNANSWERED_MAX_TEXT])
    return text if any(ch.isalpha() for ch in text) else ""


def question_digest(text: str, *, month: datetime.date) -> str:
    """HMAC-SHA256 of a normalised text under a key of the month (from ``SECRET_KEY``).

    The key changes every month, so a digest says nothing about the same question in another
    month, and old digests below the threshold are deleted once their month is over.
    """
    salt = f"guankao.directory.unanswered:{month:%Y-%m}"
    return salted_hmac(salt, text, algorithm="sha256").hexdigest()
