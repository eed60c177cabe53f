"""A corpus of malformed import files, generated into a folder (issue 13).

Every format the importer reads (XLSX, ODS, ODT, DOCX, CSV) gets files damaged the ways a
probe found crashes and resource exhaustion: a bad CRC, flipped or truncated bytes, compression
methods zipfile cannot unpack, encrypted members, malformed attributes (``<row r="abc">``,
``s="-1"``, ``numFmtId="x"``), odd numbers, deep nesting, expansion bombs (``text:s``, repeated
columns), document type declarations in UTF-16, NUL bytes, and CSV lines that keep
``csv.Sniffer`` busy. Valid files built with :mod:`builders` are the starting point of the
systematic byte flips and truncations.

Each :class:`Case` says what the importer must do with it:

- ``refused``: raise a GuankaoError (one line for the person who sent it);
- ``read``: read it (an odd value is kept as text, a later check reports it);
- ``either``: a byte flip that may hit a byte nothing checks (a timestamp): read it or refuse
  it, but never crash.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import builders

HEADING = ["項目", "業務內容", "主辦單位"]
ROWS: list[list[str]] = [
    HEADING,
    ["生活適應輔導", "1.辦理新住民生活適應輔導班。\n2.辦理家庭教育活動。", "民政處"],
    ["", "3.辦理通譯人才培訓。", "社會處"],
    ["醫療生育保健", "1.提供新住民產前檢查補助。", "衛生局"],
]
ZIP_FORMATS = ("xlsx", "ods", "odt", "docx")
MAIN_PART = {
    "xlsx": "xl/worksheets/sheet1.xml",
    "ods": "content.xml",
    "odt": "content.xml",
    "docx": "word/document.xml",
}

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@dataclass(frozen=True)
class Case:
    path: Path
    kind: str  # what is wrong with it, e.g. "zip: method 99"
    expect: str  # "refused", "read" or "either"

    @property
    def format(self) -> str:
        return self.path.suffix.lstrip(".")


# --- Valid files, and raw packages for shapes no program writes -------------------------------


def valid_files(folder: Path) -> dict[str, Path]:
    """A small division table in every format, written by the real libraries."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "xlsx": builders.xlsx(folder / "valid.xlsx", ROWS),
        "ods": builders.odf(folder / "valid.ods", ROWS),
        "odt": builders.odf(folder / "valid.odt", ROWS, kind="text"),
        "docx": builders.docx(folder / "valid.docx", ROWS),
        "csv": builders.csv_file(folder / "valid.csv", ROWS, "utf-8"),
    }


def _zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def heading_xlsx_rows() -> str:
    return builders.inline_row(1, *HEADING) + builders.inline_row(
        2, "生活適應輔導", "1.辦理。", "民政處"
    )


def xlsx_package(
    path: Path,
    sheet: str | bytes,
    *,
    styles: str | None = None,
    shared: str | None = None,
    workbook: str = builders.WORKBOOK,
    rels: str = builders.WORKBOOK_RELS,
) -> Path:
    members: dict[str, bytes | str] = {
        "[Content_Types].xml": builders.CONTENT_TYPES,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": rels,
        "xl/worksheets/sheet1.xml": sheet,
    }
    if styles is not None:
        members["xl/styles.xml"] = styles
    if shared is not None:
        members["xl/sharedStrings.xml"] = shared
    return _zip(path, members)


def sheet_xml(rows: str) -> str:
    return builders.SHEET_OPEN + rows + builders.SHEET_CLOSE


def styles_xml(num_fmts: str, xfs: str) -> str:
    return (
        f'<styleSheet xmlns="{MAIN}"><numFmts>{num_fmts}</numFmts>'
        f"<cellXfs>{xfs}</cellXfs></styleSheet>"
    )


def odf_cell(text: str) -> str:
    return (
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )


def odf_row(*cells: str) -> str:
    return f"<table:table-row>{''.join(cells)}</table:table-row>"


def odf_heading_rows() -> str:
    return odf_row(*(odf_cell(t) for t in HEADING)) + odf_row(
        odf_cell("生活適應輔導"), odf_cell("1.辦理。"), odf_cell("民政處")
    )


def odf_content(rows: str, kind: str = "spreadsheet") -> str:
    body = "office:spreadsheet" if kind == "spreadsheet" else "office:text"
    return (
        f'<office:document-content xmlns:office="{OFFICE}" xmlns:table="{TABLE}" '
        f'xmlns:text="{TEXT}" office:version="1.2"><office:body><{body}>'
        f'<table:table table:name="S">{rows}</table:table></{body}></office:body>'
        "</office:document-content>"
    )


