"""The performance app's part of the demo: Hsinchu 社會處's 108 report."""

from __future__ import annotations

from pathlib import Path

from guankao.core.services import Actor
from guankao.performance.datafile import load_performance_file
from guankao.performance.models import PerformanceReport

PERFORMANCE_FILE = "hsinchu-social-performance-108.yaml"


def load_demo(*, seeds: Path, actor: Actor) -> PerformanceReport:
    """Load the seed performance report from ``seeds``; idempotent."""
    return load_performance_file(path=seeds / PERFORMANCE_FILE, actor=actor)
