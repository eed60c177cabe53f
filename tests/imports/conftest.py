"""Fixtures for the import tests: row counts to prove that nothing was written."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.apps import apps


def row_counts() -> dict[str, int]:
    """Rows in every table the imports can write, the audit log included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"core", "divisions", "performance"}
    }


@pytest.fixture
def counts() -> Callable[[], dict[str, int]]:
    return row_counts
