"""Fixtures of the directory tests: the shipped content translations, loaded once."""

from __future__ import annotations

from typing import Any

import pytest

from guankao.directory.datafile import load_directory_translations
from guankao.directory.snapshot import Directory, get_directory


@pytest.fixture(scope="session")
def _directory_translations(django_db_setup: None, django_db_blocker: Any) -> None:
    # guankao demo does not load them yet (see docs/directory.md); the loader is idempotent.
    with django_db_blocker.unblock():
        load_directory_translations()


@pytest.fixture(autouse=True)
def _with_translations(_directory_translations: None) -> None:
    """Every directory test sees the drafts the demo ships."""


@pytest.fixture
def keelung(db: None) -> Directory:
    directory = get_directory("keelung")
    assert directory is not None
    return directory
