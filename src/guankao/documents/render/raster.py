"""A chart as PNG, for the formats that cannot hold SVG portably (DOCX) or want a fallback (ODT).

Typst — already here for the PDF — draws the SVG with the same installed fonts, so the picture
matches the PDF and no second SVG renderer (cairosvg and its system libraries) is needed
(decision 0071). The same SVG gives the same PNG bytes.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

import typst

from guankao.documents.model import Chart

TEMPLATE = Path(__file__).with_name("chart.typ")
# Printed at 12 cm (as in the PDF); 200 ppi stays sharp on paper and keeps the file small.
WIDTH_CM = 12.0
PPI = 200
_lock = threading.Lock()


@cache
def _compiler() -> typst.Compiler:
    return typst.Compiler(str(TEMPLATE))


def png(chart: Chart, *, width_cm: float = WIDTH_CM, ppi: int = PPI) -> bytes:
    """The chart drawn ``width_cm`` wide at ``ppi`` pixels per inch, as PNG bytes."""
    with _lock:
        result = _compiler().compile(
            format="png", ppi=ppi, sys_inputs={"svg": chart.svg, "width_cm": str(width_cm)}
        )
    if not isinstance(result, bytes):  # a list only for a document of several pages
        raise TypeError("Typst returned no PNG")
    return result


def height_cm(chart: Chart, width_cm: float = WIDTH_CM) -> float:
    """The printed height that keeps the chart's proportions at ``width_cm``."""
    return width_cm * chart.height / chart.width
