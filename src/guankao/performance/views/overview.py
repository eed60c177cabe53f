"""The overviews across reports: a city's year, the country's year, and one indicator compared
across cities. Public (what was published); staff also see the drafts of their own scope."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guankao.core.models import Agency
from guankao.core.permissions import Action, can
from guankao.documents.charts import Bar, bar_chart
from guankao.documents.render import html as html_renderer
from guankao.performance import overview
from guankao.performance.exceptions import NotFound
from guankao.performance.report_model import plain_number
from guankao.performance.scorecard import LIGHT_SHAPE, LIGHT_TEXT, Light
from guankao.performance.views.access import Missing, explains_missing
from guankao.tw import format_count, format_percent, format_thousands


def _sees_drafts(request: HttpRequest) -> overview.SeesDrafts:
    """The role matrix's answer for this reader (memberships are read once per request)."""
    user = request.user
    if not user.is_authenticated:
        return lambda _department: False

    def sees(department: Agency) -> bool:
        return can(user, Action.DATA_VIEW, department)

    return sees


def _count(value: Decimal | None) -> str:
    if value is None:
        return ""
    number = plain_number(value)
    return format_count(number) if isinstance(number, int) else f"{number:,}"


def _rate(value: Decimal | None) -> str:
    return format_percent(value) if value is not None else "—"


def _share(part: int, whole: int) -> str:
    return format_percent(Decimal(part) * 100 / whole) if whole else "—"


def totals_row(totals: overview.Totals) -> dict[str, object]:
    """What a row of totals prints: counts by light, budget (千元), 執行率, shortfalls; the
    counts in the official style (the country's 11,109 measures print 1萬 1,109)."""
    return {
        "reports": format_count(totals.reports),
        "measures": format_count(totals.measures),
        "counts": [format_count(totals.counts[light]) for light in Light],
        "budget": format_thousands(totals.budget_thousands),
        "execution": _rate(totals.execution),
        "green": _share(totals.counts[Light.GREEN], totals.measures - totals.counts[Light.WHITE]),
        "below": format_count(totals.below_target),
        "unreviewed": format_count(totals.unreviewed),
    }


def _lights() -> list[tuple[Light, str, str]]:
    return [(light, LIGHT_SHAPE[light], str(LIGHT_TEXT[light])) for light in Light]


def _known_year(year: int) -> None:
    if not 1 <= year <= 300:
        raise Missing(_("年度須為民國年，例如 108。"))


@explains_missing
def city_view(request: HttpRequest, jurisdiction: str, year: int) -> HttpResponse:
    """Every department's report of a city's year: counts by light, budget, 執行率, shortfalls."""
    _known_year(year)
    try:
        place = overview.jurisdiction_get(slug=jurisdiction)
    except NotFound as error:
        raise Missing(str(error)) from None
    city = overview.city_year(jurisdiction=place, roc_year=year, sees_drafts=_sees_drafts(request))
    return render(
        request,
        "performance/overview_city.html",
        {
            "city": city,
            "lines": [
                (
                    line,
                    {
                        "counts": [line.counts[light] for light in Light],
                        "budget": format_thousands(line.budget_thousands),
                        "execution": _rate(line.execution),
                    },
                )
                for line in city.lines
            ],
            "totals": totals_row(city.totals),
            "lights": _lights(),
            "year": year,
            "any_live": any(line.live for line in city.lines),
        },
    )


@explains_missing
def national_view(request: HttpRequest, year: int) -> HttpResponse:
    """Every jurisdiction's counts by light and totals for one year, with a link to the
    indicators the cities share."""
    _known_year(year)
    country = overview.national_year(roc_year=year, sees_drafts=_sees_drafts(request))
    return render(
        request,
        "performance/overview_national.html",
        {
            "country": country,
            "cities": [(c.jurisdiction, totals_row(c.totals)) for c in country.cities],
            "totals": totals_row(country.totals),
            "lights": _lights(),
            "year": year,
        },
    )


@explains_missing
def shared_indicators_view(request: HttpRequest, year: int) -> HttpResponse:
    """The indicator codes several cities share, each linking to its comparison across cities:
    a page of its own, as the country shares about 600 (the national view stays small)."""
    _known_year(year)
    codes = overview.shared_codes(roc_year=year)
    return render(
        request,
        "performance/overview_indicators.html",
        {"codes": _code_links(codes, year), "count": len(codes), "year": year},
    )


def _code_links(codes: list[tuple[str, str, int]], year: int) -> list[tuple[str, str]]:
    """Each shared code as (link, text): the country shares about 600 codes, and resolving a URL
    and a plural per item in the template took longer than the rest of the page."""
    pattern = reverse("performance:indicator", args=["CODE", year])
    return [
        (
            pattern.replace("CODE", quote(code)),
            ngettext("%(code)s %(name)s（%(n)d 個縣市）", "%(code)s %(name)s（%(n)d 個縣市）", n)
            % {"code": code, "name": name, "n": n},
        )
        for code, name, n in codes
    ]


def _description(comparison: overview.IndicatorComparison) -> str:
    judged = [r for r in comparison.rows if r.card.achievement is not None]
    if not judged:
        return _("沒有可比較的數值。")
    best, worst = judged[0], judged[-1]
    met = sum(1 for r in judged if r.card.light == Light.GREEN)
    return _(
        "%(n)d 個縣市中 %(met)d 個達標；達成率最高為%(best)s %(best_v)s%%，最低為%(worst)s %(worst_v)s%%。"
    ) % {
        "n": len(judged),
        "met": met,
        "best": best.jurisdiction.name,
        "best_v": _pct(best.card.achievement),
        "worst": worst.jurisdiction.name,
        "worst_v": _pct(worst.card.achievement),
    }


def _pct(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


@explains_missing
def indicator_view(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """One indicator (a shared code) compared across cities: a bar chart and its data table."""
    _known_year(year)
    try:
        comparison = overview.indicator_comparison(
            code=code, roc_year=year, sees_drafts=_sees_drafts(request)
        )
    except NotFound as error:
        raise Missing(str(error)) from None
    figure = None
    if comparison.rows:
        bars = [
            Bar(
                row.jurisdiction.name.removesuffix("（模擬）"),
                row.card.achievement,
                row.card.light.value,
            )
            for row in comparison.rows
        ]
        chart = bar_chart(
            _("%(year)d年度%(name)s：各縣市達成率") % {"year": year, "name": comparison.name},
            _description(comparison),
            bars,
        )
        figure = html_renderer.figures([chart])[0]
    rows = [
        (
            row,
            _count(row.card.measure.target),
            _count(row.card.measure.actual),
            _pct(row.card.achievement) + "%" if row.card.achievement is not None else "—",
        )
        for row in comparison.rows
    ]
    return render(
        request,
        "performance/overview_indicator.html",
        {"comparison": comparison, "figure": figure, "rows": rows, "year": year},
    )
