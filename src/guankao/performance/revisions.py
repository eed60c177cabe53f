"""Published revisions as data: the report model kept as JSON, and what a 勘誤 changed.

No database here: ``services`` stores what these functions produce, ``selectors`` reads it back
(decision 0067).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from pydantic import TypeAdapter

from guankao.performance.report_model import (
    IndicatorData,
    MeasureData,
    PlanData,
    ReportData,
    chinese_number,
    plain_number,
)
from guankao.tw import format_roc_date

_CODEC: TypeAdapter[ReportData] = TypeAdapter(ReportData)


def dump(report: ReportData) -> Any:
    """``report`` as JSON-compatible data (decimals as strings, dates as ISO text)."""
    return _CODEC.dump_python(report, mode="json")


def load(data: Any) -> ReportData:
    """The report model kept by :func:`dump`."""
    return _CODEC.validate_python(data)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return _("（空白）")
    if isinstance(value, Decimal):
        return f"{plain_number(value):,}"
    if hasattr(value, "isoformat"):
        return format_roc_date(value)
    return str(value)


_PLAN_FIELDS = {
    "name": _("計畫名稱"),
    "budget_thousands": _("預算金額"),
    "executed_thousands": _("執行數"),
    "reported_rate": _("執行率"),
    "control_code": _("管考代碼"),
    "control_note": _("管考代碼註明"),
}
_INDICATOR_FIELDS = {
    "text": _("衡量指標"),
    "standard_text": _("衡量標準"),
    "achievement_text": _("執行績效"),
}
_MEASURE_FIELDS = {
    "label": _("說明"),
    "target": _("目標值"),
    "actual": _("實際值"),
    "unit": _("單位"),
    "actual_unit": _("實際值單位"),
    "due": _("預定完成日"),
    "done": _("實際完成日"),
}
# Long texts are named, not quoted: the notice says which text changed.
_TEXTS = {"text", "standard_text", "achievement_text", "name"}


def _field_changes(where: str, old: Any, new: Any, fields: dict[str, str]) -> Iterator[str]:
    for name, label in fields.items():
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        if name in _TEXTS and isinstance(after, str) and len(after) > 20:
            yield _("%(where)s%(field)s文字修正") % {"where": where, "field": label}
        else:
            yield _("%(where)s%(field)s：%(old)s → %(new)s") % {
                "where": where,
                "field": label,
                "old": _shown(before),
                "new": _shown(after),
            }


def _measure_changes(where: str, old: IndicatorData, new: IndicatorData) -> Iterator[str]:
    before = {m.position: m for m in old.measures}
    after = {m.position: m for m in new.measures}
    for position in sorted(before.keys() | after.keys()):
        at = f"{where}（{position}）" if len(after) > 1 or len(before) > 1 else where
        old_m: MeasureData | None = before.get(position)
        new_m: MeasureData | None = after.get(position)
        if old_m is None and new_m is not None:
            yield _("%(where)s新增衡量標準「%(label)s」") % {"where": at, "label": new_m.label}
        elif new_m is None and old_m is not None:
            yield _("%(where)s刪除衡量標準「%(label)s」") % {"where": at, "label": old_m.label}
        elif old_m is not None and new_m is not None:
            yield from _field_changes(at, old_m, new_m, _MEASURE_FIELDS)
            if old_m.review != new_m.review:
                yield _("%(where)s未達成原因分析暨改進措施修正") % {"where": at}


def _plan_changes(old: PlanData, new: PlanData) -> Iterator[str]:
    where = chinese_number(new.number) + "、"
    yield from _field_changes(where, old, new, _PLAN_FIELDS)
    before = {i.number: i for i in old.indicators}
    after = {i.number: i for i in new.indicators}
    for number in sorted(before.keys() | after.keys()):
        at = f"{chinese_number(new.number)}.{number} "
        if number not in before:
            yield _("%(where)s新增衡量指標") % {"where": at}
        elif number not in after:
            yield _("%(where)s刪除衡量指標") % {"where": at}
        else:
            yield from _field_changes(at, before[number], after[number], _INDICATOR_FIELDS)
            yield from _measure_changes(at, before[number], after[number])


def changes(old: ReportData, new: ReportData) -> list[str]:
    """What differs between two revisions, one sentence each, in the report's order
    (「八.5 實際值：361 → 400」); empty when nothing the report prints changed."""
    found: list[str] = []
    for name, label in (
        ("title", _("標題")),
        ("preface", _("前言")),
        ("code_footnote", _("管考方式代碼說明")),
    ):
        if getattr(old, name) != getattr(new, name):
            found.append(_("%(field)s修正") % {"field": label})
    before = {p.number: p for p in old.plans}
    after = {p.number: p for p in new.plans}
    for number in sorted(before.keys() | after.keys()):
        if number not in before:
            found.append(_("新增計畫%(n)s") % {"n": chinese_number(number)})
        elif number not in after:
            found.append(_("刪除計畫%(n)s") % {"n": chinese_number(number)})
        else:
            found += _plan_changes(before[number], after[number])
    if old.achievements != new.achievements:
        found.append(_("伍、年度重要施政具體事蹟修正"))
    if old.rate_method != new.rate_method:
        found.append(_("執行率計算方式變更"))
    return found
