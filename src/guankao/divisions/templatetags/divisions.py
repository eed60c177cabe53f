"""Template filters for table versions: dates as ROC (``114年4月1日``, ``114/04/01``)."""

from __future__ import annotations

import datetime

from django import template

from guankao.tw import format_roc_date

register = template.Library()


@register.filter
def roc_date(value: datetime.date | None) -> str:
    """``2025-04-01`` → ``114年4月1日``; nothing for no date."""
    return format_roc_date(value) if value else ""


@register.filter
def roc_date_slash(value: datetime.date | None) -> str:
    """``2025-04-01`` → ``114/04/01``, the way the date fields read it back."""
    return format_roc_date(value, "slash") if value else ""
