"""Streaming XML for the readers: elements are handed over as they end, then freed.

Office files never carry a document type declaration, so one is refused outright: that closes
the door on entity tricks (billion laughs, external entities) whatever the XML library does.
The check is made on the decoded text, so a part in UTF-16 cannot hide a declaration from it.

The parse is bounded whatever the XML holds (decision 0031, issue 13): nesting depth, elements
in the whole file, bytes that may pass without an element starting or ending, and the elements
and bytes of one *record* (a cell: its subtree is kept until it ends). Every element that ends
outside a record is cleared and dropped once the caller has seen it, so memory stays flat.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Literal, Protocol

from django.utils.translation import gettext as _

from guankao.imports.exceptions import FileRejected
from guankao.imports.readers.base import (
    MAX_CELL_XML_BYTES,
    MAX_ELEMENTS_PER_CELL,
    MAX_XML_DEPTH,
    MAX_XML_ELEMENTS,
    MAX_XML_QUIET_BYTES,
    Budget,
)

_CHUNK = 64 * 1024
_ROOT_START = re.compile(r"<(?![?!])")
_DECLARED = re.compile(rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")
# Byte order marks, and the first bytes of "<?" in each encoding without one (XML 1.0 F.1).
_SIGNATURES = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)

Event = tuple[str, ET.Element]


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def corrupt(filename: str, detail: object) -> FileRejected:
    """The refusal of a file whose content is damaged; ``detail`` says where or what."""
    return FileRejected(filename, _("檔案內容損毀，無法讀取（%(error)s）。") % {"error": detail})


def _encoding(head: bytes) -> str:
    """The encoding of an XML part, from its byte order mark or its declaration."""
    for signature, encoding in _SIGNATURES:
        if head.startswith(signature):
            return encoding
    declared = _DECLARED.match(head)
    return declared[1].decode("ascii").lower() if declared else "utf-8"


class XmlEvents:
    """``(event, element)`` pairs like ``ElementTree.iterparse``, from a checked stream.

    ``records`` are the tags whose whole subtree the caller reads when they end (cells, string
    items); everything else is cleared and removed from its parent once its end has been seen.
    ``position`` is how many bytes of the part have been read so far.
    """

    def __init__(
        self,
        stream: Readable,
        filename: str,
        events: tuple[Literal["start", "end"], ...] = ("start", "end"),
        records: frozenset[str] = frozenset(),
        budget: Budget | None = None,
    ) -> None:
        self.stream = stream
        self.filename = filename
        self.events = events
        self.records = records
        self.budget = budget if budget is not None else Budget()
        self.position = 0

    def _refuse(self, reason: str) -> FileRejected:
        return FileRejected(self.filename, reason)

    def _read(self) -> bytes:
        chunk = self.stream.read(_CHUNK)
        self.position += len(chunk)
        return chunk

    def _text_chunks(self) -> Iterator[str]:
        """The part decoded, after checking that no declaration precedes the root element."""
        first = self._read()
        if not first:
            return
        try:
            decoder = codecs.getincrementaldecoder(_encoding(first))(errors="strict")
        except LookupError:
            raise corrupt(self.filename, _("不支援的文字編碼")) from None
        chunk = first
        prolog = ""
        try:
            while chunk:
                prolog += decoder.decode(chunk)
                match = _ROOT_START.search(prolog)
                head = (prolog if match is None else prolog[: match.start()]).upper()
                if "<!DOCTYPE" in head or "<!ENTITY" in head:
                    raise self._refuse(_("檔案內含文件類型宣告（DOCTYPE），不予讀取。"))
                if match is not None:
                    break
                if len(prolog) > MAX_XML_QUIET_BYTES:
                    raise corrupt(self.filename, _("找不到文件的根元素"))
                chunk = self._read()
            if prolog:
                yield prolog
            while chunk := self._read():
                yield decoder.decode(chunk)
            yield decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            raise corrupt(
                self.filename, _("文字編碼錯誤：%(reason)s") % {"reason": error.reason}
            ) from None

    def _fed(self, parser: ET.XMLPullParser[ET.Element]) -> Iterator[int]:
        """Feed the parser chunk by chunk, then close it; yield each chunk's length."""
        for text in self._text_chunks():
            parser.feed(text)
            yield len(text)
        parser.close()
        yield 0

    def __iter__(self) -> Iterator[Event]:
        # Both events are always parsed, to know the depth and each element's parent; only
        # those asked for are handed over.
        parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
        want_start, want_end = "start" in self.events, "end" in self.events
        stack: list[ET.Element] = []
        record_depth = 0  # len(stack) when the open record started; 0 outside records
        record_elements = record_start = 0
        quiet = 0
        budget = self.budget
        try:
            for size in self._fed(parser):
                seen = False
                for event, element in _elements(parser):
                    seen = True
                    if event == "start":
                        stack.append(element)
                        budget.elements += 1
                        if budget.elements > MAX_XML_ELEMENTS:
                            raise self._refuse(
                                _("檔案的內容元素超過 %(limit)s 個，無法讀取。")
                                % {"limit": f"{MAX_XML_ELEMENTS:,}"}
                            )
                        if len(stack) > MAX_XML_DEPTH:
                            raise self._refuse(
                                _("檔案的結構層次超過 %(limit)d 層，無法讀取。")
                                % {"limit": MAX_XML_DEPTH}
                            )
                        if record_depth:
                            record_elements += 1
                            if record_elements > MAX_ELEMENTS_PER_CELL:
                                raise self._refuse(_("有一格的內容結構過於複雜，無法讀取。"))
                        elif element.tag in self.records:
                            record_depth, record_elements = len(stack), 0
                            record_start = self.position
                        if want_start:
                            yield event, element
                        continue
                    stack.pop()
                    if want_end:
                        yield event, element
                    if record_depth > len(stack):
                        record_depth = 0  # the record itself ended
                    if not record_depth:
                        element.clear()
                        if stack:
                            stack[-1].remove(element)
                quiet = 0 if seen else quiet + size
                if quiet > MAX_XML_QUIET_BYTES:
                    raise self._refuse(_("檔案內有一段文字或標記過長，無法讀取。"))
                if record_depth and self.position - record_start > MAX_CELL_XML_BYTES:
                    raise self._refuse(_("有一格的內容結構過於複雜，無法讀取。"))
        except ET.ParseError as error:
            raise corrupt(self.filename, error) from None


def _elements(parser: ET.XMLPullParser[ET.Element]) -> Iterator[Event]:
    # Only start and end events are asked for, and those always carry an element.
    return parser.read_events()  # type: ignore[return-value]


def iterparse(
    stream: Readable,
    filename: str,
    events: tuple[Literal["start", "end"], ...] = ("start", "end"),
    *,
    records: frozenset[str] = frozenset(),
    budget: Budget | None = None,
) -> XmlEvents:
    """Yield ``(event, element)`` pairs like ``ElementTree.iterparse``, from a checked stream.

    Elements are dropped once seen unless they are inside one of ``records`` (see
    :class:`XmlEvents`); ``budget`` counts the elements of every part of one file.
    """
    return XmlEvents(stream, filename, events, records, budget)
