"""A department's plans for a year as plain rows: what a seed data file and an imported table
both describe, before anything is written. ``services.plans_create`` writes them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class MeasureRow:
    """One 衡量標準 of an indicator: a numeric target and actual, or a milestone and its dates."""

    label: str
    kind: str
    target: Decimal | None
    actual: Decimal | None
    unit: str
    actual_unit: str
    due: datetime.date | None = None
    done: datetime.date | None = None


@dataclass(frozen=True)
class IndicatorRow:
    """A numbered 衡量指標 with the standard's and the achievement's text as written."""

    number: int
    text: str
    standard: str
    achievement: str
    measures: tuple[MeasureRow, ...]


@dataclass(frozen=True)
class PlanRow:
    """A numbered plan with its budget (thousands of NT$), reported rate and 管考代碼."""

    number: int
    name: str
    budget: int
    execution_rate: Decimal | None
    control_code: int
    control_note: str
    indicators: tuple[IndicatorRow, ...]
