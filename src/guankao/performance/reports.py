"""``guankao report performance --org SLUG --year ROC --format F -o FILE``."""

from __future__ import annotations

import argparse
from typing import Any

from guankao.core.registry import ReportKind
from guankao.performance import document as performance
from guankao.performance import scorecard_document
from guankao.performance.selectors import (
    department_get,
    performance_report,
    report_get,
    revision_get,
    scorecard_report,
)
from guankao.performance.services import revision_file_get

HELP = "施政績效報告 of one department and year, e.g. --org hsinchu-social --year 108"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--org`` (the department's slug) and ``--year`` (ROC year)."""
    parser.add_argument(
        "--org", required=True, metavar="SLUG", help="department slug, e.g. hsinchu-social"
    )
    parser.add_argument("--year", required=True, type=int, metavar="ROC", help="ROC year, e.g. 108")
    parser.add_argument(
        "--revision",
        type=int,
        metavar="N",
        help="a published revision, byte for byte as it was published (1 = first publication)",
    )


def run(options: dict[str, Any]) -> bytes:
    """Build the report model from the database and render it; with ``--revision``, the
    kept file of that published revision."""
    if options.get("revision") is not None:
        department = department_get(slug=options["org"])
        report = report_get(department=department, roc_year=options["year"])
        revision = revision_get(report=report, number=options["revision"])
        return revision_file_get(revision=revision, fmt=options["format"])
    data = performance_report(department_slug=options["org"], roc_year=options["year"])
    return performance.render(data, options["format"])


def add_scorecard_arguments(parser: argparse.ArgumentParser) -> None:
    """``--org`` and ``--year``, as for the report."""
    parser.add_argument(
        "--org", required=True, metavar="SLUG", help="department slug, e.g. hsinchu-social"
    )
    parser.add_argument("--year", required=True, type=int, metavar="ROC", help="ROC year, e.g. 108")


def run_scorecard(options: dict[str, Any]) -> bytes:
    """The scorecard of the report (its published revision once published)."""
    card = scorecard_report(
        department_slug=options["org"], roc_year=options["year"], published_only=False
    )
    return scorecard_document.render(card, options["format"])


REPORT_KINDS = [
    ReportKind(
        name="performance",
        help=HELP,
        formats=performance.FORMATS,
        add_arguments=add_arguments,
        run=run,
    ),
    ReportKind(
        name="scorecard",
        help="績效燈號 (scorecard) of one department and year, e.g. --org hsinchu-social --year 108",
        formats=scorecard_document.FORMATS,
        add_arguments=add_scorecard_arguments,
        run=run_scorecard,
    ),
]
