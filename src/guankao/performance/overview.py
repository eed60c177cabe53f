"""Reads for the overviews across reports: a city's year, the country's year, one indicator
compared across cities (issue 14, item 4). See docs/performance.md, "City and national views".

Every page is drawn live from the database, in a fixed number of queries whatever the number of
departments, cities or years (no summary table to keep up to date). What a reader sees of each
report follows the report page's rule: the public reads what was published; staff of a
department also see its drafts and a correction being made. A published report's plans cannot
change, so it is read from the tables, with the 執行率 method of its published revision; a
report being corrected is read, for the public, from its last revision's JSON (decision 0074).
The lights are the scorecard's own rule, so a count here always matches the scorecard a row
links to: ``scorecard.light_of`` in Python, or the same rule stated exactly in SQL
(``light_expression``, decision 0077) where the database counts for a report read from the
tables.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Round
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext as _

from guankao.core.models import Agency, Jurisdiction
from guankao.performance import revisions, rules
from guankao.performance.exceptions import NotFound
from guankao.performance.models import (
    PUBLIC_STATUSES,
    DepartmentSettings,
    Indicator,
    IndicatorSeries,
    LightLegend,
    Measure,
    MeasureKind,
    PerformanceReport,
    Plan,
    RateMethod,
    ReportRevision,
    ReportStatus,
)
from guankao.performance.report_model import (
    IndicatorData,
    MeasureData,
    PlanData,
    ReportData,
    ReviewData,
)
from guankao.performance.scorecard import Legend, Light, MeasureCard, light_of, scorecard
from guankao.tw import from_roc_year

# Whether a reader may see a department's drafts (the views pass the role matrix's answer).
SeesDrafts = Callable[[Agency], bool]


def _nobody(_department: Agency) -> bool:
    return False


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One department's report of the year as an overview shows it: the scorecard's counts by
    light, its below-target and unreviewed measures, budget and 執行率; ``cards`` only when asked
    for (the comparison of one indicator)."""

    report: PerformanceReport
    live: bool  # staff reading a draft or a correction, not what was published
    counts: dict[Light, int]
    below_target: int
    unreviewed: int
    measures: int
    budget_thousands: int
    execution: Decimal | None  # budget-weighted 執行率 as the report prints it, percent
    cards: tuple[MeasureCard, ...] = ()

    @property
    def department(self) -> Agency:
        return self.report.department


def tally(data: ReportData, legend: Legend) -> tuple[dict[Light, int], int, int, int]:
    """Counts by light, below target, unreviewed and measures of a report: the scorecard's rule
    (``light_of`` at the year's end, reviewed unless yellow or red without a review) without
    building its rows, for pages that count thousands of measures."""
    as_of = rules.year_end(data.year)
    counts = dict.fromkeys(Light, 0)
    below = unreviewed = total = 0
    for plan in data.plans:
        for indicator in plan.indicators:
            for measure in indicator.measures:
                light = light_of(measure, legend, as_of=as_of)
                counts[light] += 1
                total += 1
                if light is Light.YELLOW or light is Light.RED:
                    below += 1
                    if measure.review is None:
                        unreviewed += 1
    return counts, below, unreviewed, total


# --- the scorecard's lights, counted in the database -----------------------------------------
#
# The national view counts the lights of some 11,000 measures; reading them into Python took
# most of its time (docs/benchmarks.md). The database counts them instead, with ``light_of``'s
# rule restated exactly (decision 0077): ``achievement_percent`` rounds actual ÷ target × 100
# half up to one decimal, so with both in whole cents (a, t) and a threshold T percent,
#     percent ≥ T  ⟺  round_half_up(1000·a/t) ≥ ⌈10·T⌉  ⟺  2000·a ≥ (2·⌈10·T⌉ − 1)·t,
# a comparison of integers: no division, no rounding, the same on SQLite (which stores the
# decimals as REAL, hence the cents rounded first) and PostgreSQL (numeric).
# tests/performance/test_overview_sql_lights.py checks it against light_of measure by measure.