def odf_package(path: Path, content: str | bytes, kind: str = "spreadsheet") -> Path:
    return _zip(
        path,
        {
            "mimetype": f"application/vnd.oasis.opendocument.{kind}",
            "content.xml": content,
        },
    )


def docx_cell(text: str, properties: str = "") -> str:
    return f"<w:tc>{properties}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def docx_row(*cells: str, properties: str = "") -> str:
    return f"<w:tr>{properties}{''.join(cells)}</w:tr>"


def docx_heading_rows() -> str:
    return docx_row(*(docx_cell(t) for t in HEADING)) + docx_row(
        docx_cell("生活適應輔導"), docx_cell("1.辦理。"), docx_cell("民政處")
    )


def docx_document(rows: str) -> str:
    return f'<w:document xmlns:w="{W}"><w:body><w:tbl>{rows}</w:tbl></w:body></w:document>'


def docx_package(path: Path, document: str | bytes) -> Path:
    return _zip(
        path, {"[Content_Types].xml": builders.CONTENT_TYPES, "word/document.xml": document}
    )


def main_part(fmt: str, rows_of: dict[str, str]) -> str:
    """The main XML part of ``fmt`` around rows written for it (with a heading row first)."""
    if fmt == "xlsx":
        return sheet_xml(heading_xlsx_rows() + rows_of.get("xlsx", ""))
    if fmt in ("ods", "odt"):
        kind = "spreadsheet" if fmt == "ods" else "text"
        return odf_content(odf_heading_rows() + rows_of.get("odf", ""), kind)
    return docx_document(docx_heading_rows() + rows_of.get("docx", ""))


def package(fmt: str, path: Path, part: str | bytes) -> Path:
    """A package of ``fmt`` whose main XML part is ``part``."""
    if fmt == "xlsx":
        return xlsx_package(path, part)
    if fmt in ("ods", "odt"):
        return odf_package(path, part, "spreadsheet" if fmt == "ods" else "text")
    return docx_package(path, part)


# --- Byte-level damage to zip packages ---------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    name: str
    local: int  # offset of the local header
    central: int  # offset of the central directory record
    data: int  # offset of the compressed data
    size: int  # compressed size


def entries(data: bytes) -> dict[str, _Entry]:
    """Where each member of a zip file stands, from its central directory."""
    end = data.rindex(b"PK\x05\x06")
    count, _size, offset = struct.unpack("<HIL", data[end + 10 : end + 20])
    found: dict[str, _Entry] = {}
    for _ in range(count):
        (compressed, name_length, extra_length, comment_length) = struct.unpack(
            "<L4xHHH", data[offset + 20 : offset + 34]
        )
        (local,) = struct.unpack("<L", data[offset + 42 : offset + 46])
        name = data[offset + 46 : offset + 46 + name_length].decode("utf-8")
        local_name, local_extra = struct.unpack("<HH", data[local + 26 : local + 30])
        found[name] = _Entry(name, local, offset, local + 30 + local_name + local_extra, compressed)
        offset += 46 + name_length + extra_length + comment_length
    return found


def patched(
    data: bytes, entry: _Entry, *, local: dict[int, bytes], central: dict[int, bytes]
) -> bytes:
    """``data`` with bytes replaced at offsets relative to the entry's two headers."""
    out = bytearray(data)
    for offset, value in local.items():
        out[entry.local + offset : entry.local + offset + len(value)] = value
    for offset, value in central.items():
        out[entry.central + offset : entry.central + offset + len(value)] = value
    return bytes(out)


def flipped(data: bytes, position: int) -> bytes:
    out = bytearray(data)
    out[position] ^= 0xFF
    return bytes(out)


