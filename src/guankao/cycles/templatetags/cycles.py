"""Template filters for the cycles pages: ROC dates and official figures."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AbstractUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guankao.cycles.models import ReminderKind, SubmissionStatus
from guankao.cycles.snapshots import figure_text
from guankao.tw import format_count, format_roc_date, format_roc_datetime

register = template.Library()


@register.filter
def roc_date(value: datetime.date | datetime.datetime | None) -> str:
    """``2024-07-15`` → ``113年7月15日``; a datetime is shown on its local (Taipei) date."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return format_roc_date(value)


@register.filter
def roc_datetime(value: datetime.datetime | None) -> str:
    """``113年7月15日 14:03`` in local time."""
    if value is None:
        return ""
    return format_roc_datetime(timezone.localtime(value))


@register.filter
def person(user: AbstractBaseUser | None) -> str:
    """Who did something: the full name, else the account name; 「系統」 for the system (data
    loads, scheduled jobs), whose records have no user."""
    if user is None:
        return str(_("系統"))
    full_name = user.get_full_name() if isinstance(user, AbstractUser) else ""
    return full_name or user.get_username()


@register.filter
def count(value: int | Decimal | None) -> str:
    """A count in the official format: ``12000`` → ``1萬 2,000``."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            return f"{value.normalize():,f}"
        value = int(value)
    return format_count(value)


@register.filter
def figure(value: object) -> str:
    """A Figure as reports print it: ``辦理場次 12場``."""
    return figure_text(value.label, value.value, value.unit)  # type: ignore[attr-defined]


_ACTIONS = {
    "create": _("建立"),
    "open_period": _("開設填報期間"),
    "update": _("修改"),
    "save_draft": _("儲存草稿"),
    "submit": _("送出"),
    "return": _("退回修正"),
    "approve": _("核定"),
    "reopen": _("重新開放"),
    "comment": _("審查意見"),
    "remind": _("催報通知"),
    "save": _("儲存草稿"),
}


@register.filter
def action_label(code: str) -> str:
    """An audit or revision action code in words: ``approve`` → ``核定``."""
    return str(_ACTIONS.get(code, code))


_AUDIT_KEYS = {
    "status": _("狀態"),
    "comment": _("意見"),
    "entry": _("項目"),
    "kind": _("類別"),
    "recipients": _("收件人"),
    "subject": _("主旨"),
    "code": _("期別"),
    "deadline": _("截止日"),
    "division_table": _("分工表"),
    "department": _("施政計畫機關"),
    "is_sample": _("示範資料"),
}


@register.filter
def audit_key(key: str) -> str:
    """A key of an audit entry's before/after in words (``status`` → ``狀態``)."""
    return str(_AUDIT_KEYS.get(key, key))


@register.filter
def audit_value(value: object, key: str) -> str:
    """A value of an audit entry in words: statuses by their label, lists joined."""
    if key == "status" and isinstance(value, str) and value in SubmissionStatus.values:
        return str(SubmissionStatus(value).label)
    if key == "kind" and isinstance(value, str) and value in ReminderKind.values:
        return str(ReminderKind(value).label)
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, str) and key == "deadline":
        try:
            return format_roc_date(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    return "" if value is None else str(value)
