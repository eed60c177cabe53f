"""Writes to performance plans and reports. Each one is validated and audited."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from guankao.core import page_cache
from guankao.core.models import Agency, AuditEntry
from guankao.core.permissions import Action, ensure_can
from guankao.core.services import (
    Actor,
    audit_entry,
    audit_record,
    check_new,
    delete_except,
    insert_many,
    model_update,
    upsert,
)
from guankao.performance import document as performance_document
from guankao.performance import revisions, rules, selectors
from guankao.performance.exceptions import (
    InvalidInput,
    InvalidTransition,
    NotFound,
    PlanRowInvalid,
    ReportLocked,
    ReportNotReady,
)
from guankao.performance.models import (
    ControlCode,
    DepartmentSettings,
    Indicator,
    IndicatorSeries,
    KeyAchievement,
    Measure,
    MeasureKind,
    PerformanceReport,
    Plan,
    RateMethod,
    ReportRevision,
    ReportRevisionFile,
    ReportStatus,
    ShortfallReview,
)
from guankao.performance.rows import PlanRow
from guankao.performance.state import TRANSITIONS, Transition
from guankao.tw import to_roc_year

M = TypeVar("M", bound=models.Model)

# The cache generation of the public report pages and downloads (views/public.py, decision
# 0085): moved in the transaction of every status change and every revision published.
PUBLISHED_PAGES = "published"


Owned = Agency | Plan | Indicator | Measure | PerformanceReport


def _department_of(obj: Owned) -> Agency:
    if isinstance(obj, Agency):
        return obj
    if isinstance(obj, Measure):
        return obj.indicator.plan.department
    if isinstance(obj, Indicator):
        return obj.plan.department
    return obj.department


def _ensure_can_edit(actor: Actor, obj: Owned) -> None:
    """The role matrix's ``data.edit`` over the department that owns ``obj`` (decision 0043);
    the system (``None``: the seed loader, commands) passes without reading the department."""
    if actor is not None:
        ensure_can(actor, Action.DATA_EDIT, _department_of(obj))


@transaction.atomic
def plan_upsert(
    *,
    department: Agency,
    year: int,
    number: int,
    name: str,
    budget_thousands: int,
    control_code: int,
    control_note: str,
    reported_rate: Decimal | None,
    actor: Actor,
) -> Plan:
    """Create or update plan ``number`` of ``department`` for the Gregorian ``year``."""
    _ensure_can_edit(actor, department)
    plan = upsert(
        model=Plan,
        lookup={"department": department, "year": year, "number": number},
        data={
            "name": name,
            "budget_thousands": budget_thousands,
            "control_code": control_code,
            "control_note": control_note,
            "reported_rate": reported_rate,
        },
        actor=actor,
    )
    plan.department = department  # known already: checks of its indicators need not read it
    return plan


@transaction.atomic
def indicator_upsert(
    *,
    plan: Plan,
    number: int,
    text: str,
    standard_text: str,
    achievement_text: str,
    actor: Actor,
) -> Indicator:
    """Create or update indicator ``number`` of ``plan`` with the texts as written."""
    _ensure_can_edit(actor, plan)
    indicator = upsert(
        model=Indicator,
        lookup={"plan": plan, "number": number},
        data={"text": text, "standard_text": standard_text, "achievement_text": achievement_text},
        actor=actor,
    )
    indicator.plan = plan
    return indicator


@transaction.atomic
def measure_upsert(
    *,
    indicator: Indicator,
    position: int,
    label: str,
    kind: str,
    target: Decimal | None = None,
    actual: Decimal | None = None,
    unit: str = "",
    actual_unit: str = "",
    due: datetime.date | None = None,
    done: datetime.date | None = None,
    actor: Actor,
) -> Measure:
    """Create or update the measure at ``position`` of ``indicator``."""
    _ensure_can_edit(actor, indicator)
    measure = upsert(
        model=Measure,
        lookup={"indicator": indicator, "position": position},
        data={
            "label": label,
            "kind": kind,
            "target": target,
            "actual": actual,
            "unit": unit,
            "actual_unit": actual_unit,
            "due": due,
            "done": done,
        },
        actor=actor,
    )
    measure.indicator = indicator
    return measure


_RELATED = ["department", "plan", "indicator"]


@contextmanager
def _naming(plan: int, indicator: int | None = None) -> Iterator[None]:
    """Raise a row's ``ValidationError`` (or ``ValueError``) as ``PlanRowInvalid`` naming it."""
    try:
        yield
    except PlanRowInvalid:
        raise
    except ValidationError as problem:
        raise PlanRowInvalid(problem, plan, indicator) from None
    except ValueError as problem:
        raise PlanRowInvalid(ValidationError(str(problem)), plan, indicator) from None


def _checked(rows: Sequence[M], plan: int, indicator: int | None = None) -> Sequence[M]:
    """``check_new`` on new rows, so that an error names its plan and indicator."""
    for row in rows:
        with _naming(plan, indicator):
            check_new(row, related=_RELATED)
    return rows


