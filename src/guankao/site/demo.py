"""The demo data's seed documents, loaded by ``guankao demo`` and by the test suite."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from guankao.core.services import Actor
from guankao.directory.datafile import load_directory_translations
from guankao.divisions.datafile import load_division_file, load_service_areas
from guankao.divisions.models import DivisionTable
from guankao.performance.datafile import load_performance_file
from guankao.performance.models import PerformanceReport

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@transaction.atomic
def load_seed_documents(
    *, seeds: Path = SEEDS, actor: Actor = None
) -> tuple[DivisionTable, PerformanceReport]:
    """Load both seed documents and the directory's draft translations; idempotent.

    Raises ``DataFileError`` for a broken data file, and then writes nothing.
    """
    load_service_areas(path=seeds / "service-areas.yaml", actor=actor)
    table = load_division_file(path=seeds / "keelung-division-112.7.yaml", actor=actor)
    load_directory_translations(actor=actor)
    report = load_performance_file(path=seeds / "hsinchu-social-performance-108.yaml", actor=actor)
    return table, report
