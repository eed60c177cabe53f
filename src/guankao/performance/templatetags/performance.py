"""Template filters and tags that write numbers the official way (``8,165``, ``2萬 8,058``, ``98%``)
and the plan editor's cells."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.forms import BoundField
from django.utils import timezone
from django.utils.html import format_html

from guankao.performance import rules
from guankao.performance.report_model import plain_number
from guankao.tw import format_count, format_roc_date

register = template.Library()


@register.filter
def count(value: Decimal | int | None) -> str:
    """A count in the official format; a dash when unknown."""
    if value is None:
        return "—"
    number = plain_number(Decimal(value))
    return format_count(number) if isinstance(number, int) else f"{number:,f}"


@register.filter
def rate(value: Decimal | None) -> str:
    """A 執行率 or achievement already in percent, rounded the way the report prints it."""
    return rules.format_rate(value)


@register.filter
def ratio_percent(value: Decimal | None) -> str:
    """An achievement ratio (1.25) as a percentage (125%)."""
    return rules.format_rate(None if value is None else value * 100)


@register.filter
def roc_date(value: datetime.date | datetime.datetime | None) -> str:
    """A date as 108年12月31日; a moment on its Taipei date."""
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return format_roc_date(value)


@register.simple_tag
def field(bound_field: BoundField) -> str:
    """An editor cell: the field's widget, then its errors when it has any. The plan editor
    shows about a thousand fields; an ``{% include %}`` per cell and an empty error list rendered
    through a template for each took about half of the page's time."""
    if bound_field.errors:
        return format_html("{}{}", bound_field, bound_field.errors)
    return format_html("{}", bound_field)