@transaction.atomic
def plans_create(
    *, department: Agency, year: int, plans: Sequence[PlanRow], actor: Actor
) -> list[Plan]:
    """Add new plans of ``department`` for the Gregorian ``year``, with their indicators and
    measures, in a few queries per level; each row audited as ``plan_upsert`` and the others
    audit a new one. For imports: one service call per row took 14 s for 200 plans.

    Raises ``PlanRowInvalid`` (a ``ValidationError``) when a row breaks a rule or a plan
    number is taken; nothing is written then.
    """
    _ensure_can_edit(actor, department)
    taken = set(
        Plan.objects.filter(department=department, year=year).values_list("number", flat=True)
    )
    for row in plans:
        if (
            row.number in taken
            or row.number < 1
            or len({i.number for i in row.indicators}) < len(row.indicators)
            or any(i.number < 1 for i in row.indicators)
        ):
            # The unique and check constraints, checked here without a query per row.
            raise PlanRowInvalid(ValidationError(_("計畫或指標編號重複或無效。")), row.number)
        taken.add(row.number)
    new_plans = [
        Plan(department=department, year=year, number=row.number, **row.data()) for row in plans
    ]
    for row, plan in zip(plans, new_plans, strict=True):
        _checked([plan], row.number)
    created = insert_many(instances=new_plans, actor=actor)
    indicators: list[Indicator] = []
    for row, plan in zip(plans, created, strict=True):
        indicators += _checked(
            [Indicator(plan=plan, number=i.number, **i.data()) for i in row.indicators],
            row.number,
        )
    indicators = insert_many(instances=indicators, actor=actor)
    indicator_rows = [(row.number, i) for row in plans for i in row.indicators]
    measures: list[Measure] = []
    for (plan_number, indicator_row), indicator in zip(indicator_rows, indicators, strict=True):
        measures += _checked(
            [
                Measure(indicator=indicator, position=position, **m.data())
                for position, m in enumerate(indicator_row.measures, start=1)
            ],
            plan_number,
            indicator_row.number,
        )
    insert_many(instances=measures, actor=actor)
    return created


def _unchanged(instance: models.Model, data: dict[str, Any]) -> bool:
    """Whether saving ``data`` would change nothing (the comparison ``model_update`` makes)."""
    return all(getattr(instance, name) == value for name, value in data.items())


def _delete_missing(
    *,
    queryset: models.QuerySet[M],
    old: Iterable[M],
    kept: set[int],
    lock: PerformanceReport | None,
    actor: Actor,
) -> None:
    """``delete_except`` on ``queryset``, skipped when none of its ``old`` rows is gone."""
    if {row.pk for row in old} - kept:
        _refuse_writes(lock)
        delete_except(queryset=queryset, keep=kept, actor=actor)


def _plan_replace(
    *,
    department: Agency,
    year: int,
    plan: Plan,
    row: PlanRow,
    lock: PerformanceReport | None,
    actor: Actor,
) -> Plan:
    """Bring ``plan`` (read with its indicators and measures) up to ``row``; ``lock`` is the
    year's report when it is final or published, refused as soon as a row would change."""
    old_indicators = {i.number: i for i in plan.indicators.all()}
    if not _unchanged(plan, row.data()):
        _refuse_writes(lock)
        with _naming(row.number):
            plan = plan_upsert(
                department=department, year=year, number=row.number, actor=actor, **row.data()
            )
    kept_indicators: set[int] = set()
    for indicator_row in row.indicators:
        old = old_indicators.get(indicator_row.number)
        indicator = old
        with _naming(row.number, indicator_row.number):
            if indicator is None or not _unchanged(indicator, indicator_row.data()):
                _refuse_writes(lock)
                indicator = indicator_upsert(
                    plan=plan, number=indicator_row.number, actor=actor, **indicator_row.data()
                )
            old_measures = {m.position: m for m in old.measures.all()} if old else {}
            kept_measures: set[int] = set()
            for position, measure_row in enumerate(indicator_row.measures, start=1):
                measure = old_measures.get(position)
                if measure is None or not _unchanged(measure, measure_row.data()):
                    _refuse_writes(lock)
                    measure = measure_upsert(
                        indicator=indicator, position=position, actor=actor, **measure_row.data()
                    )
                kept_measures.add(measure.pk)
        kept_indicators.add(indicator.pk)
        _delete_missing(
            queryset=indicator.measures.all(),
            old=old_measures.values(),
            kept=kept_measures,
            lock=lock,
            actor=actor,
        )
    _delete_missing(
        queryset=plan.indicators.all(),
        old=old_indicators.values(),
        kept=kept_indicators,
        lock=lock,
        actor=actor,
    )
    return plan


