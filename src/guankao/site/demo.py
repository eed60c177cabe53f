"""The demo: each domain app's ``load_demo()``, in the order their data depend on each other.

Loaded by ``guankao demo`` and by the test suite.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from guankao.core.services import Actor
from guankao.cycles import demo as cycles_demo
from guankao.cycles import synthetic as cycles_synthetic
from guankao.directory import demo as directory_demo
from guankao.divisions import demo as divisions_demo
from guankao.divisions.models import DivisionTable
from guankao.performance import demo as performance_demo
from guankao.performance import synthetic as performance_synthetic
from guankao.performance.models import PerformanceReport

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@transaction.atomic
def load_seed_documents(
    *, seeds: Path = SEEDS, actor: Actor = None
) -> tuple[DivisionTable, PerformanceReport]:
    """Load both seed documents and the directory's draft translations; idempotent.

    Raises ``DataFileError`` for a broken data file, and then writes nothing.
    """
    table = divisions_demo.load_demo(seeds=seeds, actor=actor)
    directory_demo.load_demo(actor=actor)
    report = performance_demo.load_demo(seeds=seeds, actor=actor)
    return table, report


@transaction.atomic
def load_demo(
    *, seeds: Path = SEEDS, actor: Actor = None
) -> tuple[DivisionTable, PerformanceReport, list[tuple[str, str, str]]]:
    """The seed documents, then the reporting cycles' demo period and accounts.

    Returns the table, the report and the demo accounts as (role, username, password).
    """
    table, report = load_seed_documents(seeds=seeds, actor=actor)
    credentials = cycles_demo.load_demo(actor=actor)
    return table, report, credentials


def load_national(
    *,
    sizes: performance_synthetic.Sizes | None = None,
    actor: Actor = None,
    progress: Callable[[str], None] | None = None,
) -> performance_synthetic.Loaded:
    """The synthetic country of performance reports (``guankao demo --national``), one
    jurisdiction per transaction, then its last year's quarterly reporting (the cycles' measure
    entries, for the early warning); kept out of :func:`load_demo`. Idempotent."""
    sizes = sizes or performance_synthetic.Sizes()
    loaded = performance_synthetic.load_country(sizes=sizes, actor=actor, progress=progress)
    cycles_synthetic.load_quarters(
        departments=performance_synthetic.departments_of(sizes),
        roc_year=performance_synthetic.LAST_YEAR,
        actor=actor,
        progress=progress,
    )
    return loaded
