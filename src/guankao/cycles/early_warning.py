"""Early warning (預警): each measure's quarterly figure projected to the year's end, as a light.

Pure functions, like ``performance.scorecard``: the selectors hand in the measure, the period and
the jurisdiction's legend. The light itself comes from ``performance.scorecard.light_of`` applied
to the projected year-end value, so a projection and the year-end scorecard can never disagree on
the thresholds. See docs/cycles.md ("Early warning") and decision 0072.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _

from guankao.performance.report_model import MILESTONE, MeasureData
from guankao.performance.scorecard import (
    LIGHT_SHAPE,
    LIGHT_TEXT,
    Legend,
    Light,
    achievement_percent,
    light_of,
)
from guankao.tw import Period, format_roc_date

TWELVE = Decimal(12)
# Units of a level (a rate or a ratio), not of something counted up over the year: a rate at
# mid-year is already a year-end estimate and is not divided by the share of the year elapsed.
LEVEL_UNITS = frozenset({"%", "％", "‰", "百分比"})


class Method(StrEnum):
    """How a figure was carried to the year's end."""

    LINEAR = "linear"  # a cumulative count: ÷ share of the year elapsed
    LEVEL = "level"  # a rate: the latest value stands for the year
    MILESTONE = "milestone"  # due before the period's end and not done → red
    NONE = "none"  # no figure to project


@dataclass(frozen=True, slots=True)
class Projection:
    """One measure at one period: the reported figure, the year-end estimate and its light."""

    measure: MeasureData
    period: Period
    method: Method
    cumulative: Decimal | None  # the actual to date as reported
    cumulative_percent: Decimal | None  # of the yearly target, 1 decimal
    projected: Decimal | None  # the estimated year-end actual
    projected_percent: Decimal | None  # of the yearly target, 1 decimal
    light: Light
    rule: str  # the rule in words: 「依第2季累計 45%，預估年底達成 90%」

    @property
    def light_text(self) -> str:
        return str(LIGHT_TEXT[self.light])

    @property
    def light_shape(self) -> str:
        return LIGHT_SHAPE[self.light]

    @property
    def warns(self) -> bool:
        """Predicted red or yellow: what the coordinator's list shows."""
        return self.light in (Light.RED, Light.YELLOW)


def is_level(measure: MeasureData) -> bool:
    """Whether the measure is a rate (its unit says so), which does not add up over the year."""
    return (measure.unit or "").strip() in LEVEL_UNITS or "率" in (measure.unit or "")


def year_share(period: Period) -> Decimal:
    """The share of the year elapsed at the period's end: 1/4 after Q1, 1/2 after Q2 or H1."""
    return Decimal(period.elapsed_months) / TWELVE


def percent_text(value: Decimal) -> str:
    """45.0 → 「45」, 45.5 → 「45.5」: no trailing zero in the sentence."""
    return f"{value.normalize():f}"


def period_words(period: Period) -> str:
    """「第2季」, 「上半年」, 「全年」: the period as the sentence names it."""
    if period.kind == "quarter":
        return _("第%(n)d季") % {"n": period.index}
    if period.kind == "half":
        return _("上半年") if period.index == 1 else _("全年")
    return _("全年")


def project(
    measure: MeasureData,
    period: Period,
    legend: Legend,
    *,
    actual: Decimal | None,
    done: datetime.date | None,
) -> Projection:
    """Project ``measure`` from the cumulative ``actual`` (or milestone ``done``) reported for
    ``period`` to the year's end, with the light under ``legend`` and the rule in words."""
    words = period_words(period)
    if measure.kind == MILESTONE:
        return _milestone(measure, period, legend, done=done, words=words)
    if actual is None or not measure.target:
        rule = (
            _("%(period)s尚無累計數值，無法推估。") % {"period": words}
            if actual is None
            else _("沒有目標值，無法推估。")
        )
        return unreported(measure, period, rule, cumulative=actual)
    if is_level(measure):
        method, projected = Method.LEVEL, actual
    else:
        method, projected = Method.LINEAR, actual / year_share(period)
    at_year_end = dataclasses.replace(measure, actual=projected)
    # A target and an actual: both percents exist (0 only to satisfy the type).
    cumulative_percent = achievement_percent(dataclasses.replace(measure, actual=actual))
    projected_percent = achievement_percent(at_year_end)
    cumulative_percent = cumulative_percent if cumulative_percent is not None else Decimal(0)
    projected_percent = projected_percent if projected_percent is not None else Decimal(0)
    values = {
        "period": words,
        "now": percent_text(cumulative_percent),
        "end": percent_text(projected_percent),
    }
    if method == Method.LEVEL:
        rule = _("依%(period)s達成 %(now)s%%（比率不累計），預估年底達成 %(end)s%%") % values
    elif period.is_last_of_year:
        rule = _("%(period)s累計達成 %(end)s%%") % values
    else:
        rule = _("依%(period)s累計 %(now)s%%，預估年底達成 %(end)s%%") % values
    return Projection(
        measure=measure,
        period=period,
        method=method,
        cumulative=actual,
        cumulative_percent=cumulative_percent,
        projected=projected,
        projected_percent=projected_percent,
        light=light_of(at_year_end, legend, as_of=period.end),
        rule=rule,
    )


def unreported(
    measure: MeasureData, period: Period, rule: str, *, cumulative: Decimal | None = None
) -> Projection:
    """No projection, for the reason ``rule`` gives: the period's figures are not (yet) the
    agency's word, or there is nothing to project from (no figure, no target)."""
    return Projection(
        measure=measure,
        period=period,
        method=Method.NONE,
        cumulative=cumulative,
        cumulative_percent=None,
        projected=None,
        projected_percent=None,
        light=Light.WHITE,
        rule=rule,
    )


def _milestone(
    measure: MeasureData,
    period: Period,
    legend: Legend,
    *,
    done: datetime.date | None,
    words: str,
) -> Projection:
    """Due before the period's end and not done: red; done: green (on time) or yellow (late);
    not yet due: white, whatever the year's end may bring."""
    reported = dataclasses.replace(measure, done=done)
    light = light_of(reported, legend, as_of=period.end)
    if measure.due is None:
        rule = _("沒有預定完成日，無法判斷。")
    elif done is not None:
        rule = _("預定 %(due)s 完成，已於 %(done)s 完成") % {
            "due": format_roc_date(measure.due),
            "done": format_roc_date(done),
        }
    elif light == Light.RED:
        rule = _("預定 %(due)s 完成，至%(period)s末仍未完成") % {
            "due": format_roc_date(measure.due),
            "period": words,
        }
    else:
        rule = _("預定 %(due)s 完成，尚未到期") % {"due": format_roc_date(measure.due)}
    return Projection(
        measure=measure,
        period=period,
        method=Method.MILESTONE,
        cumulative=None,
        cumulative_percent=None,
        projected=None,
        projected_percent=None,
        light=light,
        rule=rule,
    )