@transaction.atomic
def plans_replace(
    *, department: Agency, year: int, plans: Sequence[PlanRow], actor: Actor
) -> list[Plan]:
    """Make ``plans`` the plans of ``department`` for the Gregorian ``year``, with their
    indicators and measures: what differs is updated, new plans are added in bulk
    (``plans_create``), and plans, indicators and measures no longer listed are deleted. Each
    write is audited and a row that would not change is not written, so the same rows again
    write nothing. The seed data file and imports both write through here.

    Returns the plans by number. Raises ``PlanRowInvalid`` (a ``ValidationError``) naming the
    plan and indicator of a row that breaks a rule, and ``ReportLocked`` when the year's report
    is final or published and a row would change it; nothing is written then.
    """
    _ensure_can_edit(actor, department)
    lock = _locking_report(department, year)
    # What the year holds already, read in three queries: rows that would not change are not
    # written (nor looked up again), so loading the same rows or a corrected file stays quick.
    existing = {
        plan.number: plan
        for plan in Plan.objects.filter(department=department, year=year).prefetch_related(
            "indicators__measures"
        )
    }
    # New indicators continue last year's series when they measure the same thing.
    adds_indicators = any(row.number not in existing for row in plans) or any(
        indicator.number not in {i.number for i in existing[row.number].indicators.all()}
        for row in plans
        if row.number in existing
        for indicator in row.indicators
    )
    kept = [
        _plan_replace(
            department=department,
            year=year,
            plan=existing[row.number],
            row=row,
            lock=lock,
            actor=actor,
        )
        for row in plans
        if row.number in existing
    ]
    new_rows = [row for row in plans if row.number not in existing]
    if new_rows:
        _refuse_writes(lock)
        kept += plans_create(department=department, year=year, plans=new_rows, actor=actor)
    kept.sort(key=lambda plan: plan.number)
    _delete_missing(
        queryset=Plan.objects.filter(department=department, year=year),
        old=existing.values(),
        kept={plan.pk for plan in kept},
        lock=lock,
        actor=actor,
    )
    if adds_indicators:
        series_link(department=department, year=year, actor=actor)
    return kept


def _series_key(text: str) -> str:
    return "".join(text.split())


@transaction.atomic
def series_link(*, department: Agency, year: int, actor: Actor) -> int:
    """Link each indicator of ``department``'s Gregorian ``year`` that has no series to last
    year's indicator that measures the same thing: the same plan name and indicator text
    (whitespace ignored), else the same indicator text if only one indicator had it. A match
    without a series gets one, named by its text. Returns how many were linked; staff correct
    a link with :func:`indicator_series_set`."""
    _ensure_can_edit(actor, department)
    last = list(
        Indicator.objects.filter(plan__department=department, plan__year=year - 1).select_related(
            "plan"
        )
    )
    if not last:
        return 0
    by_plan = {(_series_key(i.plan.name), _series_key(i.text)): i for i in last}
    texts: dict[str, list[Indicator]] = {}
    for i in last:
        texts.setdefault(_series_key(i.text), []).append(i)
    pairs: list[tuple[Indicator, Indicator]] = []
    for indicator in Indicator.objects.filter(
        plan__department=department, plan__year=year, series__isnull=True
    ).select_related("plan"):
        match = by_plan.get((_series_key(indicator.plan.name), _series_key(indicator.text)))
        if match is None:
            same_text = texts.get(_series_key(indicator.text), [])
            match = same_text[0] if len(same_text) == 1 else None
        if match is not None:
            pairs.append((indicator, match))
    _series_join_many(pairs=pairs, department=department, actor=actor)
    return len(pairs)


def _series_join_many(
    *, pairs: Sequence[tuple[Indicator, Indicator]], department: Agency, actor: Actor
) -> None:
    """Put each indicator of ``pairs`` in its previous indicator's series, creating the series
    a previous indicator lacks; in a few statements whatever the number (imports of 600
    indicators), each change audited as ``series``."""
    if not pairs:
        return
    starting = {previous.pk: previous for _, previous in pairs if previous.series_id is None}
    created = insert_many(
        instances=[
            IndicatorSeries(department=department, name=previous.text[:200])
            for previous in starting.values()
        ],
        actor=actor,
    )
    for previous, series in zip(starting.values(), created, strict=True):
        previous.series = series
    changed: list[Indicator] = list(starting.values())
    for indicator, previous in pairs:
        indicator.series_id = previous.series_id
        changed.append(indicator)
    _series_write(changed=changed, before={}, actor=actor)


def _series_join(*, indicator: Indicator, previous: Indicator, actor: Actor) -> None:
    if previous.series_id is None:
        _series_join_many(
            pairs=[(indicator, previous)], department=previous.plan.department, actor=actor
        )
        return
    model_update(
        instance=indicator, data={"series_id": previous.series_id}, actor=actor, action="series"
    )


@transaction.atomic
def indicator_series_set(
    *, indicator: Indicator, previous: Indicator | None, actor: Actor
) -> Indicator:
    """Staff's correction of a series: ``indicator`` continues ``previous`` (an indicator of
    the same department's year before), or starts its own series (``None``). The series is not
    printed in the report, so a final or published year may still be linked."""
    _ensure_can_edit(actor, indicator)
    plan = indicator.plan
    if previous is None:
        model_update(instance=indicator, data={"series_id": None}, actor=actor, action="series")
        return indicator
    before = previous.plan
    if before.department_id != plan.department_id or before.year != plan.year - 1:
        raise InvalidInput({"previous": [_("只能接續同一機關前一年度的衡量指標。")]})
    _series_join(indicator=indicator, previous=previous, actor=actor)
    return indicator


