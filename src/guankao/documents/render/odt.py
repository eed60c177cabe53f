"""ODT (OpenDocument text, the government's standard format) with odfdo.

Tables are real Writer tables: header rows in ``table:table-header-rows`` (repeated on every
page), spans as ``number-rows-spanned`` with covered cells, rows kept on one page. A4 with the
page number in the footer; Noto Sans CJK TC for Chinese text.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from odfdo import Document as OdfDocument
from odfdo import Element, Header, Style, XmlPart
from odfdo import Paragraph as OdfParagraph
from odfdo import Table as OdfTable

from guankao.documents.model import (
    Block,
    Cell,
    Document,
    Figure,
    Footnote,
    Heading,
    Paragraph,
    Table,
)
from guankao.documents.render import raster
from guankao.documents.render.odfxml import paragraph, sub, tree

PAGE_WIDTH_CM = 21.0
MARGIN_CM = 2.0
TEXT_WIDTH_CM = PAGE_WIDTH_CM - 2 * MARGIN_CM


def style(xml: str) -> Style:
    """An ODF style from its XML (odfdo builds the registered Style class for style:style)."""
    element = Element.from_tag(xml)
    if not isinstance(element, Style):
        raise TypeError(f"not a style: {xml[:40]}")
    return element


def _text_props(document: Document, *, size: str = "11pt", bold: bool = False) -> str:
    font = quoteattr(f"'{document.font_family}'")
    weight = (
        ' fo:font-weight="bold" style:font-weight-asian="bold" style:font-weight-complex="bold"'
        if bold
        else ""
    )
    return (
        f"<style:text-properties fo:font-family={font} style:font-family-asian={font}"
        f' fo:font-size="{size}" style:font-size-asian="{size}"'
        f' fo:language-asian="zh" fo:country-asian="TW"{weight}/>'
    )


def _paragraph_style(
    document: Document,
    name: str,
    *,
    size: str = "11pt",
    bold: bool = False,
    align: str = "start",
    indent: str = "0cm",
    first_line: str = "0cm",
    space_after: str = "0.15cm",
    keep_with_next: bool = False,
) -> Style:
    keep = ' fo:keep-with-next="always"' if keep_with_next else ""
    return style(
        f'<style:style style:name="{name}" style:family="paragraph">'
        f'<style:paragraph-properties fo:text-align="{align}" fo:margin-left="{indent}"'
        f' fo:text-indent="{first_line}" fo:margin-top="0cm" fo:margin-bottom="{space_after}"'
        f' fo:line-height="130%" style:text-autospace="none"{keep}/>'
        f"{_text_props(document, size=size, bold=bold)}</style:style>"
    )


def _install_styles(odf: OdfDocument, document: Document) -> None:
    styles = [
        _paragraph_style(document, "GkTitle", size="16pt", bold=True, align="center"),
        _paragraph_style(document, "GkSubtitle", align="center"),
        _paragraph_style(document, "GkHeading1", size="13pt", bold=True, keep_with_next=True),
        _paragraph_style(document, "GkHeading2", size="12pt", bold=True, keep_with_next=True),
        _paragraph_style(document, "GkBody", first_line="0.78cm"),
        _paragraph_style(document, "GkFootnote", size="9.5pt"),
        _paragraph_style(document, "GkCell", size="10pt", space_after="0cm"),
        _paragraph_style(document, "GkCellCenter", size="10pt", align="center", space_after="0cm"),
        _paragraph_style(document, "GkCellEnd", size="10pt", align="end", space_after="0cm"),
        _paragraph_style(
            document, "GkCellHead", size="10pt", bold=True, align="center", space_after="0cm"
        ),
        style(
            '<style:style style:name="GkTableCell" style:family="table-cell">'
            '<style:table-cell-properties fo:border="0.5pt solid #000000" fo:padding="0.08cm"'
            ' style:vertical-align="top"/></style:style>'
        ),
        style(
            '<style:style style:name="GkHeadCell" style:family="table-cell">'
            '<style:table-cell-properties fo:border="0.5pt solid #000000" fo:padding="0.08cm"'
            ' fo:background-color="#f2f2f2" style:vertical-align="middle"/></style:style>'
        ),
        _paragraph_style(document, "GkFigure", align="center", keep_with_next=True),
        _paragraph_style(
            document, "GkFigureCaption", size="10pt", align="center", keep_with_next=True
        ),
        style(
            '<style:style style:name="GkFrame" style:family="graphic">'
            '<style:graphic-properties style:vertical-pos="top" style:vertical-rel="baseline"'
            ' fo:border="none" fo:padding="0cm"/></style:style>'
        ),
        # Rows stay on one page, as in the printed report.
        style(
            '<style:style style:name="GkRow" style:family="table-row">'
            '<style:table-row-properties fo:keep-together="always"/></style:style>'
        ),
    ]
    for item in styles:
        odf.insert_style(item, automatic=True)
    # Hanging indents for numbered paragraphs (「一、…」): one style per indent used.
    for indent in sorted(
        {b.indent for b in document.blocks if isinstance(b, Paragraph) and b.indent}
    ):
        odf.insert_style(
            _paragraph_style(
                document, f"GkItem{indent}", indent=f"{indent}em", first_line=f"-{indent}em"
            ),
            automatic=True,
        )
    _install_footer(odf, document)
    _unnumber_headings(odf)


def _unnumber_headings(odf: OdfDocument) -> None:
    """The template numbers headings 1., 1.1. …; the report's headings carry their own 壹、貳、."""
    styles = odf.get_part("styles.xml")
    if not isinstance(styles, XmlPart):
        return
    for level in styles.get_elements("//text:outline-level-style"):
        for name in ("loext:num-list-format", "style:num-suffix", "style:num-prefix"):
            if level.get_attribute(name) is not None:
                level.del_attribute(name)
        level.set_attribute("style:num-format", "")


