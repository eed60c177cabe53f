"""The committee report (新住民照顧服務措施辦理情形) as plain data: no Django, no database.

``cycles.selectors.committee_report`` builds it from one period; the web page, the JSON API and
the document renderers read only this.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from guankao.tw import format_roc_date, to_roc_year


@dataclass(frozen=True, slots=True)
class FigureLine:
    """A reported figure: ``辦理場次 12場`` (``text`` is in the official count format)."""

    label: str
    value: int | Decimal
    unit: str
    text: str


@dataclass(frozen=True, slots=True)
class TaskLine:
    """One task of the table with what its agency reported (only approved reports count)."""

    agency: str
    number: int
    numbered: bool
    task: str
    status: str
    status_label: str
    reported: bool
    narrative: str
    figures: tuple[FigureLine, ...]
    attachments: tuple[str, ...]
    behind: bool
    behind_reason: str
    is_sample: bool

    @property
    def shortfall(self) -> bool:
        return self.reported and self.behind


@dataclass(frozen=True, slots=True)
class AreaSection:
    """A 項目 (service area) with its tasks in the table's order."""

    area: str
    tasks: tuple[TaskLine, ...]


@dataclass(frozen=True, slots=True)
class MeasureLine:
    """A measure of the department's plans: target, share due by now, actual, shortfall."""

    plan: str
    indicator: str
    label: str
    unit: str
    target: int | Decimal | None
    expected: int | Decimal | None
    actual: int | Decimal | None
    due: datetime.date | None
    done: datetime.date | None
    reported: bool
    shortfall: bool


@dataclass(frozen=True, slots=True)
class AgencyLine:
    """An agency's submission: its status, when it was sent, and whether it was late."""

    agency: str
    status: str
    status_label: str
    submitted_on: datetime.date | None
    late: bool
    is_sample: bool

    @property
    def approved(self) -> bool:
        return self.status == "approved"


@dataclass(frozen=True, slots=True)
class UnansweredLine:
    """A question the public directory found no good answer for, asked ``count`` times in a
    month in one language (only from the threshold up; the text is normalised, decision 0082)."""

    month: datetime.date  # the first day of the month
    language: str  # the page's language code
    language_label: str
    text: str
    count: int

    @property
    def roc_month(self) -> str:
        """``115年11月``: the month as the report's dates are written (ROC calendar)."""
        return f"{to_roc_year(self.month.year)}年{self.month.month}月"


@dataclass(frozen=True, slots=True)
class CommitteeReport:
    """Everything the committee reads for one period."""

    jurisdiction: str
    jurisdiction_slug: str
    title: str
    table_title: str
    table_version: str
    period_code: str
    period_name: str
    starts_on: datetime.date
    ends_on: datetime.date
    deadline: datetime.date
    generated_on: datetime.date
    areas: tuple[AreaSection, ...]
    measures: tuple[MeasureLine, ...]
    agencies: tuple[AgencyLine, ...]
    has_sample: bool
    # The section 民眾查詢未獲解答的需求: None when it does not apply (a department's period,
    # or no public directory installed); empty when no question reached the threshold.
    unanswered: tuple[UnansweredLine, ...] | None = None
    unanswered_threshold: int = 3

    @property
    def missing(self) -> tuple[AgencyLine, ...]:
        """Agencies whose report is not approved yet (not sent, under review or returned)."""
        return tuple(a for a in self.agencies if not a.approved)

    @property
    def task_shortfalls(self) -> tuple[TaskLine, ...]:
        return tuple(t for area in self.areas for t in area.tasks if t.shortfall)

    @property
    def measure_shortfalls(self) -> tuple[MeasureLine, ...]:
        return tuple(m for m in self.measures if m.shortfall)

    def as_json(self) -> dict[str, Any]:
        """JSON-friendly: dates in ISO form with an ROC twin, numbers as numbers."""
        data = asdict(self)
        data["missing"] = [a.agency for a in self.missing]
        data["shortfalls"] = {
            "tasks": [f"{t.agency} {t.number}" for t in self.task_shortfalls],
            "measures": [m.label for m in self.measure_shortfalls],
        }
        for name in ("starts_on", "ends_on", "deadline", "generated_on"):
            data[f"{name}_roc"] = format_roc_date(getattr(self, name))
        result: dict[str, Any] = _jsonable(data)
        return result


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
