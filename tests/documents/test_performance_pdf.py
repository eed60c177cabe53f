"""The regenerated seed report as PDF, read back with poppler's pdftotext, pdffonts and pdfinfo."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.documents import seed_report as expected

# The report is read from the demo data: run with the database tests, before pytest-django's
# transactional (browser) tests empty the database.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pdf(seed_file: Callable[[str], Path]) -> Path:
    return seed_file("pdf")


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def raw(pdf: Path) -> str:
    """Text in drawing order: each table cell's lines stay together."""
    return run("pdftotext", "-raw", str(pdf), "-")


@pytest.fixture(scope="module")
def pages(pdf: Path) -> list[str]:
    """Each page laid out as on paper (columns side by side)."""
    return run("pdftotext", "-layout", str(pdf), "-").split("\f")[:-1]


def assert_printed(text: str, sentence: str) -> None:
    assert expected.soft_wrapped(sentence).search(text), f"not in the PDF: {sentence!r}"


def test_soft_wrapped_tolerates_line_breaks_only() -> None:
    pattern = expected.soft_wrapped("共計有 2萬 8,058人次")
    assert pattern.search("共計有 2萬\n8,058人\n次")
    assert pattern.search("共計有\n2萬 8,058人次")
    assert not pattern.search("共計有 2萬8,058人次")  # a missing space is a difference
    assert not pattern.search("共計有 2萬 8058人次")  # so is a missing comma
    assert not pattern.search("共計有 2萬 8,068人次")


def test_a_traditional_chinese_font_is_embedded(pdf: Path) -> None:
    lines = run("pdffonts", str(pdf)).splitlines()[2:]
    fonts = [line.split() for line in lines]
    names = [f[0] for f in fonts]
    assert any(
        re.fullmatch(r"[A-Z]{6}\+NotoSansCJKtc-Regular-Identity-H", name) for name in names
    ), names
    # Every font is embedded (emb column), subset, with a ToUnicode map (selectable text).
    assert all(f[-5:-2] == ["yes", "yes", "yes"] for f in fonts), lines


def test_a4_pages_numbered(pdf: Path, pages: list[str]) -> None:
    info = run("pdfinfo", str(pdf))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    count = int(re.search(r"Pages:\s+(\d+)", info)[1])  # type: ignore[index]
    assert len(pages) == count >= 5
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 頁，共 {count} 頁" in page


def test_the_table_header_is_repeated_on_every_page_of_the_table(pages: list[str]) -> None:
    first = next(i for i, p in enumerate(pages) if "貳、施政計畫衡量指標與標準：" in p)
    last = next(i for i, p in enumerate(pages) if "＊ 管考方式代碼說明" in p)
    assert last > first
    header = re.compile(r"計畫名稱\s+衡量指標\s+衡量標準\s+.*執行績效")
    for page in pages[first : last + 1]:
        assert header.search(page), page[:400]


def test_title_preface_and_headings(raw: str) -> None:
    assert raw.startswith(expected.TITLE + "\n壹、前言\n")
    assert_printed(raw, expected.preface())
    for heading in (
        "貳、施政計畫衡量指標與標準：",
        "參、未達原定標準之檢討",
        "肆、自行列管績效",
        "伍、年度重要施政具體事蹟",
    ):
        assert re.search(rf"[\n\f]{heading}\n", raw), heading
    assert_printed(raw, expected.FOOTNOTE)


def test_each_plan_row_prints_name_budget_rate_and_code(pages: list[str], raw: str) -> None:
    lines = [line for page in pages for line in page.splitlines()]
    for heading, budget, rate, code in expected.PLANS:
        assert_printed(raw, heading)
        start = heading.split("、")[0] + "、" + heading.split("、")[1][:2]
        row = re.compile(
            rf"^{re.escape(start)}.*\s{re.escape(budget)}\s.*\s{re.escape(rate)}\s+{code}$"
        )
        assert any(row.match(line) for line in lines), heading


def test_every_indicator_standard_and_achievement_of_the_table(raw: str) -> None:
    for plan in expected.indicator_cells():
        for cells in plan:
            for cell in cells:
                assert_printed(raw, cell)


def test_section_three_lists_the_printed_shortfalls(raw: str) -> None:
    section = raw.split("參、未達原定標準之檢討", 1)[1].split("肆、自行列管績效", 1)[0]
    assert_printed(section, "計畫名稱 衡量標準 執行率 未達成原因分析暨改進措施")
    for plan, standard, rate, reason in expected.SECTION_THREE:
        for part in (plan, standard, rate, reason):
            assert_printed(section, part)
    assert "身心障礙福利機構" not in section  # plan 八 is a reviewer candidate, not printed


def test_section_four_and_five(raw: str) -> None:
    assert_printed(raw, expected.SECTION_FOUR)
    five = raw.split("伍、年度重要施政具體事蹟", 1)[1]
    for paragraph in expected.SECTION_FIVE:
        assert_printed(five, paragraph)


def test_reviewer_flags_are_never_published(raw: str) -> None:
    for reviewer_only in ("目標可能偏低", "審查檢視", "資料中找不到", "未列入參"):
        assert reviewer_only not in raw


def test_screenshot_of_the_first_two_pages_shows_glyphs(pdf: Path, tmp_path: Path) -> None:
    """The docs' pdftoppm command; a page of boxes would be nearly blank or uniform."""
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    shots = sorted(tmp_path.glob("page-*.png"))
    assert [p.name for p in shots] == ["page-1.png", "page-2.png"]
    assert all(p.stat().st_size > 20_000 for p in shots)
