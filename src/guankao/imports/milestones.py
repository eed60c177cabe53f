"""Milestones read out of an indicator's text, for tables that have no 衡量標準明細 sheet.

A standard with no figure but clauses such as 「香山區親子館已於 107年 8月完成設立」 or
「預計於 108年完成北區親子館設立」 names milestones: the thing to complete and its due date. The
achievement's clause about the same thing (「北區親子館於 108年 12月 16日完成建置」) gives the day
it was done. A date of a month or a year means its last day, as the seed report's data does.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from guankao.performance.rows import MeasureRow
from guankao.tw import YearMonth, parse_roc_date

_CLAUSES = re.compile(r"[，,；;。\n]")
_DATE = re.compile(r"(?:民國)?\s*\d{2,3}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?")
# 「已於」「預計於」「於」 before the date, 「前」 after it: not part of what is completed.
_AROUND_DATE = re.compile(r"(?:已|預計|預定|將)?於?\s*$")
_AFTER_DATE = re.compile(r"^\s*(?:前|以前|底前)?")
DONE = "完成"
# Two clauses name the same thing when their labels share this many characters in a row.
SAME_THING = 3


@dataclass(frozen=True)
class _Clause:
    label: str
    date: datetime.date


def _last_day(value: datetime.date | YearMonth | int) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, YearMonth):
        return datetime.date(
            value.year, value.month, calendar.monthrange(value.year, value.month)[1]
        )
    return datetime.date(value, 12, 31)


def _clauses(text: str) -> list[_Clause]:
    """Clauses with 「完成」 and one ROC date: the date and the clause without it."""
    found = []
    for clause in _CLAUSES.split(text):
        dates = list(_DATE.finditer(clause))
        if DONE not in clause or len(dates) != 1:
            continue
        try:
            when = _last_day(parse_roc_date(dates[0].group()))
        except ValueError:
            continue
        before = _AROUND_DATE.sub("", clause[: dates[0].start()])
        after = _AFTER_DATE.sub("", clause[dates[0].end() :])
        label = re.sub(r"\s+", "", before + after)
        if label != DONE:
            found.append(_Clause(label, when))
    return found


def _shared(a: str, b: str) -> int:
    """Length of the longest run of characters ``a`` and ``b`` share, 完成 aside."""
    a, b = a.replace(DONE, "\0"), b.replace(DONE, "\1")
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match().size


def derive_milestones(standard: str, achievement: str) -> list[MeasureRow]:
    """Milestones of a standard without figures; each one done on the day the achievement gives
    for the same thing (None when it gives none)."""
    reported = _clauses(achievement)
    used: set[int] = set()
    milestones = []
    for planned in _clauses(standard):
        # The clause sharing the most; on a tie, the first one.
        best, index = max(
            (
                (_shared(planned.label, done.label), -index)
                for index, done in enumerate(reported)
                if index not in used
            ),
            default=(0, 1),
        )
        index = -index
        done_on = None
        if best >= SAME_THING:
            used.add(index)
            done_on = reported[index].date
        milestones.append(
            MeasureRow(
                label=planned.label,
                kind="milestone",
                target=None,
                actual=None,
                unit="",
                actual_unit="",
                due=planned.date,
                done=done_on,
            )
        )
    return milestones
