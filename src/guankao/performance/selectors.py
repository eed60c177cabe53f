"""Reads of the performance app: departments and years, and the report model of one report."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict, cast

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django_stubs_ext import WithAnnotations

from guankao.core.models import Agency
from guankao.performance import revisions
from guankao.performance.exceptions import NotFound
from guankao.performance.models import (
    PUBLIC_STATUSES,
    DepartmentSettings,
    Indicator,
    KeyAchievement,
    LightLegend,
    Measure,
    PerformanceReport,
    Plan,
    RateMethod,
    ReportRevision,
    ReportStatus,
    ShortfallReview,
)
from guankao.performance.report_model import (
    AchievementData,
    IndicatorData,
    MeasureData,
    PlanData,
    ReportData,
    ReviewData,
)
from guankao.performance.scorecard import Legend, Previous, Scorecard, scorecard
from guankao.tw import from_roc_year, to_roc_year


def department_get(*, slug: str) -> Agency:
    """The department called ``slug``; NotFound names it otherwise."""
    department = Agency.objects.select_related("jurisdiction").filter(slug=slug).first()
    if department is None:
        raise NotFound(_("找不到機關「%(slug)s」。") % {"slug": slug})
    return department


def rate_method_of(department: Agency) -> str:
    """The department's 執行率 method; departments without settings use the reported rate."""
    settings = DepartmentSettings.objects.filter(department=department).first()
    return settings.rate_method if settings else RateMethod.REPORTED


def report_get(
    *, department: Agency, roc_year: int, published_only: bool = False
) -> PerformanceReport:
    """The report of ``department`` for ROC year ``roc_year``; NotFound otherwise.

    With ``published_only`` it reads through the published-only manager, for public pages.
    """
    manager = PerformanceReport.public_objects if published_only else PerformanceReport.objects
    report = manager.filter(department=department, year=from_roc_year(roc_year)).first()
    if report is None:
        raise NotFound(
            _("找不到%(department)s %(year)d年度的施政績效報告。")
            % {"department": department.label, "year": roc_year}
        )
    return report


def plans_of(*, department: Agency, roc_year: int) -> QuerySet[Plan]:
    """The department's plans of the year with indicators, measures and reviews (4 queries)."""
    measures = Measure.objects.select_related("shortfall_review").order_by("position")
    indicators = Indicator.objects.order_by("number").prefetch_related(
        Prefetch("measures", queryset=measures)
    )
    return (
        Plan.objects.of(department)
        .for_roc_year(roc_year)
        .order_by("number")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
    )


def _review(measure: Measure) -> ReviewData | None:
    try:
        review: ShortfallReview = measure.shortfall_review
    except ShortfallReview.DoesNotExist:
        return None
    return ReviewData(reason=review.reason, improvement=review.improvement)


def measure_data(measure: Measure) -> MeasureData:
    """The report model of one measure."""
    return MeasureData(
        id=measure.pk,
        position=measure.position,
        label=measure.label,
        kind=measure.kind,
        target=measure.target,
        actual=measure.actual,
        unit=measure.unit,
        actual_unit=measure.actual_unit,
        due=measure.due,
        done=measure.done,
        review=_review(measure),
    )


def plan_data(plan: Plan) -> PlanData:
    """The report model of one plan (with prefetched indicators and measures)."""
    return PlanData(
        id=plan.pk,
        number=plan.number,
        name=plan.name,
        budget_thousands=plan.budget_thousands,
        executed_thousands=plan.executed_thousands,
        control_code=plan.control_code,
        control_note=plan.control_note,
        reported_rate=plan.reported_rate,
        indicators=tuple(
            IndicatorData(
                id=indicator.pk,
                number=indicator.number,
                text=indicator.text,
                standard_text=indicator.standard_text,
                achievement_text=indicator.achievement_text,
                measures=tuple(measure_data(m) for m in indicator.measures.all()),
            )
            for indicator in plan.indicators.all()
        ),
    )


