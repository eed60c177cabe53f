"""The committee report (新住民照顧服務措施辦理情形): per 項目, a table 主辦單位 | 業務內容 |
辦理情形, in the division table's order; then the agencies not yet approved, the shortfalls and,
for a department's period, its measures; for a jurisdiction's, the questions its public directory
left unanswered (民眾查詢未獲解答的需求). No database: the model is
``guankao.cycles.committee.CommitteeReport``, built by ``cycles.selectors.committee_report``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from guankao.cycles.committee import CommitteeReport, TaskLine
from guankao.documents.model import (
    Block,
    Cell,
    CellValue,
    Column,
    Document,
    Heading,
    Paragraph,
    Sheet,
    SheetColumn,
    Table,
    Workbook,
)
from guankao.tw import format_count, format_roc_date

FORMATS = ("html", "pdf", "odt", "docx", "ods", "xlsx", "csv", "json")
SCHEMA = "guankao/committee-report/1"


def task_text(line: TaskLine) -> str:
    return f"{line.number}. {line.task}" if line.numbered else line.task


def progress(line: TaskLine) -> str:
    """The 辦理情形 cell: the narrative and figures, or why there is none."""
    if not line.reported:
        if line.status == "submitted":
            return _("（審查中，尚未核定）")
        return _("（未提報：%(status)s）") % {"status": line.status_label or _("未開設")}
    parts = [line.narrative]
    parts += [f"・{figure.text}" for figure in line.figures]
    if line.behind:
        parts.append(_("【進度落後】%(reason)s") % {"reason": line.behind_reason})
    if line.is_sample:
        parts.append(_("（示範資料）"))
    return "\n".join(parts)


def area_table(area: str, lines: tuple[TaskLine, ...]) -> Table:
    """One 項目's tasks; an agency's consecutive tasks share one 主辦單位 cell."""
    header = tuple(
        Cell.of(text, header=True, align="center")
        for text in (_("主辦單位"), _("業務內容"), _("辦理情形"))
    )
    rows: list[tuple[Cell, ...]] = []
    start = 0
    for i, line in enumerate(lines):
        row: list[Cell] = []
        if i == start:
            end = start
            while end < len(lines) and lines[end].agency == line.agency:
                end += 1
            row.append(Cell.of(line.agency, rowspan=end - start, align="center"))
            start = end
        row += [Cell.of(task_text(line)), Cell.of(progress(line))]
        rows.append(tuple(row))
    return Table(
        columns=(Column(16), Column(38), Column(46)),
        header_rows=(header,),
        body_rows=tuple(rows),
        name=area,
    )


def subtitle(report: CommitteeReport) -> tuple[str, ...]:
    lines = [
        _("期別：%(code)s（%(start)s－%(end)s）")
        % {
            "code": report.period_code,
            "start": format_roc_date(report.starts_on),
            "end": format_roc_date(report.ends_on),
        },
        _("填報截止日：%(deadline)s　製表日：%(today)s")
        % {
            "deadline": format_roc_date(report.deadline),
            "today": format_roc_date(report.generated_on),
        },
    ]
    if report.table_version:
        lines.append(
            _("依據：%(title)s（%(version)s 更新）")
            % {"title": report.table_title, "version": report.table_version}
        )
    return tuple(lines)


def _number(value: Any) -> str:
    if value is None:
        return "—"
    return format_count(value) if isinstance(value, int) else f"{value:,}"


def unanswered_title() -> str:
    return _("民眾查詢未獲解答的需求")


def unanswered_intro(report: CommitteeReport) -> str:
    return _(
        "服務導覽中找不到很符合答案的民眾查詢，依月份與語言彙整；同一句話同月達 %(n)s 次以上"
        "才列出。文字已正規化並刪除電話、電子郵件、證號與數字，不含任何個人資料。"
    ) % {"n": report.unanswered_threshold}


def unanswered_none(report: CommitteeReport) -> str:
    return _("本期沒有任何未獲解答的查詢達 %(n)s 次。") % {"n": report.unanswered_threshold}


def unanswered_blocks(report: CommitteeReport) -> list[Block]:
    """The section 民眾查詢未獲解答的需求 (decision 0082): a table of the period's months, or a
    sentence saying no question reached the threshold; nothing for a department's period."""
    if report.unanswered is None:
        return []
    blocks: list[Block] = [
        Heading(unanswered_title(), level=2),
        Paragraph(unanswered_intro(report)),
    ]
    if not report.unanswered:
        return [*blocks, Paragraph(unanswered_none(report))]
    header = tuple(
        Cell.of(text, header=True, align="center")
        for text in (_("月份"), _("語言"), _("查詢內容"), _("次數"))
    )
    rows = tuple(
        (
            Cell.of(line.roc_month),
            Cell.of(line.language_label),
            Cell.of(line.text),
            Cell.of(format_count(line.count), align="end"),
        )
        for line in report.unanswered
    )
    table = Table(
        columns=(Column(14), Column(14), Column(60), Column(12)),
        header_rows=(header,),
        body_rows=rows,
        name=unanswered_title(),
    )
    return [*blocks, table]


