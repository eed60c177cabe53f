"""Shared fixtures: the test database holds both seed documents, loaded once per session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Load the demo data once; each test then runs inside a transaction that is rolled back."""
    with django_db_blocker.unblock():
        call_command("demo", verbosity=0)
    yield