# The path from a measure to what its light depends on besides itself.
_JURISDICTION = "indicator__plan__department__jurisdiction_id"
_CENTS = DecimalField(max_digits=30, decimal_places=0)


def _cents(name: str) -> Cast:
    # ROUND before CAST: SQLite holds 12.34 as the REAL 12.339999…; PostgreSQL's numeric is exact.
    return Cast(Round(F(name) * Value(100)), _CENTS)


def _factor(threshold: Decimal) -> int:
    """2·⌈10·T⌉ − 1: the factor of the target's cents in the comparison above."""
    return 2 * math.ceil(threshold * 10) - 1


def _factor_case(
    legends: dict[int, Legend], attribute: str, jurisdictions: dict[int, int] | None
) -> Case | Value:
    """The factor of each measure's jurisdiction: its legend's, else the default legend's. With
    ``jurisdictions`` (each department's jurisdiction, by department id) the measure's own copy
    of its plan's department names it, without a join (decision 0090)."""
    default = Value(_factor(getattr(Legend(), attribute)), output_field=BigIntegerField())
    if not legends:
        return default

    def of(jurisdiction_id: int) -> Q:
        if jurisdictions is None:
            return Q(**{_JURISDICTION: jurisdiction_id})
        departments = sorted(d for d, j in jurisdictions.items() if j == jurisdiction_id)
        return Q(plan_department_id__in=departments)

    return Case(
        *(
            When(of(jurisdiction_id), then=Value(_factor(getattr(legend, attribute))))
            for jurisdiction_id, legend in sorted(legends.items())
        ),
        default=default,
        output_field=BigIntegerField(),
    )


def light_expression(
    legends: dict[int, Legend],
    *,
    as_of: datetime.date,
    jurisdictions: dict[int, int] | None = None,
) -> Case:
    """``scorecard.light_of`` as a SQL expression over ``Measure`` rows: the light's value
    (``"green"``…) under the legend of the measure's jurisdiction (``legends`` by jurisdiction
    id, the default legend for the others), milestones judged on ``as_of``. ``jurisdictions``
    (department id → jurisdiction id, covering the measures' departments) spares the join to
    the measure's jurisdiction."""
    milestone = Q(kind=MeasureKind.MILESTONE)
    actual, target = _cents("actual"), _cents("target")
    reached = Value(2000) * actual

    def light(value: Light) -> Value:
        return Value(value.value)

    return Case(
        When(milestone & Q(due__isnull=True), then=light(Light.WHITE)),
        When(milestone & Q(done__isnull=False, done__lte=F("due")), then=light(Light.GREEN)),
        When(milestone & Q(done__isnull=False), then=light(Light.YELLOW)),
        When(milestone & Q(due__lt=as_of), then=light(Light.RED)),
        When(milestone, then=light(Light.WHITE)),
        # achievement_percent is None: not a number, no actual, or no (or a zero) target.
        When(
            ~Q(kind=MeasureKind.NUMERIC)
            | Q(actual__isnull=True)
            | Q(target__isnull=True)
            | Q(target__lte=0),
            then=light(Light.WHITE),
        ),
        When(
            GreaterThanOrEqual(reached, _factor_case(legends, "green_at", jurisdictions) * target),
            then=light(Light.GREEN),
        ),
        When(
            GreaterThanOrEqual(reached, _factor_case(legends, "yellow_at", jurisdictions) * target),
            then=light(Light.YELLOW),
        ),
        default=light(Light.RED),
        output_field=CharField(),
    )


def measure_lights(
    measures: QuerySet[Measure], legends: dict[int, Legend], *, as_of: datetime.date
) -> QuerySet[Measure]:
    """``measures`` with each one's light annotated as ``light`` (see ``light_expression``)."""
    return measures.annotate(light=light_expression(legends, as_of=as_of))


