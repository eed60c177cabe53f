"""The editable formats opened by LibreOffice itself (headless, as `soffice --convert-to`): the
ODT and DOCX laid out to PDF and read back with pdftotext, the ODS and XLSX saved as CSV.

This is what a 研考 officer does with the files; it caught what the reader libraries do not
(numbered headings in Writer, a DOCX column collapsed by its table grid)."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.documents import seed_report as expected

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]
SPREADSHEET_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def soffice(folder: Path, target: str, *files: Path) -> None:
    """Convert ``files`` into ``folder/out`` with a profile of its own (no shared state)."""
    program = shutil.which("soffice")
    assert program, "LibreOffice is listed in scripts/debian-packages.txt"
    subprocess.run(
        [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
         "--convert-to", target, "--outdir", str(folder / "out"), *map(str, files)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def opened(seed_file: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed report's ODT, DOCX, ODS and XLSX after LibreOffice opened and converted them."""
    folder = tmp_path_factory.mktemp("libreoffice")
    copies = {}
    for fmt in ("odt", "docx", "ods", "xlsx"):
        copies[fmt] = folder / f"{fmt}-report.{fmt}"  # one output name per input
        shutil.copy(seed_file(fmt), copies[fmt])
    soffice(folder, "pdf", copies["odt"], copies["docx"])
    soffice(folder, SPREADSHEET_CSV, copies["ods"], copies["xlsx"])
    return folder / "out"


def flat(text: str) -> str:
    """Text without any white space: LibreOffice may add a visual gap between Chinese and digits
    (DOCX) and wraps lines where its layout does; every other character must be there."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("fmt", ["odt", "docx"])
def test_the_text_documents_open_with_every_sentence(opened: Path, fmt: str) -> None:
    pdf = opened / f"{fmt}-report.pdf"
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    # The page footers stand between the lines of a paragraph that runs onto the next page.
    lines = [line for line in text.splitlines() if line.strip() and "頁，共" not in line]
    assert flat(lines[0]) == flat(expected.TITLE)
    assert flat(lines[1]) == "壹、前言"  # no outline number in front of it
    whole = flat("".join(lines))
    for sentence in (expected.preface(), expected.SECTION_FOUR, expected.FOOTNOTE,
                     *expected.SECTION_FIVE):  # fmt: skip
        assert flat(sentence) in whole, sentence[:30]
    # Every plan's row shows its 執行率 (a collapsed column would hide them).
    rates = [rate for _, _, rate, _ in expected.PLANS]
    assert whole.count("100%") >= rates.count("100%")
    assert "98%" in whole and "99%" in whole


def test_the_spreadsheets_open_with_the_same_rows(opened: Path) -> None:
    def sheet(fmt: str, name: str) -> list[list[str]]:
        path = opened / f"{fmt}-report-{name}.csv"
        return list(csv.reader(path.open(encoding="utf-8", newline="")))

    for name in ("衡量標準", "施政計畫"):
        assert sheet("ods", name) == sheet("xlsx", name), name
    measures = sheet("ods", "衡量標準")
    assert measures[0][:3] == ["計畫編號", "計畫名稱", "指標編號"]
    assert len(measures) == len(expected.measure_rows()) + 1
    first = measures[1]
    # Numbers are numbers (no text "6,300"), percentages are formatted percentages.
    assert first[:9] == ["1", "為弱勢民眾搭起社福保護傘", "1", "愛心福利社服務人次。",
                         "愛心福利社服務人次", "數量", "6300", "7048", "人次"]  # fmt: skip
    assert first[10] == "111.87%"
    assert len(sheet("ods", "施政計畫")) == len(expected.PLANS) + 1
