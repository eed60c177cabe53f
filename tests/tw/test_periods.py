"""Reporting-period codes: every valid code reads and writes back; the parts cover the year."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guankao.tw import PERIOD_KINDS, Period, parse_period_code


@pytest.mark.parametrize(
    ("text", "kind", "index", "start", "end", "name"),
    [
        ("113", "year", 1, date(2024, 1, 1), date(2024, 12, 31), "113年度"),
        ("113H1", "half", 1, date(2024, 1, 1), date(2024, 6, 30), "113年上半年"),
        ("113H2", "half", 2, date(2024, 7, 1), date(2024, 12, 31), "113年下半年"),
        ("113Q1", "quarter", 1, date(2024, 1, 1), date(2024, 3, 31), "113年第1季"),
        ("113Q2", "quarter", 2, date(2024, 4, 1), date(2024, 6, 30), "113年第2季"),
        ("113Q3", "quarter", 3, date(2024, 7, 1), date(2024, 9, 30), "113年第3季"),
        ("113Q4", "quarter", 4, date(2024, 10, 1), date(2024, 12, 31), "113年第4季"),
        ("108Q4", "quarter", 4, date(2019, 10, 1), date(2019, 12, 31), "108年第4季"),
        ("113h1", "half", 1, date(2024, 1, 1), date(2024, 6, 30), "113年上半年"),
        ("１１３Ｑ２", "quarter", 2, date(2024, 4, 1), date(2024, 6, 30), "113年第2季"),
        (" 113H2\u3000", "half", 2, date(2024, 7, 1), date(2024, 12, 31), "113年下半年"),
    ],
)
def test_parse_examples(
    text: str, kind: str, index: int, start: date, end: date, name: str
) -> None:
    period = parse_period_code(text)
    assert (period.roc_year, period.kind, period.index) == (start.year - 1911, kind, index)
    assert (period.start, period.end) == (start, end)
    assert period.name == name
    assert str(period) == period.code


def test_february_of_a_leap_year_ends_the_first_quarter_right() -> None:
    # 民國113年 is 2024, a leap year: Q1 still ends on 31 March, H1 on 30 June.
    assert parse_period_code("113Q1").end == date(2024, 3, 31)
    assert parse_period_code("109").end == date(2020, 12, 31)


@pytest.mark.parametrize(
    "text",
    ["", " ", "113H3", "113H0", "113Q0", "113Q5", "113M1", "H1", "0", "0H1", "113H", "113 H1",
     "113-H1", "113H12", "1三H1", "113年", "113.7", "10000"],
)  # fmt: skip
def test_rejects_what_is_not_a_code(text: str) -> None:
    with pytest.raises(ValueError, match="not a period code") as excinfo:
        parse_period_code(text)
    assert repr(text) in str(excinfo.value)


def test_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        parse_period_code(113)  # type: ignore[arg-type]


@pytest.mark.parametrize(("kind", "index"), [("half", 3), ("quarter", 0), ("month", 1)])
def test_of_checks_its_parts(kind: str, index: int) -> None:
    with pytest.raises(ValueError):
        Period.of(113, kind, index)


def test_last_of_year() -> None:
    assert [parse_period_code(c).is_last_of_year for c in ("113", "113H1", "113H2")] == [
        True,
        False,
        True,
    ]
    assert [parse_period_code(f"113Q{i}").is_last_of_year for i in range(1, 5)] == [
        False,
        False,
        False,
        True,
    ]


roc_years = st.integers(min_value=1, max_value=8088)


@given(roc_years, st.sampled_from(sorted(PERIOD_KINDS)), st.data())
def test_code_round_trips(roc_year: int, kind: str, data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=1, max_value=PERIOD_KINDS[kind]))
    period = Period.of(roc_year, kind, index)
    assert parse_period_code(period.code) == period
    assert parse_period_code(period.code.lower()) == period
    assert period.start <= period.end
    assert period.start.year == period.end.year == roc_year + 1911


@given(roc_years, st.sampled_from(sorted(PERIOD_KINDS)))
def test_the_parts_of_a_year_cover_it_without_gaps(roc_year: int, kind: str) -> None:
    parts = [Period.of(roc_year, kind, i) for i in range(1, PERIOD_KINDS[kind] + 1)]
    assert parts[0].start == date(roc_year + 1911, 1, 1)
    assert parts[-1].end == date(roc_year + 1911, 12, 31)
    for earlier, later in itertools.pairwise(parts):
        assert earlier.end + timedelta(days=1) == later.start
    assert [p.is_last_of_year for p in parts] == [False] * (len(parts) - 1) + [True]
    assert [p.elapsed_months for p in parts] == [
        12 // len(parts) * i for i in range(1, len(parts) + 1)
    ]
