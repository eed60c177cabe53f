"""The same report renders to the same bytes in every format, whenever it is rendered: a backup
is verified by rendering again, and a published revision must not change (issue 13)."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from guankao.documents.charts import Bar, Point, bar_chart, line_chart
from guankao.documents.formats import ReportFunctions
from guankao.documents.formats import render as render_format
from guankao.documents.model import Document, Figure, Workbook
from guankao.documents.render.reproducible import without_render_time
from guankao.performance.document import FORMATS, render
from guankao.performance.selectors import performance_report

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # it waits two seconds of the clock; `make test` runs it
def test_every_format_is_byte_identical_a_second_later() -> None:
    data = performance_report(department_slug="hsinchu-social", roc_year=108)
    first = {name: render(data, name) for name in FORMATS}
    time.sleep(2.1)  # zip dates have a resolution of two seconds, PDF dates of one
    again = {name: render(data, name) for name in FORMATS}
    assert [name for name in FORMATS if first[name] != again[name]] == []


def test_a_package_keeps_its_members_and_loses_only_the_render_time() -> None:
    data = performance_report(department_slug="hsinchu-social", roc_year=108)
    odt = render(data, "odt")
    with zipfile.ZipFile(io.BytesIO(odt)) as package:
        names = package.namelist()
        assert names[0] == "mimetype" and package.getinfo("mimetype").compress_type == 0
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        meta = package.read("meta.xml")
    assert b"meta:creation-date" not in meta and b"<dc:date>" not in meta
    assert b"meta:generator" in meta  # the rest of the metadata is kept
    assert without_render_time(odt) == odt


@pytest.mark.slow  # it waits two seconds of the clock; `make test` runs it
def test_a_document_with_charts_is_byte_identical_a_second_later() -> None:
    """pygal names a chart with uuid4() and dates it in a comment (documents/charts.py removes
    both); the ODT names the pictures by content and the DOCX's PNG comes from Typst."""

    def document(_: None) -> Document:
        # Built anew for each render, as a report module does.
        bars = [Bar("六.4", 80, "yellow"), Bar("八.5", 83.6, "yellow"), Bar("一.1", 100, "green")]
        trend = [Point(107, 4000), Point(108, 4373)]
        return Document(
            "圖表",
            (
                Figure(bar_chart("達成率", "三項中一項達標。", bars)),
                Figure(line_chart("趨勢", "逐年上升。", trend, [Point(108, 5800)], unit="人次")),
            ),
        )

    views = ReportFunctions(None, document, lambda _: Workbook("圖表"), lambda _: {})
    formats = ("html", "pdf", "odt", "docx")
    first = {name: render_format(name, views) for name in formats}
    time.sleep(2.1)  # zip dates have a resolution of two seconds, PDF dates of one
    again = {name: render_format(name, views) for name in formats}
    assert [name for name in formats if first[name] != again[name]] == []
    assert b"<svg" in first["html"] and b"Pictures/chart-" in first["odt"]