def report_data(report: PerformanceReport) -> ReportData:
    """The report model of ``report``: seven queries, whatever the number of plans."""
    department = report.department
    plans = plans_of(department=department, roc_year=to_roc_year(report.year))
    achievements = KeyAchievement.objects.filter(report=report).order_by("number")
    return ReportData(
        id=report.pk,
        department_slug=department.slug,
        department_name=department.name,
        jurisdiction_name=department.jurisdiction.name,
        year=report.year,
        title=report.title,
        preface=report.preface,
        code_footnote=report.code_footnote,
        status=report.status,
        rate_method=rate_method_of(department),
        plans=tuple(plan_data(p) for p in plans),
        achievements=tuple(
            AchievementData(number=a.number, title=a.title, body=a.body) for a in achievements
        ),
    )


def latest_revision(report: PerformanceReport) -> ReportRevision | None:
    """The report's last published revision, or None before its first publication."""
    return report.revisions.order_by("-number").first()


def revisions_of(report: PerformanceReport) -> list[ReportRevision]:
    """Every published revision of ``report``, newest first (without their data or files)."""
    return list(report.revisions.defer("data").order_by("-number"))


def revision_get(*, report: PerformanceReport, number: int) -> ReportRevision:
    """Revision ``number`` of ``report``; NotFound otherwise."""
    revision = report.revisions.filter(number=number).first()
    if revision is None:
        raise NotFound(_("%(title)s沒有第 %(n)d 版。") % {"title": report.title, "n": number})
    return revision


def revision_file(*, revision: ReportRevision, fmt: str) -> bytes:
    """The bytes of ``fmt`` as revision ``revision`` was published; NotFound for another format."""
    row = revision.files.filter(format=fmt).first()
    if row is None:
        raise NotFound(_("不支援的格式：%(format)s") % {"format": fmt})
    return bytes(row.content)


def public_report_data(report: PerformanceReport) -> ReportData:
    """What the public reads: the last published revision as it was published (a report being
    corrected keeps showing it), or the live data of a report not yet published."""
    revision = latest_revision(report) if report.status in PUBLIC_STATUSES else None
    if revision is None:
        return report_data(report)
    return revisions.load(revision.data)


def reads_published(report: PerformanceReport, *, staff: bool) -> bool:
    """The one rule of who reads what: a published report is read from its last revision by
    everyone; a report not yet published, or being corrected, is read live by its staff and
    from its last published revision by everyone else."""
    return not staff or report.status == ReportStatus.PUBLISHED


def shown_report_data(report: PerformanceReport, *, staff: bool) -> ReportData:
    """The report model this reader reads (``reads_published``)."""
    if reads_published(report, staff=staff):
        return public_report_data(report)
    return report_data(report)


def performance_report(
    *, department_slug: str, roc_year: int, published_only: bool = False
) -> ReportData:
    """The report model for ``guankao report performance`` and the API; NotFound names what is
    missing (the department, or its report for that year). A published report is read from its
    last revision, so what is printed is what was published; one being corrected shows the
    correction to staff and its last revision to the public (``published_only``)."""
    department = department_get(slug=department_slug)
    report = report_get(department=department, roc_year=roc_year, published_only=published_only)
    report.department = department  # already loaded with its jurisdiction
    return shown_report_data(report, staff=not published_only)


@dataclass(frozen=True, slots=True)
class DepartmentYear:
    """One row of the departments-and-years page."""

    department: Agency
    roc_year: int
    plan_count: int
    report: PerformanceReport | None


