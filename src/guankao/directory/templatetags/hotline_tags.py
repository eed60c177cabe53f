"""``{% hotlines_shown hotlines code as shown %}``: hotlines with what they say about the
reader's language now (``directory.hotlines.show``), for the hotline partial."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from guankao.directory import hotlines as lines

register = template.Library()


@register.simple_tag
def hotlines_shown(hotlines: Iterable[object], code: str) -> list[lines.HotlineShown]:
    """``hotlines`` (``Hotline`` or already shown) for a reader of ``code``, at
    ``hotlines.taipei_now()``."""
    moment = lines.taipei_now()
    return [
        h if isinstance(h, lines.HotlineShown) else lines.show(h, code or "zh-hant", moment)
        for h in hotlines
        if isinstance(h, lines.Hotline | lines.HotlineShown)
    ]
