"""Acceptance: the seed data exported to each template format and imported again is identical.

The Keelung 112.7 table goes to a new version and the Hsinchu 108 plans to a new year, through
the commands a coordinator runs; every field is then compared with the original.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from guankao.divisions.models import DivisionTable
from guankao.imports.management.commands.export import Command as ExportCommand
from guankao.performance.models import Plan

pytestmark = pytest.mark.django_db


def export(*args: str) -> None:
    # The command object itself: until the directory app's own ``export`` command becomes a
    # registry module (docs/imports.md), it shadows this one under the name "export".
    call_command(ExportCommand(), *args, stdout=StringIO())


def division_fields(version_month: str) -> dict[tuple[str, int], tuple[object, ...]]:
    table = DivisionTable.objects.get(
        jurisdiction__slug="keelung", effective_month=f"{version_month}-01"
    )
    return {
        (task.agency.label, task.number): (
            task.agency.phone,
            task.agency.phone_e164,
            task.agency.phone_extension,
            task.numbered,
            task.area.name,
            task.text,
            task.position,
            sorted(a.label for a in task.co_leads.all()),
        )
        for task in table.tasks.with_related()
    } | {("title", 0): (table.title,)}


def plan_fields(year: int) -> list[tuple[object, ...]]:
    fields: list[tuple[object, ...]] = []
    for plan in Plan.objects.filter(department__slug="hsinchu-social", year=year).with_measures():
        fields.append(
            (
                plan.number,
                plan.name,
                plan.budget_thousands,
                plan.reported_rate,
                plan.control_code,
                plan.control_note,
            )
        )
        for indicator in plan.indicators.all():
            fields.append(
                (
                    plan.number,
                    indicator.number,
                    indicator.text,
                    indicator.standard_text,
                    indicator.achievement_text,
                )
            )
            fields.extend(
                (
                    plan.number,
                    indicator.number,
                    m.position,
                    m.label,
                    m.kind,
                    m.target,
                    m.actual,
                    m.unit,
                    m.actual_unit,
                    m.due,
                    m.done,
                )
                for m in indicator.measures.all()
            )
    return fields


@pytest.mark.parametrize("file_format", ["xlsx", "ods"])
def test_keelung_table_round_trip(tmp_path: Path, file_format: str) -> None:
    path = tmp_path / f"keelung.{file_format}"
    export(
        "template", "division", "--format", file_format,
        "--jurisdiction", "keelung", "--version", "112.7", "-o", str(path),
    )  # fmt: skip
    out = StringIO()
    call_command(
        "import", "division", str(path), "--jurisdiction", "keelung", "--version", "113.1",
        stdout=out,
    )  # fmt: skip
    assert "錯誤 0 個，警告 0 個。" in out.getvalue()
    original = division_fields("2023-07")
    assert len(original) == 54
    assert division_fields("2024-01") == original


@pytest.mark.parametrize("file_format", ["xlsx", "ods"])
def test_hsinchu_plans_round_trip(tmp_path: Path, file_format: str) -> None:
    path = tmp_path / f"hsinchu.{file_format}"
    export(
        "template", "performance", "--format", file_format,
        "--org", "hsinchu-social", "--year", "108", "-o", str(path),
    )  # fmt: skip
    out = StringIO()
    call_command(
        "import", "performance", str(path), "--org", "hsinchu-social", "--year", "113",
        stdout=out,
    )  # fmt: skip
    assert "錯誤 0 個，警告 0 個。" in out.getvalue()
    original = plan_fields(2019)
    assert len(original) == 14 + 53 + 83  # plans, indicators, measures
    assert plan_fields(2024) == original


@pytest.mark.parametrize("kind", ["division", "performance"])
@pytest.mark.parametrize("file_format", ["xlsx", "ods"])
def test_exporting_twice_gives_the_same_cells(tmp_path: Path, kind: str, file_format: str) -> None:
    """Re-importing the exported file into the same version or year changes nothing."""
    path = tmp_path / f"t.{file_format}"
    where = (
        ["--jurisdiction", "keelung", "--version", "112.7"]
        if kind == "division"
        else ["--org", "hsinchu-social", "--year", "108"]
    )
    export("template", kind, "--format", file_format, *where, "-o", str(path))
    out = StringIO()
    call_command("import", kind, str(path), *where, "--dry-run", stdout=out)
    assert "與資料庫相同，沒有任何變更。" in out.getvalue()