def department_years() -> list[DepartmentYear]:
    """Every department-year that has plans or a report, newest year first (two queries)."""
    counts = (
        Plan.objects.values("department", "year")
        .annotate(n=Count("id"))
        .values_list("department", "year", "n")
    )
    plan_counts = {(d, y): n for d, y, n in counts}
    reports = {
        (r.department_id, r.year): r
        for r in PerformanceReport.objects.select_related("department__jurisdiction")
    }
    keys = set(plan_counts) | set(reports)
    departments = {
        a.pk: a
        for a in Agency.objects.select_related("jurisdiction").filter(pk__in={d for d, _y in keys})
    }
    rows = [
        DepartmentYear(
            department=departments[d],
            roc_year=to_roc_year(y),
            plan_count=plan_counts.get((d, y), 0),
            report=reports.get((d, y)),
        )
        for d, y in keys
    ]
    return sorted(rows, key=lambda r: (r.department.label, -r.roc_year))


# --- scorecards and series ---------------------------------------------------------------


def legend_of(department: Agency) -> Legend:
    """The 燈號 thresholds of the department's jurisdiction, or the defaults."""
    row = LightLegend.objects.filter(jurisdiction_id=department.jurisdiction_id).first()
    if row is None:
        return Legend()
    return Legend(green_at=row.green_at, yellow_at=row.yellow_at)


def previous_actuals(*, department: Agency, data: ReportData) -> dict[tuple[int, int], Previous]:
    """Last year's actuals of the report's indicator series, by (indicator id, position): two
    queries, whatever the number of indicators."""
    ids = [i.id for p in data.plans for i in p.indicators if i.id is not None]
    series = dict(
        Indicator.objects.filter(pk__in=ids, series__isnull=False).values_list("pk", "series_id")
    )
    if not series:
        return {}
    rows = Measure.objects.filter(
        indicator__series_id__in=set(series.values()),
        indicator__plan__department=department,
        indicator__plan__year=data.year - 1,
    ).values_list("indicator__series_id", "position", "actual")
    by_series = {(series_id, position): actual for series_id, position, actual in rows}
    roc = to_roc_year(data.year - 1)
    return {
        (indicator.id, measure.position): Previous(
            year=roc, actual=by_series[(series[indicator.id], measure.position)]
        )
        for plan in data.plans
        for indicator in plan.indicators
        if indicator.id in series
        for measure in indicator.measures
        if (series[indicator.id], measure.position) in by_series
    }


def scorecard_of(report: PerformanceReport, *, staff: bool) -> Scorecard:
    """The scorecard of the report model this reader reads (``reads_published``)."""
    department = report.department
    data = shown_report_data(report, staff=staff)
    return scorecard(
        data,
        legend=legend_of(department),
        previous=previous_actuals(department=department, data=data),
    )


def scorecard_report(*, department_slug: str, roc_year: int, published_only: bool) -> Scorecard:
    """The scorecard for ``guankao report scorecard`` and the API: of the published revision
    (``published_only``, or a published report), else of the live data."""
    department = department_get(slug=department_slug)
    report = report_get(department=department, roc_year=roc_year, published_only=published_only)
    report.department = department
    return scorecard_of(report, staff=not published_only)


@dataclass(frozen=True, slots=True)
class PublishedReport:
    """One row of the public index of published reports."""

    jurisdiction: str
    department: Agency
    roc_year: int
    title: str
    corrected: bool


class _RevisionCount(TypedDict):
    revision_count: int


