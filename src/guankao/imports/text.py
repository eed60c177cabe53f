"""Reading the text of table cells: joining wrapped lines, splitting numbered items.

Cells copied out of PDFs or typed in Word wrap anywhere: ``愛心福利社服\\n務人次。``. A wrapped
line is joined back without a space between Chinese characters. A line that opens a sub-item
(``(1)``, ``（一）``) keeps its line break, as the report prints it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from guankao.tw import parse_count

# Same length in and out, so positions found in the translated text are valid in the original.
_HALF_WIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"．": ".", "　": " "})
_SUB_ITEM = re.compile(r"[(（]\s*(?:[0-9０-９]{1,3}|[一二三四五六七八九十]{1,3})\s*[)）]")
_MARKER = re.compile(r"([0-9]{1,3})[ \t]*[.、]")
_SENTENCE_END = "。；;！？!?：:）)"
_CHINESE_NUMERAL = "一二三四五六七八九十百零〇"
# 一、  (一)  （十四）  3.  — a Chinese or Arabic number, then a separator or closing bracket.
# At most 8 Chinese numerals (九百九十九 is 5): a cell of 30,000 一 is not read as a number.
_PLAN_HEADING = re.compile(
    rf"[(（]?\s*([{_CHINESE_NUMERAL}]{{1,8}}|[0-9]{{1,3}})\s*(?:[)）]\s*[、.,，]?|[、.,，])\s*(.+)",
    re.DOTALL,
)


def half_width(text: str) -> str:
    """Full-width digits and dots made ASCII, keeping every other character and the length."""
    return text.translate(_HALF_WIDTH)


def normalise_key(text: str) -> str:
    """A key to compare names and headings: NFKC, no whitespace, case-folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _needs_space(left: str, right: str) -> bool:
    # Between two ASCII words a wrap stood for a space. Reports put a space before a figure
    # that follows Chinese ("服務 6,300人次", "6萬 9,264"), so a wrap there stood for one too;
    # anywhere else next to Chinese it stood for nothing ("1萬", "服務人次").
    if left.isascii() and right.isascii():
        return left.isalnum() and right.isalnum()
    return not left.isascii() and left.isalpha() and right.isascii() and right.isdigit()


def join_lines(text: str) -> str:
    """Join the wrapped lines of a cell; keep a break only before a sub-item such as ``(2)``."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    joined = lines[0]
    for line in lines[1:]:
        if _SUB_ITEM.match(line):
            joined += "\n" + line
        elif _needs_space(joined[-1], line[0]):
            joined += " " + line
        else:
            joined += line
    return joined


@dataclass(frozen=True)
class Item:
    """One item of a cell: its number as written (None when unnumbered) and its text."""

    number: int | None
    text: str


def _line_start(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \t")
    return not before or before.endswith("\n")


def split_numbered(text: str) -> list[Item]:
    """Split a cell into its numbered items: ``1.辦理A。2.辦理B。`` → items 1 and 2.

    A marker counts only in sequence (1, 2, 3 … or 6, 7 … when numbering continues from
    another cell), at the start of a line or after the end of a sentence, so ``1.5公斤`` and
    ``108.5.7`` inside a sentence are left alone. A cell without a leading marker is one
    unnumbered item.
    """
    stripped = text.strip()
    if not stripped:
        return []
    plain = half_width(stripped)
    first = _MARKER.match(plain)
    if first is None:
        return [Item(None, join_lines(stripped))]
    markers = [first]
    expected = int(first[1]) + 1
    for match in _MARKER.finditer(plain, first.end()):
        if int(match[1]) != expected or match.start() < markers[-1].end():
            continue
        at_line_start = _line_start(plain, match.start())
        previous = plain[markers[-1].end() : match.start()].rstrip()
        after_sentence = previous.endswith(tuple(_SENTENCE_END))
        if not (at_line_start or after_sentence):
            continue
        next_char = plain[match.end() : match.end() + 1]
        if next_char.isdigit() and not (at_line_start and after_sentence):
            continue  # "2.5萬" wrapped onto a new line is a number, not item 2
        markers.append(match)
        expected += 1
    if len(markers) == 1 and plain[first.end() : first.end() + 1].isdigit():
        return [Item(None, join_lines(stripped))]  # "1.5公斤…" is a number, not item 1
    items: list[Item] = []
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(stripped)
        items.append(Item(int(marker[1]), join_lines(stripped[marker.end() : end])))
    return items


def parse_heading(text: str) -> tuple[int | None, str]:
    """A plan heading ``一、為弱勢民眾搭起社福保護傘：`` → (1, "為弱勢民眾搭起社福保護傘").

    Without a number in front the whole text is the name and the number is None.
    """
    joined = join_lines(text)
    match = _PLAN_HEADING.fullmatch(half_width(joined))
    if match is not None:
        try:
            return parse_count(match[1]), joined[match.start(2) :].strip().rstrip("：:").strip()
        except ValueError:
            pass
    return None, joined.rstrip("：:").strip()
