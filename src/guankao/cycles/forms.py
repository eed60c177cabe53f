"""Forms of the cycles pages. They parse and check input; the services write it.

Figures are read the way reports write them (``1萬 2,000``, ``１２``, ``十二``, ``12場``) with
``guankao.tw``; dates are typed in ROC form (``113/07/15``, ``113年7月15日``).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from guankao.core.forms import RocDateField
from guankao.core.models import Agency, Jurisdiction
from guankao.core.templatetags.error_summary import Problem
from guankao.cycles.models import MeasureEntry, Submission, TaskEntry
from guankao.cycles.selectors import OpenChoices
from guankao.cycles.services import FigureInput, MeasureInput, TaskInput
from guankao.cycles.uploads import FileRefused, check_upload
from guankao.divisions.models import DivisionTable
from guankao.performance.models import MeasureKind
from guankao.tw import UNITS, extract_quantities, format_count
from guankao.tw.numbers import parse_amount

MAX_DECIMAL = Decimal("99999999999999")


def parse_figure(text: str) -> tuple[Decimal, str]:
    """A figure typed by a person: the number, and the unit when it was typed along (``12場``).

    Raises ValidationError with a sentence saying how to write it.
    """
    cleaned = text.strip()
    try:
        value = parse_amount(cleaned)
        unit = ""
    except (ValueError, TypeError):
        found = extract_quantities(cleaned)
        if len(found) != 1 or found[0].start != 0 or found[0].end != len(cleaned):
            raise forms.ValidationError(
                _("「%(value)s」不是數字，請寫成 12、1,200 或 1萬 2,000。"),
                code="not_a_number",
                params={"value": cleaned},
            ) from None
        value, unit = found[0].value, found[0].unit
    number = Decimal(value)
    if number < 0 or number > MAX_DECIMAL or number != round(number, 2):
        raise forms.ValidationError(
            _("「%(value)s」超出可填的範圍（0 以上、最多兩位小數）。"),
            code="out_of_range",
            params={"value": cleaned},
        )
    return number, unit


class PeriodOpenForm(forms.Form):
    """Open a period: which jurisdiction, which code, the deadline, and what is reported."""

    jurisdiction = forms.ModelChoiceField(Jurisdiction.objects.none(), label=_("縣市"))
    code = forms.CharField(
        label=_("期別"),
        max_length=8,
        help_text=_("年度寫 113，半年寫 113H1、113H2，季寫 113Q1 至 113Q4。"),
    )
    deadline = RocDateField(label=_("填報截止日"))
    division_table = forms.ModelChoiceField(
        DivisionTable.objects.none(), label=_("分工表"), required=False
    )
    department = forms.ModelChoiceField(
        Agency.objects.none(),
        label=_("施政計畫機關"),
        required=False,
        help_text=_("選擇時，該機關當年度施政計畫的衡量標準一併填報。"),
    )

    def __init__(self, *args: Any, choices: OpenChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only what the role matrix lets this person open; the service checks again.
        fields: Any = self.fields
        fields["jurisdiction"].queryset = Jurisdiction.objects.filter(
            pk__in=[j.pk for j in choices.jurisdictions]
        )
        fields["division_table"].queryset = DivisionTable.objects.filter(
            pk__in=[t.pk for t in choices.tables]
        ).select_related("jurisdiction")
        fields["department"].queryset = Agency.objects.filter(
            pk__in=[a.pk for a in choices.departments]
        ).order_by("jurisdiction__slug", "label")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type=file multiple>``."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[Any]]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class TaskEntryForm(forms.Form):
    """One task's 辦理情形, its lag flag, new files and files to remove."""

    # Where the form sits on the page, for the error summary (set by SubmissionEditor).
    error_context = ""

    narrative = forms.CharField(
        label=_("辦理情形"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    behind = forms.BooleanField(label=_("進度落後"), required=False)
    behind_reason = forms.CharField(
        label=_("落後原因及改進措施"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    new_files = MultipleFileField(
        label=_("新增附件"),
        required=False,
        help_text=_("PDF、ODT、DOCX、PNG 或 JPEG，每個檔案 10 MB 以內。"),
    )
    remove = forms.TypedMultipleChoiceField(
        label=_("移除附件"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, entry: TaskEntry, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "narrative": entry.narrative,
                "behind": entry.behind,
                "behind_reason": entry.behind_reason,
            },
        )
        super().__init__(*args, **kwargs)
        self.entry = entry
        current = [a for a in entry.attachments.all() if a.removed_at is None]
        self.fields["remove"].choices = [(a.pk, a.original_name) for a in current]  # type: ignore[attr-defined]
        self.refused_files: set[str] = set()

    def clean_new_files(self) -> list[UploadedFile[Any]]:
        """Check each file here, so a refused one sends the whole page back with what was typed.

        The service checks again (the API has no form); the message names the file to choose
        again, because a browser cannot keep a file input's value.
        """
        uploads: list[UploadedFile[Any]] = self.cleaned_data.get("new_files") or []
        problems = []
        for upload in uploads:
            try:
                check_upload(upload)
            except FileRefused as refused:
                self.refused_files.add(refused.name)
                problems.append(
                    forms.ValidationError(
                        _("請重新選擇檔案：%(name)s（%(reason)s）"),
                        code="file_refused",
                        params={"name": refused.name, "reason": refused.short},
                    )
                )
        if problems:
            raise forms.ValidationError(problems)
        return uploads

    def chosen_files(self) -> list[str]:
        """The names of the files chosen in this post (a refused post stores none of them)."""
        if not self.is_bound or self.files is None:
            return []
        names = [
            getattr(f, "name", "") or "" for f in self.files.getlist(self.add_prefix("new_files"))
        ]
        return [PurePosixPath(n.replace("\\", "/")).name for n in names if n]

    def accepted_files(self) -> list[str]:
        """The chosen files that passed the check (stored only if the whole post is)."""
        return [n for n in self.chosen_files() if n not in self.refused_files]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("behind") and not (cleaned.get("behind_reason") or "").strip():
            self.add_error("behind_reason", _("勾選進度落後時，請說明原因及改進措施。"))
        return cleaned


class FigureForm(forms.Form):
    """One figure row: what is counted, the number, the unit. A blank row is ignored."""

    # Where the form sits on the page, for the error summary (set by SubmissionEditor).
    error_context = ""

    label = forms.CharField(label=_("項目"), max_length=60, required=False)
    value = forms.CharField(label=_("數值"), max_length=40, required=False)
    unit = forms.CharField(
        label=_("單位"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"list": "units", "size": 5}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text = (cleaned.get("value") or "").strip()
        unit = (cleaned.get("unit") or "").strip()
        if not text:
            if unit or (cleaned.get("label") or "").strip():
                self.add_error("value", _("請填寫數值。"))
            cleaned["figure"] = None
            return cleaned
        try:
            number, typed_unit = parse_figure(text)
        except forms.ValidationError as error:
            self.add_error("value", error)
            return cleaned
        unit = unit or typed_unit
        if not unit:
            self.add_error("unit", _("請填寫單位，例如 場、人次、件。"))
            return cleaned
        cleaned["figure"] = FigureInput(
            label=(cleaned.get("label") or "").strip(), value=number, unit=unit, as_written=text
        )
        return cleaned


FigureFormSet = formset_factory(FigureForm, extra=2, max_num=20, validate_max=True)


class MeasureEntryForm(forms.Form):
    """The actual to date of one measure (a number, or a completion date for a milestone)."""

    # Where the form sits on the page, for the error summary (set by SubmissionEditor).
    error_context = ""

    actual = forms.CharField(label=_("累計實際值"), max_length=40, required=False)
    done = RocDateField(label=_("實際完成日"), required=False)
    note = forms.CharField(
        label=_("說明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, entry: MeasureEntry, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "actual": "" if entry.actual is None else f"{entry.actual.normalize():f}",
                "done": entry.done,
                "note": entry.note,
            },
        )
        super().__init__(*args, **kwargs)
        self.entry = entry
        if entry.measure.kind == MeasureKind.MILESTONE:
            del self.fields["actual"]
        else:
            del self.fields["done"]

    def clean_actual(self) -> Decimal | None:
        text = (self.cleaned_data.get("actual") or "").strip()
        if not text:
            return None
        number, unit = parse_figure(text)
        expected = self.entry.measure.actual_unit or self.entry.measure.unit
        if unit and expected and unit != expected:
            raise forms.ValidationError(
                _("單位應為「%(unit)s」。"), code="unit", params={"unit": expected}
            )
        return number

    def to_input(self) -> MeasureInput:
        return MeasureInput(
            actual=self.cleaned_data.get("actual"),
            done=self.cleaned_data.get("done"),
            note=self.cleaned_data.get("note", ""),
        )


class SubmissionEditor:
    """The whole edit page: a form per task, a figure formset per task, a form per measure.

    Only this submission's entries are read from the POST, so fields named after another
    agency's entries are never looked at; a POST that lacks a task's formset is invalid.
    """

    def __init__(
        self,
        submission: Submission,
        data: Any = None,
        files: Any = None,
    ) -> None:
        self.submission = submission
        self.version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        self.version_value: int | None = None
        self.data = data
        self.version_error = ""
        self.tasks: list[tuple[TaskEntry, TaskEntryForm, Any]] = []
        for entry in submission.task_entries.all():
            prefix = f"t{entry.pk}"
            initial = [
                {"label": f.label, "value": _plain(f.value), "unit": f.unit}
                for f in entry.figures.all()
            ]
            form = TaskEntryForm(data, files, prefix=prefix, entry=entry)
            figures = FigureFormSet(data, prefix=f"{prefix}-fig", initial=initial)
            # The error summary says where each message belongs: 「第1項 數據第2列 數值：…」.
            where = _("第%(n)s項") % {"n": entry.task.number}
            form.error_context = f"{where} "
            for row, figure_form in enumerate(figures.forms, 1):
                figure_form.error_context = _("%(where)s 數據第%(row)d列 ") % {
                    "where": where,
                    "row": row,
                }
            self.tasks.append((entry, form, figures))
        self.measures = []
        for measure_entry in submission.measure_entries.all():
            measure_form = MeasureEntryForm(
                data, prefix=f"m{measure_entry.pk}", entry=measure_entry
            )
            measure = measure_entry.measure
            measure_form.error_context = (
                f"{measure.indicator.plan.number}-{measure.indicator.number} {measure.label} "
            )
            self.measures.append((measure_entry, measure_form))

    @property
    def current_version(self) -> int:
        return self.version_value or self.submission.version

    def is_valid(self) -> bool:
        valid = True
        try:
            self.version_value = self.version.clean((self.data or {}).get("version"))
        except forms.ValidationError:
            self.version_error = str(_("表單不完整或已過期，請重新載入頁面。"))
            valid = False
        for _entry, form, formset in self.tasks:
            valid = form.is_valid() and valid
            valid = formset.is_valid() and valid
        for _measure, measure_form in self.measures:
            valid = measure_form.is_valid() and valid
        return valid

    def task_inputs(self) -> dict[int, TaskInput]:
        inputs: dict[int, TaskInput] = {}
        for entry, form, formset in self.tasks:
            data = form.cleaned_data
            figures = [f.cleaned_data.get("figure") for f in formset.forms if f.cleaned_data]
            inputs[entry.pk] = TaskInput(
                narrative=data.get("narrative", ""),
                behind=bool(data.get("behind")),
                behind_reason=data.get("behind_reason", ""),
                figures=[f for f in figures if f is not None],
                new_files=data.get("new_files") or [],
                remove_attachments=frozenset(data.get("remove") or []),
            )
        return inputs

    def measure_inputs(self) -> dict[int, MeasureInput]:
        return {measure.pk: form.to_input() for measure, form in self.measures}

    def all_forms(self) -> list[Any]:
        """Every form and formset of the page, in page order (for the error summary)."""
        found: list[Any] = []
        for _entry, form, formset in self.tasks:
            found += [form, formset]
        return found + [form for _measure, form in self.measures]

    def files_to_choose_again(self) -> list[Problem]:
        """The files of a refused post that were fine: not stored either, so choose them again.

        (Decision 0061: a refused post writes nothing, files included.)
        """
        problems = []
        for _entry, form, _formset in self.tasks:
            field = form["new_files"]
            for name in form.accepted_files():
                message = _("請重新選擇檔案：%(name)s（檔案無誤，但這次沒有儲存）") % {"name": name}
                problems.append(
                    Problem(
                        f"{form.error_context}{field.label}：{message}", f"#{field.id_for_label}"
                    )
                )
        return problems


def _plain(value: Decimal) -> str:
    """The stored value the way it reads back in: ``1萬 2,000``, ``1.5``."""
    if value == value.to_integral_value():
        return format_count(int(value))
    return f"{value.normalize():f}"


class TransitionForm(forms.Form):
    """A button of the state machine: the version the page showed, and a reason for a return or
    a reopen. Whether the reason is needed is the table's rule (``cycles.state``), checked by
    the service, not here."""

    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class CommentForm(forms.Form):
    """A reviewer's comment on one task entry (or the whole submission when no entry)."""

    entry = forms.IntegerField(widget=forms.HiddenInput, required=False)
    body = forms.CharField(
        label=_("審查意見"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class DeadlineForm(forms.Form):
    deadline = RocDateField(label=_("填報截止日"))


UNIT_CHOICES = UNITS


class CorrectiveActionForm(forms.Form):
    """Open (or correct) a corrective action: what, who, by when."""

    what = forms.CharField(
        label=_("改善措施"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    who = forms.CharField(label=_("負責單位或人員"), max_length=200)
    due = RocDateField(label=_("預定完成日"))


class FollowUpForm(forms.Form):
    """This period's 追蹤情形 of an open action."""

    note = forms.CharField(
        label=_("本期追蹤情形"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class CloseActionForm(forms.Form):
    """Closing an action needs a sentence saying why it is done."""

    closing_note = forms.CharField(
        label=_("結案說明"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
