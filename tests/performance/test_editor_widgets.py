"""The plan editor's widget renderer (decision 0089) writes out Django's text, number and
textarea templates: its output must be exactly what the templates render, for every kind of
value and attribute the editor's forms can hold."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy

from guankao.performance.forms import EditorWidgets, MeasureForm

TEMPLATES = DjangoTemplates()
EDITOR = EditorWidgets()

ATTRS: dict[str, Any] = {
    "form": "plans-save",
    "aria-label": gettext_lazy("目標值"),
    "id": "id_m40-target",
    "required": True,
    "disabled": False,
    "aria-invalid": "true",
    "data-note": "<script>\"引號\" & '單引號'</script>",
}


@pytest.mark.parametrize(
    "widget",
    [forms.TextInput(), forms.NumberInput(), forms.Textarea(attrs={"rows": 3})],
    ids=["text", "number", "textarea"],
)
@pytest.mark.parametrize(
    "value",
    [None, "", "一般文字", "a<b & \"c\" 'd'", "第一行\n第二行\n", Decimal("6300.00"), 0, 12345],
)
@pytest.mark.parametrize("attrs", [{}, ATTRS], ids=["no-attrs", "attrs"])
def test_the_output_is_the_templates(
    widget: forms.Widget, value: Any, attrs: dict[str, Any]
) -> None:
    template = str(widget.template_name)
    context = widget.get_context("m40-target", value, attrs)
    assert EDITOR.render(template, context) == TEMPLATES.render(template, context)


def test_other_templates_are_rendered_by_django() -> None:
    select = forms.Select(choices=[("numeric", "數量"), ("milestone", "里程碑")])
    context = select.get_context("m40-kind", "milestone", {"form": "plans-save"})
    html = EDITOR.render(str(select.template_name), context)
    assert html == TEMPLATES.render(str(select.template_name), context)
    assert '<option value="milestone" selected>' in html


def test_the_editor_rows_use_it() -> None:
    form = MeasureForm(html_id="m40", initial={"target": Decimal("6300.00"), "label": "場次"})
    assert isinstance(form.renderer, EditorWidgets)
    html = str(form["target"])
    assert html.startswith('<input type="number" name="m40-target" value="6300.00"')
    assert 'form="plans-save"' in html
