"""Fixtures of the directory tests (the demo data, with the draft translations, is loaded by
the session fixture in tests/conftest.py)."""

from __future__ import annotations

import pytest

from guankao.directory.snapshot import Directory, get_directory


@pytest.fixture
def keelung(db: None) -> Directory:
    directory = get_directory("keelung")
    assert directory is not None
    return directory
