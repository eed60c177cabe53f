"""Broken data files are refused with a message naming file, record and field; nothing is written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from guankao.core.datafile import load_yaml
from guankao.core.exceptions import DataFileError
from guankao.core.models import AuditEntry
from guankao.divisions.datafile import load_division_file
from guankao.divisions.models import Task
from guankao.performance.datafile import load_performance_file
from guankao.performance.models import Measure, Plan

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "src" / "guankao" / "seeds"
KEELUNG = "keelung-division-112.7.yaml"
HSINCHU = "hsinchu-social-performance-108.yaml"


def broken_copy(tmp_path: Path, name: str, change: Callable[[dict[str, Any]], None]) -> Path:
    data = load_yaml((SEEDS / name).read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / name
    path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True), encoding="utf-8")
    return path


def snapshot() -> tuple[int, ...]:
    return (
        Task.objects.count(),
        Plan.objects.count(),
        Measure.objects.count(),
        AuditEntry.objects.count(),
    )


def _rename_first_task_text(data: dict[str, Any]) -> None:
    data["agencies"][0]["tasks"][0]["text"] = "改過的文字。"


def _drop_phone_agency_slug(data: dict[str, Any]) -> None:
    del data["agencies"][2]["slug"]


def _unknown_shared_agency(data: dict[str, Any]) -> None:
    data["agencies"][3]["tasks"][8]["shared_with"] = ["keelung-nowhere"]


def _duplicate_task_number(data: dict[str, Any]) -> None:
    data["agencies"][1]["tasks"][1]["number"] = 1


def _unknown_area(data: dict[str, Any]) -> None:
    data["agencies"][0]["tasks"][4]["area"] = "不存在的項目"


def _bad_phone(data: dict[str, Any]) -> None:
    data["agencies"][4]["phone"] = "請洽總機"


# Each broken file also carries a valid change (a task's text), which must not be written either.
DIVISION_CASES = [
    (_drop_phone_agency_slug, "agencies[3]", "slug", "missing"),
    (
        _unknown_shared_agency,
        "(社會處) tasks[9]",
        "shared_with",
        "unknown agency 'keelung-nowhere'",
    ),
    (_duplicate_task_number, "(衛生局) tasks[2]", "number", "duplicate number 1"),
    (_unknown_area, "(民政處) tasks[5]", "area", "unknown service area '不存在的項目'"),
    (_bad_phone, "agencies[5]", "phone", ""),
]


@pytest.mark.parametrize(("change", "record", "field", "message"), DIVISION_CASES)
def test_broken_division_file_is_refused(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], record: str, field: str, message: str
) -> None:
    def rename_and_break(data: dict[str, Any]) -> None:
        _rename_first_task_text(data)
        change(data)

    path = broken_copy(tmp_path, KEELUNG, rename_and_break)
    before = snapshot()
    with pytest.raises(DataFileError) as caught:
        load_division_file(path=path, actor=None)
    error = caught.value
    assert error.file == KEELUNG
    assert record in error.record
    assert field in error.field
    assert message in error.message
    assert snapshot() == before
    assert Task.objects.filter(text="改過的文字。").count() == 0


def test_valid_change_to_division_file_is_loaded(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, KEELUNG, _rename_first_task_text)
    load_division_file(path=path, actor=None)
    assert Task.objects.filter(text="改過的文字。").count() == 1
    assert Task.objects.filter(table__jurisdiction__slug="keelung").count() == 53


def _non_numeric_budget(data: dict[str, Any]) -> None:
    data["plans"][2]["budget"] = "一百萬"


def _missing_standard(data: dict[str, Any]) -> None:
    del data["plans"][5]["indicators"][3]["standard"]


def _duplicate_plan_number(data: dict[str, Any]) -> None:
    data["plans"][13]["number"] = 13


def _zero_target(data: dict[str, Any]) -> None:
    data["plans"][0]["indicators"][0]["measures"][0]["target"] = 0


def _code_out_of_range(data: dict[str, Any]) -> None:
    data["plans"][1]["control_code"] = 6


def _shortfall_for_missing_plan(data: dict[str, Any]) -> None:
    data["shortfalls"][0]["plan"] = 15


PERFORMANCE_CASES = [
    (_non_numeric_budget, "plan 3", "budget", "expected a whole number, got '一百萬'"),
    (_missing_standard, "plan 6 indicator 4", "standard", "missing"),
    (_duplicate_plan_number, "plan 14", "number", "duplicate number 13"),
    (_zero_target, "plan 1 indicator 1 measure 1", "target", "must be more than 0"),
    (_code_out_of_range, "plan 2", "control_code", "must be 1 to 5"),
    (_shortfall_for_missing_plan, "shortfall 1", "plan", "no plan 15"),
]


@pytest.mark.parametrize(("change", "record", "field", "message"), PERFORMANCE_CASES)
def test_broken_performance_file_is_refused(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], record: str, field: str, message: str
) -> None:
    path = broken_copy(tmp_path, HSINCHU, change)
    before = snapshot()
    with pytest.raises(DataFileError) as caught:
        load_performance_file(path=path, actor=None)
    error = caught.value
    assert (error.file, error.record, error.field) == (HSINCHU, record, field)
    assert message in error.message
    assert snapshot() == before


def test_not_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / HSINCHU
    path.write_text("plans: [unclosed", encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid YAML"):
        load_performance_file(path=path, actor=None)


@pytest.mark.slow  # a subprocess that migrates a new database and loads the seeds
def test_demo_command_reports_a_broken_file_in_one_line_with_status_2(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds, ignore=shutil.ignore_patterns("sources", "*.py"))
    broken = broken_copy(tmp_path, HSINCHU, _non_numeric_budget)
    shutil.copy(broken, seeds / HSINCHU)
    database = tmp_path / "cli.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "guankao.cli", "demo", "--seeds", str(seeds)],
        capture_output=True,
        text=True,
        env={
            "DATABASE_URL": f"sqlite:///{database}",
            "SECRET_KEY": "test-only-key",
            "PATH": "/usr/bin:/bin",
        },
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"CommandError: {HSINCHU}: plan 3: budget: expected a whole number, got '一百萬'"
    ]
    assert result.stdout == ""