def _zip_damage(fmt: str, valid: Path, folder: Path) -> Iterator[Case]:
    data = valid.read_bytes()
    entry = entries(data)[MAIN_PART[fmt]]

    def case(label: str, content: bytes, expect: str = "refused") -> Case:
        path = folder / f"{fmt}-{label}.{fmt}"
        path.write_bytes(content)
        return Case(path, f"zip: {label.split('-')[0]}", expect)

    for method in (1, 6, 9, 12, 14, 98, 99):  # shrunk, imploded, deflate64, bzip2, lzma, PPMd, AES
        value = struct.pack("<H", method)
        yield case(f"method-{method}", patched(data, entry, local={8: value}, central={10: value}))
    for flag in (0x01, 0x41, 0x20):  # encrypted, strong encryption, patched data
        value = struct.pack("<H", flag)
        yield case(f"flags-{flag}", patched(data, entry, local={6: value}, central={8: value}))
    yield case("crc-central", patched(data, entry, local={}, central={16: b"\x00\x00\x00\x00"}))
    yield case(
        "crc-both",
        patched(data, entry, local={14: b"\x01\x02\x03\x04"}, central={16: b"\x01\x02\x03\x04"}),
    )
    yield case("size-zero", patched(data, entry, local={}, central={24: b"\x00\x00\x00\x00"}))
    yield case("offset-past-end", patched(data, entry, local={}, central={42: b"\xff\xff\xff\x7f"}))
    yield case("offset-zero", patched(data, entry, local={}, central={42: b"\x00\x00\x00\x00"}))
    name = MAIN_PART[fmt].encode()
    bad_name = b"\xff" + name[1:]
    yield case(  # UTF-8 flag on a name that is not UTF-8
        "name-not-utf8",
        patched(
            data,
            entry,
            local={6: b"\x00\x08", 30: bad_name},
            central={8: b"\x00\x08", 46: bad_name},
        ),
    )
    yield case("local-magic", patched(data, entry, local={0: b"PK\x07\x08"}, central={}))
    # Flipped bytes inside the main part's deflate stream: zlib.error or a CRC mismatch.
    for k in range(12):
        position = entry.data + (entry.size * k) // 12
        yield case(f"data-flip-{k}", flipped(data, position))
    # Truncations: the end of central directory is gone.
    for fraction in (0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 0.99):
        yield case(f"truncated-{fraction}", data[: int(len(data) * fraction)])
    yield case("truncated-eocd", data[:-10])
    # Systematic flips over the whole file: some land where nothing is checked.
    for k in range(28):
        position = (len(data) * k) // 28
        yield case(f"flip-{k}", flipped(data, position), "either")


# --- Crafted XML ------------------------------------------------------------------------------

UTF16_DOCTYPE_SHEET = (
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
)


def _doctype_parts(fmt: str) -> Iterator[tuple[str, bytes]]:
    entity = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    body = main_part(
        fmt,
        {
            "xlsx": builders.inline_row(3, "&b;"),
            "odf": odf_row(odf_cell("&b;")),
            "docx": docx_row(docx_cell("&b;")),
        },
    )
    for encoding, codec in (
        ("UTF-16", "utf-16"),
        ("UTF-16", "utf-16-le"),
        ("UTF-16", "utf-16-be"),
        ("UTF-32", "utf-32"),
        ("UTF-8", "utf-8"),
    ):
        text = f'<?xml version="1.0" encoding="{encoding}"?>{entity}{body}'
        yield f"doctype-{codec}", text.encode(codec)
    yield (
        "doctype-lowercase-decl",
        f'<?xml version="1.0" encoding="utf-8"?>\n<!-- c -->{entity}{body}'.encode(),
    )


