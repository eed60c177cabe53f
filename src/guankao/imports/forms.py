"""The upload forms: which file, and where its table goes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guankao.core.models import Agency, Jurisdiction
from guankao.imports.readers import FORMATS, MAX_FILE_BYTES

ACCEPT = ",".join(f".{f}" for f in FORMATS)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("檔案"),
        help_text=_("XLSX、ODS、CSV（UTF-8 或 Big5）、DOCX 或 ODT，最大 20 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        extension = Path(upload.name or "").suffix.lower().lstrip(".")
        if extension not in FORMATS:
            raise forms.ValidationError(
                _("不支援這種檔案；請用 XLSX、ODS、CSV、DOCX 或 ODT。"), code="format"
            )
        if upload.size is None or upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("檔案太大，上限為 20 MB。"), code="size")
        return upload

    def clean(self) -> dict[str, Any]:
        if self.too_large:
            # The upload was stopped at 20 MB, so the file field arrives empty.
            self.errors.pop("file", None)
            self.add_error("file", forms.ValidationError(_("檔案太大，上限為 20 MB。")))
        return super().clean() or {}


class DivisionUploadForm(UploadForm):
    jurisdiction = forms.ModelChoiceField(
        label=_("縣市"), queryset=Jurisdiction.objects.none(), to_field_name="slug"
    )
    version = forms.CharField(
        label=_("版本（民國年.月）"),
        max_length=10,
        widget=forms.TextInput(attrs={"placeholder": "114.3", "inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, jurisdictions: list[Jurisdiction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["jurisdiction"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = Jurisdiction.objects.filter(pk__in=[j.pk for j in jurisdictions])


class PerformanceUploadForm(UploadForm):
    department = forms.ModelChoiceField(
        label=_("機關"), queryset=Agency.objects.none(), to_field_name="slug"
    )
    year = forms.IntegerField(label=_("年度（民國年）"), min_value=1, max_value=999)

    def __init__(self, *args: Any, departments: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in departments])
