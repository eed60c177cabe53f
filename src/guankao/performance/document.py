"""The 施政績效報告 in the official layout: the performance report model as a Document (壹–伍),
a Workbook (one row per measure) and JSON data. No database: the model comes from
``guankao.performance.selectors``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from guankao.documents.model import (
    Block,
    Cell,
    CellValue,
    Column,
    Document,
    Footnote,
    Heading,
    Paragraph,
    Sheet,
    SheetColumn,
    Table,
    Workbook,
)
from guankao.performance import rules
from guankao.performance.report_model import (
    MILESTONE,
    NUMERIC,
    IndicatorData,
    MeasureData,
    PlanData,
    ReportData,
    chinese_number,
    plain_number,
)
from guankao.tw import format_roc_date, format_thousands

FORMATS = ("html", "pdf", "odt", "docx", "ods", "xlsx", "csv", "json")
SCHEMA = "guankao/performance-report/1"


def default_code_footnote() -> str:
    """The 管考方式代碼 footnote as the official form prints it."""
    return _(
        "＊ 管考方式代碼說明：1.工程列管 2.基本設施列管 3.促進民間參與公共建設列管 "
        "4.其他列管（請註明）5.自行列管。"
    )


def numbered(number: int, text: str) -> str:
    """「1.愛心福利社服務人次。」; a text that starts with its own (1)(2) list starts on a new line."""
    if not text:
        return ""
    separator = "\n" if text[:1] in "(（" else ""
    return f"{number}.{separator}{text}"


def plan_heading(plan: PlanData) -> str:
    """The plan as the 計畫名稱 column prints it: 「一、為弱勢民眾搭起社福保護傘：」."""
    return f"{plan.label}、{plan.name}："


def control_code_text(plan: PlanData) -> str:
    return (
        f"{plan.control_code}\n（{plan.control_note}）"
        if plan.control_note
        else str(plan.control_code)
    )


# --- the printable document ---------------------------------------------------------------

PLAN_COLUMNS = (
    Column(13),  # 計畫名稱
    Column(15),  # 衡量指標
    Column(18),  # 衡量標準
    Column(12),  # 預算金額（千元）: 1,159,000 fits on one line
    Column(25),  # 執行績效
    Column(8),  # 執行率
    Column(7),  # 管考代碼
)


def plan_table(report: ReportData) -> Table:
    """貳: one row per indicator; the plan's name, budget, 執行率 and code span its rows."""
    header = tuple(
        Cell.of(text, align="center", header=True)
        for text in (
            _("計畫名稱"),
            _("衡量指標"),
            _("衡量標準"),
            _("預算金額（千元）"),
            _("執行績效"),
            _("執行率"),
            _("管考代碼"),
        )
    )
    rows: list[tuple[Cell, ...]] = []
    for plan in report.plans:
        indicators: tuple[IndicatorData | None, ...] = plan.indicators or (None,)
        span = len(indicators)
        for index, indicator in enumerate(indicators):
            middle = (
                Cell.of(numbered(indicator.number, indicator.text) if indicator else ""),
                Cell.of(numbered(indicator.number, indicator.standard_text) if indicator else ""),
            )
            achievement = Cell.of(
                numbered(indicator.number, indicator.achievement_text) if indicator else ""
            )
            if index == 0:
                rows.append(
                    (
                        Cell.of(plan_heading(plan), rowspan=span),
                        *middle,
                        Cell.of(format_thousands(plan.budget_thousands), rowspan=span, align="end"),
                        achievement,
                        Cell.of(
                            rules.format_rate(rules.shown_rate(report, plan)),
                            rowspan=span,
                            align="center",
                        ),
                        Cell.of(control_code_text(plan), rowspan=span, align="center"),
                    )
                )
            else:
                rows.append((*middle, achievement))
    return Table(
        columns=PLAN_COLUMNS,
        header_rows=(header,),
        body_rows=tuple(rows),
        name="plans",
    )


def shortfall_table(report: ReportData, shortfalls: list[rules.Shortfall]) -> Table:
    """參: plan, standard, 執行率 and 未達成原因分析暨改進措施 of each listed shortfall."""
    header = tuple(
        Cell.of(text, align="center", header=True)
        for text in (_("計畫名稱"), _("衡量標準"), _("執行率"), _("未達成原因分析暨改進措施"))
    )
    rows: list[tuple[Cell, ...]] = []
    for index, item in enumerate(shortfalls):
        first = index == 0 or shortfalls[index - 1].plan is not item.plan
        span = 1
        while index + span < len(shortfalls) and shortfalls[index + span].plan is item.plan:
            span += 1
        review = item.measure.review.text if item.measure.review else ""
        if first:
            rows.append(
                (
                    Cell.of(plan_heading(item.plan), rowspan=span),
                    Cell.of(item.standard),
                    Cell.of(rules.format_rate(item.rate), rowspan=span, align="center"),
                    Cell.of(review),
                )
            )
        else:
            rows.append((Cell.of(item.standard), Cell.of(review)))
    return Table(
        columns=(Column(16), Column(28), Column(8), Column(48)),
        header_rows=(header,),
        body_rows=tuple(rows),
        name="shortfalls",
    )