def _xml_cases(fmt: str, folder: Path) -> Iterator[Case]:
    def case(label: str, part: str | bytes, expect: str = "refused") -> Case:
        path = package(fmt, folder / f"{fmt}-xml-{label}.{fmt}", part)
        return Case(
            path,
            f"xml: {label.rsplit('-', 1)[0] if label.startswith('doctype') else label}",
            expect,
        )

    for label, part in _doctype_parts(fmt):
        yield case(label, part)
    yield case("not-xml", b"\x00\x01 this is not xml")
    yield case("truncated", main_part(fmt, {})[:-40])
    yield case(
        "undefined-entity",
        main_part(
            fmt,
            {
                "xlsx": builders.inline_row(3, "&nope;"),
                "odf": odf_row(odf_cell("&nope;")),
                "docx": docx_row(docx_cell("&nope;")),
            },
        ),
    )
    yield case(
        "nul-reference",
        main_part(
            fmt,
            {
                "xlsx": builders.inline_row(3, "a&#0;b"),
                "odf": odf_row(odf_cell("a&#0;b")),
                "docx": docx_row(docx_cell("a&#0;b")),
            },
        ),
    )
    yield case(
        "invalid-utf8",
        main_part(fmt, {}).encode()[:200] + b"\xff\xfe\xfa" + main_part(fmt, {}).encode()[200:],
    )
    yield case(
        "unknown-encoding", '<?xml version="1.0" encoding="x-no-such"?>' + main_part(fmt, {})
    )
    yield case("ebcdic", main_part(fmt, {}).encode("cp037", errors="replace"))
    yield case("no-root", "<!-- only a comment -->" + " " * 1000)
    # 5,000 nested elements in a cell (RecursionError in the ODF reader before).
    deep = 5000
    nested = {
        "xlsx": '<row r="3"><c r="A3" t="inlineStr"><is>'
        + "<r>" * deep
        + "<t>x</t>"
        + "</r>" * deep
        + "</is></c></row>",
        "odf": odf_row(
            "<table:table-cell><text:p>"
            + "<text:span>" * deep
            + "x"
            + "</text:span>" * deep
            + "</text:p></table:table-cell>"
        ),
        "docx": docx_row(
            "<w:tc><w:p>"
            + "<w:hyperlink>" * deep
            + "<w:r><w:t>x</w:t></w:r>"
            + "</w:hyperlink>" * deep
            + "</w:p></w:tc>"
        ),
    }
    yield case("nested-5000", main_part(fmt, nested))
    nested_outside = {
        "xlsx": "<extLst>" * deep + "</extLst>" * deep,
        "odf": "<table:table-row>" + "<text:p>" * deep + "</text:p>" * deep + "</table:table-row>",
        "docx": "<w:tr>" + "<w:sdt>" * deep + "</w:sdt>" * deep + "</w:tr>",
    }
    yield case("nested-5000-outside-cells", main_part(fmt, nested_outside))
    # 60,000 elements in one cell (over MAX_ELEMENTS_PER_CELL).
    many = 60_000
    crowded = {
        "xlsx": '<row r="3"><c r="A3" t="inlineStr"><is>'
        + "<r><t>x</t></r>" * many
        + "</is></c></row>",
        "odf": odf_row(
            "<table:table-cell><text:p>" + "<text:s/>" * many + "</text:p></table:table-cell>"
        ),
        "docx": docx_row("<w:tc><w:p>" + "<w:r><w:t>x</w:t></w:r>" * many + "</w:p></w:tc>"),
    }
    yield case("crowded-cell", main_part(fmt, crowded))
    # One cell longer than 32,767 characters.
    long_text = "辦" * 40_000
    yield case(
        "long-cell",
        main_part(
            fmt,
            {
                "xlsx": builders.inline_row(3, long_text),
                "odf": odf_row(odf_cell(long_text)),
                "docx": docx_row(docx_cell(long_text)),
            },
        ),
    )
    # One text of 5 MB (over MAX_XML_QUIET_BYTES before any element ends).
    huge = "a" * (5 * 1024 * 1024)
    yield case(
        "huge-text",
        main_part(
            fmt,
            {
                "xlsx": builders.inline_row(3, huge),
                "odf": odf_row(odf_cell(huge)),
                "docx": docx_row(docx_cell(huge)),
            },
        ),
    )


