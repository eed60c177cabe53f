"""System checks: the PDF renderer finds the fonts the documents ask for."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning, register

from guankao.documents.model import Document


def missing_font_families(available: set[str]) -> list[str]:
    """The documents' font families (sans, then serif) that are not in ``available``."""
    wanted = Document(title="", blocks=())
    return [f for f in (wanted.font_family, wanted.serif_family) if f not in available]


@register()
def pdf_fonts_installed(**kwargs: Any) -> list[CheckMessage]:
    """Warn when Typst cannot find Noto Sans or Serif CJK TC: PDFs would fall back to another
    font or show missing glyphs as boxes."""
    import typst  # the check runs in every command; the module is only needed here

    missing = missing_font_families(set(typst.Fonts().families()))
    if not missing:
        return []
    return [
        Warning(
            f"PDF 找不到字型：{'、'.join(missing)}；中文可能無法正確顯示。",
            hint="安裝 Debian 套件 fonts-noto-cjk（scripts/install-system-packages.sh）。",
            id="documents.W001",
        )
    ]
