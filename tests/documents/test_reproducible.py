"""The same report renders to the same bytes in every format, whenever it is rendered: a backup
is verified by rendering again, and a published revision must not change (issue 13)."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from guankao.documents.render.reproducible import without_render_time
from guankao.performance.document import FORMATS, render
from guankao.performance.selectors import performance_report

pytestmark = pytest.mark.django_db


def test_every_format_is_byte_identical_a_second_later() -> None:
    data = performance_report(department_slug="hsinchu-social", roc_year=108)
    first = {name: render(data, name) for name in FORMATS}
    time.sleep(1.1)  # zip dates have a resolution of two seconds, PDF dates of one
    time.sleep(1.0)
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