def _install_footer(odf: OdfDocument, document: Document) -> None:
    """Page numbers in the footer of the standard A4 page."""
    odf.insert_style(
        _paragraph_style(document, "GkPageFooter", size="9pt", align="center", space_after="0cm")
    )
    layout = odf.get_style("page-layout", "Mpm1")
    if layout is not None:
        layout.append(
            Element.from_tag(
                '<style:footer-style><style:header-footer-properties fo:min-height="0.6cm"'
                ' fo:margin-top="0.3cm"/></style:footer-style>'
            )
        )
    master = odf.get_style("master-page", "Standard")
    if master is None:
        return
    label = escape(document.page_label)
    label = label.replace(
        "{page}", '<text:page-number text:select-page="current">1</text:page-number>'
    ).replace("{pages}", "<text:page-count>1</text:page-count>")
    master.append(
        Element.from_tag(
            f'<style:footer><text:p text:style-name="GkPageFooter">{label}</text:p></style:footer>'
        )
    )


def _table(odf: OdfDocument, table: Table, index: int) -> OdfTable:
    name = table.name or f"Table{index}"
    total = sum(c.width for c in table.columns) or 1
    widths = [TEXT_WIDTH_CM * c.width / total for c in table.columns]
    odf.insert_style(
        style(
            f'<style:style style:name="{name}" style:family="table">'
            f'<style:table-properties style:width="{TEXT_WIDTH_CM:.2f}cm" table:align="left"/>'
            "</style:style>"
        ),
        automatic=True,
    )
    result = OdfTable(name, style=name)
    # Rows are built with lxml in the document's own tree: see odfxml for why.
    element = tree(result)
    for x, width in enumerate(widths):
        odf.insert_style(
            style(
                f'<style:style style:name="{name}.C{x}" style:family="table-column">'
                f'<style:table-column-properties style:column-width="{width:.2f}cm"/>'
                "</style:style>"
            ),
            automatic=True,
        )
        sub(element, "table:table-column", table__style_name=f"{name}.C{x}")
    header_count = len(table.header_rows)
    header = sub(element, "table:table-header-rows") if table.repeat_header else element
    for y, line in enumerate(table.grid()):
        row = sub(header if y < header_count else element, "table:table-row",
                  table__style_name="GkRow")  # fmt: skip
        for cell in line:
            _cell(row, cell, head=y < header_count)
    return result


