"""Forms of the staff pages. They only parse input; the rules live in the models and services,
whose InvalidInput errors are shown on the field they name (see ``show_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guankao.core.forms import RocDateField
from guankao.performance.exceptions import InvalidInput
from guankao.performance.models import ControlCode, MeasureKind, RateMethod, ReportStatus


class InlineForm(forms.Form):
    """A form whose inputs sit in table cells: each input names its <form> element (HTML
    ``form`` attribute, id ``form-<html_id>``) and carries its label for screen readers."""

    def __init__(self, *args: Any, html_id: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", html_id)
        super().__init__(*args, **kwargs)
        self.html_id = f"form-{html_id}"
        for field in self.fields.values():
            field.widget.attrs["form"] = self.html_id
            field.widget.attrs["aria-label"] = str(field.label)


def show_errors(form: forms.Form, error: InvalidInput) -> None:
    """Put a service's InvalidInput messages on the form fields they name."""
    for name, messages in error.field_errors.items():
        field = name if name in form.fields else None
        for message in messages:
            form.add_error(field, message)


class PlanForm(InlineForm):
    name = forms.CharField(label=_("計畫名稱"), max_length=200)
    budget_thousands = forms.IntegerField(label=_("預算金額（千元）"))
    executed_thousands = forms.IntegerField(label=_("執行數（千元）"), required=False)
    control_code = forms.TypedChoiceField(
        label=_("管考代碼"), choices=ControlCode.choices, coerce=int
    )
    control_note = forms.CharField(label=_("管考代碼註明"), max_length=200, required=False)
    reported_rate = forms.DecimalField(
        label=_("執行率（%，填報）"), max_digits=6, decimal_places=2, required=False
    )


class IndicatorForm(InlineForm):
    text = forms.CharField(label=_("衡量指標"), widget=forms.Textarea(attrs={"rows": 3}))
    standard_text = forms.CharField(label=_("衡量標準"), widget=forms.Textarea(attrs={"rows": 3}))
    achievement_text = forms.CharField(
        label=_("執行績效"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class MeasureForm(InlineForm):
    label = forms.CharField(label=_("說明"), max_length=200)
    target = forms.DecimalField(label=_("目標值"), max_digits=16, decimal_places=2, required=False)
    actual = forms.DecimalField(label=_("實際值"), max_digits=16, decimal_places=2, required=False)
    unit = forms.CharField(label=_("單位"), max_length=10, required=False)
    actual_unit = forms.CharField(label=_("實際值單位"), max_length=10, required=False)
    due = RocDateField(label=_("預定完成日"), required=False)
    done = RocDateField(label=_("實際完成日"), required=False)


class NewPlanForm(forms.Form):
    name = forms.CharField(label=_("計畫名稱"), max_length=200)
    budget_thousands = forms.IntegerField(label=_("預算金額（千元）"))
    control_code = forms.TypedChoiceField(
        label=_("管考代碼"), choices=ControlCode.choices, coerce=int, initial=5
    )
    control_note = forms.CharField(label=_("管考代碼註明"), max_length=200, required=False)


class NewIndicatorForm(forms.Form):
    text = forms.CharField(label=_("衡量指標"), widget=forms.Textarea(attrs={"rows": 2}))
    standard_text = forms.CharField(label=_("衡量標準"), widget=forms.Textarea(attrs={"rows": 2}))


class NewMeasureForm(forms.Form):
    label = forms.CharField(label=_("說明"), max_length=200)
    kind = forms.ChoiceField(label=_("類型"), choices=MeasureKind.choices)
    target = forms.DecimalField(label=_("目標值"), max_digits=16, decimal_places=2, required=False)
    unit = forms.CharField(label=_("單位"), max_length=10, required=False)
    due = RocDateField(label=_("預定完成日"), required=False)


class ShortfallReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("未達成原因分析"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    improvement = forms.CharField(
        label=_("改進措施"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class RateMethodForm(forms.Form):
    rate_method = forms.ChoiceField(label=_("執行率計算方式"), choices=RateMethod.choices)


class ReportTextForm(forms.Form):
    title = forms.CharField(label=_("標題"), max_length=200)
    preface = forms.CharField(label=_("壹、前言"), widget=forms.Textarea(attrs={"rows": 8}))
    code_footnote = forms.CharField(
        label=_("管考方式代碼說明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AchievementForm(forms.Form):
    title = forms.CharField(label=_("標題"), max_length=200)
    body = forms.CharField(
        label=_("內容"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "可嵌入即時數字：{plan 1 total}（計畫一實際值合計）、{plan 1 total 人次}、"
            "{plan 1 budget}、{measure 1.2.1 actual}、{measure 1.2.1 target}。"
        ),
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=ReportStatus.choices)
