"""A department's plans for a year as plain rows: what a seed data file and an imported table
both describe, before anything is written. ``services.plans_replace`` writes them.

Each field is named as the model field it fills, so ``data()`` is what the model is given.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

# What a row holds besides the model's own fields: its key within its parent and its children.
_NOT_FIELDS = frozenset({"number", "indicators", "measures"})


def _model_data(row: object, row_type: type) -> dict[str, Any]:
    """The fields ``row_type`` declares (not those a subclass adds), as model field values."""
    return {f.name: getattr(row, f.name) for f in fields(row_type) if f.name not in _NOT_FIELDS}


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

    def data(self) -> dict[str, Any]:
        """The ``Measure`` fields this row sets (its position is its place in the indicator)."""
        return _model_data(self, MeasureRow)


@dataclass(frozen=True)
class IndicatorRow:
    """A numbered 衡量指標 with the standard's and the achievement's text as written."""

    number: int
    text: str
    standard_text: str
    achievement_text: str
    measures: tuple[MeasureRow, ...]

    def data(self) -> dict[str, Any]:
        """The ``Indicator`` fields this row sets, besides its plan and number."""
        return _model_data(self, IndicatorRow)


@dataclass(frozen=True)
class PlanRow:
    """A numbered plan with its budget (thousands of NT$), reported rate and 管考代碼."""

    number: int
    name: str
    budget_thousands: int
    reported_rate: Decimal | None
    control_code: int
    control_note: str
    indicators: tuple[IndicatorRow, ...]

    def data(self) -> dict[str, Any]:
        """The ``Plan`` fields this row sets, besides its department, year and number."""
        return _model_data(self, PlanRow)
