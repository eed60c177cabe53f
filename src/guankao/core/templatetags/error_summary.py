"""``{% error_summary %}``: GOV.UK's error summary for any number of forms and formsets.

    {% load error_summary %}
    {% error_summary form %}
    {% error_summary editor.forms extra=error %}

Each argument is a form, a formset, or a list of them (nested lists are flattened); ``extra`` is
one message or a list of messages that belong to no field (a refusal from a service), listed
first; ``then`` is listed last (what to do after fixing the fields: files to choose again). The box
lists every problem once, each field's message as a link to the field (``#id_…``). The fields
mark themselves: Django 5.2 renders ``aria-invalid`` and ``aria-describedby="id_…_error"`` on a
field with errors, and ``{{ field.errors }}`` carries that id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms, template
from django.forms.formsets import BaseFormSet

register = template.Library()


@dataclass(frozen=True, slots=True)
class Problem:
    """One line of the summary: what is wrong, and where (``""``: nowhere to link to)."""

    message: str
    href: str = ""


def _flatten(items: Iterable[Any]) -> Iterator[Any]:
    for item in items:
        if item is None or item == "":
            continue
        if isinstance(item, list | tuple):
            yield from _flatten(item)
        else:
            yield item


def _first_field_href(form: forms.BaseForm) -> str:
    for field in form.visible_fields():
        if field.id_for_label:
            return f"#{field.id_for_label}"
    return ""


def _form_problems(form: forms.BaseForm) -> Iterator[Problem]:
    if not form.is_bound:
        return
    # Where the form sits (``第1項 數據第2列``), so the same message in two rows reads apart.
    context = str(getattr(form, "error_context", "") or "")
    for message in form.non_field_errors():
        yield Problem(f"{context}{message}", _first_field_href(form))
    for field in form.hidden_fields():
        for message in field.errors:
            yield Problem(f"{context}{message}")
    for field in form.visible_fields():
        for message in field.errors:
            label = f"{field.label}：" if field.label else ""
            yield Problem(f"{context}{label}{message}", f"#{field.id_for_label}")


def _messages(extra: Any) -> list[Problem]:
    extras = extra if isinstance(extra, list | tuple) else [extra]
    return [m if isinstance(m, Problem) else Problem(str(m)) for m in _flatten(extras)]


def problems_of(*items: Any, extra: Any = None, then: Any = None) -> list[Problem]:
    """Every problem of the given forms, formsets and messages, in page order."""
    problems = _messages(extra)
    for item in _flatten(items):
        if isinstance(item, BaseFormSet):
            if not item.is_bound:
                continue
            first = item.forms[0] if item.forms else None
            href = _first_field_href(first) if first is not None else ""
            problems.extend(Problem(str(m), href) for m in item.non_form_errors())
            for form in item.forms:
                problems.extend(_form_problems(form))
        elif isinstance(item, forms.BaseForm):
            problems.extend(_form_problems(item))
        elif isinstance(item, Problem):
            problems.append(item)
    return problems + _messages(then)


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*items: Any, extra: Any = None, then: Any = None) -> dict[str, Any]:
    """The summary box for the forms given; nothing at all when they have no error."""
    problems = problems_of(*items, extra=extra, then=then)
    return {"problems": problems, "count": len(problems)}
