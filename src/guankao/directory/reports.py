"""``guankao report division --jurisdiction SLUG [--version 112.7] --format F -o FILE`` and
``guankao report leaflet --jurisdiction SLUG --agency SLUG --lang vi --size a4 -o FILE``."""

from __future__ import annotations

import argparse
from typing import Any

from guankao.core.registry import ReportKind
from guankao.directory import division_document as division
from guankao.directory import leaflets
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


LEAFLET_HELP = (
    "an agency's leaflet (A4 card or A3 poster) with QR codes to its page and to call it, "
    "e.g. --jurisdiction keelung --agency keelung-civil-affairs --lang vi --size a4"
)


def add_leaflet_arguments(parser: argparse.ArgumentParser) -> None:
    """``--jurisdiction``, ``--agency``, ``--lang``, ``--size`` and, optionally, ``--version``
    and ``--base-url``."""
    parser.add_argument("--jurisdiction", required=True, metavar="SLUG", help="e.g. keelung")
    parser.add_argument("--agency", required=True, metavar="SLUG", help="e.g. keelung-social")
    parser.add_argument("--lang", default="zh-hant", metavar="CODE", help="e.g. vi, th, zh-hant")
    parser.add_argument("--size", default="a4", choices=leaflets.SIZES, help="a4 card, a3 poster")
    parser.add_argument(
        "--version",
        metavar="ROC",
        default=None,
        help="a published version, e.g. 112.7 (default: the version in force)",
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        default=None,
        help="the site's public address for the page QR code (default: GUANKAO_BASE_URL)",
    )


def run_leaflet(options: dict[str, Any]) -> bytes:
    """Build the leaflet from the version in force (or ``--version``) and render it."""
    item = leaflets.leaflet(
        jurisdiction=options["jurisdiction"],
        agency=options["agency"],
        language=options["lang"],
        size=options["size"],
        version=options["version"],
        base_url=options["base_url"] or leaflets.public_base_url(),
    )
    return leaflets.render(item)


REPORT_KINDS = [
    ReportKind(
        name="division",
        help=HELP,
        formats=division.FORMATS,
        add_arguments=add_arguments,
        run=run,
    ),
    ReportKind(
        name="leaflet",
        help=LEAFLET_HELP,
        formats=("pdf",),
        add_arguments=add_leaflet_arguments,
        run=run_leaflet,
    ),
]
