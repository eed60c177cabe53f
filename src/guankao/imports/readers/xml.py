"""Streaming XML for the readers: elements are handed over as they end, then freed.

Office files never carry a document type declaration, so one is refused outright: that closes
the door on entity tricks (billion laughs, external entities) whatever the XML library does.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import IO, Literal

from django.utils.translation import gettext as _

from guankao.imports.readers.base import FileRejected

_CHUNK = 64 * 1024
_ROOT_START = re.compile(rb"<[A-Za-z_]")


def _checked_chunks(stream: IO[bytes], filename: str) -> Iterator[bytes]:
    """The stream's bytes, after checking that no declaration precedes the root element."""
    prolog = b""
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        prolog += chunk
        match = _ROOT_START.search(prolog)
        head = prolog if match is None else prolog[: match.start()]
        if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
            raise FileRejected(filename, _("檔案內含文件類型宣告（DOCTYPE），不予讀取。"))
        if match is not None:
            break
    if prolog:
        yield prolog
    while chunk := stream.read(_CHUNK):
        yield chunk


def _elements(parser: ET.XMLPullParser[ET.Element]) -> Iterator[tuple[str, ET.Element]]:
    # Only start and end events are asked for, and those always carry an element.
    return parser.read_events()  # type: ignore[return-value]


def iterparse(
    stream: IO[bytes],
    filename: str,
    events: tuple[Literal["start", "end"], ...] = ("start", "end"),
) -> Iterator[tuple[str, ET.Element]]:
    """Yield ``(event, element)`` pairs like ``ElementTree.iterparse``, from a checked stream.

    Callers clear what they have used (``element.clear()``) so memory stays bounded.
    """
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=events)
    try:
        for chunk in _checked_chunks(stream, filename):
            parser.feed(chunk)
            yield from _elements(parser)
        parser.close()
        yield from _elements(parser)
    except ET.ParseError as error:
        raise FileRejected(
            filename, _("檔案內容損毀，無法讀取（%(error)s）。") % {"error": error}
        ) from None
