"""Files that are not what they claim: a clear one-line message, nothing written, and the
work bounded in memory and time before the file could do harm."""

from __future__ import annotations

import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from odfdo import Cell, Document, Row, Table

from guankao.imports.readers import FileRejected, read_grids
from guankao.imports.readers.base import MAX_CELL_CHARS

from . import builders

pytestmark = pytest.mark.django_db

DIVISION_HEADING = ["項目", "業務內容", "主辦單位"]


def refused(path: Path, kind: str = "division") -> str:
    """Run the import command on ``path``; return its one-line message (exit status 2)."""
    where = (
        ["--jurisdiction", "keelung", "--version", "114.3"]
        if kind == "division"
        else ["--org", "hsinchu-social", "--year", "113"]
    )
    with pytest.raises(CommandError) as caught:
        call_command("import", kind, str(path), *where, stdout=StringIO())
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert "\n" not in message
    return message


def bounded(run: Callable[[], str], *, megabytes: float) -> str:
    """Run ``run`` twice, the second time under tracemalloc for its peak memory.

    Fails unless it allocates less than ``megabytes`` at peak (which shows that a reader stopped
    early instead of reading everything); returns what it returned. Time is measured by the
    benchmarks, not asserted here: timed assertions are flaky on a shared machine.
    """
    result = run()
    tracemalloc.start()
    try:
        assert run() == result
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < megabytes * 1024 * 1024, f"peaked at {peak / 1024 / 1024:.1f} MB"
    return result


@pytest.fixture
def unchanged(counts: Callable[[], dict[str, int]]) -> Iterator[None]:
    """Every test here must leave every table as it was."""
    before = counts()
    yield
    assert counts() == before