def _cell(row: Any, cell: Cell | None, *, head: bool) -> None:
    if cell is None:
        sub(row, "table:covered-table-cell")
        return
    result = sub(
        row,
        "table:table-cell",
        table__style_name="GkHeadCell" if head or cell.header else "GkTableCell",
        table__number_rows_spanned=cell.rowspan if cell.rowspan > 1 else None,
        table__number_columns_spanned=cell.colspan if cell.colspan > 1 else None,
        office__value_type="string",
    )
    paragraph_style = (
        "GkCellHead"
        if head
        else {"start": "GkCell", "center": "GkCellCenter", "end": "GkCellEnd"}[cell.align]
    )
    for line in cell.lines:
        paragraph(result, line, paragraph_style)


def _figure(odf: OdfDocument, figure: Figure, index: int) -> list[Element]:
    """The chart as an embedded SVG (a PNG of it second, for readers without SVG), its title
    and description on the frame, then its data table with the caption above it."""
    chart = figure.chart
    # Named by content, so the same chart gives the same package (decision 0053).
    base = f"Pictures/chart-{hashlib.sha256(chart.svg.encode()).hexdigest()[:16]}"
    container = odf.container
    if container is None:  # odfdo's Document("text") always has one
        raise TypeError("the ODT has no package")
    for extension, media_type, data in (
        ("svg", "image/svg+xml", chart.svg.encode()),
        ("png", "image/png", raster.png(chart)),
    ):
        container.set_part(f"{base}.{extension}", data)
        odf.manifest.add_full_path(f"{base}.{extension}", media_type)
    holder = OdfParagraph("", style="GkFigure")
    frame = sub(
        tree(holder),
        "draw:frame",
        draw__style_name="GkFrame",
        draw__name=f"Chart{index}",
        text__anchor_type="as-char",
        svg__width=f"{raster.WIDTH_CM:.2f}cm",
        svg__height=f"{raster.height_cm(chart):.2f}cm",
        draw__z_index=0,
    )
    for extension, media_type in (("svg", "image/svg+xml"), ("png", "image/png")):
        sub(
            frame,
            "draw:image",
            xlink__href=f"{base}.{extension}",
            xlink__type="simple",
            xlink__show="embed",
            xlink__actuate="onLoad",
            draw__mime_type=media_type,
        )
    sub(frame, "svg:title").text = chart.title
    sub(frame, "svg:desc").text = chart.description
    caption = OdfParagraph(chart.table.caption, style="GkFigureCaption")
    return [holder, caption, _table(odf, chart.table, index)]


def _block(odf: OdfDocument, block: Block, index: int) -> list[Element]:
    if isinstance(block, Heading):
        heading = Header(block.level, block.text)
        # odfdo 3.27 drops Header's style argument; without it Writer shows a plain paragraph.
        heading.set_attribute("text:style-name", "GkHeading1" if block.level == 1 else "GkHeading2")
        return [heading]
    if isinstance(block, Paragraph):
        body_style = f"GkItem{block.indent}" if block.indent else "GkBody"
        return [OdfParagraph(line, style=body_style) for line in block.text.split("\n")]
    if isinstance(block, Footnote):
        return [OdfParagraph(block.text, style="GkFootnote")]
    if isinstance(block, Figure):
        return _figure(odf, block, index)
    return [_table(odf, block, index)]


def render(document: Document) -> bytes:
    """The document as an editable ODT file."""
    odf = OdfDocument("text")
    body = odf.body
    body.clear()
    _install_styles(odf, document)
    odf.meta.title = document.title
    body.append(OdfParagraph(document.title, style="GkTitle"))
    for line in document.subtitle_lines:
        body.append(OdfParagraph(line, style="GkSubtitle"))
    for index, block in enumerate(document.blocks, start=1):
        for element in _block(odf, block, index):
            body.append(element)
    buffer = io.BytesIO()
    odf.save(buffer)
    return buffer.getvalue()