@transaction.atomic
def shortfall_review_upsert(
    *, measure: Measure, reason: str, improvement: str, actor: Actor
) -> ShortfallReview:
    """Record why ``measure`` fell short and what will be done about it."""
    _ensure_can_edit(actor, measure)
    plan = measure.indicator.plan
    data = {"reason": reason, "improvement": improvement}
    _refuse_change(ShortfallReview, {"measure": measure}, data, plan.department, plan.year)
    return upsert(
        model=ShortfallReview,
        lookup={"measure": measure},
        data=data,
        actor=actor,
    )


@transaction.atomic
def report_upsert(
    *,
    department: Agency,
    year: int,
    title: str,
    preface: str,
    code_footnote: str,
    self_managed_text: str,
    status: str,
    actor: Actor,
) -> PerformanceReport:
    """Create or update the annual report of ``department`` for the Gregorian ``year`` (the
    seed data files). A published report is given its first revision; a final or published one
    refuses any change (``ReportLocked``)."""
    _ensure_can_edit(actor, department)
    data = {
        "title": title,
        "preface": preface,
        "code_footnote": code_footnote,
        "self_managed_text": self_managed_text,
        "status": status,
    }
    lookup = {"department": department, "year": year}
    _refuse_change(PerformanceReport, lookup, data, department, year)
    return upsert(model=PerformanceReport, lookup=lookup, data=data, actor=actor)


@transaction.atomic
def key_achievement_upsert(
    *, report: PerformanceReport, number: int, title: str, body: str, actor: Actor
) -> KeyAchievement:
    """Create or update item ``number`` of the report's 重要施政具體事蹟."""
    _ensure_can_edit(actor, report)
    lookup: dict[str, Any] = {"report": report, "number": number}
    data = {"title": title, "body": body}
    _refuse_change(KeyAchievement, lookup, data, report.department, report.year)
    return upsert(model=KeyAchievement, lookup=lookup, data=data, actor=actor)


# --- editing (the staff pages and the API) --------------------------------------------------

PLAN_FIELDS = frozenset(
    {
        "name",
        "budget_thousands",
        "executed_thousands",
        "control_code",
        "control_note",
        "reported_rate",
    }
)
INDICATOR_FIELDS = frozenset({"text", "standard_text", "achievement_text"})
MEASURE_FIELDS = frozenset({"label", "target", "actual", "unit", "actual_unit", "due", "done"})
REPORT_FIELDS = frozenset({"title", "preface", "code_footnote"})


