"""``guankao report committee --jurisdiction SLUG --period 113H1 --format F -o FILE``."""

from __future__ import annotations

import argparse
from typing import Any

from django.utils import timezone

from guankao.core.registry import ReportKind
from guankao.cycles import committee_document as committee
from guankao.cycles.selectors import committee_report_for

HELP = "委員會報告 (辦理情形) of one reporting period, e.g. --jurisdiction keelung --period 113H1"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--jurisdiction``, ``--period`` and, for a department's own period, ``--department``."""
    parser.add_argument("--jurisdiction", required=True, metavar="SLUG", help="e.g. keelung")
    parser.add_argument(
        "--period", required=True, metavar="CODE", help="113, 113H1, 113H2, 113Q1 … 113Q4"
    )
    parser.add_argument(
        "--department",
        metavar="SLUG",
        default=None,
        help="the department, for a period opened for its plans (e.g. hsinchu-social)",
    )


def run(options: dict[str, Any]) -> bytes:
    """Build the report model from the database and render it."""
    report = committee_report_for(
        jurisdiction_slug=options["jurisdiction"],
        period_code=options["period"],
        department_slug=options["department"],
        today=timezone.localdate(),
    )
    return committee.render(report, options["format"])


REPORT_KINDS = [
    ReportKind(
        name="committee",
        help=HELP,
        formats=committee.FORMATS,
        add_arguments=add_arguments,
        run=run,
    )
]