Tally = tuple[dict[Light, int], int, int, int]


def tallies_in_sql(
    jurisdictions: dict[int, int], year: int, legends: dict[int, Legend]
) -> dict[int, Tally]:
    """``tally`` of each department's plans of Gregorian ``year`` (``jurisdictions``: each
    department's jurisdiction, by department id), counted by the database in one query (a row
    per department and light, not per measure). A department without measures has no entry.

    The measures are found by their own copies of the plan's year and department
    (``measure_lights_by_year``, decision 0090), not by joining plans and indicators."""
    measures = Measure.objects.filter(plan_year=year, plan_department_id__in=sorted(jurisdictions))
    light = light_expression(legends, as_of=rules.year_end(year), jurisdictions=jurisdictions)
    # Grouped by the light, the light's expression is worked out once per measure; counting
    # each light with its own FILTER worked it out four times (issue 14's national view).
    rows = (
        measures.annotate(light=light)
        .order_by()
        .values("plan_department_id", "light")
        .annotate(
            measures=Count("pk"),
            unreviewed=Count("pk", filter=Q(shortfall_review__isnull=True)),
        )
        .values_list("plan_department_id", "light", "measures", "unreviewed")
    )
    counts: dict[int, dict[Light, int]] = {}
    unreviewed: dict[int, int] = defaultdict(int)
    for copied_department, light, number, without_review in rows:
        department_id = cast(int, copied_department)  # never NULL: filtered on it
        if department_id not in counts:
            counts[department_id] = dict.fromkeys(Light, 0)
        counts[department_id][Light(light)] = number
        if light in (Light.YELLOW, Light.RED):
            unreviewed[department_id] += without_review
    tallies: dict[int, Tally] = {}
    for department_id, by_light in counts.items():
        below = by_light[Light.YELLOW] + by_light[Light.RED]
        tallies[department_id] = (
            by_light,
            below,
            unreviewed[department_id],
            sum(by_light.values()),
        )
    return tallies


@dataclass(slots=True)
class Totals:
    """Sums over report lines: counts by light, budget, 執行率, shortfalls."""

    reports: int = 0
    measures: int = 0
    budget_thousands: int = 0
    counts: dict[Light, int] = field(default_factory=lambda: dict.fromkeys(Light, 0))
    below_target: int = 0
    unreviewed: int = 0
    _weighted: Decimal = Decimal(0)
    _weight: int = 0

    def add(self, line: ReportLine) -> None:
        self.reports += 1
        self.measures += line.measures
        self.budget_thousands += line.budget_thousands
        for light, n in line.counts.items():
            self.counts[light] += n
        self.below_target += line.below_target
        self.unreviewed += line.unreviewed
        if line.execution is not None:
            self._weighted += line.execution * line.budget_thousands
            self._weight += line.budget_thousands

    @property
    def execution(self) -> Decimal | None:
        """The budget-weighted 執行率 of the lines that have one."""
        if not self._weight:
            return None
        return self._weighted / self._weight

    @property
    def green_share(self) -> Decimal | None:
        """Share of measures with a green light, percent (what the national view sorts by)."""
        judged = self.measures - self.counts[Light.WHITE]
        return Decimal(self.counts[Light.GREEN]) * 100 / judged if judged else None


def totals_of(lines: Iterable[ReportLine]) -> Totals:
    totals = Totals()
    for line in lines:
        totals.add(line)
    return totals


def execution_of(data: ReportData) -> Decimal | None:
    """The report's 執行率: each plan's printed rate weighted by its budget (plans without a
    rate or a budget left out), so a large plan counts for more than a small one."""
    weighted = Decimal(0)
    weight = 0
    for plan in data.plans:
        rate = rules.shown_rate(data, plan)
        if rate is None or plan.budget_thousands <= 0:
            continue
        weighted += rate * plan.budget_thousands
        weight += plan.budget_thousands
    return weighted / weight if weight else None