def achievement_blocks(report: ReportData) -> list[Block]:
    """伍: 「一、title：body」 with a hanging indent; multi-line bodies start under the title."""
    blocks: list[Block] = []
    for item in report.achievements:
        body = rules.render_embeds(item.body, report)
        lead = f"{chinese_number(item.number)}、{item.title}："
        if "\n" in body:
            blocks.append(Paragraph(lead, indent=2))
            blocks.append(Paragraph(body, indent=3))
        else:
            blocks.append(Paragraph(lead + body, indent=2))
    return blocks


def document(report: ReportData) -> Document:
    """The report in the official layout: title, 壹 前言, 貳 table and footnote, 參, 肆, 伍."""
    listed = rules.section_three(report)
    blocks: list[Block] = [
        Heading(_("壹、前言")),
        Paragraph(rules.render_embeds(report.preface, report)),
        Heading(_("貳、施政計畫衡量指標與標準：")),
        plan_table(report),
        Footnote(report.code_footnote or default_code_footnote()),
        Heading(_("參、未達原定標準之檢討")),
        shortfall_table(report, listed)
        if listed
        else Paragraph(_("本年度各項衡量標準均達成原定目標。")),
        Heading(_("肆、自行列管績效")),
        Paragraph(rules.self_managed_sentence(report)),
        Heading(_("伍、年度重要施政具體事蹟")),
        *achievement_blocks(report),
    ]
    subtitle = (_("（草稿）"),) if report.status == "draft" else ()
    return Document(
        title=report.title,
        subtitle_lines=subtitle,
        blocks=tuple(blocks),
        page_label=_("第 {page} 頁，共 {pages} 頁"),
    )


# --- the workbook ------------------------------------------------------------------------


def _fraction(value: Decimal | None, *, percent: bool = False) -> Decimal | None:
    if value is None:
        return None
    return (value / 100 if percent else value).quantize(Decimal("0.0001"))


def _roc(value: Any) -> str:
    return format_roc_date(value) if value is not None else ""


def workbook(report: ReportData) -> Workbook:
    """One row per measure with numeric cells, and one row per plan."""
    as_of = rules.year_end(report.year)
    measure_columns = (
        SheetColumn(_("計畫編號"), "integer", 8),
        SheetColumn(_("計畫名稱"), "text", 30),
        SheetColumn(_("指標編號"), "integer", 8),
        SheetColumn(_("衡量指標"), "text", 36),
        SheetColumn(_("衡量標準"), "text", 36),
        SheetColumn(_("類型"), "text", 8),
        SheetColumn(_("目標值"), "decimal", 12),
        SheetColumn(_("實際值"), "decimal", 12),
        SheetColumn(_("單位"), "text", 8),
        SheetColumn(_("實際值單位"), "text", 10),
        SheetColumn(_("達成率"), "percent", 10),
        SheetColumn(_("預定完成日"), "text", 14),
        SheetColumn(_("實際完成日"), "text", 14),
        SheetColumn(_("未達標"), "text", 8),
        SheetColumn(_("預算金額（千元）"), "integer", 14),
        SheetColumn(_("執行率"), "percent", 10),
        SheetColumn(_("管考代碼"), "integer", 8),
    )
    rows: list[tuple[CellValue, ...]] = []
    for plan in report.plans:
        rate = _fraction(rules.shown_rate(report, plan), percent=True)
        for indicator in plan.indicators:
            for m in indicator.measures:
                rows.append(
                    (
                        plan.number,
                        plan.name,
                        indicator.number,
                        indicator.text,
                        m.label,
                        _("里程碑") if m.kind == MILESTONE else _("數量"),
                        m.target,
                        m.actual,
                        m.unit,
                        m.actual_unit,
                        _fraction(rules.achievement(m)),
                        _roc(m.due),
                        _roc(m.done),
                        _("是") if rules.is_shortfall(m, as_of=as_of) else _("否"),
                        plan.budget_thousands,
                        rate,
                        plan.control_code,
                    )
                )
    plan_rows = tuple(
        (
            plan.number,
            plan.name,
            plan.budget_thousands,
            plan.executed_thousands,
            _fraction(plan.reported_rate, percent=True),
            _fraction(rules.shown_rate(report, plan), percent=True),
            plan.control_code,
            plan.control_note,
        )
        for plan in report.plans
    )
    plan_columns = (
        SheetColumn(_("計畫編號"), "integer", 8),
        SheetColumn(_("計畫名稱"), "text", 36),
        SheetColumn(_("預算金額（千元）"), "integer", 14),
        SheetColumn(_("執行數（千元）"), "integer", 14),
        SheetColumn(_("填報執行率"), "percent", 10),
        SheetColumn(_("執行率"), "percent", 10),
        SheetColumn(_("管考代碼"), "integer", 8),
        SheetColumn(_("管考代碼註明"), "text", 20),
    )
    return Workbook(
        title=report.title,
        sheets=(
            Sheet(_("衡量標準"), measure_columns, tuple(rows)),
            Sheet(_("施政計畫"), plan_columns, plan_rows),
        ),
    )