def _check_fields(data: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InvalidInput({name: [_("不能修改這個欄位。")] for name in unknown})


def _report_of_year(department: Agency, year: int) -> PerformanceReport | None:
    return PerformanceReport.objects.filter(department=department, year=year).first()


# A final report is being signed off (decision 0012), a published one is the record (0067).
LOCKED_STATUSES = frozenset({ReportStatus.FINAL, ReportStatus.PUBLISHED})


def _locking_report(department: Agency, year: int) -> PerformanceReport | None:
    """The year's report when it forbids changes to the year's data, else None."""
    report = _report_of_year(department, year)
    return report if report is not None and report.status in LOCKED_STATUSES else None


def _refuse_writes(report: PerformanceReport | None) -> None:
    """Raise ``ReportLocked`` with the sentence for the status of a locking ``report``."""
    if report is None:
        return
    if report.status == ReportStatus.PUBLISHED:
        raise ReportLocked(
            _("%(title)s已公開，不能修改；如需更正，請開啟勘誤。") % {"title": report.title}
        )
    raise ReportLocked(_("%(title)s已定稿，不能修改資料；請先退回草稿。") % {"title": report.title})


def check_editable(*, department: Agency, year: int) -> None:
    """Refuse edits while the year's report is final (reviewers sign off what they saw,
    decision 0012) or published (the record: a correction is a 勘誤, decision 0067)."""
    _refuse_writes(_locking_report(department, year))


def _refuse_change(
    model: type[models.Model],
    lookup: dict[str, Any],
    data: dict[str, Any],
    department: Agency,
    year: int,
) -> None:
    """``check_editable`` for an upsert that would change something: the seed loaders write
    the same rows again over a published report, which must stay allowed."""
    existing = model._default_manager.filter(**lookup).first()
    if existing is None or not _unchanged(existing, data):
        check_editable(department=department, year=year)


def _validated_update(
    *, instance: models.Model, data: dict[str, Any], actor: Actor, action: str = "update"
) -> tuple[models.Model, bool]:
    try:
        return model_update(instance=instance, data=data, actor=actor, action=action)
    except ValidationError as error:
        raise InvalidInput.from_validation_error(error) from None


@transaction.atomic
def plan_update(*, plan: Plan, data: dict[str, Any], actor: Actor) -> Plan:
    """Change a plan's name, budget, executed amount, 管考代碼 or reported 執行率."""
    _check_fields(data, PLAN_FIELDS)
    _ensure_can_edit(actor, plan)
    check_editable(department=plan.department, year=plan.year)
    _validated_update(instance=plan, data=data, actor=actor)
    return plan


@transaction.atomic
def indicator_update(*, indicator: Indicator, data: dict[str, Any], actor: Actor) -> Indicator:
    """Change an indicator's texts as the report prints them."""
    _check_fields(data, INDICATOR_FIELDS)
    _ensure_can_edit(actor, indicator)
    check_editable(department=indicator.plan.department, year=indicator.plan.year)
    _validated_update(instance=indicator, data=data, actor=actor)
    return indicator


@transaction.atomic
def measure_update(
    *, measure: Measure, data: dict[str, Any], actor: Actor, action: str = "update"
) -> Measure:
    """Change a measure's target, actual, unit, label or dates.

    When the indicator's 衡量標準 or 執行績效 text prints the old figure exactly once, it is
    rewritten with the new one, so the table's text keeps agreeing with its numbers; otherwise
    the text is left alone and the reviewer view flags the disagreement.
    """
    _check_fields(data, MEASURE_FIELDS)
    _ensure_can_edit(actor, measure)
    indicator = measure.indicator
    check_editable(department=indicator.plan.department, year=indicator.plan.year)
    old_target, old_actual = measure.target, measure.actual
    _validated_update(instance=measure, data=data, actor=actor, action=action)
    texts: dict[str, str] = {}
    if old_target is not None and measure.target is not None and measure.target != old_target:
        rewritten = rules.replace_figure(
            indicator.standard_text, old_target, measure.target, [measure.unit]
        )
        if rewritten is not None:
            texts["standard_text"] = rewritten
    if old_actual is not None and measure.actual is not None and measure.actual != old_actual:
        rewritten = rules.replace_figure(
            indicator.achievement_text,
            old_actual,
            measure.actual,
            [measure.unit, measure.actual_unit],
        )
        if rewritten is not None:
            texts["achievement_text"] = rewritten
    if texts:
        _validated_update(instance=indicator, data=texts, actor=actor)
    return measure


@transaction.atomic
def plan_create(
    *,
    department: Agency,
    year: int,
    name: str,
    budget_thousands: int,
    control_code: int = ControlCode.SELF_MANAGED,
    control_note: str = "",
    actor: Actor,
) -> Plan:
    """Add a plan at the end of the department's plans for the Gregorian ``year``."""
    _ensure_can_edit(actor, department)
    check_editable(department=department, year=year)
    last = Plan.objects.filter(department=department, year=year).aggregate(n=Max("number"))["n"]
    plan = Plan(
        department=department,
        year=year,
        number=(last or 0) + 1,
        name=name,
        budget_thousands=budget_thousands,
        control_code=control_code,
        control_note=control_note,
    )
    return _validated_create(plan, actor)


@transaction.atomic
def indicator_create(*, plan: Plan, text: str, standard_text: str, actor: Actor) -> Indicator:
    """Add an indicator at the end of ``plan``."""
    _ensure_can_edit(actor, plan)
    check_editable(department=plan.department, year=plan.year)
    last = plan.indicators.aggregate(n=Max("number"))["n"]
    indicator = Indicator(plan=plan, number=(last or 0) + 1, text=text, standard_text=standard_text)
    return _validated_create(indicator, actor)


@transaction.atomic
def measure_create(
    *,
    indicator: Indicator,
    label: str,
    kind: str = MeasureKind.NUMERIC,
    target: Decimal | None = None,
    unit: str = "",
    due: datetime.date | None = None,
    actor: Actor,
) -> Measure:
    """Add a measure at the end of ``indicator``: a target with its unit, or a due date."""
    _ensure_can_edit(actor, indicator)
    check_editable(department=indicator.plan.department, year=indicator.plan.year)
    last = indicator.measures.aggregate(n=Max("position"))["n"]
    measure = Measure(
        indicator=indicator,
        position=(last or 0) + 1,
        label=label,
        kind=kind,
        target=target,
        unit=unit,
        due=due,
    )
    return _validated_create(measure, actor)


def _validated_create(instance: M, actor: Actor) -> M:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise InvalidInput.from_validation_error(error) from None
    instance.save()
    audit_record(actor=actor, action="create", obj=instance)
    return instance


@transaction.atomic
def shortfall_review_save(
    *, measure: Measure, reason: str, improvement: str, actor: Actor
) -> ShortfallReview:
    """Write the 未達成原因分析 and 改進措施 of a measure (the shortfall review form)."""
    _ensure_can_edit(actor, measure)
    plan = measure.indicator.plan
    check_editable(department=plan.department, year=plan.year)
    try:
        return shortfall_review_upsert(
            measure=measure, reason=reason.strip(), improvement=improvement.strip(), actor=actor
        )
    except ValidationError as error:
        raise InvalidInput.from_validation_error(error) from None


@transaction.atomic
def department_rate_method_set(
    *, department: Agency, rate_method: str, actor: Actor
) -> DepartmentSettings:
    """Choose how the department's 執行率 is obtained: reported, measures or budget."""
    _ensure_can_edit(actor, department)
    if rate_method not in RateMethod.values:
        raise InvalidInput({"rate_method": [_("不明的執行率計算方式。")]})
    final = PerformanceReport.objects.filter(
        department=department, status=ReportStatus.FINAL
    ).first()
    if final is not None:
        # The method changes the printed 執行率 of every year, including one being signed off.
        raise ReportLocked(
            _("%(title)s已定稿，不能變更執行率計算方式；請先退回草稿。") % {"title": final.title}
        )
    try:
        return upsert(
            model=DepartmentSettings,
            lookup={"department": department},
            data={"rate_method": rate_method},
            actor=actor,
        )
    except ValidationError as error:
        raise InvalidInput.from_validation_error(error) from None


@transaction.atomic
def report_create(*, department: Agency, year: int, actor: Actor) -> PerformanceReport:
    """Start the year's report as a draft, titled the way the printed reports are."""
    _ensure_can_edit(actor, department)
    title = _("%(jurisdiction)s政府%(department)s%(year)d年度施政績效報告") % {
        "jurisdiction": department.jurisdiction.name,
        "department": department.name,
        "year": to_roc_year(year),
    }
    report = PerformanceReport(
        department=department, year=year, title=title, preface=_("（請填寫前言）")
    )
    return _validated_create(report, actor)


@transaction.atomic
def report_ensure(*, department: Agency, year: int, actor: Actor) -> PerformanceReport:
    """The year's report, started as a draft when there is none: an import of a year's plans
    makes its report available to every page and report command at once."""
    _ensure_can_edit(actor, department)
    existing = _report_of_year(department, year)
    return existing or report_create(department=department, year=year, actor=actor)


@transaction.atomic
def report_update(*, report: PerformanceReport, data: dict[str, Any], actor: Actor) -> None:
    """Change the report's title, 前言 or code footnote (only while it is a draft)."""
    _check_fields(data, REPORT_FIELDS)
    _ensure_can_edit(actor, report)
    check_editable(department=report.department, year=report.year)
    _validated_update(instance=report, data=data, actor=actor)


@transaction.atomic
def key_achievement_save(
    *, report: PerformanceReport, number: int, title: str, body: str, actor: Actor
) -> KeyAchievement:
    """Write item ``number`` of 伍; the body may embed live figures such as {plan 1 total}."""
    _ensure_can_edit(actor, report)
    check_editable(department=report.department, year=report.year)
    try:
        return key_achievement_upsert(
            report=report, number=number, title=title, body=body, actor=actor
        )
    except ValidationError as error:
        raise InvalidInput.from_validation_error(error) from None


# --- the report's status: one state machine ------------------------------------------------


@transaction.atomic
def report_transition(
    *, report: PerformanceReport, transition: str, reason: str = "", actor: Actor
) -> PerformanceReport:
    """Move the report along the row ``transition`` of ``performance.state.TRANSITIONS``
    (finalise, return, publish, correct, republish, cancel), audited as 「status draft → final」.

    In order: the row must exist and start from the current status (``InvalidTransition``),
    the matrix must allow its action over the department (``NotPermitted``), a 勘誤 needs its
    reason; finalising and publishing run the readiness rules first (``ReportNotReady`` lists
    what is missing: reviews of 參, live figures, placeholder text, an empty 伍, achievement
    texts that contradict their actuals). Publishing freezes the report as its next revision
    (decision 0067); republishing a correction that changed nothing is refused.
    """
    row = TRANSITIONS.row(transition)
    ensure_can(actor, row.action, report.department)
    # Lock the row so that two reviewers clicking at once cannot both move it.
    current = PerformanceReport.objects.select_for_update().get(pk=report.pk)
    current.department = report.department
    target = TRANSITIONS.check(row, current.status)
    text = TRANSITIONS.reason(row, reason)
    if row.name == Transition.CANCEL:
        _refuse_cancel_after_changes(current)
    elif target in (ReportStatus.FINAL, ReportStatus.PUBLISHED):
        problems = rules.finalization_problems(selectors.report_data(current))
        if problems:
            raise ReportNotReady(_("報告尚不能定稿或公開："), problems)
    old_status = current.status
    data: dict[str, Any] = {"status": target}
    if row.name == Transition.CORRECT:
        data["correction_reason"] = text
    elif row.name in (Transition.REPUBLISH, Transition.CANCEL):
        data["correction_reason"] = ""
    correction = current.correction_reason
    model_update(instance=current, data=data, actor=actor, action=f"status {old_status} → {target}")
    if text:
        audit_record(actor=actor, action="reason", obj=current, after={"reason": text})
    if row.name in (Transition.PUBLISH, Transition.REPUBLISH):
        _revision_publish(report=current, reason=correction, actor=actor)
    page_cache.bump(PUBLISHED_PAGES)
    report.status = current.status
    report.correction_reason = current.correction_reason
    return current


def _refuse_cancel_after_changes(report: PerformanceReport) -> None:
    """A correction is cancelled only while its data is still the last revision's: otherwise
    the live data would silently differ from what the public reads."""
    previous = report.revisions.order_by("-number").first()
    if previous is None:
        return
    changes = revisions.changes(revisions.load(previous.data), selectors.report_data(report))
    if changes:
        raise InvalidTransition(
            _("勘誤已修改 %(n)d 處（%(first)s…），不能取消；請改回原值，或公開勘誤版。")
            % {"n": len(changes), "first": changes[0]}
        )


def _revision_publish(*, report: PerformanceReport, reason: str, actor: Actor) -> ReportRevision:
    """Keep the report as it is now as its next published revision: its model (what the public
    page reads) and every format's bytes (what every download serves from now on)."""
    data = dataclasses.replace(selectors.report_data(report), status=ReportStatus.PUBLISHED)
    previous = report.revisions.order_by("-number").first()
    changes = revisions.changes(revisions.load(previous.data), data) if previous else []
    if previous is not None and not changes:
        raise InvalidTransition(
            _("勘誤版與第 %(n)d 版內容相同，沒有可公開的更正。") % {"n": previous.number}
        )
    revision = ReportRevision(
        report=report,
        number=previous.number + 1 if previous else 1,
        published_at=timezone.now(),
        reason=reason,
        changes=changes,
        data=revisions.dump(data),
        rate_method=data.rate_method,
    )
    revision.full_clean()
    revision.save()
    files = []
    for name in performance_document.FORMATS:
        content = performance_document.render(data, name)
        files.append(
            ReportRevisionFile(
                revision=revision,
                format=name,
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )
    ReportRevisionFile.objects.bulk_create(files)
    page_cache.bump(PUBLISHED_PAGES)
    audit_record(
        actor=actor,
        action="publish revision",
        obj=report,
        after={
            "revision": revision.number,
            "reason": reason,
            "changes": changes,
            "sha256": {f.format: f.sha256 for f in files},
        },
    )
    return revision


@transaction.atomic
def report_status_load(
    *, report: PerformanceReport, status: str, actor: Actor
) -> PerformanceReport:
    """Give a report loaded from a seed data file the file's status, after its content: a
    published one gets its first revision. A report already published stays as it is; the
    file cannot take it back (published is final), nor end a correction being made."""
    _ensure_can_edit(actor, report)
    if status == report.status:
        if status == ReportStatus.PUBLISHED and not report.revisions.exists():
            _revision_publish(report=report, reason="", actor=actor)
        return report
    if report.status == ReportStatus.PUBLISHED:
        _refuse_writes(report)
    if report.status == ReportStatus.CORRECTING and status == ReportStatus.PUBLISHED:
        return report  # still published to the public: loading the seed again is a no-op
    if report.status == ReportStatus.CORRECTING:
        # The correction is ended by publishing it, in the pages, never by a data file.
        raise ReportLocked(
            _("%(title)s勘誤中，資料檔不能變更它的狀態；請於報告頁公開勘誤版。")
            % {"title": report.title}
        )
    if status not in ReportStatus.values or status == ReportStatus.CORRECTING:
        raise InvalidInput({"status": [_("不明的報告狀態。")]})
    old = report.status
    model_update(
        instance=report, data={"status": status}, actor=actor, action=f"status {old} → {status}"
    )
    if status == ReportStatus.PUBLISHED:
        _revision_publish(report=report, reason="", actor=actor)
    return report


def revisions_backfill() -> int:
    """Give every public report without a revision its first one (reports published before
    revisions were kept); run after migrations. Returns how many were added."""
    added = 0
    for report in PerformanceReport.objects.published().filter(revisions__isnull=True):
        with transaction.atomic():
            _revision_publish(report=report, reason="", actor=None)
        added += 1
    return added


# --- publishing in bulk, files on first download (decision 0074) ----------------------------


@transaction.atomic
def reports_publish(*, reports: Sequence[PerformanceReport], actor: Actor) -> list[ReportRevision]:
    """Publish loaded reports (drafts or final) as their first revision, keeping the report
    model only: each format's file is rendered on its first download and kept from then on
    (:func:`revision_file_get`), so the public still gets the same bytes on every download.

    For bulk loads such as the synthetic country (4,400 reports): rendering the 8 formats takes
    about 0.6 s a report. A report already published is left as it is; the readiness rules are
    not run (as for a seed file's status, :func:`report_status_load`).
    """
    revisions_made: list[ReportRevision] = []
    now = timezone.now()
    for report in reports:
        _ensure_can_edit(actor, report)
        if report.status != ReportStatus.DRAFT and report.status != ReportStatus.FINAL:
            continue
        if report.revisions.exists():
            continue
        old = report.status
        model_update(
            instance=report,
            data={"status": ReportStatus.PUBLISHED},
            actor=actor,
            action=f"status {old} → {ReportStatus.PUBLISHED}",
        )
        data = dataclasses.replace(selectors.report_data(report), status=ReportStatus.PUBLISHED)
        revision = ReportRevision(
            report=report,
            number=1,
            published_at=now,
            reason="",
            changes=[],
            data=revisions.dump(data),
            rate_method=data.rate_method,
        )
        revision.full_clean(exclude=["report"], validate_unique=False, validate_constraints=False)
        revisions_made.append(revision)
    ReportRevision.objects.bulk_create(revisions_made, batch_size=200)
    if revisions_made:
        page_cache.bump(PUBLISHED_PAGES)
    AuditEntry.objects.bulk_create(
        [
            audit_entry(
                actor=actor,
                action="publish revision",
                obj=revision.report,
                after={"revision": revision.number, "reason": "", "changes": [], "files": "lazy"},
            )
            for revision in revisions_made
        ],
        batch_size=500,
    )
    return revisions_made


def revision_file_get(*, revision: ReportRevision, fmt: str) -> bytes:
    """The bytes of ``fmt`` of a published revision: those stored, else rendered now from the
    revision's data and stored, so that every later download serves these same bytes (a
    revision published by :func:`reports_publish` has no files until asked). Raises NotFound
    for a format the report does not have.

    Two first downloads at once may both render; the unique constraint keeps one, and both
    serve the stored one (rendering is deterministic, so they are equal anyway)."""
    row = revision.files.filter(format=fmt).first()
    if row is not None:
        return bytes(row.content)
    if fmt not in performance_document.FORMATS:
        raise NotFound(_("不支援的格式：%(format)s") % {"format": fmt})
    content = performance_document.render(revisions.load(revision.data), fmt)
    digest = hashlib.sha256(content).hexdigest()
    try:
        with transaction.atomic():
            ReportRevisionFile.objects.create(
                revision=revision, format=fmt, content=content, sha256=digest
            )
            audit_record(
                actor=None,
                action="revision file",
                obj=revision.report,
                after={"revision": revision.number, "format": fmt, "sha256": digest},
            )
    except IntegrityError:
        return bytes(revision.files.get(format=fmt).content)
    return content


@transaction.atomic
def indicators_series_assign(
    *,
    department: Agency,
    assignments: Sequence[tuple[Indicator, IndicatorSeries]],
    actor: Actor,
) -> int:
    """Put each indicator in the series given with it, in a few statements whatever their number
    (a generated country of 160,000 indicators), each change audited as ``series``. Indicator
    and series must be ``department``'s. Returns how many changed."""
    _ensure_can_edit(actor, department)
    changed: list[Indicator] = []
    before: dict[int, int | None] = {}
    for indicator, series in assignments:
        if series.department_id != department.pk or indicator.plan.department_id != department.pk:
            raise InvalidInput({"series": [_("指標系列須屬於同一機關。")]})
        if indicator.series_id == series.pk:
            continue
        before[indicator.pk] = indicator.series_id
        indicator.series = series
        changed.append(indicator)
    _series_write(changed=changed, before=before, actor=actor)
    return len(changed)


def _series_write(
    *, changed: Sequence[Indicator], before: dict[int, int | None], actor: Actor
) -> None:
    """Save the new series of ``changed`` indicators in bulk, each audited as ``series`` with
    its series ``before`` (by indicator id; none when missing)."""
    Indicator.objects.bulk_update(changed, ["series"], batch_size=500)
    AuditEntry.objects.bulk_create(
        [
            audit_entry(
                actor=actor,
                action="series",
                obj=indicator,
                before={"series": before.get(indicator.pk)},
                after={"series": indicator.series_id},
            )
            for indicator in changed
        ],
        batch_size=500,
    )


# --- year-end actuals from the reporting cycle --------------------------------------------


@dataclass(frozen=True, slots=True)
class ActualsApplied:
    """What :func:`measure_actuals_apply` did: measures written, and those a locked report kept."""

    written: list[Measure]
    kept: list[Measure]
    locked_by: PerformanceReport | None


@transaction.atomic
def measure_actuals_apply(
    *,
    values: Sequence[tuple[Measure, Decimal | None, datetime.date | None]],
    actor: Actor,
) -> ActualsApplied:
    """Write approved year-end actuals (and milestone dates) into their measures, as the
    reporting cycle's Q4 approval asks, through :func:`measure_update` so that the 執行績效
    text is rewritten with the figure.

    The rule for a locked year: while the year's report is final or published, nothing is
    written — the signed-off or published report does not change behind its readers — and the
    measures are returned as ``kept``; a correction (勘誤) brings the figures in afterwards.
    """
    written: list[Measure] = []
    kept: list[Measure] = []
    locks: dict[tuple[int, int], PerformanceReport | None] = {}
    lock: PerformanceReport | None = None
    for measure, actual, done in values:
        _ensure_can_edit(actor, measure)
        plan = measure.indicator.plan
        key = (plan.department_id, plan.year)
        if key not in locks:
            locks[key] = _locking_report(plan.department, plan.year)
        data: dict[str, Any] = {}
        if actual is not None:
            data["actual"] = actual
        if done is not None:
            data["done"] = done
        if not data or _unchanged(measure, data):
            continue
        if locks[key] is not None:
            kept.append(measure)
            lock = locks[key]
            continue
        measure_update(measure=measure, data=data, actor=actor, action="update_from_submission")
        written.append(measure)
    return ActualsApplied(written=written, kept=kept, locked_by=lock)
