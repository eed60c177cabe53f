"""The PDF renderer on its own: any report text printed literally, rows kept whole unless too long
for a page, nothing ever cut off; read back with poppler."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from guankao.documents.checks import missing_font_families
from guankao.documents.model import Cell, Column, Document, Footnote, Heading, Paragraph, Table
from guankao.documents.render import pdf

MARKUP = "#let x = 1 $x^2$ *粗體* _斜體_ <label> @ref [括號] \\ `code` // 不是註解 /* 也不是 */"


def pdf_pages(document: Document, tmp_path: Path) -> list[str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf.render(document))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


def two_column_table(rows: list[tuple[str, str]]) -> Table:
    return Table(
        columns=(Column(1), Column(3)),
        header_rows=((Cell.of("編號", header=True), Cell.of("內容", header=True)),),
        body_rows=tuple((Cell.of(a), Cell.of(b)) for a, b in rows),
    )


def test_report_text_is_never_read_as_markup(tmp_path: Path) -> None:
    document = Document(
        title=f"標題 {MARKUP}",
        blocks=(
            Heading(MARKUP),
            Paragraph(MARKUP),
            Footnote(MARKUP),
            two_column_table([("1", MARKUP)]),
        ),
    )
    text = "".join(pdf_pages(document, tmp_path))
    flat = " ".join(text.split())
    # Title, heading, paragraph, footnote and cell: each prints the markup as written.
    assert flat.count("#let x = 1 $x^2$ *粗體* _斜體_ <label> @ref [括號]") == 5, flat


def test_a_row_is_kept_on_one_page(tmp_path: Path) -> None:
    rows = [(f"R{n:02d}", f"第{n}列開始" + "內容文字" * 30 + f"第{n}列結束") for n in range(40)]
    pages = pdf_pages(Document(title="表", blocks=(two_column_table(rows),)), tmp_path)
    assert len(pages) >= 3
    for n in range(40):
        start, end = f"第{n}列開始", f"第{n}列結束"
        page = next(p for p in pages if start in p)
        assert end in page, f"row {n} split across pages"
    assert all("編號" in p and "內容" in p for p in pages)  # the header on every page


def test_a_cell_longer_than_a_page_breaks_instead_of_being_cut_off(tmp_path: Path) -> None:
    long_text = "開頭" + "很長的辦理情形說明。" * 400 + "結尾"
    rows = [("短", "前一列"), ("長", long_text), ("後", "後一列")]
    assert pdf.estimated_lines(Cell.of(long_text), 0.75) > pdf.KEEP_WHOLE_LINES
    pages = pdf_pages(Document(title="表", blocks=(two_column_table(rows),)), tmp_path)
    assert len(pages) >= 2
    # The cell's text alone: without the page footers and the repeated header.
    body = [
        line
        for page in pages
        for line in page.splitlines()
        if "頁，共" not in line and line.split() != ["編號", "內容"]
    ]
    text = "".join("".join(body).split())
    assert text.startswith("表短前一列長開頭很長的辦理情形說明。")
    assert text.endswith("很長的辦理情形說明。結尾後後一列")
    assert text.count("很長的辦理情形說明。") == 400


def test_estimated_lines_counts_full_width_as_one_em() -> None:
    # A quarter of the 182 mm text width at 10 pt is about 12 em, less 1 em of padding.
    assert pdf.estimated_lines(Cell.of("字" * 11), 0.25) == 1
    assert pdf.estimated_lines(Cell.of("字" * 12), 0.25) == 2
    assert pdf.estimated_lines(Cell.of("字" * 24), 0.25) == 3
    assert pdf.estimated_lines(Cell.of("a" * 18), 0.25) == 1  # half-width takes about 0.6 em
    assert pdf.estimated_lines(Cell.of("一\n二\n\n三"), 0.25) == 4  # an empty line is a line


def test_a_malformed_table_is_refused() -> None:
    table = Table(columns=(Column(1), Column(1)), header_rows=(), body_rows=((Cell.of("x"),),))
    with pytest.raises(ValueError, match="too few cells"):
        pdf.render(Document(title="表", blocks=(table,)))


def test_the_document_fonts_are_installed() -> None:
    import typst

    assert missing_font_families(set(typst.Fonts().families())) == []
    assert missing_font_families({"Noto Sans CJK TC"}) == ["Noto Serif CJK TC"]
