"""Performance reports kept as YAML data files (the seed reports): read, check, then load.

The whole file is checked before anything is written, and the load is one transaction, so a
broken file leaves the database as it was. Loading the same file again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from guankao.core.datafile import Record, check_unique, read_data_file
from guankao.core.models import AgencyKind
from guankao.core.services import Actor, agency_upsert, delete_except, jurisdiction_upsert
from guankao.performance.models import (
    ControlCode,
    KeyAchievement,
    Measure,
    MeasureKind,
    PerformanceReport,
    ReportStatus,
)
from guankao.performance.report_model import (
    AchievementData,
    IndicatorData,
    MeasureData,
    PlanData,
    ReportData,
    ReviewData,
)
from guankao.performance.rows import IndicatorRow, MeasureRow, PlanRow
from guankao.performance.services import (
    check_editable,
    key_achievement_upsert,
    plans_replace,
    report_status_load,
    report_upsert,
    shortfall_review_upsert,
)
from guankao.tw import from_roc_year


@dataclass(frozen=True)
class ShortfallRow:
    plan: int
    indicator: int
    measure: int
    reason: str
    improvement: str


@dataclass(frozen=True)
class PerformanceFile:
    department_slug: str
    department_name: str
    jurisdiction_slug: str
    jurisdiction_name: str
    area_code: str
    roc_year: int
    title: str
    preface: str
    code_footnote: str
    self_managed_text: str
    status: str
    achievements: tuple[tuple[int, str, str], ...]
    plans: tuple[PlanRow, ...]
    shortfalls: tuple[ShortfallRow, ...]


def _records(parent: Record, field: str, name: str) -> list[Record]:
    return [
        Record(file=parent.file, name=f"{name} {i + 1}", data=item)
        for i, item in enumerate(parent.items(field, required=False))
    ]


def _measure_row(record: Record) -> MeasureRow:
    kind = record.text("kind", required=False, default=MeasureKind.NUMERIC)
    if kind not in MeasureKind.values:
        raise record.error("kind", f"unknown kind {kind!r}; numeric or milestone")
    if kind == MeasureKind.MILESTONE:
        return MeasureRow(
            label=record.text("label"),
            kind=kind,
            target=None,
            actual=None,
            unit="",
            actual_unit="",
            due=record.date("due"),
            done=record.date("done", required=False),
        )
    target = record.number("target")
    actual = record.number("actual", required=False)
    if target is not None and target <= 0:
        raise record.error("target", f"must be more than 0, got {target}")
    if actual is not None and actual < 0:
        raise record.error("actual", f"must not be negative, got {actual}")
    return MeasureRow(
        label=record.text("label"),
        kind=kind,
        target=target,
        actual=actual,
        unit=record.text("unit"),
        actual_unit=record.text("actual_unit", required=False),
        due=None,
        done=None,
    )


def _indicator_row(record: Record) -> IndicatorRow:
    measures = _records(record, "measures", f"{record.name} measure")
    return IndicatorRow(
        number=record.integer("number", minimum=1),
        text=record.text("text"),
        standard_text=record.text("standard"),
        achievement_text=record.text("achievement", required=False),
        measures=tuple(_measure_row(r) for r in measures),
    )


def _plan_row(record: Record) -> PlanRow:
    indicator_records = _records(record, "indicators", f"{record.name} indicator")
    indicators = [_indicator_row(r) for r in indicator_records]
    check_unique(indicator_records, "number", [i.number for i in indicators])
    code = record.integer("control_code", minimum=1)
    if code not in ControlCode.values:
        raise record.error("control_code", f"must be 1 to 5, got {code}")
    note = record.text("control_note", required=False)
    if code == ControlCode.OTHER and not note:
        raise record.error("control_note", "code 4 (其他列管) needs a note")
    rate = record.number("execution_rate", required=False)
    if rate is not None and rate < 0:
        raise record.error("execution_rate", f"must not be negative, got {rate}")
    return PlanRow(
        number=record.integer("number", minimum=1),
        name=record.text("name"),
        budget_thousands=record.integer("budget", minimum=0),
        reported_rate=rate,
        control_code=code,
        control_note=note,
        indicators=tuple(indicators),
    )


def _shortfall_row(record: Record, plans: dict[int, PlanRow]) -> ShortfallRow:
    row = ShortfallRow(
        plan=record.integer("plan", minimum=1),
        indicator=record.integer("indicator", minimum=1),
        measure=record.integer("measure", minimum=1),
        reason=record.text("reason", required=False),
        improvement=record.text("improvement", required=False),
    )
    plan = plans.get(row.plan)
    if plan is None:
        raise record.error("plan", f"no plan {row.plan}")
    indicator = next((i for i in plan.indicators if i.number == row.indicator), None)
    if indicator is None:
        raise record.error("indicator", f"plan {row.plan} has no indicator {row.indicator}")
    if row.measure > len(indicator.measures):
        raise record.error("measure", f"indicator {row.indicator} has no measure {row.measure}")
    return row


def parse_performance_file(path: Path) -> PerformanceFile:
    """Read and check a performance-report data file; raises ``DataFileError`` on a problem."""
    top = read_data_file(path)
    organization = top.child("organization", "organization")
    jurisdiction = organization.child("jurisdiction", "organization.jurisdiction")
    report = top.child("report", "report")
    plan_records = _records(top, "plans", "plan")
    plans = [_plan_row(r) for r in plan_records]
    check_unique(plan_records, "number", [p.number for p in plans])
    by_number = {p.number: p for p in plans}
    achievement_records = _records(report, "achievements", "achievement")
    achievements = [
        (r.integer("number", minimum=1), r.text("title"), r.text("body"))
        for r in achievement_records
    ]
    check_unique(achievement_records, "number", [a[0] for a in achievements])
    status = report.text("status", required=False, default=ReportStatus.PUBLISHED)
    if status not in ReportStatus.values:
        raise report.error("status", f"unknown status {status!r}")
    return PerformanceFile(
        department_slug=organization.text("slug"),
        department_name=organization.text("name"),
        jurisdiction_slug=jurisdiction.text("slug"),
        jurisdiction_name=jurisdiction.text("name"),
        area_code=jurisdiction.text("area_code", required=False, default="03"),
        roc_year=report.integer("year", minimum=1),
        title=report.text("title"),
        preface=report.text("preface"),
        code_footnote=report.text("code_footnote", required=False),
        self_managed_text=report.text("self_managed_text", required=False),
        status=status,
        achievements=tuple(achievements),
        plans=tuple(plans),
        shortfalls=tuple(
            _shortfall_row(r, by_number) for r in _records(top, "shortfalls", "shortfall")
        ),
    )


@transaction.atomic
def load_performance_file(*, path: Path, actor: Actor) -> PerformanceReport:
    """Load a performance-report data file; plans and items it no longer lists are removed."""
    parsed = parse_performance_file(path)
    year = from_roc_year(parsed.roc_year)
    jurisdiction = jurisdiction_upsert(
        slug=parsed.jurisdiction_slug,
        name=parsed.jurisdiction_name,
        area_code=parsed.area_code,
        actor=actor,
    )
    department = agency_upsert(
        jurisdiction=jurisdiction,
        slug=parsed.department_slug,
        name=parsed.department_name,
        label=parsed.department_name,
        kind=AgencyKind.CITY_DEPARTMENT,
        phone="",
        parent=None,
        actor=actor,
    )
    plans_replace(department=department, year=year, plans=parsed.plans, actor=actor)
    measures = {
        (m.indicator.plan.number, m.indicator.number, m.position): m
        for m in Measure.objects.filter(
            indicator__plan__department=department, indicator__plan__year=year
        ).select_related("indicator__plan")
    }
    for row in parsed.shortfalls:
        shortfall_review_upsert(
            measure=measures[(row.plan, row.indicator, row.measure)],
            reason=row.reason,
            improvement=row.improvement,
            actor=actor,
        )
    existing = PerformanceReport.objects.filter(department=department, year=year).first()
    # The file's status is applied last: a report published before its 伍 was written would
    # refuse the items (published is final).
    report = report_upsert(
        department=department,
        year=year,
        title=parsed.title,
        preface=parsed.preface,
        code_footnote=parsed.code_footnote,
        self_managed_text=parsed.self_managed_text,
        status=existing.status if existing else ReportStatus.DRAFT,
        actor=actor,
    )
    kept_items = {
        key_achievement_upsert(report=report, number=n, title=t, body=b, actor=actor).pk
        for n, t, b in parsed.achievements
    }
    if KeyAchievement.objects.filter(report=report).exclude(pk__in=kept_items).exists():
        check_editable(department=department, year=year)
        delete_except(
            queryset=KeyAchievement.objects.filter(report=report), keep=kept_items, actor=actor
        )
    return report_status_load(report=report, status=parsed.status, actor=actor)


def report_data_from_file(parsed: PerformanceFile, *, rate_method: str = "reported") -> ReportData:
    """The report model of a data file as read, without the database (benchmarks, previews)."""
    reviews = {(s.plan, s.indicator, s.measure): s for s in parsed.shortfalls}

    def review(plan: int, indicator: int, position: int) -> ReviewData | None:
        row = reviews.get((plan, indicator, position))
        return ReviewData(row.reason, row.improvement) if row else None

    plans = tuple(
        PlanData(
            number=p.number,
            **p.data(),
            indicators=tuple(
                IndicatorData(
                    number=i.number,
                    **i.data(),
                    measures=tuple(
                        MeasureData(
                            position=position,
                            **m.data(),
                            review=review(p.number, i.number, position),
                        )
                        for position, m in enumerate(i.measures, start=1)
                    ),
                )
                for i in p.indicators
            ),
        )
        for p in parsed.plans
    )
    return ReportData(
        department_slug=parsed.department_slug,
        department_name=parsed.department_name,
        jurisdiction_name=parsed.jurisdiction_name,
        year=from_roc_year(parsed.roc_year),
        title=parsed.title,
        preface=parsed.preface,
        code_footnote=parsed.code_footnote,
        status=parsed.status,
        rate_method=rate_method,
        plans=plans,
        achievements=tuple(AchievementData(n, t, b) for n, t, b in parsed.achievements),
    )