# --- reading many reports at once ----------------------------------------------------------


def _visible(
    reports: Iterable[PerformanceReport], sees_drafts: SeesDrafts
) -> list[tuple[PerformanceReport, bool]]:
    """Each report the reader may see, with whether it is read live (staff, not published)."""
    shown = []
    staff: dict[int, bool] = {}
    for report in reports:
        if report.department_id not in staff:
            staff[report.department_id] = sees_drafts(report.department)
        is_staff = staff[report.department_id]
        if is_staff and report.status != ReportStatus.PUBLISHED:
            shown.append((report, True))
        elif report.status in PUBLIC_STATUSES:
            shown.append((report, False))
    return shown


def _latest_revisions(report_ids: list[int]) -> dict[int, tuple[int, str]]:
    """The last revision of each report: (its id, the 執行率 method it was published with)."""
    if not report_ids:
        return {}
    last = (
        ReportRevision.objects.filter(report=OuterRef("report"))
        .order_by("-number")
        .values("number")[:1]
    )
    rows = (
        ReportRevision.objects.filter(report_id__in=report_ids, number=Subquery(last))
        .order_by()
        .values_list("report_id", "pk", "rate_method")
    )
    return {report_id: (pk, method or RateMethod.REPORTED) for report_id, pk, method in rows}


def _from_tables(
    reports: list[PerformanceReport],
    year: int,
    rate_methods: dict[int, str],
    *,
    with_measures: bool = True,
) -> dict[int, ReportData]:
    """The report models of ``reports`` (all of one Gregorian ``year``) from the tables, in two
    queries whatever their number: plans, and measures with their indicator and whether they
    have a review. For counting: the texts of indicators and reviews are left empty (an
    indicator without measures is left out; it has nothing to count). Without
    ``with_measures``, one query: the plans alone, for budget and a 執行率 that does not come
    from the measures (their lights are then counted by ``tallies_in_sql``)."""
    if not reports:
        return {}
    departments = [r.department_id for r in reports]
    # order_by(): the models' default orderings join the agency and sort every row.
    plan_rows = (
        Plan.objects.filter(department_id__in=departments, year=year)
        .order_by()
        .values_list(
            "pk",
            "department_id",
            "number",
            "name",
            "budget_thousands",
            "control_code",
            "control_note",
            "reported_rate",
            "executed_thousands",
        )
    )
    source = (
        Measure.objects.filter(
            indicator__plan__department_id__in=departments, indicator__plan__year=year
        ).order_by()
        if with_measures
        else Measure.objects.none()
    )
    measure_rows = source.values_list(
        "pk",
        "indicator_id",
        "indicator__number",
        "indicator__plan_id",
        "position",
        "label",
        "kind",
        "target",
        "actual",
        "unit",
        "actual_unit",
        "due",
        "done",
        "shortfall_review__id",
    )
    measures: dict[int, list[MeasureData]] = defaultdict(list)
    indicator_keys: dict[int, tuple[int, int]] = {}
    for (
        pk,
        ind,
        number,
        plan_id,
        pos,
        label,
        kind,
        target,
        actual,
        unit,
        aunit,
        due,
        done,
        rid,
    ) in measure_rows:
        indicator_keys[ind] = (plan_id, number)
        measures[ind].append(
            MeasureData(
                id=pk,
                position=pos,
                label=label,
                kind=kind,
                target=target,
                actual=actual,
                unit=unit,
                actual_unit=aunit,
                due=due,
                done=done,
                review=_REVIEWED if rid is not None else None,
            )
        )
    indicators: dict[int, list[IndicatorData]] = defaultdict(list)
    for pk, (plan_id, number) in indicator_keys.items():
        indicators[plan_id].append(
            IndicatorData(
                id=pk,
                number=number,
                text="",
                standard_text="",
                achievement_text="",
                measures=tuple(sorted(measures[pk], key=lambda m: m.position)),
            )
        )
    plans: dict[int, list[PlanData]] = defaultdict(list)
    for pk, dept, number, name, budget, code, note, rate, executed in plan_rows:
        plans[dept].append(
            PlanData(
                id=pk,
                number=number,
                name=name,
                budget_thousands=budget,
                control_code=code,
                control_note=note,
                reported_rate=rate,
                executed_thousands=executed,
                indicators=tuple(sorted(indicators[pk], key=lambda i: i.number)),
            )
        )
    return {
        r.pk: ReportData(
            id=r.pk,
            department_slug=r.department.slug,
            department_name=r.department.name,
            jurisdiction_name=r.department.jurisdiction.name,
            year=year,
            title=r.title,
            preface="",
            status=r.status,
            rate_method=rate_methods.get(r.pk, RateMethod.REPORTED),
            plans=tuple(sorted(plans[r.department_id], key=lambda p: p.number)),
        )
        for r in reports
    }


