"""Export templates: a division table or a year's plans written in the layout the import reads.

What is exported imports back unchanged (docs/decisions/0035-export-templates-round-trip.md): the
division template carries a 共同主辦單位 column, so shared tasks survive even when their texts
differ; the plan template carries a second sheet, 衡量標準明細, so measures come back exactly
instead of being read again out of the text. The sheets are the documents app's
:class:`~guankao.documents.model.Sheet` and are written by its XLSX and ODS renderers.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from guankao.core.models import Agency
from guankao.divisions.models import AgencyContact, DivisionTable, Task
from guankao.documents.model import (
    CellValue,
    ColumnKind,
    Merge,
    Sheet,
    SheetColumn,
    TitleLine,
    Workbook,
)
from guankao.documents.render import ods, xlsx
from guankao.imports.performance import MEASURE_SHEET
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
RENDERERS: dict[str, Callable[[Workbook], bytes]] = {"xlsx": xlsx.render, "ods": ods.render}


def _columns(
    headings: tuple[str, ...], widths: tuple[int, ...], kinds: dict[int, ColumnKind]
) -> tuple[SheetColumn, ...]:
    """Template columns: text wraps (cells of several lines show as the report prints them)."""
    return tuple(
        SheetColumn(heading, kinds.get(x, "text"), width, wrap=True, exact=True)
        for x, (heading, width) in enumerate(zip(headings, widths, strict=True))
    )


DIVISION_COLUMNS = _columns(DIVISION_HEADINGS, (16, 60, 24, 18, 24), {})
PLAN_COLUMNS = _columns(
    PLAN_HEADINGS, (24, 36, 40, 14, 44, 10, 10), {3: "integer", 5: "percent", 6: "integer"}
)
MEASURE_COLUMNS = _columns(
    MEASURE_HEADINGS,
    (10, 10, 8, 36, 8, 12, 12, 10, 12, 16, 16),
    {0: "integer", 1: "integer", 2: "integer", 5: "decimal", 6: "decimal"},
)


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
    title = table.title if table else _("業務分工一覽表")
    version = _("%(version)s 更新") % {"version": table.version} if table else ""
    lines = (TitleLine(title), TitleLine(version, bold=False))
    if table is None:
        return Sheet(_("分工表"), DIVISION_COLUMNS, (), title_lines=lines)
    tasks: list[Task] = list(table.tasks.with_related().in_table_order())
    # The names and phones this version prints (decision 0064), else the agency's own.
    contacts = {c.agency_id: (c.label, c.phone) for c in AgencyContact.objects.of_table(table)}

    def printed(agency: Agency) -> tuple[str, str]:
        return contacts.get(agency.pk, (agency.label, agency.phone))

    rows: list[tuple[CellValue, ...]] = []
    for task in tasks:
        text = f"{task.number}.{task.text}" if task.numbered else task.text
        co_leads = "、".join(sorted(printed(agency)[0] for agency in task.co_leads.all()))
        rows.append((task.area.name, text, *printed(task.agency), co_leads))
    merges: list[Merge] = []
    for start, end in _blocks([t.agency_id for t in tasks]):
        if end > start:
            merges += [Merge(start, 2, end, 2), Merge(start, 3, end, 3)]
        for area_start, area_end in _blocks([t.area_id for t in tasks[start : end + 1]]):
            if area_end > area_start:
                merges.append(Merge(start + area_start, 0, start + area_end, 0))
    return Sheet(_("分工表"), DIVISION_COLUMNS, tuple(rows), lines, tuple(merges))


def _numbered(items: list[tuple[int, str]]) -> str:
    return "\n".join(f"{number}.{text}" for number, text in items if text)


def plan_sheets(plans: list[Plan], title: str) -> tuple[Sheet, Sheet]:
    """A year's plans (or an empty template) in the report layout, plus their measures."""
    rows: list[tuple[CellValue, ...]] = []
    measures: list[tuple[CellValue, ...]] = []
    for plan in plans:
        indicators = list(plan.indicators.all())
        code: CellValue = plan.control_code
        if plan.control_code == ControlCode.OTHER:
            code = f"{plan.control_code}（{plan.control_note}）"
        rows.append(
            (
                f"{chinese_number(plan.number)}、{plan.name}：",
                _numbered([(i.number, i.text) for i in indicators]),
                _numbered([(i.number, i.standard_text) for i in indicators]),
                plan.budget_thousands,
                _numbered([(i.number, i.achievement_text) for i in indicators]),
                plan.reported_rate / 100 if plan.reported_rate is not None else None,
                code,
            )
        )
        for indicator in indicators:
            for measure in indicator.measures.all():
                milestone = measure.kind == MeasureKind.MILESTONE
                measures.append(
                    (
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
                    )
                )
    return (
        Sheet(_("施政計畫"), PLAN_COLUMNS, tuple(rows), title_lines=(TitleLine(title),)),
        Sheet(MEASURE_SHEET, MEASURE_COLUMNS, tuple(measures)),
    )


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


def write_sheets(title: str, sheets: tuple[Sheet, ...], path: Path, file_format: str) -> None:
    """Write ``sheets`` as ``xlsx`` or ``ods``."""
    render = RENDERERS.get(file_format)
    if render is None:
        raise ValueError(f"unknown template format {file_format!r}")
    path.write_bytes(render(Workbook(title, sheets)))


def export_division_template(*, table: DivisionTable | None, path: Path, file_format: str) -> None:
    """Write ``table`` (or an empty template) to ``path`` in the division import layout."""
    sheet = division_sheet(table)
    write_sheets(sheet.title_lines[0].text, (sheet,), path, file_format)


def export_performance_template(
    *, department: Agency | None, roc_year: int | None, path: Path, file_format: str
) -> None:
    """Write a department's plans of one year (or an empty template) to ``path``."""
    if department is None or roc_year is None:
        plans, title = [], _("施政績效報告")
    else:
        plans = list(
            Plan.objects.of(department)
            .for_roc_year(roc_year)
            .order_by("number")
            .prefetch_related("indicators__measures")
        )
        title = plans_title(department, roc_year)
    write_sheets(title, plan_sheets(plans, title), path, file_format)
