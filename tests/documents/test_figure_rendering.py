"""A Figure block in every document format, read back: the HTML's inline SVG and table (and axe
in Chromium at 360 px), the PDF's text and fonts (pdftotext, pdffonts), the ODT's embedded SVG
and table (odfdo, and LibreOffice laying it out), the DOCX's picture and table (python-docx)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import lxml.etree  # type: ignore[import-untyped]
import lxml.html  # type: ignore[import-untyped]
import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from docx.oxml.ns import qn
from odfdo import Document as OdfDocument

from guankao.documents.charts import Bar, Point, bar_chart, line_chart
from guankao.documents.model import Document, Figure, Heading, Paragraph
from guankao.documents.render import docx as docx_render
from guankao.documents.render import html, odt, pdf

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

SCORECARD = bar_chart(
    "108年度達成率",
    "四項衡量標準中一項達標、三項未達標。",
    [
        Bar("六.4", 80, "yellow", "辦理社區培力課程場次"),
        Bar("八.5", 83.56, "yellow", "身心障礙者服務人數"),
        Bar("十四.1", 75.4, "red", "家庭暴力防治服務人次"),
        Bar("一.1", 120, "green", "弱勢民眾關懷訪視"),
    ],
)
TREND = line_chart(
    "家庭暴力防治服務人次",
    "106年至108年的實際值與目標值。",
    [Point(106, 3100), Point(107, 4000), Point(108, 4373)],
    [Point(106, 3000), Point(107, 4200), Point(108, 5800)],
    unit="人次",
)
DOCUMENT = Document(
    "測試報告",
    (
        Heading("壹、達成情形"),
        Paragraph("說明文字。"),
        Figure(SCORECARD),
        Heading("貳、趨勢"),
        Figure(TREND),
    ),
)
SCORECARD_ROWS = [
    ["六.4", "辦理社區培力課程場次", "80%", "▲接近"],
    ["八.5", "身心障礙者服務人數", "83.6%", "▲接近"],
    ["十四.1", "家庭暴力防治服務人次", "75.4%", "■落後"],
    ["一.1", "弱勢民眾關懷訪視", "120%", "●達標"],
]
TREND_ROWS = [["106年", "3,100", "3,000"], ["107年", "4,000", "4,200"], ["108年", "4,373", "5,800"]]
BAR_TEXTS = ["80% ▲接近", "83.6% ▲接近", "75.4% ■落後", "120% ●達標"]


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


# --- HTML ----------------------------------------------------------------------------------


def test_html_has_the_svg_inline_and_its_table_after_it() -> None:
    page = lxml.html.fromstring(html.render(DOCUMENT))
    figures = page.xpath("//figure[@class='document-figure']")
    assert len(figures) == 2
    svg = figures[0].xpath("./*[local-name()='svg']")[0]
    assert svg.get("role") == "img"
    assert not page.xpath("//script")
    table = figures[0].getnext().xpath(".//table")[0]
    assert table.xpath("./caption")[0].text_content() == "108年度達成率（資料表）"
    assert [
        [c.text_content() for c in tr.xpath("./td|./th")] for tr in table.xpath("./tbody/tr")
    ] == (SCORECARD_ROWS)
    trend_table = figures[1].getnext().xpath(".//table")[0]
    assert [
        [c.text_content() for c in tr.xpath("./td")] for tr in trend_table.xpath("./tbody/tr")
    ] == (TREND_ROWS)


def test_html_with_figures_passes_axe_at_360_px(phone_page: Any, tmp_path: Path) -> None:
    path = tmp_path / "figures.html"
    path.write_bytes(html.render(DOCUMENT))
    phone_page.goto(path.as_uri())
    results = Axe().run(phone_page, options=WCAG_21_AA)
    assert [v["id"] for v in results.response["violations"]] == []
    # The chart fits the phone: no wider than the page, and its text at least 11 px high.
    box = phone_page.locator("figure svg").first.bounding_box()
    assert box["width"] <= 360 - 2 * 16 + 1
    label = phone_page.locator("figure svg text.value").first.bounding_box()
    assert label["height"] >= 11
    # The SVG's accessible name and description are its own title and desc.
    name = phone_page.evaluate(
        "() => { const s = document.querySelector('figure svg');"
        " return s.getAttribute('aria-labelledby').split(' ')"
        ".map(id => document.getElementById(id).textContent); }"
    )
    assert name == ["108年度達成率", "四項衡量標準中一項達標、三項未達標。"]
    ARTIFACTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(ARTIFACTS / "figures-360.png"), full_page=True)


# --- PDF -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("figure-pdf") / "figures.pdf"
    path.write_bytes(pdf.render(DOCUMENT))
    return path


def test_pdf_holds_the_chart_as_text_and_its_table(pdf_file: Path) -> None:
    lines = run("pdftotext", "-raw", str(pdf_file), "-").splitlines()
    # The chart's own words, drawn from the SVG (Typst keeps SVG text as text).
    for text in ["108年度達成率", *BAR_TEXTS, "0% 50% 100% 150% 200%", "實際值 目標值"]:
        assert text in lines, text
    assert "108年度達成率（資料表）" in lines
    for row in SCORECARD_ROWS + TREND_ROWS:
        assert " ".join(row) in lines, row


def test_pdf_embeds_the_chinese_font_for_the_chart_text(pdf_file: Path) -> None:
    fonts = [line.split() for line in run("pdffonts", str(pdf_file)).splitlines()[2:]]
    assert any(re.fullmatch(r"[A-Z]{6}\+NotoSansCJKtc-Regular-Identity-H", f[0]) for f in fonts)
    assert fonts and all(f[-5:-2] == ["yes", "yes", "yes"] for f in fonts), fonts


# --- ODT -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def odt_bytes() -> bytes:
    return odt.render(DOCUMENT)


def test_odt_embeds_each_chart_as_svg_with_a_png_fallback(odt_bytes: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(odt_bytes)) as package:
        pictures = sorted(n for n in package.namelist() if n.startswith("Pictures/chart-"))
        manifest = {
            entry.get(f"{{{MANIFEST}}}full-path"): entry.get(f"{{{MANIFEST}}}media-type")
            for entry in lxml.etree.fromstring(package.read("META-INF/manifest.xml"))
        }
        svgs = [package.read(n) for n in pictures if n.endswith(".svg")]
        pngs = [package.read(n) for n in pictures if n.endswith(".png")]
    assert len(svgs) == 2 and len(pngs) == 2
    assert {s.decode() for s in svgs} == {SCORECARD.svg, TREND.svg}
    assert all(p.startswith(b"\x89PNG\r\n\x1a\n") for p in pngs)
    for name in pictures:
        media = "image/svg+xml" if name.endswith(".svg") else "image/png"
        assert manifest[name] == media
    frames = OdfDocument(io.BytesIO(odt_bytes)).body.get_elements(".//draw:frame")
    assert len(frames) == 2
    frame = frames[0]
    images = frame.get_elements("draw:image")
    assert [i.get_attribute("draw:mime-type") for i in images] == ["image/svg+xml", "image/png"]
    title, desc = frame.get_element("svg:title"), frame.get_element("svg:desc")
    assert title is not None and title.text == "108年度達成率"
    assert desc is not None and desc.text == "四項衡量標準中一項達標、三項未達標。"
    # Width and height keep the chart's proportions.
    width = float(str(frame.get_attribute("svg:width")).removesuffix("cm"))
    height = float(str(frame.get_attribute("svg:height")).removesuffix("cm"))
    assert height / width == pytest.approx(SCORECARD.height / SCORECARD.width, rel=0.01)


def test_odt_has_the_data_tables(odt_bytes: bytes) -> None:
    body = OdfDocument(io.BytesIO(odt_bytes)).body
    tables = body.get_elements(".//table:table")
    grids = [
        [
            [c.text_recursive.strip() for c in row.get_elements("table:table-cell")]
            for row in table.get_elements(".//table:table-row")
        ]
        for table in tables
    ]
    assert grids[0] == [["項目", "說明", "達成率", "燈號"], *SCORECARD_ROWS]
    assert grids[1] == [["年度", "實際值（人次）", "目標值（人次）"], *TREND_ROWS]
    captions = [p.text_recursive for p in body.get_elements("text:p")]
    assert "108年度達成率（資料表）" in captions


@pytest.mark.libreoffice
def test_odt_and_docx_open_in_libreoffice_with_the_chart(odt_bytes: bytes, tmp_path: Path) -> None:
    program = shutil.which("soffice")
    assert program, "LibreOffice is listed in scripts/debian-packages.txt"
    (tmp_path / "odt-figures.odt").write_bytes(odt_bytes)
    (tmp_path / "docx-figures.docx").write_bytes(docx_render.render(DOCUMENT))
    subprocess.run(
        [program, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "out"),
         str(tmp_path / "odt-figures.odt"), str(tmp_path / "docx-figures.docx")],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    odt_lines = run("pdftotext", "-raw", str(tmp_path / "out/odt-figures.pdf"), "-").splitlines()
    # LibreOffice drew the SVG itself: the bars' words are text in its PDF.
    for text in BAR_TEXTS:
        assert text in odt_lines, text
    for row in SCORECARD_ROWS:
        assert " ".join(row) in odt_lines, row
    # The DOCX holds a picture (no text in it) and the same table.
    docx_text = re.sub(
        r"\s+", "", run("pdftotext", "-raw", str(tmp_path / "out/docx-figures.pdf"), "-")
    )
    for row in SCORECARD_ROWS + TREND_ROWS:
        assert "".join(row) in docx_text, row
    images = run("pdfimages", "-list", str(tmp_path / "out/docx-figures.pdf")).splitlines()[2:]
    assert len(images) >= 2


# --- DOCX ----------------------------------------------------------------------------------


def test_docx_has_a_picture_with_alternative_text_and_the_tables() -> None:
    document = docx.Document(io.BytesIO(docx_render.render(DOCUMENT)))
    shapes = document.inline_shapes
    assert len(shapes) == 2
    properties = shapes[0]._inline.docPr
    assert properties.get("title") == "108年度達成率"
    assert properties.get("descr") == "四項衡量標準中一項達標、三項未達標。"
    assert shapes[0].width / shapes[0].height == pytest.approx(
        SCORECARD.width / SCORECARD.height, rel=0.01
    )
    blip = shapes[0]._inline.graphic.graphicData.pic.blipFill.blip
    image = document.part.related_parts[blip.get(qn("r:embed"))]
    assert image.content_type == "image/png" and image.blob.startswith(b"\x89PNG")
    grids = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    assert grids[0] == [["項目", "說明", "達成率", "燈號"], *SCORECARD_ROWS]
    assert grids[1] == [["年度", "實際值（人次）", "目標值（人次）"], *TREND_ROWS]
    texts = [p.text for p in document.paragraphs]
    assert "108年度達成率（資料表）" in texts
