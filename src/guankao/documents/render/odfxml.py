"""Large ODF tables built with lxml directly inside the odfdo document.

odfdo builds each element by parsing a template and moves parsed fragments between documents
node by node; for a table of a thousand rows either takes seconds. lxml's SubElement on the
document's own tree takes milliseconds. odfdo still writes the package, styles and metadata.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type information
from odfdo import Element
from odfdo.element import ODF_NAMESPACES

_SPACES = re.compile(r"( {2,}|\t|\n)")


def qname(name: str) -> str:
    """``table:table-cell`` → ``{urn:…table:1.0}table-cell``."""
    prefix, local = name.split(":", 1)
    return f"{{{ODF_NAMESPACES[prefix]}}}{local}"


def sub(parent: Any, name: str, **attributes: str | int | None) -> Any:
    """A child element; ``table__style_name="x"`` becomes ``table:style-name="x"``."""
    attrs = {}
    for key, value in attributes.items():
        if value is not None:
            prefix, _, local = key.partition("__")
            attrs[qname(f"{prefix}:{local.replace('_', '-')}")] = str(value)
    return etree.SubElement(parent, qname(name), attrs)


def paragraph(parent: Any, text: str, style: str | None = None) -> Any:
    """A text:p with ``text``: ODF collapses runs of spaces, so the second and later spaces of a
    run become <text:s text:c="n"/>; tabs and line breaks become their own elements."""
    p = sub(parent, "text:p", text__style_name=style)
    last = None
    for piece in _SPACES.split(text):
        if not piece:
            continue
        if piece == "\t":
            last = sub(p, "text:tab")
        elif piece == "\n":
            last = sub(p, "text:line-break")
        elif piece.startswith("  "):
            _append_text(p, last, " ")
            last = sub(p, "text:s", text__c=len(piece) - 1)
        else:
            _append_text(p, last, piece)
    return p


def _append_text(p: Any, last: Any, text: str) -> None:
    if last is None:
        p.text = (p.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def tree(element: Element) -> Any:
    """The lxml element behind an odfdo element (odfdo documents ``_xml_element`` for this)."""
    return element._xml_element
