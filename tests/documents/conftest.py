"""The seed report rendered once per format and session, through the ``guankao report`` command."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def seed_file(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> Callable[[str], Path]:
    """``seed_file("odt")`` → the path of the Hsinchu 社會處 108 report in that format."""
    folder = tmp_path_factory.mktemp("seed-report")
    made: dict[str, Path] = {}

    def render(format_name: str) -> Path:
        if format_name not in made:
            path = folder / f"report.{format_name}"
            with django_db_blocker.unblock():
                call_command(
                    "report", "performance", "--org", "hsinchu-social", "--year", "108",
                    "--format", format_name, "-o", str(path), stdout=StringIO(),
                )  # fmt: skip
            made[format_name] = path
        return made[format_name]

    return render
