"""The divisions app's part of the demo: the national service areas and hotlines, Keelung's 112.7
table and its contacts (addresses, hours, walk-in centres)."""

from __future__ import annotations

from pathlib import Path

from guankao.core.services import Actor
from guankao.divisions.datafile import (
    HOTLINES_FILE,
    load_contacts_file,
    load_division_file,
    load_hotlines,
    load_service_areas,
)
from guankao.divisions.models import DivisionTable

SERVICE_AREAS_FILE = "service-areas.yaml"
DIVISION_FILE = "keelung-division-112.7.yaml"
CONTACTS_FILE = "keelung-contacts-112.7.yaml"


def load_demo(*, seeds: Path, actor: Actor) -> DivisionTable:
    """Load the service areas, the national hotlines and the seed division table from
    ``seeds``; idempotent."""
    load_service_areas(path=seeds / SERVICE_AREAS_FILE, actor=actor)
    load_hotlines(path=seeds / HOTLINES_FILE, actor=actor)
    table = load_division_file(path=seeds / DIVISION_FILE, actor=actor)
    load_contacts_file(path=seeds / CONTACTS_FILE, actor=actor)
    return table
