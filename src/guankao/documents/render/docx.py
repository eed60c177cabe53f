"""DOCX with python-docx: real Word tables whose header rows repeat on every page (w:tblHeader),
rows that do not split across pages (w:cantSplit), spans as w:vMerge / w:gridSpan. A4, page
numbers in the footer, Noto Sans CJK TC as the East Asian font."""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor, Twips
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as DocxParagraph

from guankao.documents.model import Cell, Document, Figure, Footnote, Heading, Paragraph, Table
from guankao.documents.render import raster

PAGE_WIDTH_CM = 21.0
PAGE_HEIGHT_CM = 29.7
MARGIN_CM = 2.0
TEXT_WIDTH_TWIPS = int((PAGE_WIDTH_CM - 2 * MARGIN_CM) / 2.54 * 1440)

_ALIGN = {
    "start": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "end": WD_ALIGN_PARAGRAPH.RIGHT,
}


def _font_family(fonts: BaseOxmlElement, family: str) -> None:
    """``family`` for every script of a w:rFonts, and no theme font: Word uses a theme font
    (the template's Calibri and 新細明體) over the named one when both are given."""
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), family)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)


def _set_fonts(style: ParagraphStyle, family: str, size: float | None = None) -> None:
    """Latin and East Asian font of a style (Word keeps them apart: w:rFonts/@w:eastAsia)."""
    style.font.name = family
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    _font_family(fonts, family)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-TW")
    if size is not None:
        style.font.size = Pt(size)


# w:pPr children that come after w:autoSpaceDE/DN in the schema's sequence.
_AFTER_AUTOSPACE = {
    qn(f"w:{name}")
    for name in (
        "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
        "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
        "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
    )
}  # fmt: skip


def _no_autospace(style: ParagraphStyle) -> None:
    """Turn off Word's extra space between Chinese and Latin text or digits: 「108年度」 is
    printed tight, as in the source, the PDF and the web page."""
    ppr = style.element.get_or_add_pPr()
    after = next((child for child in ppr if child.tag in _AFTER_AUTOSPACE), None)
    for name in ("w:autoSpaceDE", "w:autoSpaceDN"):
        element = OxmlElement(name)
        element.set(qn("w:val"), "0")
        if after is None:
            ppr.append(element)
        else:
            after.addprevious(element)