def _xlsx_cases(folder: Path) -> Iterator[Case]:
    def case(label: str, expect: str = "refused", **parts: str) -> Case:
        sheet = parts.pop("sheet", sheet_xml(heading_xlsx_rows()))
        path = xlsx_package(folder / f"xlsx-{label}.xlsx", sheet, **parts)
        return Case(path, f"xlsx: {label}", expect)

    rows = heading_xlsx_rows()
    for r in ("abc", "-1", "0", "1e3", "٣", "99999999999999999999", ""):
        yield case(
            f"row-r-{r or 'empty'}",
            sheet=sheet_xml(rows + f'<row r="{r}"><c r="A3"><v>1</v></c></row>'),
        )
    percent = styles_xml("", '<xf numFmtId="9"/><xf numFmtId="10"/>')
    dates = styles_xml("", '<xf numFmtId="14"/>')
    for s in ("-1", "abc", "1.5", "99999999999999999999"):
        yield case(
            f"style-s-{s}",
            sheet=sheet_xml(rows + f'<row r="3"><c r="A3" s="{s}"><v>1</v></c></row>'),
        )
        yield case(
            f"style-s-{s}-styled",
            sheet=sheet_xml(rows + f'<row r="3"><c r="A3" s="{s}"><v>1</v></c></row>'),
            styles=percent,
        )
    for v in ("-1", "abc", "999", "1e3", "99999999999999999999"):
        yield case(
            f"shared-{v}",
            sheet=sheet_xml(rows + f'<row r="3"><c r="A3" t="s"><v>{v}</v></c></row>'),
            shared=f'<sst xmlns="{MAIN}"><si><t>a</t></si></sst>',
        )
    for fmt_id in ("x", "-5", "1e3", ""):
        yield case(
            f"numFmtId-{fmt_id or 'empty'}",
            styles=styles_xml(
                f'<numFmt numFmtId="{fmt_id}" formatCode="0%"/>', '<xf numFmtId="0"/>'
            ),
        )
        yield case(
            f"xf-numFmtId-{fmt_id or 'empty'}", styles=styles_xml("", f'<xf numFmtId="{fmt_id}"/>')
        )
    values = (
        "abc",
        "9e999999",
        "-9e999999",
        "1e-999999",
        "1e999999999",
        "nan",
        "inf",
        "-inf",
        "1" * 5000,
        "0x10",
        "",
    )
    for index, value in enumerate(values):
        cell = (
            f'<row r="3"><c r="A3" s="0"><v>{value}</v></c><c r="B3" s="1"><v>{value}</v></c></row>'
        )
        yield case(f"percent-{index}", sheet=sheet_xml(rows + cell), styles=percent, expect="read")
        date_cell = f'<row r="3"><c r="A3" s="0"><v>{value}</v></c></row>'
        yield case(f"date-{index}", sheet=sheet_xml(rows + date_cell), styles=dates, expect="read")
        plain = f'<row r="3"><c r="A3"><v>{value}</v></c></row>'
        yield case(f"number-{index}", sheet=sheet_xml(rows + plain), expect="read")
    yield case(
        "merge-huge",
        sheet=sheet_xml(rows).replace(
            "</worksheet>", '<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>'
        ),
    )
    yield case(
        "merges-many",
        sheet=sheet_xml(rows).replace(
            "</worksheet>",
            "<mergeCells>" + '<mergeCell ref="A1:C2"/>' * 300_000 + "</mergeCells></worksheet>",
        ),
    )
    yield case(
        "cols-many",
        sheet=sheet_xml(rows).replace(
            "<sheetData>", "<cols>" + '<col min="1" max="1"/>' * 40_000 + "</cols><sheetData>"
        ),
        expect="read",
    )
    yield case("shared-strings-many", shared=f'<sst xmlns="{MAIN}">' + "<si/>" * 450_000 + "</sst>")
    yield case("cells-per-row", sheet=sheet_xml(rows + '<row r="3">' + "<c/>" * 20_000 + "</row>"))
    yield case("rows-many", sheet=sheet_xml(rows + "<row/>" * 25_000))
    yield case("no-sheets", workbook=builders.WORKBOOK.replace('r:id="rId1"', 'r:id="rId9"'))
    yield case(
        "formula", sheet=sheet_xml(rows + '<row r="3"><c r="A3"><f>1+1</f><v>2</v></c></row>')
    )
    yield case(
        "elements-many",
        sheet=sheet_xml(rows + '<row r="3">' + "<c/>" * 16_000 + "</row>").replace(
            "<sheetData>", "<x>" + "<y/>" * 5_100_000 + "</x><sheetData>"
        ),
    )


