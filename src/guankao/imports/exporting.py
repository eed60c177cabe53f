"""Export templates: a division table or a year's plans written in the layout the import reads.

What is exported imports back unchanged (docs/decisions/0035-export-templates.md): the
division template carries a 共同主辦單位 column, so shared tasks survive even when their texts
differ; the plan template carries a second sheet, 衡量標準明細, so measures come back exactly
instead of being read again out of the text.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from guankao.core.models import Agency
from guankao.divisions.models import DivisionTable, Task
from guankao.imports.performance import MEASURE_SHEET
from guankao.imports.writers import CellValue, Percent, Sheet, write_ods, write_xlsx
from guankao.performance.models import ControlCode, MeasureKind, Plan
from guankao.tw import format_roc_date

DIVISION_HEADINGS = ("項目", "業務內容", "主辦單位", "電話", "共同主辦單位")
PLAN_HEADINGS = (
    "計畫名稱",
    "衡量指標",
    "衡量標準",
    "預算金額（千元）",
    "執行績效",
    "執行率",
    "管考代碼",
)
MEASURE_HEADINGS = (
    "計畫編號",
    "指標編號",
    "順序",
    "說明",
    "類型",
    "目標值",
    "實際值",
    "單位",
    "實際值單位",
    "預定完成日",
    "實際完成日",
)
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """Plan numbers as reports print them: 1 → 一, 14 → 十四, 20 → 二十, 105 → 一百零五."""
    if not 0 < n < 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    text = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    if ones:
        text += _DIGITS[ones]
    return text


def _blocks(values: list[object]) -> list[tuple[int, int]]:
    """Runs of equal consecutive values as (first, last) indexes, for merging cells."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            runs.append((start, i - 1))
            start = i
    return runs


def division_sheet(table: DivisionTable | None) -> Sheet:
    """The division table (or an empty template) in the import layout, one row per task."""
    width = len(DIVISION_HEADINGS)
    sheet = Sheet(name=_("分工表"), widths=[16, 60, 24, 18, 24])
    title = table.title if table else _("業務分工一覽表")
    sheet.rows.append([title])
    sheet.rows.append([_("%(version)s 更新") % {"version": table.version} if table else ""])
    sheet.rows.append(list(DIVISION_HEADINGS))
    sheet.merges += [(0, 0, 0, width - 1), (1, 0, 1, width - 1)]
    sheet.header_rows = {0, 2}
    if table is None:
        return sheet
    tasks: list[Task] = list(table.tasks.with_related().in_table_order())
    first = len(sheet.rows)
    for task in tasks:
        text = f"{task.number}.{task.text}" if task.numbered else task.text
        co_leads = "、".join(sorted(agency.label for agency in task.co_leads.all()))
        sheet.rows.append([task.area.name, text, task.agency.label, task.agency.phone, co_leads])
    for start, end in _blocks([t.agency_id for t in tasks]):
        if end > start:
            sheet.merges += [(first + start, 2, first + end, 2), (first + start, 3, first + end, 3)]
        for area_start, area_end in _blocks([t.area_id for t in tasks[start : end + 1]]):
            if area_end > area_start:
                sheet.merges.append((first + start + area_start, 0, first + start + area_end, 0))
    return sheet


def _numbered(items: list[tuple[int, str]]) -> str:
    return "\n".join(f"{number}.{text}" for number, text in items if text)


def plan_sheets(plans: list[Plan], title: str) -> list[Sheet]:
    """A year's plans (or an empty template) in the report layout, plus their measures."""
    main = Sheet(name=_("施政計畫"), widths=[24, 36, 40, 14, 44, 10, 10])
    main.rows.append([title])
    main.rows.append(list(PLAN_HEADINGS))
    main.merges.append((0, 0, 0, len(PLAN_HEADINGS) - 1))
    main.header_rows = {0, 1}
    measures = Sheet(name=MEASURE_SHEET, widths=[10, 10, 8, 36, 8, 12, 12, 10, 12, 16, 16])
    measures.rows.append(list(MEASURE_HEADINGS))
    measures.header_rows = {0}
    for plan in plans:
        indicators = list(plan.indicators.all())
        code: CellValue = plan.control_code
        if plan.control_code == ControlCode.OTHER:
            code = f"{plan.control_code}（{plan.control_note}）"
        main.rows.append(
            [
                f"{chinese_number(plan.number)}、{plan.name}：",
                _numbered([(i.number, i.text) for i in indicators]),
                _numbered([(i.number, i.standard_text) for i in indicators]),
                plan.budget_thousands,
                _numbered([(i.number, i.achievement_text) for i in indicators]),
                Percent(plan.reported_rate) if plan.reported_rate is not None else "",
                code,
            ]
        )
        for indicator in indicators:
            for measure in indicator.measures.all():
                milestone = measure.kind == MeasureKind.MILESTONE
                measures.rows.append(
                    [
                        plan.number,
                        indicator.number,
                        measure.position,
                        measure.label,
                        _("里程碑") if milestone else _("數量"),
                        _number(measure.target),
                        _number(measure.actual),
                        measure.unit,
                        measure.actual_unit,
                        format_roc_date(measure.due) if measure.due else "",
                        format_roc_date(measure.done) if measure.done else "",
                    ]
                )
    return [main, measures]


def _number(value: Decimal | None) -> CellValue:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


def plans_title(department: Agency, roc_year: int) -> str:
    """The report's title when it exists, else one in the same form."""
    report = department.performance_reports.filter(year=roc_year + 1911).first()
    if report is not None:
        return report.title
    return _("%(department)s%(year)d年度施政績效報告") % {
        "department": department.label,
        "year": roc_year,
    }


def write_sheets(sheets: list[Sheet], path: Path, file_format: str) -> None:
    """Write ``sheets`` as ``xlsx`` or ``ods``."""
    if file_format == "xlsx":
        write_xlsx(sheets, path)
    elif file_format == "ods":
        write_ods(sheets, path)
    else:
        raise ValueError(f"unknown template format {file_format!r}")


def export_division_template(*, table: DivisionTable | None, path: Path, file_format: str) -> None:
    """Write ``table`` (or an empty template) to ``path`` in the division import layout."""
    write_sheets([division_sheet(table)], path, file_format)


def export_performance_template(
    *, department: Agency | None, roc_year: int | None, path: Path, file_format: str
) -> None:
    """Write a department's plans of one year (or an empty template) to ``path``."""
    if department is None or roc_year is None:
        sheets = plan_sheets([], _("施政績效報告"))
    else:
        plans = list(
            Plan.objects.of(department)
            .for_roc_year(roc_year)
            .order_by("number")
            .prefetch_related("indicators__measures")
        )
        sheets = plan_sheets(plans, plans_title(department, roc_year))
    write_sheets(sheets, path, file_format)
