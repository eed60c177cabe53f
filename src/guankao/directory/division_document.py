"""The 分工表 in the seed's layout: 項目 | 業務內容 | 主辦單位 (with phone), under the title and
the version line 「112.7 更新」. The 主辦單位 cell spans the agency's tasks and the 項目 cell spans
its consecutive tasks of one area, as the published table prints them. No database: the model
comes from ``guankao.directory.division_report``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from guankao.directory.division_report import DivisionReport
from guankao.documents.model import (
    Cell,
    Column,
    Document,
    Sheet,
    SheetColumn,
    Table,
    Workbook,
)

FORMATS = ("html", "pdf", "odt", "docx", "ods", "xlsx", "csv", "json")
SCHEMA = "guankao/division-table/1"


def version_line(report: DivisionReport) -> str:
    return _("%(version)s 更新") % {"version": report.version}


def table(report: DivisionReport) -> Table:
    """The division table with 項目 and 主辦單位 cells spanning their rows."""
    header = (
        Cell.of(_("項目"), header=True, align="center"),
        Cell.of(_("業務內容"), header=True, align="center"),
        Cell.of(_("主辦單位"), header=True, align="center"),
    )
    rows: list[tuple[Cell, ...]] = []
    for block in report.agencies:
        tasks = block.tasks
        # Runs of consecutive tasks in the same area share one 項目 cell.
        spans: dict[int, int] = {}
        start = 0
        for i in range(1, len(tasks) + 1):
            if i == len(tasks) or tasks[i].area != tasks[start].area:
                spans[start] = i - start
                start = i
        for i, task in enumerate(tasks):
            row: list[Cell] = []
            if i in spans:
                row.append(Cell.of(task.area, rowspan=spans[i], align="center"))
            row.append(Cell.of(task.printed))
            if i == 0:
                row.append(Cell.of("\n".join(block.lines), rowspan=len(tasks), align="center"))
            rows.append(tuple(row))
    return Table(
        columns=(Column(18), Column(60), Column(22)),
        header_rows=(header,),
        body_rows=tuple(rows),
        name=_("分工表"),
    )


def document(report: DivisionReport) -> Document:
    return Document(
        title=report.title, subtitle_lines=(version_line(report),), blocks=(table(report),)
    )


def workbook(report: DivisionReport) -> Workbook:
    """One row per task: 項目, 編號, 業務內容, 主辦單位, 電話, 共同主辦單位."""
    columns = (
        SheetColumn(_("項目"), width=16),
        SheetColumn(_("編號"), "integer", width=6),
        SheetColumn(_("業務內容"), width=60),
        SheetColumn(_("主辦單位"), width=22),
        SheetColumn(_("電話"), width=18),
        SheetColumn(_("共同主辦單位"), width=16),
    )
    rows = tuple(
        (
            task.area,
            task.number if task.numbered else None,
            task.text,
            block.label,
            block.phone,
            "、".join(task.co_leads),
        )
        for block in report.agencies
        for task in block.tasks
    )
    title = f"{report.title}（{version_line(report)}）"
    return Workbook(title=title, sheets=(Sheet(_("分工表"), columns, rows),))


def data(report: DivisionReport) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "jurisdiction": {"slug": report.jurisdiction_slug, "name": report.jurisdiction_name},
        "title": report.title,
        "version": report.version,
        "agencies": [
            {
                "label": block.label,
                "phone": block.phone,
                "tasks": [
                    {
                        "area": t.area,
                        "number": t.number,
                        "numbered": t.numbered,
                        "text": t.text,
                        "co_leads": list(t.co_leads),
                    }
                    for t in block.tasks
                ],
            }
            for block in report.agencies
        ],
    }


def render(report: DivisionReport, format_name: str) -> bytes:
    """The division table in one of :data:`FORMATS`."""
    from guankao.documents.formats import ReportFunctions
    from guankao.documents.formats import render as render_format

    if format_name not in FORMATS:
        raise ValueError(f"unknown format {format_name!r}")
    views = ReportFunctions(report, document, workbook, data)
    return render_format(format_name, views)