def _prepare(docx: DocxDocument, document: Document) -> None:
    section = docx.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Cm(PAGE_WIDTH_CM)
    section.page_height = Cm(PAGE_HEIGHT_CM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    styles = docx.styles
    for fonts in styles.element.iter(qn("w:rFonts")):  # the defaults, and styles not used here
        _font_family(fonts, document.font_family)
    _set_fonts(styles["Normal"], document.font_family, 11)
    _no_autospace(styles["Normal"])
    for name, size in (("Title", 16), ("Heading 1", 13), ("Heading 2", 12)):
        style = styles[name]
        _set_fonts(style, document.font_family, size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The template's title has a blue rule below it and spaced-out letters.
    title = styles["Title"].element
    for path in ("w:pPr/w:pBdr", "w:rPr/w:spacing"):
        for element in title.findall(path, title.nsmap):
            element.getparent().remove(element)
    _page_number_footer(docx, document)


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _page_number_footer(docx: DocxDocument, document: Document) -> None:
    paragraph = docx.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rest = document.page_label
    while rest:
        positions = [(rest.find(k), k) for k in ("{page}", "{pages}") if k in rest]
        if not positions:
            paragraph.add_run(rest)
            break
        index, key = min(positions)
        if index:
            paragraph.add_run(rest[:index])
        _field(paragraph, "PAGE" if key == "{page}" else "NUMPAGES")
        rest = rest[index + len(key) :]


def _cell_xml(cell: Cell, width: int, *, head: bool, merge: str | None) -> BaseOxmlElement:
    tc = OxmlElement("w:tc")
    tcpr = OxmlElement("w:tcPr")
    tcw = OxmlElement("w:tcW")
    tcw.set(qn("w:w"), str(width))
    tcw.set(qn("w:type"), "dxa")
    tcpr.append(tcw)
    if cell.colspan > 1:
        span = OxmlElement("w:gridSpan")
        span.set(qn("w:val"), str(cell.colspan))
        tcpr.append(span)
    if merge is not None:
        vmerge = OxmlElement("w:vMerge")
        if merge == "restart":
            vmerge.set(qn("w:val"), "restart")
        tcpr.append(vmerge)
    if head:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:fill"), "F2F2F2")
        tcpr.append(shading)
    tc.append(tcpr)
    lines = cell.lines if merge != "continue" else ("",)
    for line in lines:
        p = OxmlElement("w:p")
        ppr = OxmlElement("w:pPr")
        jc = OxmlElement("w:jc")
        align = (
            "center" if head else {"start": "left", "center": "center", "end": "right"}[cell.align]
        )
        jc.set(qn("w:val"), align)
        ppr.append(jc)
        p.append(ppr)
        if line:
            run = OxmlElement("w:r")
            if head:
                rpr = OxmlElement("w:rPr")
                rpr.append(OxmlElement("w:b"))
                run.append(rpr)
            text = OxmlElement("w:t")
            text.set(qn("xml:space"), "preserve")
            text.text = line
            run.append(text)
            p.append(run)
        tc.append(p)
    return tc


def _table(docx: DocxDocument, table: Table) -> None:
    total = sum(c.width for c in table.columns) or 1
    widths = [int(TEXT_WIDTH_TWIPS * c.width / total) for c in table.columns]
    result = docx.add_table(rows=0, cols=len(table.columns))
    result.style = docx.styles["Table Grid"]
    result.alignment = WD_TABLE_ALIGNMENT.CENTER
    result.autofit = False
    # The grid is what a fixed layout uses: Word and LibreOffice size the columns from it.
    for column, width in zip(result.columns, widths, strict=True):
        column.width = Twips(width)
    grid = table.grid()
    # Where a rowspan started, per column: (cell, last row it covers).
    spans: dict[int, tuple[Cell, int]] = {}
    tbl = result._tbl
    for y, line in enumerate(grid):
        head = y < len(table.header_rows)
        tr = OxmlElement("w:tr")
        trpr = OxmlElement("w:trPr")
        trpr.append(OxmlElement("w:cantSplit"))
        if head and table.repeat_header:
            trpr.append(OxmlElement("w:tblHeader"))
        tr.append(trpr)
        x = 0
        while x < len(line):
            cell = line[x]
            if cell is not None:
                width = sum(widths[x : x + cell.colspan])
                merge = "restart" if cell.rowspan > 1 else None
                if cell.rowspan > 1:
                    spans[x] = (cell, y + cell.rowspan - 1)
                tr.append(_cell_xml(cell, width, head=head or cell.header, merge=merge))
                x += cell.colspan
                continue
            origin = spans.get(x)
            if origin is not None and origin[1] >= y:
                span_cell = origin[0]
                width = sum(widths[x : x + span_cell.colspan])
                tr.append(_cell_xml(span_cell, width, head=head, merge="continue"))
                x += span_cell.colspan
                continue
            x += 1  # covered by a colspan to the left
        tbl.append(tr)


def _figure(docx: DocxDocument, figure: Figure) -> None:
    """The chart as a PNG (Word has no portable SVG; Typst draws it as in the PDF), with its
    title and description as the picture's alternative text, then its data table."""
    chart = figure.chart
    paragraph = docx.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    shape = paragraph.add_run().add_picture(
        io.BytesIO(raster.png(chart)), width=Cm(raster.WIDTH_CM)
    )
    properties = shape._inline.docPr
    properties.set("title", chart.title)
    properties.set("descr", chart.description)
    caption = docx.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.keep_with_next = True
    caption.add_run(chart.table.caption).font.size = Pt(10)
    _table(docx, chart.table)


def render(document: Document) -> bytes:
    """The document as an editable DOCX file."""
    docx = new_docx()
    _prepare(docx, document)
    docx.core_properties.title = document.title
    docx.core_properties.language = "zh-TW"
    docx.add_paragraph(document.title, style="Title")
    for line in document.subtitle_lines:
        docx.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in document.blocks:
        if isinstance(block, Heading):
            docx.add_heading(block.text, level=min(block.level, 2))
        elif isinstance(block, Paragraph):
            for line in block.text.split("\n"):
                paragraph = docx.add_paragraph(line)
                if block.indent:
                    # Hanging indent: continuation lines align after the 「一、」 marker.
                    paragraph.paragraph_format.left_indent = Pt(11 * block.indent)
                    paragraph.paragraph_format.first_line_indent = Pt(-11 * block.indent)
                else:
                    paragraph.paragraph_format.first_line_indent = Pt(22)
        elif isinstance(block, Footnote):
            paragraph = docx.add_paragraph()
            paragraph.add_run(block.text).font.size = Pt(9.5)
        elif isinstance(block, Figure):
            _figure(docx, block)
        else:
            _table(docx, block)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
