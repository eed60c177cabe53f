"""The seed report as ODT and DOCX: real, editable tables, read back cell by cell."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from odfdo import Document as OdfDocument
from odfdo import Element

from tests.documents import seed_report as expected

# The report is read from the demo data: run with the database tests, before pytest-django's
# transactional (browser) tests empty the database.
pytestmark = pytest.mark.django_db

Grid = list[list[str | None]]


def plan_grid() -> Grid:
    """The 貳 table as it must be: one row per indicator; plan, budget, rate and code span them.
    None marks a position covered by a span."""
    rows: Grid = [list(expected.HEADER)]
    for (heading, budget, rate, code), indicators in zip(
        expected.PLANS, expected.indicator_cells(), strict=True
    ):
        for index, (text, standard, achievement) in enumerate(indicators):
            if index == 0:
                rows.append([heading, text, standard, budget, achievement, rate, code])
            else:
                rows.append([None, text, standard, None, achievement, None, None])
    return rows


def shortfall_grid() -> Grid:
    rows: Grid = [["計畫名稱", "衡量標準", "執行率", "未達成原因分析暨改進措施"]]
    rows += [list(row) for row in expected.SECTION_THREE]
    return rows


# --- ODT -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def odt(seed_file: Callable[[str], Path]) -> OdfDocument:
    return OdfDocument(str(seed_file("odt")))


def odt_cell_text(cell: Element) -> str | None:
    if cell.tag == "table:covered-table-cell":
        return None
    return "\n".join(p.text_recursive for p in cell.get_elements("text:p"))


def odt_grid(table: Element) -> Grid:
    return [[odt_cell_text(c) for c in row.get_elements("table:table-cell|table:covered-table-cell")]
            for row in table.get_elements(".//table:table-row")]  # fmt: skip


def test_odt_plan_table_cell_by_cell(odt: OdfDocument) -> None:
    tables = odt.body.get_tables()
    assert [t.name for t in tables] == ["plans", "shortfalls"]
    assert odt_grid(tables[0]) == plan_grid()


def test_odt_spans_and_repeated_header(odt: OdfDocument) -> None:
    table = odt.body.get_tables()[0]
    header = table.get_elements("table:table-header-rows/table:table-row")
    assert len(header) == 1
    spans = [
        int(cell.get_attribute_string("table:number-rows-spanned") or 1)
        for row in table.get_elements("table:table-row")
        for cell in row.get_elements("table:table-cell")[:1]
        if odt_cell_text(cell) in {p[0] for p in expected.PLANS}
    ]
    assert spans == [len(i) for i in expected.indicator_cells()]


def test_odt_shortfalls_and_paragraphs(odt: OdfDocument) -> None:
    assert odt_grid(odt.body.get_tables()[1]) == shortfall_grid()
    paragraphs = [p.text_recursive for p in odt.body.get_elements("text:p|text:h")
                  if p.parent is not None and p.parent.tag == "office:text"]  # fmt: skip
    assert paragraphs[:4] == [
        expected.TITLE,
        "壹、前言",
        expected.preface(),
        "貳、施政計畫衡量指標與標準：",
    ]
    assert expected.FOOTNOTE in paragraphs
    assert expected.SECTION_FOUR in paragraphs
    five = paragraphs[paragraphs.index("伍、年度重要施政具體事蹟") + 1 :]
    assert five == expected.SECTION_FIVE


def test_odt_is_a4_with_page_numbers_and_no_frames(odt: OdfDocument) -> None:
    layout = odt.get_style("page-layout", "Mpm1")
    properties = layout.get_elements("style:page-layout-properties")[0]  # type: ignore[union-attr]
    assert properties.get_attribute_string("fo:page-width") == "20.999cm"
    assert properties.get_attribute_string("fo:page-height") == "29.699cm"
    footer = odt.get_style("master-page", "Standard").get_elements("style:footer")[0]  # type: ignore[union-attr]
    assert footer.get_elements(".//text:page-number") and footer.get_elements(".//text:page-count")
    # Tables are tables: no text boxes or images in the body.
    assert odt.body.get_elements(".//draw:frame") == []


def test_odt_headings_are_styled_and_not_numbered(odt: OdfDocument) -> None:
    """Writer numbers outline headings 1., 2. … unless the outline style says otherwise."""
    headings = odt.body.get_elements("text:h")
    assert [h.get_attribute_string("text:style-name") for h in headings] == ["GkHeading1"] * 5
    styles = odt.get_part("styles.xml")
    levels = styles.get_elements("//text:outline-level-style")  # type: ignore[union-attr]
    assert len(levels) == 10
    assert {level.get_attribute_string("style:num-format") for level in levels} == {""}


# --- DOCX ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def word(seed_file: Callable[[str], Path]) -> docx.document.Document:
    return docx.Document(str(seed_file("docx")))


def docx_grid(table: docx.table.Table) -> Grid:
    """Cell texts; a cell continuing a vertical merge reads as None."""
    grid: Grid = []
    for row in table.rows:
        line: list[str | None] = []
        for tc in row._tr.tc_lst:
            merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
            if merge is not None and merge.get(qn("w:val")) != "restart":
                line.append(None)
            else:
                line.append("\n".join(p.text for p in docx.table._Cell(tc, table).paragraphs))
        grid.append(line)
    return grid


def test_docx_plan_table_cell_by_cell(word: docx.document.Document) -> None:
    assert len(word.tables) == 2
    assert docx_grid(word.tables[0]) == plan_grid()
    assert docx_grid(word.tables[1]) == shortfall_grid()


def test_docx_header_row_repeats_and_rows_do_not_split(word: docx.document.Document) -> None:
    rows = word.tables[0].rows
    properties = [r._tr.trPr for r in rows]
    assert all(p is not None for p in properties)
    flags = [(p.find(qn("w:tblHeader")) is not None, p.find(qn("w:cantSplit")) is not None)
             for p in properties if p is not None]  # fmt: skip
    assert flags == [(True, True)] + [(False, True)] * (len(rows) - 1)


def test_docx_paragraphs_page_and_fonts(word: docx.document.Document) -> None:
    paragraphs = [p.text for p in word.paragraphs]
    assert paragraphs[:3] == [expected.TITLE, "壹、前言", expected.preface()]
    assert expected.SECTION_FOUR in paragraphs
    assert paragraphs[paragraphs.index("伍、年度重要施政具體事蹟") + 1 :] == expected.SECTION_FIVE
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # type: ignore[union-attr]
    footer = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    fonts = word.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "Noto Sans CJK TC"
    # No theme font anywhere: Word would show the template's fonts instead of the named one.
    styles = word.styles.element
    assert all("Theme" not in name for f in styles.iter(qn("w:rFonts")) for name in f.attrib)
    assert styles.find(f".//{qn('w:pPrDefault')}") is not None
    normal = word.styles["Normal"].element.pPr
    assert [e.get(qn("w:val")) for e in normal.iter(qn("w:autoSpaceDE"), qn("w:autoSpaceDN"))] == [
        "0",
        "0",
    ]


def test_docx_table_grid_has_the_column_widths(word: docx.document.Document) -> None:
    """A fixed-layout table is sized from w:tblGrid: the columns must add up to the text width."""
    grid = [int(col.get(qn("w:w"))) for col in word.tables[0]._tbl.tblGrid.gridCol_lst]
    first_row = [
        int(tc.xpath("./w:tcPr/w:tcW/@w:w")[0]) for tc in word.tables[0].rows[0]._tr.tc_lst
    ]
    assert grid == first_row
    assert 9_500 < sum(grid) <= 9_640  # 17 cm of text width in twips
