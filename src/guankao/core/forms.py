"""Form fields every app's pages share."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guankao.tw import format_roc_date, parse_roc_date


class RocDateField(forms.CharField):
    """A date typed the way Taiwan writes it (108/12/31, 108年12月31日, 1081231 or 108.12.31);
    shown as 108/12/31 and cleaned to a ``datetime.date``."""

    widget = forms.TextInput(attrs={"placeholder": "113/07/15", "inputmode": "numeric"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.date):
            return format_roc_date(value, "slash")
        return value

    def to_python(self, value: Any) -> datetime.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            parsed = parse_roc_date(text)
        except (ValueError, TypeError):
            parsed = None
        if not isinstance(parsed, datetime.date):
            raise forms.ValidationError(
                _("「%(value)s」不是日期。請以民國日期填寫，例如 108/12/31。"),
                code="invalid",
                params={"value": text},
            )
        return parsed