def _odf_cases(fmt: str, folder: Path) -> Iterator[Case]:
    kind = "spreadsheet" if fmt == "ods" else "text"

    def case(label: str, rows: str, expect: str = "refused") -> Case:
        path = odf_package(
            folder / f"{fmt}-{label}.{fmt}", odf_content(odf_heading_rows() + rows, kind), kind
        )
        return Case(path, f"{fmt}: {label}", expect)

    def spaces(count: str) -> str:
        return odf_row(
            f'<table:table-cell><text:p>a<text:s text:c="{count}"/>b</text:p></table:table-cell>'
        )

    yield case("text-s-1000000000", spaces("1000000000"))
    yield case("text-s-40000", spaces("40000"))
    yield case(
        "text-s-many-32000",
        odf_row(
            "<table:table-cell><text:p>"
            + '<text:s text:c="32000"/>' * 2000
            + "</text:p></table:table-cell>"
        ),
    )
    yield case(
        "text-s-many-paragraphs",
        odf_row(
            "<table:table-cell>"
            + '<text:p><text:s text:c="32000"/></text:p>' * 2000
            + "</table:table-cell>"
        ),
    )
    for count in ("abc", "-5", "1e9", "", "٣"):
        yield case(f"text-s-{count or 'empty'}", spaces(count), expect="read")
    for attribute in ("number-columns-repeated", "number-columns-spanned", "number-rows-spanned"):
        for value in ("abc", "-3", "0"):
            yield case(
                f"{attribute}-{value}",
                odf_row(
                    f'<table:table-cell table:{attribute}="{value}" office:value-type="string"><text:p>x</text:p></table:table-cell>'
                ),
                expect="read",
            )
        yield case(
            f"{attribute}-huge",
            odf_row(
                f'<table:table-cell table:{attribute}="99999999999999999999999" office:value-type="string"><text:p>x</text:p></table:table-cell>'
            ),
            expect="read",
        )
        yield case(
            f"{attribute}-1000000",
            odf_row(
                f'<table:table-cell table:{attribute}="1000000" office:value-type="string"><text:p>x</text:p></table:table-cell>'
            ),
        )
    yield case(
        "rows-repeated-with-text",
        f'<table:table-row table:number-rows-repeated="1000000">{odf_cell("x")}</table:table-row>',
    )
    for value in ("abc", "-3", "0", "99999999999999999999999"):
        yield case(
            f"rows-repeated-{value}",
            f'<table:table-row table:number-rows-repeated="{value}">{odf_cell("x")}</table:table-row>',
            expect="read",
        )
    yield case(
        "empty-rows-repeated",
        '<table:table-row table:number-rows-repeated="999999999999"><table:table-cell/></table:table-row>',
        expect="read",
    )
    for index, value in enumerate(
        ("abc", "9e999999", "1e999999999", "nan", "-inf", "1e-999999", "")
    ):
        for value_type in ("float", "percentage", "currency", "date"):
            attribute = "date-value" if value_type == "date" else "value"
            yield case(
                f"value-{value_type}-{index}",
                odf_row(
                    f'<table:table-cell office:value-type="{value_type}" office:{attribute}="{value}"><text:p>x</text:p></table:table-cell>'
                ),
                expect="read",
            )
    yield case(
        "formula",
        odf_row(
            '<table:table-cell table:formula="of:=1+1" office:value-type="float" office:value="2"/>'
        ),
    )
    yield case(
        "nested-table",
        odf_row(
            "<table:table-cell><table:table><table:table-row>"
            + odf_cell("內")
            + "</table:table-row></table:table></table:table-cell>"
            + odf_cell("外")
        ),
        expect="read",
    )
    yield case("cells-per-row", odf_row("<table:table-cell/>" * 20_000))
    mimetype = folder / f"{fmt}-mimetype-other.{fmt}"
    yield Case(
        _zip(
            mimetype,
            {"mimetype": "application/pdf", "content.xml": odf_content(odf_heading_rows(), kind)},
        ),
        f"{fmt}: mimetype",
        "read",
    )
    missing = folder / f"{fmt}-no-content.{fmt}"
    yield Case(
        _zip(missing, {"mimetype": f"application/vnd.oasis.opendocument.{kind}"}),
        f"{fmt}: no content.xml",
        "refused",
    )


def _docx_cases(folder: Path) -> Iterator[Case]:
    def case(label: str, rows: str, expect: str = "refused") -> Case:
        path = docx_package(
            folder / f"docx-{label}.docx", docx_document(docx_heading_rows() + rows)
        )
        return Case(path, f"docx: {label}", expect)

    for value in ("abc", "-1", "0", "1e3", "٣"):
        yield case(
            f"gridSpan-{value}",
            docx_row(docx_cell("x", f'<w:tcPr><w:gridSpan w:val="{value}"/></w:tcPr>')),
            expect="read",
        )
        yield case(
            f"gridBefore-{value}",
            docx_row(
                docx_cell("x"), properties=f'<w:trPr><w:gridBefore w:val="{value}"/></w:trPr>'
            ),
            expect="read",
        )
    for value in ("100", "99999999999999999999"):
        yield case(
            f"gridSpan-{value}",
            docx_row(docx_cell("x", f'<w:tcPr><w:gridSpan w:val="{value}"/></w:tcPr>')),
            expect="read" if len(value) > 12 else "refused",
        )
        yield case(
            f"gridBefore-{value}",
            docx_row(
                docx_cell("x"), properties=f'<w:trPr><w:gridBefore w:val="{value}"/></w:trPr>'
            ),
            expect="read" if len(value) > 12 else "refused",
        )
    yield case(
        "vmerge-first-row", docx_row(docx_cell("x", "<w:tcPr><w:vMerge/></w:tcPr>")), expect="read"
    )
    nested = "<w:tc><w:tbl><w:tr>" + docx_cell("內") + "</w:tr></w:tbl><w:p/></w:tc>"
    yield case("nested-table", docx_row(nested, docx_cell("外")), expect="read")
    deep = (
        "<w:tc>"
        + "<w:tbl><w:tr><w:tc>" * 40
        + "<w:p/>"
        + "</w:tc></w:tr></w:tbl>" * 40
        + "<w:p/></w:tc>"
    )
    yield case("nested-tables-40", docx_row(deep))
    yield case("cells-per-row", docx_row(*(["<w:tc/>"] * 20_000)))
    missing = folder / "docx-no-document.docx"
    yield Case(
        _zip(missing, {"word/other.xml": "<x/>", "[Content_Types].xml": builders.CONTENT_TYPES}),
        "docx: no document.xml",
        "refused",
    )