# A review's presence is what an overview counts; its words are on the report page.
_REVIEWED = ReviewData(reason="", improvement="")


def _legends(jurisdiction_ids: set[int]) -> dict[int, Legend]:
    return {
        row.jurisdiction_id: Legend(green_at=row.green_at, yellow_at=row.yellow_at)
        for row in LightLegend.objects.filter(jurisdiction_id__in=jurisdiction_ids)
    }


# The 執行率 methods that need the plans' or measures' rows in Python.
_ROW_METHODS = frozenset({RateMethod.MEASURES, RateMethod.BUDGET})


def plan_sums_in_sql(
    department_ids: Iterable[int], year: int
) -> dict[int, tuple[int, Decimal | None]]:
    """Each department's budget (千元) of Gregorian ``year`` and its 執行率 under the reported
    method, ``execution_of``'s budget-weighted mean, in one query (a row per department). Exact:
    the rates (two decimals) are summed as whole hundredths × budget, integers on both
    databases, and divided once in Python as ``execution_of`` does."""
    rated = Q(reported_rate__isnull=False, budget_thousands__gt=0)
    rate_cents = Cast(Round(F("reported_rate") * Value(100)), BigIntegerField())
    rows = (
        Plan.objects.filter(department_id__in=list(department_ids), year=year)
        .order_by()
        .values("department_id")
        .annotate(
            budget=Sum("budget_thousands"),
            weighted=Sum(rate_cents * F("budget_thousands"), filter=rated),
            weight=Sum("budget_thousands", filter=rated),
        )
        .values_list("department_id", "budget", "weighted", "weight")
    )
    return {
        department_id: (
            int(budget or 0),
            Decimal(weighted) / 100 / weight if weight else None,
        )
        for department_id, budget, weighted, weight in rows
    }