def published_index(*, newest: dict[int, int] | None = None) -> list[PublishedReport]:
    """The published reports (also while a correction is being made) of each city's newest
    public year (``newest``: Gregorian year by jurisdiction id, read when not given), by city
    and department, in one query; earlier years are reached through the city view
    (``overview.published_years``): a country holds 4,400 reports."""
    if newest is None:
        newest = dict(
            PerformanceReport.objects.published()
            .order_by()
            .values_list("department__jurisdiction_id")
            .annotate(year=Max("year"))
        )
    # One condition per city: a correlated subquery took 0.4 s over 4,400 reports on SQLite.
    cities = Q(pk__in=[])
    for jurisdiction_id, year in newest.items():
        cities |= Q(department__jurisdiction_id=jurisdiction_id, year=year)
    reports = (
        PerformanceReport.objects.published()
        .filter(cities)
        .select_related("department__jurisdiction")
        .annotate(revision_count=Count("revisions"))
    )
    # The manager's QuerySet methods are typed as returning plain reports; say what annotate added.
    counted = cast("Iterable[WithAnnotations[PerformanceReport, _RevisionCount]]", reports)
    rows = [
        PublishedReport(
            jurisdiction=r.department.jurisdiction.name,
            department=r.department,
            roc_year=to_roc_year(r.year),
            title=r.title,
            corrected=r.revision_count > 1,
        )
        for r in counted
    ]
    return sorted(
        rows, key=lambda r: (r.department.jurisdiction.slug, r.department.label, -r.roc_year)
    )


@dataclass(frozen=True, slots=True)
class PublishedDates:
    """When a published report was first published, and last corrected."""

    report: PerformanceReport
    first: datetime.datetime
    last: datetime.datetime


def published_dates(*, department: Agency | None = None) -> list[PublishedDates]:
    """Every published report (of ``department``, or all) with its first and last publication
    times, in one query: the open-data catalogue."""
    reports = PerformanceReport.objects.published().select_related("department__jurisdiction")
    if department is not None:
        reports = reports.filter(department=department)
    annotated = reports.annotate(
        first=Min("revisions__published_at"), last=Max("revisions__published_at")
    )
    return [
        PublishedDates(report=r, first=r.first, last=r.last)  # type: ignore[attr-defined]
        for r in annotated.order_by("department__jurisdiction__slug", "department__slug", "-year")
        if r.first is not None  # type: ignore[attr-defined]
    ]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One year of an indicator series' measure: what was promised and achieved."""

    roc_year: int
    target: Decimal | None
    actual: Decimal | None
    unit: str


def indicator_trend(
    *, indicator: Indicator, public: bool
) -> tuple[list[Indicator], dict[int, list[TrendPoint]]]:
    """The indicators of ``indicator``'s series (itself alone without one), oldest year first,
    and for each measure position its points over those years. The public reads each year from
    its report's published revision and sees only published years; staff read the live rows."""
    plan = indicator.plan
    if indicator.series_id is None:
        members = [indicator]
    else:
        members = list(
            Indicator.objects.filter(series_id=indicator.series_id)
            .select_related("plan")
            .order_by("plan__year")
        )
    years = {m.plan.year for m in members}
    reports = {
        r.year: r
        for r in PerformanceReport.objects.filter(department_id=plan.department_id, year__in=years)
    }
    kept: dict[int, ReportData] = {}
    if public:
        latest = (
            ReportRevision.objects.filter(
                report__in=[r for r in reports.values() if r.status in PUBLIC_STATUSES]
            )
            .order_by("report_id", "-number")
            .select_related("report")
        )
        for revision in latest:
            kept.setdefault(revision.report.year, revisions.load(revision.data))
        members = [m for m in members if m.plan.year in kept]
    points: dict[int, list[TrendPoint]] = {}
    live = (
        {
            m.pk: list(m.measures.all())
            for m in Indicator.objects.filter(pk__in=[m.pk for m in members]).prefetch_related(
                "measures"
            )
        }
        if not public
        else {}
    )
    for member in members:
        roc = to_roc_year(member.plan.year)
        if public:
            data = kept[member.plan.year]
            found = next((i for p in data.plans for i in p.indicators if i.id == member.pk), None)
            measures = (
                [(m.position, m.target, m.actual, m.shown_actual_unit) for m in found.measures]
                if found
                else []
            )
        else:
            measures = [
                (m.position, m.target, m.actual, m.actual_unit or m.unit) for m in live[member.pk]
            ]
        for position, target, actual, unit in measures:
            points.setdefault(position, []).append(TrendPoint(roc, target, actual, unit))
    return members, points
