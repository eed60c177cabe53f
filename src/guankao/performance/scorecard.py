"""The scorecard (績效燈號): every measure with its target, actual, 達成率 and light.

Pure functions over the report model, like ``rules``: the selectors add last year's actuals of
the same indicator series. See docs/performance.md ("Scorecard") and decision 0068.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guankao.performance import rules
from guankao.performance.report_model import (
    MILESTONE,
    IndicatorData,
    MeasureData,
    PlanData,
    ReportData,
    chinese_number,
)

HUNDRED = Decimal(100)


class Light(StrEnum):
    """The four lights; each has a colour, a shape and a word, so none relies on colour."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    WHITE = "white"


LIGHT_TEXT = {
    Light.GREEN: _("達標"),
    Light.YELLOW: _("接近"),
    Light.RED: _("落後"),
    Light.WHITE: _("無資料"),
}
LIGHT_SHAPE = {Light.GREEN: "●", Light.YELLOW: "▲", Light.RED: "■", Light.WHITE: "○"}


@dataclass(frozen=True, slots=True)
class Legend:
    """The thresholds in percent of target: green from ``green_at``, yellow from ``yellow_at``."""

    green_at: Decimal = Decimal(100)
    yellow_at: Decimal = Decimal(80)

    def describe(self) -> list[tuple[Light, str]]:
        """Each light with its rule in words, for the legend printed with every scorecard."""
        return [
            (
                Light.GREEN,
                gettext("達成率 %(g)s%% 以上，或里程碑如期完成") % {"g": _pct(self.green_at)},
            ),
            (
                Light.YELLOW,
                gettext("達成率 %(y)s%% 至未滿 %(g)s%%，或里程碑逾期完成")
                % {"y": _pct(self.yellow_at), "g": _pct(self.green_at)},
            ),
            (
                Light.RED,
                gettext("達成率未滿 %(y)s%%，或里程碑逾期未完成") % {"y": _pct(self.yellow_at)},
            ),
            (Light.WHITE, gettext("尚無實際值或尚未到期")),
        ]


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass(frozen=True, slots=True)
class Previous:
    """The same indicator's actual the year before (same series, same measure position)."""

    year: int  # ROC
    actual: Decimal | None


@dataclass(frozen=True, slots=True)
class MeasureCard:
    """One row of the scorecard."""

    plan: PlanData
    indicator: IndicatorData
    measure: MeasureData
    achievement: Decimal | None  # percent of target, 1 decimal; None for milestones/no data
    light: Light
    reviewed: bool  # False when below target without a shortfall review
    previous: Previous | None
    target_below_previous_actual: bool

    @property
    def reference(self) -> str:
        """「八.5」: the plan's Chinese number and the indicator's number."""
        return f"{chinese_number(self.plan.number)}.{self.indicator.number}"

    @property
    def below_target(self) -> bool:
        return self.light in (Light.YELLOW, Light.RED)

    @property
    def light_text(self) -> str:
        return str(LIGHT_TEXT[self.light])

    @property
    def light_shape(self) -> str:
        return LIGHT_SHAPE[self.light]


@dataclass(frozen=True, slots=True)
class Scorecard:
    """A report's scorecard: its rows, the legend, and the counts by light."""

    report: ReportData
    legend: Legend
    cards: tuple[MeasureCard, ...]
    counts: dict[Light, int] = field(default_factory=dict)

    @property
    def below_target(self) -> list[MeasureCard]:
        return [c for c in self.cards if c.below_target]

    @property
    def unreviewed(self) -> list[MeasureCard]:
        return [c for c in self.cards if not c.reviewed]

    @property
    def calibration(self) -> list[MeasureCard]:
        return [c for c in self.cards if c.target_below_previous_actual]


def achievement_percent(measure: MeasureData) -> Decimal | None:
    """Actual ÷ target in percent, one decimal (rounded half up); None without both."""
    ratio = rules.achievement(measure)
    if ratio is None:
        return None
    return (ratio * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def light_of(measure: MeasureData, legend: Legend, *, as_of: datetime.date) -> Light:
    """The light of one measure under ``legend`` on ``as_of`` (the year's end for a report)."""
    if measure.kind == MILESTONE:
        if measure.due is None:
            return Light.WHITE
        if measure.done is not None:
            return Light.GREEN if measure.done <= measure.due else Light.YELLOW
        return Light.RED if as_of > measure.due else Light.WHITE
    percent = achievement_percent(measure)
    if percent is None:
        return Light.WHITE
    if percent >= legend.green_at:
        return Light.GREEN
    if percent >= legend.yellow_at:
        return Light.YELLOW
    return Light.RED


def scorecard(
    report: ReportData,
    *,
    legend: Legend | None = None,
    previous: dict[tuple[int, int], Previous] | None = None,
    as_of: datetime.date | None = None,
) -> Scorecard:
    """The scorecard of ``report``. ``previous`` maps (indicator id, measure position) to last
    year's actual of the same series; ``as_of`` defaults to the report year's end."""
    legend = legend or Legend()
    previous = previous or {}
    when = as_of or rules.year_end(report.year)
    cards = []
    for plan in report.plans:
        for indicator in plan.indicators:
            for measure in indicator.measures:
                light = light_of(measure, legend, as_of=when)
                before = previous.get((indicator.id or 0, measure.position))
                cards.append(
                    MeasureCard(
                        plan=plan,
                        indicator=indicator,
                        measure=measure,
                        achievement=achievement_percent(measure),
                        light=light,
                        reviewed=light not in (Light.YELLOW, Light.RED)
                        or measure.review is not None,
                        previous=before,
                        target_below_previous_actual=bool(
                            before is not None
                            and before.actual is not None
                            and measure.target is not None
                            and measure.kind != MILESTONE
                            and measure.target < before.actual
                        ),
                    )
                )
    counts = Counter(c.light for c in cards)
    return Scorecard(
        report=report,
        legend=legend,
        cards=tuple(cards),
        counts={light: counts.get(light, 0) for light in Light},
    )