# --- CSV ---------------------------------------------------------------------------------------


def _csv_cases(valid: Path, folder: Path) -> Iterator[Case]:
    good = valid.read_bytes()

    def case(label: str, content: bytes, expect: str = "refused") -> Case:
        path = folder / f"csv-{label}.csv"
        path.write_bytes(content)
        return Case(path, f"csv: {label.rstrip('0123456789-.')}", expect)

    yield case("sniffer-quote-commas", b'"a' + b"," * 30_000)
    yield case("sniffer-commas-quote", b"," * 30_000 + b'"a')
    yield case("sniffer-quote-comma-pairs", b'",' * 15_000)
    yield case("sniffer-quoted-tabs", b'"a\t' * 10_000)
    yield case("nul-late", good + "生活,辦理,民政處\r\n".encode() * 1000 + b"\x00\x00,")
    yield case("nul-first", b"\x00" + good)
    yield case("nul-in-cell", good.replace("民政處".encode(), "民\x00政處".encode()))
    yield case("utf16", "\n".join(",".join(r) for r in ROWS).encode("utf-16"))
    yield case("invalid-bytes", b"\x81\x20\xff\xfe\xfd" * 100)
    yield case("unterminated-quote", good + b'"' + b"a" * 200_000)
    yield case("commas-100000", b",".join([b"x"] * 100_000))
    yield case("long-line-3m", b"x" * (3 * 1024 * 1024))
    yield case("blank-lines", good + b"\r\n" * 30_000)
    yield case("carriage-returns", good + b"\r" * 30_000)
    yield case("long-cell", good + ("生活,%s,民政處\r\n" % ("辦" * 40_000)).encode())
    yield case("columns-70", good + b"a" + b",b" * 70 + b"\r\n")
    yield case(
        "bom-then-big5", b"\xef\xbb\xbf" + "項目,業務內容,主辦單位".encode("cp950"), expect="either"
    )
    yield case("pdf", b"%PDF-1.7\n" + good)
    yield case("zip", b"PK\x03\x04" + good)
    for fraction in (0.1, 0.3, 0.5, 0.7, 0.9):
        yield case(f"truncated-{fraction}", good[: int(len(good) * fraction)], "either")
    for k in range(16):
        yield case(f"flip-{k}", flipped(good, (len(good) * k) // 16), "either")


# --- The whole corpus --------------------------------------------------------------------------


def generate(folder: Path) -> list[Case]:
    """Write the corpus into ``folder``; return its cases (over 300)."""
    folder.mkdir(parents=True, exist_ok=True)
    valid = valid_files(folder / "valid")
    makers: list[Callable[[], Iterator[Case]]] = []
    for fmt in ZIP_FORMATS:
        makers.append(lambda fmt=fmt: _zip_damage(fmt, valid[fmt], folder))  # type: ignore[misc]
        makers.append(lambda fmt=fmt: _xml_cases(fmt, folder))  # type: ignore[misc]
    makers.append(lambda: _xlsx_cases(folder))
    makers.append(lambda: _odf_cases("ods", folder))
    makers.append(lambda: _odf_cases("odt", folder))
    makers.append(lambda: _docx_cases(folder))
    makers.append(lambda: _csv_cases(valid["csv"], folder))
    cases: list[Case] = []
    for make in makers:
        cases.extend(make())
    return cases
