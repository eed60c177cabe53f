"""The performance report as plain data: what selectors build and rules, documents and the API read.

No Django and no database here, so the rules and every renderer can be tested and benchmarked on
a report built in memory.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from guankao.tw import to_roc_year

NUMERIC = "numeric"
MILESTONE = "milestone"
SELF_MANAGED = 5  # 管考代碼 5: 自行列管

_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """The ordinal as reports number items: 1 → 一, 10 → 十, 14 → 十四, 20 → 二十, 105 → 一百零五."""
    if n < 1:
        raise ValueError(f"expected a positive number, got {n}")
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return _DIGITS[tens] + "十" + (_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            tail = ""
        elif rest < 10:
            tail = "零" + _DIGITS[rest]
        elif rest < 20:
            tail = "一" + chinese_number(rest)  # 一百一十五, not 一百十五
        else:
            tail = chinese_number(rest)
        return _DIGITS[hundreds] + "百" + tail
    return str(n)


def plain_number(value: Decimal) -> int | Decimal:
    """Counts are whole numbers: ``Decimal('7048.00')`` → ``7048``; fractions keep their digits."""
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


@dataclass(frozen=True, slots=True)
class ReviewData:
    """未達原定標準之檢討 of one measure, as entered."""

    reason: str
    improvement: str

    @property
    def text(self) -> str:
        """The printed 未達成原因分析暨改進措施: reason, then improvement on its own line."""
        return "\n".join(part for part in (self.reason.strip(), self.improvement.strip()) if part)


@dataclass(frozen=True, slots=True)
class MeasureData:
    """One 衡量標準: a number with a unit, or a dated milestone."""

    position: int
    label: str
    kind: str
    target: Decimal | None = None
    actual: Decimal | None = None
    unit: str = ""
    actual_unit: str = ""
    due: datetime.date | None = None
    done: datetime.date | None = None
    review: ReviewData | None = None
    id: int | None = None

    @property
    def shown_actual_unit(self) -> str:
        return self.actual_unit or self.unit


@dataclass(frozen=True, slots=True)
class IndicatorData:
    """One 衡量指標 with the standard's and the achievement's text as written."""

    number: int
    text: str
    standard_text: str
    achievement_text: str
    measures: tuple[MeasureData, ...] = ()
    id: int | None = None


@dataclass(frozen=True, slots=True)
class PlanData:
    """One 施政計畫 with its budget (千元), reported 執行率 (%) and 管考代碼."""

    number: int
    name: str
    budget_thousands: int
    control_code: int = SELF_MANAGED
    control_note: str = ""
    reported_rate: Decimal | None = None
    executed_thousands: int | None = None
    indicators: tuple[IndicatorData, ...] = ()
    id: int | None = None

    @property
    def label(self) -> str:
        """The plan's printed number: 一, 二 … 十四."""
        return chinese_number(self.number)

    @property
    def measures(self) -> tuple[MeasureData, ...]:
        return tuple(m for i in self.indicators for m in i.measures)


@dataclass(frozen=True, slots=True)
class AchievementData:
    """One item of 伍 年度重要施政具體事蹟; ``body`` may embed live figures (see rules)."""

    number: int
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class ReportData:
    """A department's annual 施政績效報告 with everything the rules and documents need."""

    department_slug: str
    department_name: str
    jurisdiction_name: str
    year: int  # Gregorian, like the database
    title: str
    preface: str
    code_footnote: str = ""
    status: str = "draft"
    rate_method: str = "reported"
    plans: tuple[PlanData, ...] = ()
    achievements: tuple[AchievementData, ...] = ()
    id: int | None = None

    @property
    def roc_year(self) -> int:
        return to_roc_year(self.year)

    def plan(self, number: int) -> PlanData | None:
        return next((p for p in self.plans if p.number == number), None)
