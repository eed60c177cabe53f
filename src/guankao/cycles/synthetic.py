"""Quarterly reporting for the synthetic country (``guankao demo --national``): each department
reports its plans' measures for the first quarters of a year, so that the early warning (預警)
has figures to project across the whole country.

The cumulative figure of each measure follows its year-end actual at a pace of its own (a few
measures start slowly and are predicted red, most keep up), the same on every run. Written
through the cycles services (``period_open``, ``submission_save_draft``,
``submission_transition``): the earlier quarters approved, the last one submitted. A department
that already has the year's first quarter is left as it is, so a second run writes nothing.
Called from the site layer (``site.demo.load_national``) with the departments the performance
app's generator made.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from guankao.core.models import Agency
from guankao.core.services import Actor
from guankao.cycles import services
from guankao.cycles.models import ReportingPeriod, Submission
from guankao.cycles.selectors import submission_whole
from guankao.cycles.state import Transition
from guankao.performance.models import MeasureKind, Plan
from guankao.tw import Period, from_roc_year

SEED = 14
QUARTERS = 2  # Q1 approved, Q2 submitted


def _rng(*parts: object) -> random.Random:
    # One generator per department, seeded by its slug: the same figures on every run.
    return random.Random(f"{SEED}:" + ":".join(str(p) for p in parts))  # noqa: S311 (not crypto)


def _figures(
    submission: Submission, period: Period, paces: dict[int, float]
) -> dict[int, services.MeasureInput]:
    """Each entry's figure at ``period``'s end: the year-end actual × the share of the year ×
    the measure's pace; a milestone done by then gives its date, else a note."""
    share = Decimal(period.elapsed_months) / 12
    inputs = {}
    for entry in submission.measure_entries.all():
        measure = entry.measure
        if measure.kind == MeasureKind.MILESTONE:
            done = measure.done if measure.done and measure.done <= period.end else None
            inputs[entry.pk] = services.MeasureInput(
                actual=None, done=done, note="" if done else "依進度辦理中。"
            )
            continue
        if measure.actual is None:
            inputs[entry.pk] = services.MeasureInput(actual=Decimal(0))
            continue
        figure = measure.actual * share * Decimal(str(paces[measure.pk]))
        inputs[entry.pk] = services.MeasureInput(
            actual=figure.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        )
    return inputs


def _department(department: Agency, roc_year: int, quarters: int, actor: Actor) -> bool:
    year = from_roc_year(roc_year)
    if not Plan.objects.filter(department=department, year=year).exists():
        return False
    rng = _rng("quarters", department.slug, roc_year)
    paces: dict[int, float] = {}
    for quarter in range(1, quarters + 1):
        code = f"{roc_year}Q{quarter}"
        period = services.period_open(
            jurisdiction=department.jurisdiction,
            code=code,
            deadline=datetime.date(year, 3 * quarter + 1, 20),
            department=department,
            is_sample=True,
            actor=actor,
        )
        submission = submission_whole(
            Submission.objects.with_scope().get(period=period, agency=department).pk
        )
        if not paces:
            # Most measures keep pace with their year; about one in eight starts slowly.
            for entry in sorted(submission.measure_entries.all(), key=lambda e: e.measure_id):
                slow = rng.random() < 0.12
                paces[entry.measure_id] = (
                    rng.uniform(0.45, 0.75) if slow else max(0.8, rng.gauss(1.0, 0.08))
                )
        services.submission_save_draft(
            submission=submission,
            expected_version=submission.version,
            tasks={},
            measures=_figures(submission, period.period, paces),
            actor=actor,
        )
        services.submission_transition(
            submission=submission, transition=Transition.SUBMIT, actor=actor
        )
        if quarter < quarters:
            services.submission_transition(
                submission=submission, transition=Transition.APPROVE, actor=actor
            )
    return True


def load_quarters(
    *,
    departments: Sequence[Agency],
    roc_year: int,
    quarters: int = QUARTERS,
    actor: Actor = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[int, int]:
    """Open ``roc_year``'s first ``quarters`` quarterly periods of each department's plans and
    report them, one department per transaction. Returns (departments loaded, skipped: already
    there or without plans that year)."""
    have = set(
        ReportingPeriod.objects.filter(
            department__in=departments, code=f"{roc_year}Q1"
        ).values_list("department_id", flat=True)
    )
    loaded = skipped = 0
    for n, department in enumerate(departments, start=1):
        if department.pk in have:
            skipped += 1
            continue
        with transaction.atomic():
            if _department(department, roc_year, quarters, actor):
                loaded += 1
            else:
                skipped += 1
        if progress and n % 20 == 0:
            progress(f"季填報：{n} / {len(departments)} 個機關")
    return loaded, skipped