def report_lines(
    reports: Iterable[PerformanceReport],
    *,
    year: int,
    sees_drafts: SeesDrafts = _nobody,
    with_cards: bool = False,
) -> list[ReportLine]:
    """The overview line of each report the reader may see, all of Gregorian ``year``: at most
    nine queries besides ``reports`` itself (which should select department and jurisdiction),
    whatever their number; four when every report uses the reported 執行率 and none is being
    corrected."""
    shown = _visible(reports, sees_drafts)
    if not shown:
        return []
    published = [r.pk for r, live in shown if not live]
    latest = _latest_revisions(published)
    # A report being corrected shows the public its last revision; the others are read from
    # the tables: drafts and corrections for staff, and published reports, which cannot change.
    from_json = {r.pk for r, live in shown if not live and r.status != ReportStatus.PUBLISHED}
    live_ids = {r.department_id for r, live in shown if live}
    settings = (
        dict(
            DepartmentSettings.objects.filter(department_id__in=live_ids).values_list(
                "department_id", "rate_method"
            )
        )
        if live_ids
        else {}
    )
    methods = {
        r.pk: settings.get(r.department_id, RateMethod.REPORTED)
        if live
        else latest.get(r.pk, (0, RateMethod.REPORTED))[1]
        for r, live in shown
    }
    tables = [r for r, _live in shown if r.pk not in from_json]
    legends = _legends({r.department.jurisdiction_id for r, _live in shown})
    counted: dict[int, Tally] = {}
    sums: dict[int, tuple[int, Decimal | None]] = {}
    if with_cards:
        data = _from_tables(tables, year, methods)
    else:
        # The lights of the reports read from the tables are counted by the database; only a
        # 執行率 computed from the measures still needs them in Python.
        # 執行率 from the measures or the budget still reads rows; the reported rate (the usual
        # method) is summed by the database too.
        by_measures = [r for r in tables if methods[r.pk] == RateMethod.MEASURES]
        by_budget = [r for r in tables if methods[r.pk] == RateMethod.BUDGET]
        by_reported = [r for r in tables if methods[r.pk] not in _ROW_METHODS]
        data = _from_tables(by_measures, year, methods)
        data.update(_from_tables(by_budget, year, methods, with_measures=False))
        if by_reported:
            summed = plan_sums_in_sql({r.department_id for r in by_reported}, year)
            sums = {r.pk: summed.get(r.department_id, (0, None)) for r in by_reported}
        by_plans = by_budget + by_reported
        if by_plans:
            tallied = tallies_in_sql(
                {r.department_id: r.department.jurisdiction_id for r in by_plans}, year, legends
            )
            empty: Tally = (dict.fromkeys(Light, 0), 0, 0, 0)
            counted = {r.pk: tallied.get(r.department_id, empty) for r in by_plans}
    if from_json:
        kept = (
            ReportRevision.objects.filter(
                pk__in=[latest[pk][0] for pk in from_json if pk in latest]
            )
            .order_by()
            .values_list("report_id", "data")
        )
        data.update({report_id: revisions.load(raw) for report_id, raw in kept})
    lines = []
    for report, live in shown:
        if report.pk in sums:
            budget, execution = sums[report.pk]
            counts, below, unreviewed, total = counted[report.pk]
            lines.append(
                ReportLine(
                    report=report,
                    live=live,
                    counts=counts,
                    below_target=below,
                    unreviewed=unreviewed,
                    measures=total,
                    budget_thousands=budget,
                    execution=execution,
                )
            )
            continue
        if report.pk not in data:
            continue  # published before revisions were kept and not backfilled yet
        report_model = data[report.pk]
        legend = legends.get(report.department.jurisdiction_id) or Legend()
        if with_cards:
            card = scorecard(report_model, legend=legend)
            counts, cards = card.counts, card.cards
            below, unreviewed, total = len(card.below_target), len(card.unreviewed), len(cards)
        elif report.pk in counted:
            counts, below, unreviewed, total = counted[report.pk]
            cards = ()
        else:
            counts, below, unreviewed, total = tally(report_model, legend)
            cards = ()
        lines.append(
            ReportLine(
                report=report,
                live=live,
                counts=counts,
                below_target=below,
                unreviewed=unreviewed,
                measures=total,
                budget_thousands=sum(p.budget_thousands for p in report_model.plans),
                execution=execution_of(report_model),
                cards=cards,
            )
        )
    return lines


# --- the three overviews ---------------------------------------------------------------------


def jurisdiction_get(*, slug: str) -> Jurisdiction:
    """The jurisdiction called ``slug``; NotFound names it otherwise."""
    jurisdiction = Jurisdiction.objects.filter(slug=slug).first()
    if jurisdiction is None:
        raise NotFound(_("找不到縣市「%(slug)s」。") % {"slug": slug})
    return jurisdiction


