"""The scorecard (績效燈號) as a Document, a Workbook and JSON with a stable schema; no database.

Every light is written with its word and shape as well as its colour name, so that a printed,
black-and-white or read-aloud scorecard loses nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from guankao.documents.charts import Bar, bar_chart
from guankao.documents.model import (
    Cell,
    CellValue,
    Chart,
    Column,
    Document,
    Figure,
    Heading,
    Paragraph,
    Sheet,
    SheetColumn,
    Table,
    Workbook,
)
from guankao.performance import rules
from guankao.performance.report_model import MILESTONE, chinese_number, plain_number
from guankao.performance.scorecard import LIGHT_SHAPE, LIGHT_TEXT, Light, MeasureCard, Scorecard
from guankao.tw import format_count, format_roc_date

FORMATS = ("html", "pdf", "odt", "docx", "ods", "xlsx", "csv", "json")
SCHEMA = "guankao/performance-scorecard/1"


def title(card: Scorecard) -> str:
    return _("%(title)s 績效燈號") % {"title": card.report.title}


def _figure(value: Decimal | None, unit: str = "") -> str:
    if value is None:
        return "—"
    number = plain_number(value)
    text = format_count(number) if isinstance(number, int) else f"{number:,f}"
    return f"{text}{unit}"


def _target(card: MeasureCard) -> str:
    m = card.measure
    if m.kind == MILESTONE:
        return format_roc_date(m.due) if m.due else "—"
    return _figure(m.target, m.unit)


def _actual(card: MeasureCard) -> str:
    m = card.measure
    if m.kind == MILESTONE:
        return format_roc_date(m.done) if m.done else _("未完成")
    return _figure(m.actual, m.shown_actual_unit)


def _achievement(card: MeasureCard) -> str:
    return "—" if card.achievement is None else f"{card.achievement.normalize():f}%"


def light_label(light: Light) -> str:
    """「■ 落後」: the shape and the word of a light."""
    return f"{LIGHT_SHAPE[light]} {LIGHT_TEXT[light]}"


def _previous(card: MeasureCard) -> str:
    if card.previous is None:
        return "—"
    unit = card.measure.shown_actual_unit
    return _("%(year)d年：%(actual)s") % {
        "year": card.previous.year,
        "actual": _figure(card.previous.actual, unit),
    }


def _flags(card: MeasureCard) -> str:
    flags = []
    if not card.reviewed:
        flags.append(_("未達目標而無檢討"))
    if card.target_below_previous_actual:
        flags.append(_("目標低於前一年實際值"))
    return "；".join(flags)


HEADERS = (
    ("reference", 6),
    ("label", 26),
    ("target", 11),
    ("actual", 11),
    ("achievement", 9),
    ("light", 9),
    ("previous", 14),
    ("flags", 14),
)


def _header_text() -> dict[str, str]:
    return {
        "reference": _("編號"),
        "label": _("衡量標準"),
        "target": _("目標值"),
        "actual": _("實際值"),
        "achievement": _("達成率"),
        "light": _("燈號"),
        "previous": _("前一年實際值"),
        "flags": _("提醒"),
    }


def row_texts(card: MeasureCard) -> dict[str, str]:
    """The printed cells of one measure's row, by column."""
    return {
        "reference": card.reference,
        "label": card.measure.label,
        "target": _target(card),
        "actual": _actual(card),
        "achievement": _achievement(card),
        "light": light_label(card.light),
        "previous": _previous(card),
        "flags": _flags(card),
    }


def summary(card: Scorecard) -> str:
    """「83 項衡量標準：達標 80、接近 2、落後 1、無資料 0；未達目標而無檢討 1 項。」"""
    counts = "、".join(f"{LIGHT_TEXT[light]} {card.counts[light]}" for light in Light)
    text = _("%(n)d 項衡量標準：%(counts)s") % {"n": len(card.cards), "counts": counts}
    if card.unreviewed:
        text += _("；未達目標而無檢討 %(n)d 項（%(refs)s）") % {
            "n": len(card.unreviewed),
            "refs": "、".join(c.reference for c in card.unreviewed),
        }
    if card.calibration:
        text += _("；目標低於前一年實際值 %(n)d 項") % {"n": len(card.calibration)}
    return text + "。"


def _plan_light(card: Scorecard, rate: Decimal | None) -> Light:
    if rate is None:
        return Light.WHITE
    if rate >= card.legend.green_at:
        return Light.GREEN
    return Light.YELLOW if rate >= card.legend.yellow_at else Light.RED


def plan_chart(card: Scorecard) -> Chart:
    """Each plan's measures' mean achievement (each capped at 100%, the 執行率 method of the
    same name), lit by the legend: which plans are off track, at a glance."""
    as_of = rules.year_end(card.report.year)
    bars = []
    for plan in card.report.plans:
        rate = rules.measures_rate(plan, as_of=as_of)
        bars.append(
            Bar(
                label=chinese_number(plan.number),
                value=rate,
                light=_plan_light(card, rate).value,
                detail=plan.name,
            )
        )
    return bar_chart(
        _("各計畫衡量標準平均達成率"),
        _("%(title)s各施政計畫的衡量標準平均達成率（每項上限 100%%），依燈號標示。")
        % {"title": card.report.title},
        bars,
    )


def shortfall_chart(card: Scorecard) -> Chart | None:
    """The measures below target, each with its achievement; None when every one is met."""
    below = [c for c in card.cards if c.below_target and c.achievement is not None]
    if not below:
        return None
    return bar_chart(
        _("未達目標的衡量標準"),
        _("%(title)s未達目標的 %(n)d 項衡量標準及其達成率。")
        % {"title": card.report.title, "n": len(below)},
        [
            Bar(
                label=c.reference,
                value=c.achievement,
                light=c.light.value,
                detail=c.measure.label,
            )
            for c in below
        ],
    )


