"""The scorecard (績效燈號) page and its downloads: public once the report is published (drawn
from the published revision), staff of the department before that and while correcting."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from guankao.documents.charts import Point, line_chart
from guankao.documents.formats import FORMATS
from guankao.documents.render import html as html_renderer
from guankao.performance import scorecard_document, selectors
from guankao.performance.models import PerformanceReport
from guankao.performance.scorecard import Light, Scorecard
from guankao.performance.views.access import Missing, explains_missing, indicator_of, is_staff
from guankao.performance.views.public import file_response, readable_report


def _card(request: HttpRequest, report: PerformanceReport) -> Scorecard:
    return selectors.scorecard_of(report, staff=is_staff(request, report.department))


@explains_missing
def scorecard_page(request: HttpRequest, org: str, year: int) -> HttpResponse:
    """Every measure with target, actual, 達成率 and light; below-target measures without a
    review flagged; targets set below last year's actual flagged for calibration."""
    report = readable_report(request, org, year)
    if isinstance(report, HttpResponse):
        return report
    card = _card(request, report)
    return render(
        request,
        "performance/scorecard.html",
        {
            "report": report,
            "card": card,
            "rows": [(c, scorecard_document.row_texts(c)) for c in card.cards],
            "org": org,
            "year": year,
            "lights": [(light, card.counts[light]) for light in Light],
            "legend": card.legend.describe(),
            "summary": scorecard_document.summary(card),
            "formats": [FORMATS[name] for name in scorecard_document.FORMATS],
            "staff": is_staff(request, report.department),
            "figures": html_renderer.figures(scorecard_document.charts(card)),
        },
    )


@explains_missing
def scorecard_download(request: HttpRequest, org: str, year: int, fmt: str) -> HttpResponse:
    """The scorecard as a file (same access as its page)."""
    if fmt not in scorecard_document.FORMATS:
        raise Missing(_("不支援的格式：%(format)s") % {"format": fmt})
    report = readable_report(request, org, year)
    if isinstance(report, HttpResponse):
        return report
    card = _card(request, report)
    return file_response(scorecard_document.render(card, fmt), fmt, scorecard_document.title(card))


@explains_missing
def trend_page(request: HttpRequest, org: str, year: int, pk: int) -> HttpResponse:
    """One indicator over every year its series holds: a line chart of actual and target per
    measure, with the numbers in a table."""
    report = readable_report(request, org, year)
    if isinstance(report, HttpResponse):
        return report
    indicator = indicator_of(report.department, year, pk)
    staff = is_staff(request, report.department)
    members, points = selectors.indicator_trend(indicator=indicator, public=not staff)
    measures = {m.position: m.label for m in indicator.measures.all()}
    charts = [
        line_chart(
            _("%(indicator)s：%(label)s") % {"indicator": indicator.text, "label": label},
            _("%(label)s歷年實際值與目標值（%(first)d–%(last)d年）。")
            % {
                "label": label,
                "first": series[0].roc_year,
                "last": series[-1].roc_year,
            },
            [Point(p.roc_year, p.actual) for p in series],
            [Point(p.roc_year, p.target) for p in series],
            unit=series[-1].unit,
        )
        for position, series in sorted(points.items())
        if series
        for label in [measures.get(position, str(position))]
    ]
    return render(
        request,
        "performance/trend.html",
        {
            "report": report,
            "indicator": indicator,
            "org": org,
            "year": year,
            "years": [m.plan.roc_year for m in members],
            "figures": html_renderer.figures(charts),
        },
    )
