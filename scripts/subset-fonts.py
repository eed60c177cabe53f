"""Cut the public directory's web fonts (decision 0079) out of Debian's Noto fonts.

Usage (once, after the Japanese or Korean texts change; the .woff2 files are committed):

    python3 -m venv /tmp/fonts && /tmp/fonts/bin/pip install fonttools brotli pyyaml
    /tmp/fonts/bin/python scripts/subset-fonts.py

Sources: fonts-noto-core (Thai, Khmer, Myanmar) and fonts-noto-cjk (the JP and KR faces of the
Noto Sans CJK collection). Thai, Khmer and Burmese keep their whole Unicode blocks, because
their shaping joins glyphs that no list of characters names and staff edit the texts; Japanese
and Korean keep only the characters of the ja/ko interface catalogs and content drafts, in the
regular weight only (bold is synthesised), since a CJK glyph costs about 270 bytes and a full
face is megabytes; a character staff add later shows in the system's CJK font until this is
run again. Chinese uses the reader's system fonts, as before.
The ``names-*`` faces hold only the languages' own names, so the language switcher on every page
shows ไทย, ខ្មែរ, မြန်မာ, 日本語 and 한국어 without loading the full faces.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "guankao"
OUT = PACKAGE / "directory" / "static" / "directory" / "fonts"
NOTO = Path("/usr/share/fonts/truetype/noto")
CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
JP, KR = 0, 1  # face numbers in the Noto Sans CJK collection (fc-query lists them)

# Joiners and the dotted circle that shaping engines insert before a stray combining mark.
SHAPING = [0x200B, 0x200C, 0x200D, 0x25CC]
THAI = [*range(0x0E01, 0x0E5C), *SHAPING]
KHMER = [*range(0x1780, 0x17FA), *range(0x19E0, 0x1A00), *SHAPING]
MYANMAR = [*range(0x1000, 0x10A0), *range(0xA9E0, 0xAA00), *range(0xAA60, 0xAA80), *SHAPING]
NAMES = {"thai": "ไทย", "khmer": "ខ្មែរ", "myanmar": "မြန်မာ", "jp": "日本語", "kr": "한국어"}


@dataclass(frozen=True)
class Cut:
    """One output file: a face of a source font reduced to some characters."""

    name: str
    source: Path
    number: int = 0
    codepoints: tuple[int, ...] = ()
    text: str = ""


def texts(code: str) -> str:
    """Every text a page can show in ``code``: its interface catalog and its content drafts."""
    po = PACKAGE / "locale" / code / "LC_MESSAGES" / "django.po"
    found: list[str] = []
    in_msgstr = False
    for line in po.read_text(encoding="utf-8").splitlines():
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if in_msgstr:
                found.append(ast.literal_eval(line))
        elif keyword:
            in_msgstr = keyword.startswith("msgstr")
            if in_msgstr:
                found.append(ast.literal_eval(rest))
    data = yaml.safe_load((PACKAGE / "directory" / "data" / "translations.yaml").read_text("utf-8"))
    for block in data.values():
        found += [str(entry[code]) for entry in block.values() if code in entry]
    return "".join(found)


def cjk_only(text: str) -> tuple[int, ...]:
    """The characters a CJK face must supply (kana, Han, Hangul, CJK and full-width punctuation);
    Latin letters and digits keep the page's own font."""
    return tuple(sorted({ord(c) for c in text if ord(c) >= 0x2E80}))


def cuts() -> list[Cut]:
    """What to write: full faces for the pages in each language, name faces for the switcher."""
    ja = cjk_only(texts("ja") + NAMES["jp"])
    ko = cjk_only(texts("ko") + NAMES["kr"])
    full = [
        Cut("noto-sans-thai", NOTO / "NotoSansThai-Regular.ttf", codepoints=tuple(THAI)),
        Cut("noto-sans-thai-bold", NOTO / "NotoSansThai-Bold.ttf", codepoints=tuple(THAI)),
        Cut("noto-sans-khmer", NOTO / "NotoSansKhmer-Regular.ttf", codepoints=tuple(KHMER)),
        Cut("noto-sans-khmer-bold", NOTO / "NotoSansKhmer-Bold.ttf", codepoints=tuple(KHMER)),
        Cut("noto-sans-myanmar", NOTO / "NotoSansMyanmar-Regular.ttf", codepoints=tuple(MYANMAR)),
        Cut("noto-sans-myanmar-bold", NOTO / "NotoSansMyanmar-Bold.ttf", codepoints=tuple(MYANMAR)),
        Cut("noto-sans-jp-guankao", CJK, JP, codepoints=ja),
        Cut("noto-sans-kr-guankao", CJK, KR, codepoints=ko),
    ]
    names = [
        Cut("names-thai", NOTO / "NotoSansThai-Regular.ttf", text=NAMES["thai"]),
        Cut("names-khmer", NOTO / "NotoSansKhmer-Regular.ttf", text=NAMES["khmer"]),
        Cut("names-myanmar", NOTO / "NotoSansMyanmar-Regular.ttf", text=NAMES["myanmar"]),
        Cut("names-jp", CJK, JP, text=NAMES["jp"]),
        Cut("names-kr", CJK, KR, text=NAMES["kr"]),
    ]
    return full + names


def write(cut: Cut) -> Path:
    """Subset one face to WOFF2, keeping the layout features it needs (Thai, Khmer and Burmese
    them to shape; CJK the default ones) and dropping hinting and names the browser does not use."""
    options = subset.Options()
    options.flavor = "woff2"
    # Thai, Khmer and Burmese need every feature to shape; for CJK the defaults do, and "*"
    # would pull in every alternate glyph (aalt, jp78, …) and treble the files.
    if cut.source != CJK:
        options.layout_features = ["*"]
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and licence entries
    options.notdef_outline = True
    # The source's own timestamp, so running the script again writes the same bytes.
    font = TTFont(cut.source, fontNumber=cut.number, lazy=False, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=cut.codepoints, text=cut.text)
    subsetter.subset(font)
    path = OUT / f"{cut.name}.woff2"
    font.flavor = "woff2"
    font.save(path)
    return path


def main() -> int:
    """Write every cut and print its size; the total goes into decision 0079."""
    OUT.mkdir(parents=True, exist_ok=True)
    total = 0
    for cut in cuts():
        path = write(cut)
        size = path.stat().st_size
        total += size
        print(f"{path.relative_to(ROOT)}\t{size / 1024:.1f} KB")
    print(f"total\t{total / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
