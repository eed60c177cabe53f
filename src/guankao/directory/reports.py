"""``guankao report division --jurisdiction SLUG [--version 112.7] --format F -o FILE``."""

from __future__ import annotations

import argparse
from typing import Any

from guankao.directory.division_report import division_report
from guankao.documents.reports import division

HELP = "分工表 of a jurisdiction in the published layout, e.g. --jurisdiction keelung"
FORMATS = division.FORMATS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--jurisdiction`` and, optionally, ``--version`` (ROC year.month; default the newest)."""
    parser.add_argument("--jurisdiction", required=True, metavar="SLUG", help="e.g. keelung")
    parser.add_argument("--version", metavar="ROC", default=None, help="ROC year.month, e.g. 112.7")


def run(options: dict[str, Any]) -> bytes:
    """Build the report model from the database and render it."""
    report = division_report(jurisdiction_slug=options["jurisdiction"], version=options["version"])
    return division.render(report, options["format"])
