"""The directory's part of the demo: the draft translations shipped with guankao."""

from __future__ import annotations

from guankao.core.services import Actor
from guankao.directory.datafile import LoadSummary, load_directory_translations


def load_demo(*, actor: Actor) -> LoadSummary:
    """Load the directory's draft translations (they need the division table); idempotent."""
    return load_directory_translations(actor=actor)
