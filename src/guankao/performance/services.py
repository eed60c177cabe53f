"""Writes to performance plans and reports. Each one is validated and audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from guankao.core.models import Agency
from guankao.core.services import Actor, upsert
from guankao.performance.models import (
    Indicator,
    KeyAchievement,
    Measure,
    PerformanceReport,
    Plan,
    ShortfallReview,
)


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
    return upsert(
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
    return upsert(
        model=Indicator,
        lookup={"plan": plan, "number": number},
        data={"text": text, "standard_text": standard_text, "achievement_text": achievement_text},
        actor=actor,
    )


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
    return upsert(
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


@transaction.atomic
def shortfall_review_upsert(
    *, measure: Measure, reason: str, improvement: str, actor: Actor
) -> ShortfallReview:
    """Record why ``measure`` fell short and what will be done about it."""
    return upsert(
        model=ShortfallReview,
        lookup={"measure": measure},
        data={"reason": reason, "improvement": improvement},
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
    """Create or update the annual report of ``department`` for the Gregorian ``year``."""
    return upsert(
        model=PerformanceReport,
        lookup={"department": department, "year": year},
        data={
            "title": title,
            "preface": preface,
            "code_footnote": code_footnote,
            "self_managed_text": self_managed_text,
            "status": status,
        },
        actor=actor,
    )


@transaction.atomic
def key_achievement_upsert(
    *, report: PerformanceReport, number: int, title: str, body: str, actor: Actor
) -> KeyAchievement:
    """Create or update item ``number`` of the report's 重要施政具體事蹟."""
    return upsert(
        model=KeyAchievement,
        lookup={"report": report, "number": number},
        data={"title": title, "body": body},
        actor=actor,
    )