def charts(card: Scorecard) -> list[Chart]:
    """The scorecard's charts, in the order the page and the documents show them."""
    found = [plan_chart(card)] if card.report.plans else []
    shortfalls = shortfall_chart(card)
    if shortfalls is not None:
        found.append(shortfalls)
    return found


def document(card: Scorecard) -> Document:
    """The printable scorecard: a summary, the legend, the charts with their data tables, and
    one table row per measure."""
    names = _header_text()
    header = tuple(Cell.of(names[key], header=True, align="center") for key, _w in HEADERS)
    body = tuple(
        tuple(
            Cell.of(
                value,
                align="end" if key in {"target", "actual", "achievement"} else "start",
            )
            for key, value in row_texts(c).items()
        )
        for c in card.cards
    )
    legend = "\n".join(f"{light_label(light)}：{rule}" for light, rule in card.legend.describe())
    return Document(
        title=title(card),
        blocks=(
            Paragraph(summary(card)),
            Heading(_("燈號說明")),
            Paragraph(legend),
            *(Figure(chart) for chart in charts(card)),
            Heading(_("各項衡量標準")),
            Table(
                columns=tuple(Column(width) for _key, width in HEADERS),
                header_rows=(header,),
                body_rows=body,
                name="scorecard",
                caption=_("各項衡量標準的目標、實際、達成率與燈號"),
            ),
        ),
    )


def workbook(card: Scorecard) -> Workbook:
    """One row per measure with the numbers as numbers (open data, spreadsheets)."""
    columns = (
        SheetColumn(_("計畫編號"), "integer", 8),
        SheetColumn(_("計畫名稱"), "text", 24),
        SheetColumn(_("指標編號"), "integer", 8),
        SheetColumn(_("衡量指標"), "text", 30, wrap=True),
        SheetColumn(_("衡量標準順序"), "integer", 8),
        SheetColumn(_("衡量標準"), "text", 24),
        SheetColumn(_("類型"), "text", 8),
        SheetColumn(_("目標值"), "decimal", 12),
        SheetColumn(_("實際值"), "decimal", 12),
        SheetColumn(_("單位"), "text", 6),
        SheetColumn(_("達成率（%）"), "decimal", 10),
        SheetColumn(_("燈號"), "text", 8),
        SheetColumn(_("燈號說明"), "text", 8),
        SheetColumn(_("已檢討"), "text", 6),
        SheetColumn(_("前一年度"), "integer", 8),
        SheetColumn(_("前一年實際值"), "decimal", 12),
        SheetColumn(_("目標低於前一年實際值"), "text", 8),
    )
    rows: list[tuple[CellValue, ...]] = []
    for c in card.cards:
        m = c.measure
        rows.append(
            (
                c.plan.number,
                c.plan.name,
                c.indicator.number,
                c.indicator.text,
                m.position,
                m.label,
                m.kind,
                m.target,
                m.actual,
                m.shown_actual_unit,
                c.achievement,
                c.light.value,
                str(LIGHT_TEXT[c.light]),
                _("是") if c.reviewed else _("否"),
                c.previous.year if c.previous else None,
                c.previous.actual if c.previous else None,
                _("是") if c.target_below_previous_actual else _("否"),
            )
        )
    return Workbook(title=title(card), sheets=(Sheet(_("績效燈號"), columns, tuple(rows)),))


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    plain = plain_number(value)
    return plain if isinstance(plain, int) else float(plain)


def measure_json(card: MeasureCard) -> dict[str, Any]:
    """One measure of the JSON scorecard (the field list is in docs/performance.md)."""
    m = card.measure
    return {
        "id": m.id,
        "plan": card.plan.number,
        "indicator": card.indicator.number,
        "measure": m.position,
        "reference": card.reference,
        "plan_name": card.plan.name,
        "indicator_text": card.indicator.text,
        "label": m.label,
        "kind": m.kind,
        "target": _number(m.target),
        "actual": _number(m.actual),
        "unit": m.shown_actual_unit,
        "due": m.due.isoformat() if m.due else None,
        "done": m.done.isoformat() if m.done else None,
        "achievement": _number(card.achievement),
        "light": card.light.value,
        "reviewed": card.reviewed,
        "previous": (
            {"year": card.previous.year, "actual": _number(card.previous.actual)}
            if card.previous
            else None
        ),
        "target_below_previous_actual": card.target_below_previous_actual,
    }


def data(card: Scorecard) -> dict[str, Any]:
    """The scorecard as JSON with the schema :data:`SCHEMA`."""
    report = card.report
    return {
        "schema": SCHEMA,
        "department": {"slug": report.department_slug, "name": report.department_name},
        "jurisdiction": report.jurisdiction_name,
        "year": {"roc": report.roc_year, "gregorian": report.year},
        "title": report.title,
        "status": report.status,
        "legend": {
            "green_at": _number(card.legend.green_at),
            "yellow_at": _number(card.legend.yellow_at),
        },
        "counts": {light.value: card.counts[light] for light in Light},
        "measures": [measure_json(c) for c in card.cards],
    }


def render(card: Scorecard, format_name: str) -> bytes:
    """The scorecard in one of :data:`FORMATS`."""
    from guankao.documents.formats import ReportFunctions
    from guankao.documents.formats import render as render_format

    if format_name not in FORMATS:
        raise ValueError(f"unknown format {format_name!r}")
    return render_format(format_name, ReportFunctions(card, document, workbook, data))
