"""``guankao report performance``: every format, bad input with exit status 2, atomic writes."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from guankao.core.registry import report_kinds
from guankao.documents.management.commands.report import write_atomically

pytestmark = pytest.mark.django_db

GUANKAO = str(Path(sys.executable).with_name("guankao"))
MAGIC = {
    "html": b"<!DOCTYPE html>",
    "pdf": b"%PDF-",
    "odt": b"PK",
    "docx": b"PK",
    "ods": b"PK",
    "xlsx": b"PK",
    "json": b"{",
}


def report(*args: str) -> str:
    out = StringIO()
    call_command("report", "performance", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("format_name", list(MAGIC))
def test_every_format_is_written(tmp_path: Path, format_name: str) -> None:
    target = tmp_path / f"report.{format_name}"
    out = report(
        "--org", "hsinchu-social", "--year", "108", "--format", format_name, "-o", str(target)
    )
    assert target.read_bytes().startswith(MAGIC[format_name])
    size = f"{target.stat().st_size:,}"
    assert out == f"{target}：{format_name.upper()}，{size} 位元組\n"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "nowhere", "--year", "108"], "找不到機關「nowhere」。"),
        (["--org", "hsinchu-social", "--year", "107"], "找不到社會處 107年度的施政績效報告。"),
    ],
)
def test_unknown_department_or_year_exits_2_and_writes_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"the previous report")
    with pytest.raises(CommandError) as raised:
        report(*args, "--format", "pdf", "-o", str(target))
    assert (str(raised.value), raised.value.returncode) == (message, 2)
    assert target.read_bytes() == b"the previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_unwritable_path_exits_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        report("--org", "hsinchu-social", "--year", "108", "--format", "json",
               "-o", str(tmp_path / "missing" / "r.json"))  # fmt: skip
    assert raised.value.returncode == 2
    assert str(raised.value) == f"無法寫入 {tmp_path / 'missing' / 'r.json'}：資料夾不存在"
    with pytest.raises(CommandError) as raised:
        report("--org", "hsinchu-social", "--year", "108", "--format", "json", "-o", str(tmp_path))
    assert raised.value.returncode == 2
    assert str(raised.value) == f"無法寫入 {tmp_path}：Is a directory"
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_half_file(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    with pytest.raises(TypeError):
        # Fails inside the write, after the temporary file was created.
        write_atomically(target, "text, not bytes")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
    write_atomically(target, b"complete")
    assert target.read_bytes() == b"complete"
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.slow  # three runs of the command line in a subprocess
@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (
            ["--org", "hsinchu-social", "--year", "108", "--format", "doc", "-o", "x"],
            "guankao report performance: error: argument --format: invalid choice: 'doc' "
            "(choose from 'html', 'pdf', 'odt', 'docx', 'ods', 'xlsx', 'csv', 'json')\n",
        ),
        (
            ["--org", "hsinchu-social", "--year", "百八", "--format", "pdf", "-o", "x"],
            "guankao report performance: error: argument --year: invalid int value: '百八'\n",
        ),
        (
            ["--org", "hsinchu-social", "--year", "108", "--format", "pdf"],
            "guankao report performance: error: the following arguments are required: -o/--output\n",
        ),
    ],
)
def test_bad_arguments_print_one_line_and_exit_2(
    tmp_path: Path, args: list[str], stderr: str
) -> None:
    result = subprocess.run(
        [GUANKAO, "report", "performance", *args],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stderr, result.stdout) == (2, stderr, "")
    assert list(tmp_path.iterdir()) == []


def test_kinds_are_found_in_each_app() -> None:
    kinds = {kind.name: kind for kind in report_kinds()}
    assert sorted(kinds) == ["committee", "division", "leaflet", "performance", "scorecard"]
    assert kinds["performance"].run.__module__ == "guankao.performance.reports"
    assert kinds["division"].run.__module__ == "guankao.directory.reports"
    out = subprocess.run([GUANKAO, "report", "--help"], capture_output=True, text=True, check=True)
    assert "performance" in out.stdout