@pytest.mark.usefixtures("unchanged")
class TestRefused:
    def test_pdf_renamed_xlsx(self, tmp_path: Path) -> None:
        path = tmp_path / "分工表.xlsx"
        path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n")
        assert refused(path) == "分工表.xlsx：副檔名是 XLSX，內容卻是 PDF 檔案，無法匯入。"

    def test_old_excel_renamed_xlsx(self, tmp_path: Path) -> None:
        path = tmp_path / "old.xlsx"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
        assert (
            refused(path)
            == "old.xlsx：副檔名是 XLSX，內容卻是 舊版 Office（.xls／.doc） 檔案，無法匯入。"
        )

    def test_docx_renamed_xlsx(self, tmp_path: Path) -> None:
        docx = builders.docx(tmp_path / "t.docx", [DIVISION_HEADING])
        path = tmp_path / "t.xlsx"
        path.write_bytes(docx.read_bytes())
        assert refused(path) == "t.xlsx：副檔名是 XLSX，內容卻是 DOCX 檔案，無法匯入。"

    def test_a_zip_that_is_no_office_file(self, tmp_path: Path) -> None:
        path = tmp_path / "t.ods"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "hello")
        assert refused(path) == "t.ods：不是有效的 ODS 檔案，無法匯入。"

    def test_unsupported_extension(self, tmp_path: Path) -> None:
        path = tmp_path / "table.pdf"
        path.write_bytes(b"%PDF-1.7\n")
        assert refused(path) == "table.pdf：不支援這種檔案；請用 XLSX、ODS、CSV、DOCX、ODT。"

    def test_empty_file(self, tmp_path: Path) -> None:
        path = tmp_path / "empty.csv"
        path.write_bytes(b"")
        assert refused(path) == "empty.csv：檔案是空的。"

    def test_empty_sheet(self, tmp_path: Path) -> None:
        path = builders.xlsx(tmp_path / "empty.xlsx", [])
        assert refused(path) == (
            "empty.xlsx：找不到分工表的標題列：需要「項目」「業務內容」「主辦單位」三欄。"
        )

    def test_heading_without_rows(self, tmp_path: Path) -> None:
        path = builders.xlsx(tmp_path / "heading.xlsx", [DIVISION_HEADING])
        assert refused(path) == "heading.xlsx：標題列下沒有任何業務內容。"

    def test_wrong_table_for_the_import(self, tmp_path: Path) -> None:
        path = builders.xlsx(tmp_path / "division.xlsx", [DIVISION_HEADING])
        assert refused(path, "performance").startswith("division.xlsx：找不到施政計畫表的標題列")

    def test_binary_csv(self, tmp_path: Path) -> None:
        path = tmp_path / "data.csv"
        path.write_bytes(bytes(range(256)) * 4)
        assert refused(path) == "data.csv：副檔名是 CSV，內容卻是 二進位 檔案，無法匯入。"

    def test_fifty_megabytes(self, tmp_path: Path) -> None:
        path = tmp_path / "huge.xlsx"
        with path.open("wb") as stream:
            stream.truncate(50 * 1024 * 1024)  # sparse: no time spent writing zeros
        message = bounded(lambda: refused(path), megabytes=1)
        assert message == "huge.xlsx：檔案太大（50.0 MB），上限為 20 MB。"

    def test_zip_bomb(self, tmp_path: Path) -> None:
        path = tmp_path / "bomb.xlsx"
        chunk = b"<row>" + b"0" * (1024 * 1024)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", builders.WORKBOOK)
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
                for _ in range(256):  # 256 MB that deflate to about a quarter of a megabyte
                    member.write(chunk)
        assert path.stat().st_size < 1024 * 1024
        message = bounded(lambda: refused(path), megabytes=2)
        assert message.startswith("bomb.xlsx：內容「xl/worksheets/sheet1.xml」壓縮比異常")
        assert message.endswith("疑似壓縮炸彈，無法匯入。")

    def test_formula_cell_in_xlsx(self, tmp_path: Path) -> None:
        rows: builders.Rows = [
            ["計畫名稱", "衡量指標", "衡量標準", "預算金額（千元）", "執行績效", "執行率", "管考代碼"],
            ["一、志願服務", "1.媒合座談會場次。", "辦理 2場。", "=SUM(H2:H3)", "辦理 2場。", "100%", 5],
        ]  # fmt: skip
        path = builders.xlsx(tmp_path / "formula.xlsx", rows, title="施政計畫")
        assert refused(path, "performance") == (
            "formula.xlsx：施政計畫!D2 是公式；請將公式改為數值（選擇性貼上→值）後再匯入。"
        )

    def test_formula_cell_in_ods(self, tmp_path: Path) -> None:
        document = Document("spreadsheet")
        document.body.clear()
        table = Table("工作表1")
        row = Row()
        for text in DIVISION_HEADING:
            row.append_cell(Cell(text))
        table.append_row(row)
        row = Row()
        row.append_cell(Cell("生活適應輔導"))
        row.append_cell(Cell(2, formula="of:=1+1"))
        table.append_row(row)
        document.body.append(table)
        path = tmp_path / "formula.ods"
        document.save(path)
        assert refused(path) == "formula.ods：工作表1!B2 是公式；請將公式改為數值後再匯入。"

    def test_hundred_thousand_csv_rows(self, tmp_path: Path) -> None:
        rows = [DIVISION_HEADING] + [
            ["生活適應輔導", f"{n}.辦理第 {n} 項。", "民政處"] for n in range(1, 100_001)
        ]
        path = builders.csv_file(tmp_path / "big.csv", rows, "utf-8")
        message = bounded(lambda: refused(path), megabytes=60)
        assert message == "big.csv：「big.csv」超過 20,000 列，請分成幾個檔案匯入。"

    def test_hundred_thousand_repeated_ods_rows(self, tmp_path: Path) -> None:
        document = Document("spreadsheet")
        document.body.clear()
        table = Table("工作表1")
        heading = Row()
        for text in DIVISION_HEADING:
            heading.append_cell(Cell(text))
        table.append_row(heading)
        row = Row(repeated=100_000)  # a few bytes that unpack to 100,000 rows
        for text in ("生活適應輔導", "1.辦理。", "民政處"):
            row.append_cell(Cell(text))
        table.append_row(row)
        document.body.append(table)
        path = tmp_path / "repeated.ods"
        document.save(path)
        assert path.stat().st_size < 20_000
        message = bounded(lambda: refused(path), megabytes=2)
        assert message == "repeated.ods：「工作表1」超過 20,000 列，請分成幾個檔案匯入。"

    def test_hundred_thousand_xlsx_rows(self, tmp_path: Path) -> None:
        rows = "".join(
            builders.inline_row(n, "生活適應輔導", "1.辦理。", "民政處") for n in range(2, 100_002)
        )
        sheet = (
            builders.SHEET_OPEN
            + builders.inline_row(1, *DIVISION_HEADING)
            + rows
            + builders.SHEET_CLOSE
        )
        path = builders.raw_xlsx(tmp_path / "rows.xlsx", sheet)
        message = bounded(lambda: refused(path), megabytes=20)
        assert message == "rows.xlsx：「S」超過 20,000 列，請分成幾個檔案匯入。"

    def test_document_type_declaration(self, tmp_path: Path) -> None:
        sheet = (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            + builders.SHEET_OPEN
            + builders.inline_row(1, "&lol2;")
            + builders.SHEET_CLOSE
        )
        path = builders.raw_xlsx(tmp_path / "entities.xlsx", sheet)
        assert refused(path) == "entities.xlsx：檔案內含文件類型宣告（DOCTYPE），不予讀取。"

    def test_truncated_xml(self, tmp_path: Path) -> None:
        sheet = builders.SHEET_OPEN + '<row r="1"><c r="A1" t="inlineStr"><is><t>項目'
        path = builders.raw_xlsx(tmp_path / "broken.xlsx", sheet)
        assert refused(path).startswith("broken.xlsx：檔案內容損毀，無法讀取（")

    def test_too_many_columns(self, tmp_path: Path) -> None:
        rows: builders.Rows = [[*DIVISION_HEADING, *([None] * 70), "x"]]
        path = builders.xlsx(tmp_path / "wide.xlsx", rows)
        assert refused(path) == "wide.xlsx：「分工表」第 1 列超過 64 欄。"

    def test_a_cell_too_long(self, tmp_path: Path) -> None:
        rows = [DIVISION_HEADING, ["生活適應輔導", "辦" * (MAX_CELL_CHARS + 1), "民政處"]]
        path = builders.csv_file(tmp_path / "long.csv", rows, "utf-8")
        assert refused(path) == "long.csv：「long.csv」第 2 列有一格超過 32,767 字。"


def test_readers_name_cells_as_people_do(tmp_path: Path) -> None:
    rows: builders.Rows = [["項目", None, "主辦單位"], ["生活適應輔導", "1.辦理。", 0.5]]
    path = builders.xlsx(tmp_path / "refs.xlsx", rows)
    (grid,) = read_grids(path)
    assert [grid.cell_ref(row, 1) for row in grid.rows] == ["分工表!B1", "分工表!B2"]
    assert grid.rows[1].cells == ("生活適應輔導", "1.辦理。", "0.5")
    with pytest.raises(FileRejected):
        read_grids(tmp_path / "refs.txt")
