"""Fixtures for the import tests: row counts to prove that nothing was written; and which of
these tests are ``slow`` (kept here so that the test modules stay as their authors wrote them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps

# Tests that take seconds on their own: `make test` runs them, `make test-fast` leaves them out.
SLOW = {
    "test_bad_files.py::TestRefused::test_hundred_thousand_csv_rows": "builds 100,000 rows",
    "test_bad_files.py::TestRefused::test_hundred_thousand_xlsx_rows": "builds 100,000 rows",
    # The four that read every file of the malformed corpus (300+ files, several seconds).
    "test_malformed_corpus.py::test_no_file_crashes_the_import": "corpus sweep",
    "test_malformed_corpus.py::test_each_file_is_refused_or_read_as_expected": "corpus sweep",
    "test_malformed_corpus.py::test_refusals_are_one_line_naming_the_file": "corpus sweep",
    "test_malformed_corpus.py::test_memory_stays_bounded": "corpus sweep",
}
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests named in ``SLOW`` (this hook sees every collected test, so it matches
    on this folder's own files)."""
    for item in items:
        if item.path.parent != HERE:
            continue
        name = f"{item.path.name}::{item.nodeid.split('::', 1)[1].split('[')[0]}"
        if name in SLOW:
            item.add_marker(pytest.mark.slow)


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
