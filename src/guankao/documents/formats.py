"""The output formats and the one function that renders a report in any of them.

A report module offers up to three views of its report model — a printable :class:`Document`,
a :class:`Workbook` of rows, and plain data for JSON — and lists the formats it supports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Generic, Literal, Protocol, TypeVar

from guankao.documents.model import Document, Workbook
from guankao.documents.render.reproducible import without_render_time

Source = Literal["document", "workbook", "data"]
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Format:
    """An output format: its MIME type, file extension and which view of the report it renders."""

    name: str
    content_type: str
    extension: str
    source: Source
    label: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("html", "text/html; charset=utf-8", "html", "document", "HTML"),
        Format("pdf", "application/pdf", "pdf", "document", "PDF"),
        Format("odt", "application/vnd.oasis.opendocument.text", "odt", "document", "ODT"),
        Format(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
            "document",
            "DOCX",
        ),
        Format("ods", "application/vnd.oasis.opendocument.spreadsheet", "ods", "workbook", "ODS"),
        Format(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            "workbook",
            "XLSX",
        ),
        Format("csv", "text/csv; charset=utf-8", "csv", "workbook", "CSV"),
        Format("json", "application/json", "json", "data", "JSON"),
    )
}


class ReportViews(Protocol):
    """What a report module hands to :func:`render`: the views its formats need."""

    def document(self) -> Document: ...

    def workbook(self) -> Workbook: ...

    def data(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class ReportFunctions(Generic[R]):
    """The :class:`ReportViews` of one report, from its module's three builder functions."""

    report: R
    build_document: Callable[[R], Document]
    build_workbook: Callable[[R], Workbook]
    build_data: Callable[[R], Mapping[str, Any]]

    def document(self) -> Document:
        return self.build_document(self.report)

    def workbook(self) -> Workbook:
        return self.build_workbook(self.report)

    def data(self) -> Mapping[str, Any]:
        return self.build_data(self.report)


def render(format_name: str, views: ReportViews) -> bytes:
    """Render ``views`` in the named format. Renderers are imported on first use, so a CSV
    export does not load Typst."""
    fmt = FORMATS[format_name]
    module = import_module(f"guankao.documents.render.{fmt.name}")
    if fmt.source == "document":
        result: bytes = module.render(views.document())
    elif fmt.source == "workbook":
        result = module.render(views.workbook())
    else:
        result = module.render(views.data())
    if result.startswith(b"PK\x03\x04"):
        # The same data renders to the same bytes (render/reproducible.py).
        result = without_render_time(result)
    return result
