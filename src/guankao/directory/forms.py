"""Forms of the directory: the public search box and the staff pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from guankao.core.forms import RocDateField
from guankao.directory.languages import BY_CODE
from guankao.directory.models import TranslationStatus
from guankao.tw import YearMonth, parse_roc_date

MAX_QUESTION = 2000


class SearchForm(forms.Form):
    """``?q=…&lang=…``; anything unusable becomes an empty question, never an error page."""

    q = forms.CharField(
        label=_("您想問什麼？"), required=False, max_length=MAX_QUESTION, strip=True
    )
    lang = forms.ChoiceField(
        choices=[(code, language.name) for code, language in BY_CODE.items()], required=False
    )


class NewVersionForm(forms.Form):
    version = forms.RegexField(
        label=_("新版本（民國年.月）"),
        regex=r"^\d{2,3}\.(?:[1-9]|1[0-2])$",
        error_messages={"invalid": _("請寫成民國年.月，例如 113.1。")},
    )

    def clean_version(self) -> YearMonth:
        value = parse_roc_date(self.cleaned_data["version"])
        if not isinstance(value, YearMonth):
            raise forms.ValidationError(_("請寫成民國年.月，例如 113.1。"))
        return value


class TranslationForm(forms.Form):
    text = forms.CharField(label=_("譯文"), widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("狀態"), choices=TranslationStatus.choices)


class PublishForm(forms.Form):
    """Publishing a draft version: from which day (ROC, default today), then confirmed."""

    on = RocDateField(
        label=_("公開日期（民國年/月/日）"),
        required=False,
        help_text=_("留空表示今天公開。"),
    )
