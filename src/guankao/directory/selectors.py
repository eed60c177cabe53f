"""Reads of the directory app that are not the cached public directory: unanswered needs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from guankao.directory.models import UnansweredNeed


@dataclass(frozen=True, slots=True)
class UnansweredRow:
    """One question that found no good answer, as staff and the committee see it."""

    jurisdiction: str  # the jurisdiction's name
    month: datetime.date  # the first day of the month
    language: str  # the page's language code
    text: str  # the normalised text
    count: int


def unanswered_needs(
    *,
    jurisdiction_slug: str,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
) -> list[UnansweredRow]:
    """The questions of ``jurisdiction_slug`` asked at least the threshold number of times in a
    month, newest month first, then most asked; only the months from ``first``'s to ``last``'s
    when given. Rows below the threshold are never returned (they have no text anyway)."""
    rows = UnansweredNeed.objects.shown().of_jurisdiction(jurisdiction_slug)
    if first is not None:
        rows = rows.filter(month__gte=first.replace(day=1))
    if last is not None:
        rows = rows.filter(month__lte=last.replace(day=1))
    return [
        UnansweredRow(jurisdiction=name, month=month, language=language, text=text, count=count)
        for name, month, language, text, count in rows.order_by(
            "-month", "-count", "language", "text"
        ).values_list("jurisdiction__name", "month", "language", "text", "count")
    ]