def document(report: CommitteeReport) -> Document:
    blocks: list[Block] = []
    if report.has_sample:
        blocks.append(
            Paragraph(_("本報告含示範資料（虛構內容），僅供操作練習，不得作為正式報告。"))
        )
    for section in report.areas:
        blocks += [Heading(section.area, level=2), area_table(section.area, section.tasks)]
    if report.measures:
        blocks.append(Heading(_("施政計畫衡量標準"), level=2))
        header = tuple(
            Cell.of(text, header=True, align="center")
            for text in (_("計畫"), _("衡量標準"), _("年度目標"), _("本期應達"), _("累計實際值"))
        )
        rows = tuple(
            (
                Cell.of(m.plan),
                Cell.of(m.label),
                Cell.of(
                    format_roc_date(m.due) if m.due else f"{_number(m.target)}{m.unit}", align="end"
                ),
                Cell.of(
                    f"{_number(m.expected)}{m.unit}" if m.expected is not None else "—", align="end"
                ),
                Cell.of(
                    (f"{_number(m.actual)}{m.unit}" if m.reported else _("未提報"))
                    + (_("（未達）") if m.shortfall else ""),
                    align="end",
                ),
            )
            for m in report.measures
        )
        blocks.append(
            Table(
                columns=(Column(30), Column(30), Column(13), Column(13), Column(14)),
                header_rows=(header,),
                body_rows=rows,
                name=_("衡量標準"),
            )
        )
    blocks.append(Heading(_("尚未核定的機關"), level=2))
    if report.missing:
        for line in report.missing:
            late = _("（逾期）") if line.late else ""
            blocks.append(Paragraph(f"{line.agency}：{line.status_label}{late}"))
    else:
        blocks.append(Paragraph(_("各機關均已核定。")))
    blocks.append(Heading(_("進度落後項目"), level=2))
    shortfalls = [
        f"{t.agency} {task_text(t)}：{t.behind_reason}" for t in report.task_shortfalls
    ] + [f"{m.plan} {m.label}" for m in report.measure_shortfalls]
    blocks += [Paragraph(text) for text in shortfalls] or [Paragraph(_("無。"))]
    blocks += unanswered_blocks(report)
    return Document(title=report.title, subtitle_lines=subtitle(report), blocks=tuple(blocks))


def workbook(report: CommitteeReport) -> Workbook:
    """One row per task: 項目, 主辦單位, 編號, 業務內容, 狀態, 辦理情形, 數據, 進度落後."""
    columns = (
        SheetColumn(_("項目"), width=14),
        SheetColumn(_("主辦單位"), width=16),
        SheetColumn(_("編號"), "integer", width=6),
        SheetColumn(_("業務內容"), width=40),
        SheetColumn(_("狀態"), width=10),
        SheetColumn(_("辦理情形"), width=60),
        SheetColumn(_("數據"), width=30),
        SheetColumn(_("落後原因"), width=30),
    )
    rows = tuple(
        (
            section.area,
            t.agency,
            t.number if t.numbered else None,
            t.task,
            t.status_label,
            t.narrative,
            "、".join(f.text for f in t.figures),
            t.behind_reason if t.behind else "",
        )
        for section in report.areas
        for t in section.tasks
    ) + unanswered_rows(report)
    return Workbook(title=report.title, sheets=(Sheet(_("辦理情形"), columns, rows),))


def unanswered_rows(report: CommitteeReport) -> tuple[tuple[CellValue, ...], ...]:
    """The section as rows of the one sheet (CSV writes only the first): 項目 is the section's
    title, 業務內容 the question, 狀態 the month, 辦理情形 the language, 數據 the count."""
    if report.unanswered is None:
        return ()
    title = unanswered_title()
    if not report.unanswered:
        return ((title, "", None, unanswered_none(report), "", "", "", ""),)
    return tuple(
        (
            title,
            "",
            None,
            line.text,
            line.roc_month,
            line.language_label,
            _("%(count)s 次") % {"count": format_count(line.count)},
            "",
        )
        for line in report.unanswered
    )


def data(report: CommitteeReport) -> dict[str, Any]:
    return {"schema": SCHEMA, **report.as_json()}


def render(report: CommitteeReport, format_name: str) -> bytes:
    """The committee report in one of :data:`FORMATS`."""
    from guankao.documents.formats import ReportFunctions
    from guankao.documents.formats import render as render_format

    if format_name not in FORMATS:
        raise ValueError(f"unknown format {format_name!r}")
    views = ReportFunctions(report, document, workbook, data)
    return render_format(format_name, views)
