"""``guankao report division --jurisdiction SLUG [--version 112.7] --format F -o FILE``."""

from __future__ import annotations

import argparse
from typing import Any

from guankao.core.registry import ReportKind
from guankao.directory import division_document as division
from guankao.directory.division_report import division_report

HELP = "分工表 of a jurisdiction in the published layout, e.g. --jurisdiction keelung"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--jurisdiction`` and, optionally, ``--version`` (ROC year.month, a draft too; default
    the version in force)."""
    parser.add_argument("--jurisdiction", required=True, metavar="SLUG", help="e.g. keelung")
    parser.add_argument(
        "--version",
        metavar="ROC",
        default=None,
        help="ROC year.month, e.g. 112.7 (default: the published version in force)",
    )


def run(options: dict[str, Any]) -> bytes:
    """Build the report model from the database and render it."""
    report = division_report(jurisdiction_slug=options["jurisdiction"], version=options["version"])
    return division.render(report, options["format"])


REPORT_KINDS = [
    ReportKind(
        name="division",
        help=HELP,
        formats=division.FORMATS,
        add_arguments=add_arguments,
        run=run,
    )
]