def _reports_of_year(roc_year: int) -> Any:
    return (
        PerformanceReport.objects.filter(year=from_roc_year(roc_year))
        .select_related("department__jurisdiction")
        # Only what the lines and their pages read: the national view builds 440 of each.
        .only(
            "department_id",
            "year",
            "title",
            "status",
            "department__slug",
            "department__name",
            "department__label",
            "department__jurisdiction_id",
            "department__parent_id",
            "department__jurisdiction__slug",
            "department__jurisdiction__name",
        )
        .order_by("department__jurisdiction__slug", "department__label")
    )


@dataclass(frozen=True, slots=True)
class CityYear:
    """The city view: every department's report of one year."""

    jurisdiction: Jurisdiction
    roc_year: int
    lines: list[ReportLine]
    totals: Totals
    years: list[int]  # ROC years with a report the reader may see, newest first


def city_year(
    *, jurisdiction: Jurisdiction, roc_year: int, sees_drafts: SeesDrafts = _nobody
) -> CityYear:
    """Every department's report of ``jurisdiction`` for ROC ``roc_year`` the reader may see."""
    reports = list(_reports_of_year(roc_year).filter(department__jurisdiction=jurisdiction))
    lines = report_lines(reports, year=from_roc_year(roc_year), sees_drafts=sees_drafts)
    return CityYear(
        jurisdiction=jurisdiction,
        roc_year=roc_year,
        lines=lines,
        totals=totals_of(lines),
        years=years_with_reports(jurisdiction=jurisdiction),
    )


def years_with_reports(*, jurisdiction: Jurisdiction | None = None) -> list[int]:
    """ROC years that have a public report (in ``jurisdiction``, or anywhere), newest first."""
    reports = PerformanceReport.objects.published()
    if jurisdiction is not None:
        reports = reports.filter(department__jurisdiction=jurisdiction)
    years = reports.values_list("year", flat=True).distinct().order_by("-year")
    return [y - 1911 for y in years]


@dataclass(frozen=True, slots=True)
class CityTotals:
    """One row of the national view."""

    jurisdiction: Jurisdiction
    totals: Totals


@dataclass(frozen=True, slots=True)
class NationalYear:
    """The national view: every jurisdiction's totals of one year, and the country's."""

    roc_year: int
    cities: list[CityTotals]
    totals: Totals
    years: list[int]


def national_year(*, roc_year: int, sees_drafts: SeesDrafts = _nobody) -> NationalYear:
    """Counts by light, budget, 執行率 and shortfalls per jurisdiction for ROC ``roc_year``."""
    lines = report_lines(
        list(_reports_of_year(roc_year)), year=from_roc_year(roc_year), sees_drafts=sees_drafts
    )
    by_city: dict[int, Totals] = {}
    cities: dict[int, Jurisdiction] = {}
    for line in lines:
        jurisdiction = line.department.jurisdiction
        cities[jurisdiction.pk] = jurisdiction
        by_city.setdefault(jurisdiction.pk, Totals()).add(line)
    return NationalYear(
        roc_year=roc_year,
        cities=[
            CityTotals(cities[pk], by_city[pk])
            for pk in sorted(cities, key=lambda pk: cities[pk].slug)
        ],
        totals=totals_of(lines),
        years=years_with_reports(),
    )


def shared_codes(*, roc_year: int) -> list[tuple[str, str, int]]:
    """Indicator codes that the series of several jurisdictions share, with a name (the lowest
    series name in the database's order: code points on SQLite and under PostgreSQL's C
    collation) and how many jurisdictions: grouped by the database over the series, so a row
    per code comes back (about 600 in the synthetic country, not 16,000 series); the comparison
    page says when a year has no value. ``roc_year`` is kept for the links' sake."""
    rows = (
        IndicatorSeries.objects.filter(code__gt="")
        .order_by()
        .values("code")
        .annotate(first=Min("name"), cities=Count("department__jurisdiction_id", distinct=True))
        .filter(cities__gt=1)
        .values_list("code", "first", "cities")
    )
    return sorted(((code, name, n) for code, name, n in rows), key=lambda row: row[0])


