"""Turning text in any of the eleven languages into search features.

Text is first folded with :func:`guankao.tw.fold_for_search` (Traditional = Simplified,
full-width = half-width, Vietnamese with or without tones). Then each run of one script gives
its own kind of feature:

- Han characters: overlapping character bigrams (``家暴`` → ``c:家暴``), so two-character
  terms work; a lone character gives a unigram of little weight.
- Thai, Lao, Khmer and Burmese, written without spaces, and Japanese kana and Korean Hangul
  (whose words carry particles and endings: 남편이, 남편을): character bigrams and trigrams,
  so a stem meets its inflected forms without a dictionary (decision 0080).
- Latin script (English, Vietnamese, Indonesian, Filipino): words, minus a short stop list,
  plus a five-letter prefix of long words so ``naturalisation`` meets ``naturalized``.

Features are strings with a one-letter kind prefix; the index never needs to know the language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

from guankao.tw import fold_for_search

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Thai, Lao, Burmese (with extensions), Khmer (with symbols); Japanese kana; Korean Hangul
# (syllables and jamo).
NO_SPACE = (
    "\u0e00-\u0eff\u1000-\u109f\ua9e0-\ua9ff\uaa60-\uaa7f\u1780-\u17ff\u19e0-\u19ff"
    "\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
)
_RUNS = re.compile(f"(?P<han>[{HAN}]+)|(?P<nospace>[{NO_SPACE}]+)|(?P<word>[0-9a-z]+)")
PREFIX = 5
# Words too common in questions to say anything about the answer, in the Latin-script
# languages (folded: no tones, lower case).
_STOPWORD_TEXT = """
    a an and are as at be by can could do does for from get go have how i if in is it me my of
    on or our please should the there this to want we what when where which who why will with
    would you your help need know about
    toi minh em anh chi ban cua la co khong the nao o dau gi ai duoc can muon hoi lam va voi
    cho nhu mot nhung thi ma roi nay kia vay a ah oi nhe ve di den tai
    saya aku kamu anda ya apa bagaimana gimana dimana di ke dari untuk dan yang ini itu ada mau
    bisa tidak tolong dengan harus kemana mana siapa kalau
    ako ko ang ng mga sa na ba si ni kung paano saan ano po ka mo may gusto pwede puwede para
    at kami namin yung yun
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def _han(run: str) -> Iterator[str]:
    if len(run) == 1:
        yield "u:" + run
        return
    for i in range(len(run) - 1):
        yield "c:" + run[i : i + 2]


def _no_space(run: str) -> Iterator[str]:
    if len(run) < 3:
        yield "b:" + run
        return
    for i in range(len(run) - 1):
        yield "b:" + run[i : i + 2]
    for i in range(len(run) - 2):
        yield "t:" + run[i : i + 3]


def words(folded: str) -> list[str]:
    """The Latin-script words of already folded text, stop words included, in order."""
    return [m.group("word") for m in _RUNS.finditer(folded) if m.group("word")]


def word_features(word: str) -> Iterator[str]:
    """Features of one folded Latin word: the word, and the prefix of a long word."""
    if len(word) < 2 or word in STOPWORDS:
        return
    yield "w:" + word
    if len(word) > PREFIX + 1:
        yield "p:" + word[:PREFIX]


def features_of_folded(folded: str) -> Iterator[str]:
    """Features of text that :func:`fold_for_search` has already folded."""
    previous = ""
    for match in _RUNS.finditer(folded):
        if (run := match.group("han")) is not None:
            yield from _han(run)
            previous = ""
        elif (run := match.group("nospace")) is not None:
            yield from _no_space(run)
            previous = ""
        elif (run := match.group("word")) is not None:
            yield from word_features(run)
            # Word pairs: Vietnamese words are single syllables ("bao luc" is violence,
            # "bao hiem" insurance), so a pair says far more than either word alone.
            if previous and not (previous in STOPWORDS and run in STOPWORDS):
                yield f"v:{previous}_{run}"
            previous = run


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """:func:`fold_for_search`, cached: the same texts (and queries) come back again and again."""
    return fold_for_search(text)


def features(text: str) -> list[str]:
    """All features of ``text`` in order, repeats kept (the index counts them)."""
    return list(features_of_folded(fold(text)))


def feature_weight(feature: str) -> float:
    """How much one feature of a kind weighs against the others.

    A Han bigram or a whole word carries a term; a prefix or a bigram of a script without
    spaces is a weaker hint; a lone Han character says little.
    """
    return _KIND_WEIGHTS.get(feature[0], 1.0)


_KIND_WEIGHTS = {"c": 1.0, "w": 1.0, "v": 1.2, "t": 1.0, "p": 0.5, "b": 0.35, "u": 0.2}


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))