# --- JSON -------------------------------------------------------------------------------


def _number(value: Decimal | None, places: int | None = None) -> int | float | None:
    if value is None:
        return None
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    plain = plain_number(value)
    return plain if isinstance(plain, int) else float(plain)


def measure_json(m: MeasureData, *, as_of: Any) -> dict[str, Any]:
    """One measure as the JSON output writes it."""
    ratio = rules.achievement(m)
    if m.kind == NUMERIC:
        met = None if ratio is None else ratio >= 1
    else:
        met = rules.milestone_met(m, as_of=as_of)
    return {
        "id": m.id,
        "position": m.position,
        "label": m.label,
        "kind": m.kind,
        "target": _number(m.target),
        "actual": _number(m.actual),
        "unit": m.unit,
        "actual_unit": m.actual_unit,
        "due": m.due.isoformat() if m.due else None,
        "done": m.done.isoformat() if m.done else None,
        "due_roc": format_roc_date(m.due) if m.due else None,
        "done_roc": format_roc_date(m.done) if m.done else None,
        "achievement": _number(ratio, 4),
        "met": met,
        "shortfall": rules.is_shortfall(m, as_of=as_of),
    }


def data(report: ReportData) -> dict[str, Any]:
    """The report as JSON-ready data (documented field by field in docs/performance.md)."""
    as_of = rules.year_end(report.year)
    comparisons = {c.plan.number: c for c in rules.rate_comparisons(report)}
    plans = []
    for plan in report.plans:
        rate = comparisons[plan.number]
        plans.append(
            {
                "id": plan.id,
                "number": plan.number,
                "label": plan.label,
                "name": plan.name,
                "budget_thousands": plan.budget_thousands,
                "executed_thousands": plan.executed_thousands,
                "control_code": plan.control_code,
                "control_note": plan.control_note,
                "rate": {
                    "shown": _number(rate.shown, 2),
                    "shown_text": rules.format_rate(rate.shown),
                    "reported": _number(rate.reported, 2),
                    "measures": _number(rate.measures, 2),
                    "budget": _number(rate.budget, 2),
                },
                "indicators": [
                    {
                        "id": indicator.id,
                        "number": indicator.number,
                        "text": indicator.text,
                        "standard_text": indicator.standard_text,
                        "achievement_text": indicator.achievement_text,
                        "measures": [measure_json(m, as_of=as_of) for m in indicator.measures],
                    }
                    for indicator in plan.indicators
                ],
            }
        )
    shortfalls = [
        {
            "plan": s.plan.number,
            "plan_name": s.plan.name,
            "indicator": s.indicator.number,
            "measure": s.measure.position,
            "label": s.measure.label,
            "standard": s.standard,
            "rate": _number(s.rate, 2),
            "rate_text": rules.format_rate(s.rate),
            "reason": s.measure.review.reason if s.measure.review else "",
            "improvement": s.measure.review.improvement if s.measure.review else "",
        }
        for s in rules.section_three(report)
    ]
    return {
        "schema": SCHEMA,
        "department": {
            "slug": report.department_slug,
            "name": report.department_name,
            "jurisdiction": report.jurisdiction_name,
        },
        "year": {"roc": report.roc_year, "gregorian": report.year},
        "title": report.title,
        "status": report.status,
        "rate_method": report.rate_method,
        "plans": plans,
        "shortfalls": shortfalls,
        "sections": {
            "preface": rules.render_embeds(report.preface, report),
            "table_footnote": report.code_footnote or default_code_footnote(),
            "self_managed": rules.self_managed_sentence(report),
            "achievements": [
                {
                    "number": a.number,
                    "label": chinese_number(a.number),
                    "title": a.title,
                    "body": rules.render_embeds(a.body, report),
                }
                for a in report.achievements
            ],
        },
        "totals": {
            "plans": len(report.plans),
            "indicators": sum(len(p.indicators) for p in report.plans),
            "measures": sum(len(p.measures) for p in report.plans),
            "budget_thousands": sum(p.budget_thousands for p in report.plans),
        },
    }


def render(report: ReportData, format_name: str) -> bytes:
    """The performance report in one of :data:`FORMATS`."""
    from guankao.documents.formats import ReportFunctions
    from guankao.documents.formats import render as render_format

    if format_name not in FORMATS:
        raise ValueError(f"unknown format {format_name!r}")
    views = ReportFunctions(report, document, workbook, data)
    return render_format(format_name, views)
