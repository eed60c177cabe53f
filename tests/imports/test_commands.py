"""``guankao import`` and ``guankao export``: output in zh-Hant, exit status 2 on bad input."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import BaseCommand, CommandParser, OutputWrapper

from guankao.core.registry import ExportSubcommand, export_subcommands
from guankao.divisions.models import DivisionTable
from guankao.imports.management.commands.export import Command as ExportCommand

from . import builders
from .test_division_import import MESSY_MERGES, MESSY_ROWS

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def failure(*args: str, command: BaseCommand | None = None) -> str:
    with pytest.raises(CommandError) as caught:
        call_command(
            command or args[0], *(args[1:] if command is None else args), stdout=StringIO()
        )
    assert caught.value.returncode == 2
    return str(caught.value)


def test_dry_run_prints_the_preview_and_writes_nothing(
    tmp_path: Path, counts: Callable[[], dict[str, int]]
) -> None:
    path = builders.xlsx(tmp_path / "分工表.xlsx", MESSY_ROWS, MESSY_MERGES)
    before = counts()
    out = run("import", "division", str(path), "--jurisdiction", "keelung", "--version",
              "114.3", "--dry-run")  # fmt: skip
    assert counts() == before
    lines = out.splitlines()
    assert lines[0] == "讀取 分工表.xlsx → 基隆市 分工表 114.3：12 項業務（資料列 10 列）"
    assert (
        lines[1] == "  [警告] 分工表!C13：無法辨識電話「2420-11」，不會更新「產業發展處」的電話。"
    )
    assert lines[2] == "錯誤 0 個，警告 1 個。"
    # 15 rows plus the draft version's 8 contacts (the 7 the file names and the walk-in centre
    # carried over); 3 changed texts keep 10 translations each.
    assert lines[3] == "變更：新增 23、修改 1、修改共同主辦單位 2、譯文標為過時 30"
    # Then only the real differences from the published 112.7, not every write.
    assert lines[4] == (
        "與 112.7 版相比：機關名稱或電話變更 1 個、新增 1 項、刪除 42 項、修改 4 項、未變 7 項。"
    )
    assert lines[5] == "  電話 警察局：2425-2787 → (02)2425-2787 分機100"
    assert "  新增 產業發展處 1. 辦理新住民創業講座。" in lines
    assert not [line for line in lines if line.startswith("  新增 業務內容")]
    assert lines[-2] == "  這些修改會讓 30 則譯文標為過時（保留譯文，待人審閱）。"
    assert lines[-1] == "試算（--dry-run），未寫入任何資料。"


def test_verbosity_two_lists_every_row(tmp_path: Path) -> None:
    path = builders.xlsx(tmp_path / "分工表.xlsx", MESSY_ROWS, MESSY_MERGES)
    out = run("import", "division", str(path), "--jurisdiction", "keelung", "--version",
              "114.3", "--dry-run", "--verbosity", "2")  # fmt: skip
    assert "  分工表!B9｜人身安全保護｜社會處｜２４３２－０４９５｜1｜" in out


def test_save_prints_a_summary_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    path = builders.xlsx(tmp_path / "分工表.xlsx", MESSY_ROWS, MESSY_MERGES)
    args = ("import", "division", str(path), "--jurisdiction", "keelung", "--version", "114.3")
    assert run(*args).splitlines()[-1] == "已儲存。"
    assert DivisionTable.objects.filter(effective_month="2025-03-01").exists()
    again = run(*args).splitlines()
    assert again[-2:] == ["與資料庫相同，沒有任何變更。", "已儲存。"]


def test_errors_end_with_exit_status_2(
    tmp_path: Path, counts: Callable[[], dict[str, int]]
) -> None:
    rows: builders.Rows = [["項目", "業務內容", "主辦單位"], ["生活適應輔導", "1.辦理A。", None]]
    path = builders.xlsx(tmp_path / "bad.xlsx", rows)
    before = counts()
    message = failure("import", "division", str(path), "--jurisdiction", "keelung",
                      "--version", "114.3")  # fmt: skip
    assert message == "bad.xlsx：有 1 個錯誤，未寫入任何資料。"
    assert counts() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--jurisdiction", "keelung", "--version", "明年"], "版本「明年」須為民國年.月，例如 114.3。"),
        (["--jurisdiction", "tainan", "--version", "114.3"],
         "沒有代碼為「tainan」的縣市；新縣市請以 --name 提供名稱。"),
        (["--jurisdiction", "臺南", "--version", "114.3", "--name", "臺南市"],
         "縣市代碼「臺南」只能用英文字母、數字與連字號。"),
    ],
)  # fmt: skip
def test_bad_division_arguments(tmp_path: Path, args: list[str], message: str) -> None:
    path = builders.xlsx(tmp_path / "t.xlsx", MESSY_ROWS)
    assert failure("import", "division", str(path), *args) == message


def test_bad_performance_arguments(tmp_path: Path) -> None:
    path = builders.xlsx(tmp_path / "t.xlsx", MESSY_ROWS)
    assert failure("import", "performance", str(path), "--org", "nobody", "--year", "113") == (
        "沒有代碼為「nobody」的機關。"
    )
    assert failure("import", "performance", str(tmp_path / "missing.xlsx"), "--org",
                   "hsinchu-social", "--year", "113").endswith("missing.xlsx：找不到檔案。")  # fmt: skip


def test_export_errors(tmp_path: Path) -> None:
    export = ExportCommand()
    assert failure("template", "division", "--jurisdiction", "nowhere", "-o",
                   str(tmp_path / "t.ods"), command=export) == "沒有代碼為「nowhere」的縣市。"  # fmt: skip
    assert failure("template", "division", "--jurisdiction", "keelung", "--version", "99.1",
                   "-o", str(tmp_path / "t.ods"), command=export) == (
        "「keelung」沒有這個版本的分工表。"
    )  # fmt: skip
    assert failure("template", "performance", "--org", "hsinchu-social", "-o",
                   str(tmp_path / "t.ods"), command=export) == "請以 --year 指定民國年度，例如 108。"  # fmt: skip
    assert failure("template", "division", "-o", str(tmp_path / "no" / "t.ods"),
                   command=export).endswith("：資料夾不存在。")  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing half-written


def test_blank_template_export(tmp_path: Path) -> None:
    out = StringIO()
    call_command(ExportCommand(), "template", "division", "-o", str(tmp_path / "t.ods"), stdout=out)
    assert out.getvalue().strip() == f"已匯出：空白分工表範本 → {tmp_path / 't.ods'}"
    assert (tmp_path / "t.ods").stat().st_size > 0


def test_the_registry_finds_the_template_subcommand() -> None:
    names = [subcommand.name for subcommand in export_subcommands()]
    assert "template" in names


def test_a_subcommand_is_a_plain_value(tmp_path: Path) -> None:
    """What another app writes in its ``exports.py`` to add ``guankao export NAME``."""
    seen: dict[str, object] = {}

    def add_arguments(parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True)

    def run_it(options: dict[str, object], stdout: OutputWrapper) -> None:
        seen.update(options)
        stdout.write("ok")

    subcommand = ExportSubcommand("demo", "a demo", add_arguments, run_it)
    parser = CommandParser(prog="export demo")
    subcommand.add_arguments(parser)
    options = vars(parser.parse_args(["-o", str(tmp_path)]))
    out = StringIO()
    subcommand.run(options, OutputWrapper(out))
    assert seen["output"] == str(tmp_path) and out.getvalue() == "ok\n"
