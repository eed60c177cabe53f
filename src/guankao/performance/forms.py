"""Forms of the staff pages. They only parse input; the rules live in the models and services,
whose InvalidInput errors are shown on the field they name (see ``show_errors``)."""

from __future__ import annotations

from html import escape
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

from guankao.core.forms import RocDateField
from guankao.performance.exceptions import InvalidInput
from guankao.performance.models import ControlCode, MeasureKind, RateMethod, ReportStatus

# The plan editor's one <form>: every row's inputs belong to it, so any 儲存 sends every row
# and nothing typed in another row is lost (decision 0070).
EDITOR_FORM_ID = "plans-save"


class TextField(forms.CharField):
    """Text as it is stored: browsers send a textarea's line ends as CRLF, the data keeps LF.

    ``has_changed`` compares the stored text as the field would clean it (stripped, LF), so a
    row posted back untouched is not a change — the plan editor writes only changed rows, and
    an indicator of three lines would otherwise be rewritten (as CRLF) on every save."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if isinstance(value, str):
            return value.replace("\r\n", "\n").replace("\r", "\n")
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        return super().has_changed(self.to_python(initial), data)


def _attributes(attrs: dict[str, Any]) -> str:
    """Django's ``attrs.html``: each attribute in order, ``True`` bare, ``False`` left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class EditorWidgets(DjangoTemplates):
    """Django's form renderer, with its three most frequent widget templates written out: the
    plan editor renders about a thousand text, number and textarea inputs, each three nested
    templates through Django's engine (decision 0089). The output is exactly the templates'
    (tests/performance/test_editor_widgets.py compares them, values and attributes escaped the
    same way: ``html.escape`` is what Django's ``escape`` calls). Like a template's output, the
    string is marked safe by the widget (``Widget._render``). Every other template (selects,
    labels, error lists) is rendered as usual."""

    _INPUTS = frozenset({"django/forms/widgets/text.html", "django/forms/widgets/number.html"})

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if widget is None:
            return super().render(template_name, context, request)
        if template_name in self._INPUTS:
            value = widget["value"]
            shown = "" if value is None else f' value="{escape(str(value))}"'
            return (
                f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
                f"{shown}{_attributes(widget['attrs'])}>"
            )
        if template_name == "django/forms/widgets/textarea.html":
            text = escape(str(widget["value"])) if widget["value"] else ""
            return (
                f'<textarea name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>\n'
                f"{text}</textarea>"
            )
        return super().render(template_name, context, request)


class EditorForm(forms.Form):
    """A form of the plan editor's page, whose widgets are rendered by ``EditorWidgets``."""

    default_renderer = EditorWidgets()


class InlineForm(EditorForm):
    """A form whose inputs sit in table cells: each input names the editor's <form> element
    (HTML ``form`` attribute, ``EDITOR_FORM_ID``) and carries its label for screen readers.

    ``html_id`` is the row's prefix (``p12``, ``i3``, ``m40``); ``error_context`` names the row
    in the error summary (「衡量標準 1.2.1，」), since the same label recurs on every row."""

    def __init__(self, *args: Any, html_id: str, error_context: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("prefix", html_id)
        super().__init__(*args, **kwargs)
        self.html_id = html_id
        self.error_context = error_context
        for field in self.fields.values():
            field.widget.attrs["form"] = EDITOR_FORM_ID
            field.widget.attrs["aria-label"] = str(field.label)


def show_errors(form: forms.Form, error: InvalidInput) -> None:
    """Put a service's InvalidInput messages on the form fields they name."""
    for name, messages in error.field_errors.items():
        field = name if name in form.fields else None
        for message in messages:
            form.add_error(field, message)


class PlanForm(InlineForm):
    name = TextField(label=_("計畫名稱"), max_length=200)
    budget_thousands = forms.IntegerField(label=_("預算金額（千元）"))
    executed_thousands = forms.IntegerField(label=_("執行數（千元）"), required=False)
    control_code = forms.TypedChoiceField(
        label=_("管考代碼"), choices=ControlCode.choices, coerce=int
    )
    control_note = TextField(label=_("管考代碼註明"), max_length=200, required=False)
    reported_rate = forms.DecimalField(
        label=_("執行率（%，填報）"), max_digits=6, decimal_places=2, required=False
    )


class IndicatorForm(InlineForm):
    text = TextField(label=_("衡量指標"), widget=forms.Textarea(attrs={"rows": 3}))
    standard_text = TextField(label=_("衡量標準"), widget=forms.Textarea(attrs={"rows": 3}))
    achievement_text = TextField(
        label=_("執行績效"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class MeasureForm(InlineForm):
    label = TextField(label=_("說明"), max_length=200)
    target = forms.DecimalField(label=_("目標值"), max_digits=16, decimal_places=2, required=False)
    actual = forms.DecimalField(label=_("實際值"), max_digits=16, decimal_places=2, required=False)
    unit = TextField(label=_("單位"), max_length=10, required=False)
    actual_unit = TextField(label=_("實際值單位"), max_length=10, required=False)
    due = RocDateField(label=_("預定完成日"), required=False)
    done = RocDateField(label=_("實際完成日"), required=False)


class NewPlanForm(EditorForm):
    name = TextField(label=_("計畫名稱"), max_length=200)
    budget_thousands = forms.IntegerField(label=_("預算金額（千元）"))
    control_code = forms.TypedChoiceField(
        label=_("管考代碼"), choices=ControlCode.choices, coerce=int, initial=5
    )
    control_note = TextField(label=_("管考代碼註明"), max_length=200, required=False)


class NewIndicatorForm(EditorForm):
    text = TextField(label=_("衡量指標"), widget=forms.Textarea(attrs={"rows": 2}))
    standard_text = TextField(label=_("衡量標準"), widget=forms.Textarea(attrs={"rows": 2}))


class NewMeasureForm(EditorForm):
    label = TextField(label=_("說明"), max_length=200)
    kind = forms.ChoiceField(label=_("類型"), choices=MeasureKind.choices)
    target = forms.DecimalField(label=_("目標值"), max_digits=16, decimal_places=2, required=False)
    unit = TextField(label=_("單位"), max_length=10, required=False)
    due = RocDateField(label=_("預定完成日"), required=False)


class ShortfallReviewForm(forms.Form):
    reason = TextField(
        label=_("未達成原因分析"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    improvement = TextField(
        label=_("改進措施"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class RateMethodForm(forms.Form):
    rate_method = forms.ChoiceField(label=_("執行率計算方式"), choices=RateMethod.choices)


class ReportTextForm(forms.Form):
    title = TextField(label=_("標題"), max_length=200)
    preface = TextField(label=_("壹、前言"), widget=forms.Textarea(attrs={"rows": 8}))
    code_footnote = TextField(
        label=_("管考方式代碼說明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AchievementForm(forms.Form):
    # Set by the page: which item of 伍 the form is (the error summary names it).
    error_context = ""

    title = TextField(label=_("標題"), max_length=200)
    body = TextField(
        label=_("內容"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "可嵌入即時數字：{plan 1 total}（計畫一實際值合計）、{plan 1 total 人次}、"
            "{plan 1 budget}、{measure 1.2.1 actual}、{measure 1.2.1 target}。"
        ),
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=ReportStatus.choices)
    # Two rows lead from 勘誤中 back to 已公開 (republish, cancel): the button names its row.
    transition = forms.CharField(required=False, max_length=20)
