"""The eleven languages of the public directory and what each one needs to know about itself."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation


@dataclass(frozen=True)
class Language:
    """One public language: Django's code, the BCP 47 tag for ``lang=``, its own name."""

    code: str  # Django language code, as in settings.LANGUAGES and ``?lang=``
    tag: str  # BCP 47 tag for the HTML ``lang`` attribute and HSDS
    name: str  # the language's name in itself (endonym), for the language switcher
    iso639_2: str  # HSDS ``language`` fields ask for ISO 639 codes


SOURCE = "zh-hant"
LANGUAGES: tuple[Language, ...] = (
    Language("zh-hant", "zh-Hant-TW", "繁體中文", "zho"),
    Language("zh-hans", "zh-Hans", "简体中文", "zho"),
    Language("en", "en", "English", "eng"),
    Language("vi", "vi", "Tiếng Việt", "vie"),
    Language("id", "id", "Bahasa Indonesia", "ind"),
    Language("th", "th", "ไทย", "tha"),
    Language("fil", "fil", "Filipino", "fil"),
    Language("km", "km", "ខ្មែរ", "khm"),
    Language("my", "my", "မြန်မာ", "mya"),
    Language("ja", "ja", "日本語", "jpn"),
    Language("ko", "ko", "한국어", "kor"),
)
BY_CODE: dict[str, Language] = {language.code: language for language in LANGUAGES}
# Languages a content translation can be in: everything but the source.
TARGET_CODES: tuple[str, ...] = tuple(code for code in BY_CODE if code != SOURCE)
# Aliases people and browsers use for the same languages.
_ALIASES = {
    "zh": "zh-hant",
    "zh-tw": "zh-hant",
    "zh-hant-tw": "zh-hant",
    "zh-cn": "zh-hans",
    "zh-sg": "zh-hans",
    "tl": "fil",
    "in": "id",
}


def normalise_language(code: str | None) -> str | None:
    """The directory's code for ``code`` (``zh-TW`` → ``zh-hant``), or None when unsupported."""
    if not code:
        return None
    key = code.strip().lower().replace("_", "-")[:20]
    key = _ALIASES.get(key, key)
    return key if key in BY_CODE else None


def current_language() -> Language:
    """The active Django language as a directory language (the source language otherwise)."""
    return BY_CODE.get(normalise_language(translation.get_language()) or SOURCE, BY_CODE[SOURCE])
