"""What the overviews show of each published revision, counted once when it is published
(decision 0087).

A published revision never changes, so the national and city views need not count its
thousands of measures on every request: each revision gets a ``RevisionTally`` row with the
scorecard's counts under the legend in force when it was counted. ``report_lines`` uses a row
only while its legend is still the jurisdiction's, and counts the report from its tables
otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from guankao.performance.models import RevisionTally
from guankao.performance.report_model import ReportData
from guankao.performance.scorecard import Legend, Light

# The columns ``report_lines`` reads through the revision (``tally__…``), in this order.
FIELDS = (
    "green_at",
    "yellow_at",
    "green",
    "yellow",
    "red",
    "white",
    "unreviewed",
    "budget_thousands",
    "execution",
)

Stored = tuple[Decimal, Decimal, int, int, int, int, int, int, str]


def tally_of(revision_id: int, data: ReportData, legend: Legend) -> RevisionTally:
    """The (unsaved) tally of the revision whose model is ``data``, under ``legend``."""
    # Imported here: overview reads this module's rows.
    from guankao.performance.overview import execution_of, tally

    counts, _below, unreviewed, _total = tally(data, legend)
    execution = execution_of(data)
    return RevisionTally(
        revision_id=revision_id,
        green_at=legend.green_at,
        yellow_at=legend.yellow_at,
        green=counts[Light.GREEN],
        yellow=counts[Light.YELLOW],
        red=counts[Light.RED],
        white=counts[Light.WHITE],
        unreviewed=unreviewed,
        budget_thousands=sum(p.budget_thousands for p in data.plans),
        execution="" if execution is None else str(execution),
    )


def stored_values(row: Iterable[object]) -> Stored | None:
    """The ``FIELDS`` read through a revision, or None when it has no tally."""
    values = tuple(row)
    if values[0] is None:
        return None
    return values  # type: ignore[return-value]


def matches(stored: Stored, legend: Legend) -> bool:
    """Whether ``stored`` was counted under ``legend``."""
    return (stored[0], stored[1]) == (legend.green_at, legend.yellow_at)


def unpack(stored: Stored) -> tuple[dict[Light, int], int, int, int, int, Decimal | None]:
    """(counts by light, below target, unreviewed, measures, budget, 執行率) of ``stored``."""
    _green_at, _yellow_at, green, yellow, red, white, unreviewed, budget, execution = stored
    counts = {Light.GREEN: green, Light.YELLOW: yellow, Light.RED: red, Light.WHITE: white}
    return (
        counts,
        yellow + red,
        unreviewed,
        green + yellow + red + white,
        budget,
        Decimal(execution) if execution else None,
    )