@dataclass(frozen=True, slots=True)
class CityMeasure:
    """One jurisdiction's value of a compared indicator."""

    jurisdiction: Jurisdiction
    report: PerformanceReport
    card: MeasureCard

    @property
    def department(self) -> Agency:
        return self.report.department


@dataclass(frozen=True, slots=True)
class IndicatorComparison:
    """The same indicator (one series code) across jurisdictions in one year."""

    code: str
    roc_year: int
    name: str
    rows: list[CityMeasure]
    years: list[int]


def indicator_comparison(
    *, code: str, roc_year: int, sees_drafts: SeesDrafts = _nobody
) -> IndicatorComparison:
    """Every visible report's measure of indicator code ``code`` in ROC ``roc_year``, one row
    per jurisdiction and measure, best achievement first; NotFound for an unknown code."""
    year = from_roc_year(roc_year)
    series = list(
        Indicator.objects.filter(series__code=code, plan__year=year)
        .order_by()
        .values_list("pk", "plan__department_id", "series__name")
    )
    if not series:
        exists = Indicator.objects.filter(series__code=code).exists()
        if not exists:
            raise NotFound(_("找不到指標代碼「%(code)s」。") % {"code": code})
    indicator_ids = {pk for pk, _d, _n in series}
    departments = {d for _pk, d, _n in series}
    reports = list(_reports_of_year(roc_year).filter(department_id__in=departments))
    lines = report_lines(reports, year=year, sees_drafts=sees_drafts, with_cards=True)
    rows = [
        CityMeasure(jurisdiction=line.department.jurisdiction, report=line.report, card=card)
        for line in lines
        for card in line.cards
        if card.indicator.id in indicator_ids
    ]
    rows.sort(
        key=lambda r: (
            -(r.card.achievement if r.card.achievement is not None else Decimal(-1)),
            r.jurisdiction.slug,
        )
    )
    name = min((n for _pk, _d, n in series), default=code)
    years = sorted(
        {
            y - 1911
            for y in Indicator.objects.filter(series__code=code)
            .order_by()
            .values_list("plan__year", flat=True)
            .distinct()
        },
        reverse=True,
    )
    return IndicatorComparison(code=code, roc_year=roc_year, name=name, rows=rows, years=years)


def _max_year() -> int | None:
    """The newest Gregorian year with a public report (for links to 'this year')."""
    year: int | None = PerformanceReport.objects.published().aggregate(y=Max("year"))["y"]
    return year


def latest_public_year() -> int | None:
    """The newest ROC year with a public report, or None."""
    year = _max_year()
    return year - 1911 if year else None


@dataclass(frozen=True, slots=True)
class CityYears:
    """A jurisdiction's public years, for the index: (ROC year, number of public reports)."""

    jurisdiction: Jurisdiction
    years: list[tuple[int, int]]


def published_years() -> list[CityYears]:
    """Every jurisdiction with a public report and its years, newest first: one query."""
    rows = (
        PerformanceReport.objects.published()
        .order_by()
        .values_list(
            "department__jurisdiction_id",
            "department__jurisdiction__slug",
            "department__jurisdiction__name",
            "year",
        )
        .annotate(n=Count("id"))
    )
    years: dict[int, list[tuple[int, int]]] = defaultdict(list)
    places: dict[int, Jurisdiction] = {}
    for jurisdiction_id, slug, name, year, n in rows:
        places[jurisdiction_id] = Jurisdiction(pk=jurisdiction_id, slug=slug, name=name)
        years[jurisdiction_id].append((year - 1911, n))
    return [
        CityYears(place, sorted(years[place.pk], reverse=True))
        for place in sorted(places.values(), key=lambda p: p.slug)
    ]
