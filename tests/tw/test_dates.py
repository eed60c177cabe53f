"""ROC dates: every documented form reads, every style writes and reads back."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guankao.tw import (
    YearMonth,
    format_roc_date,
    format_roc_datetime,
    from_roc_year,
    parse_roc_date,
    to_roc_year,
)

STYLES = ("long", "slash", "compact", "dot", "minguo")
FULLWIDTH = str.maketrans("0123456789/.-", "０１２３４５６７８９／．－")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("108年5月7日", date(2019, 5, 7)),
        ("民國108年5月7日", date(2019, 5, 7)),
        ("108/05/07", date(2019, 5, 7)),
        ("108/5/7", date(2019, 5, 7)),
        ("1080507", date(2019, 5, 7)),
        ("0990507", date(2010, 5, 7)),
        ("990507", date(2010, 5, 7)),
        ("108.5.7", date(2019, 5, 7)),
        ("108-05-07", date(2019, 5, 7)),
        ("112.7", YearMonth(2023, 7)),
        ("112/07", YearMonth(2023, 7)),
        ("112年7月", YearMonth(2023, 7)),
        ("民國112年7月", YearMonth(2023, 7)),
        ("108年", 2019),
        ("民國108年", 2019),
        ("１０８年５月７日", date(2019, 5, 7)),
        ("１０８／０５／０７", date(2019, 5, 7)),
        ("  108年5月7日 ", date(2019, 5, 7)),
        ("\u3000108/05/07\u3000", date(2019, 5, 7)),
        ("108年 5月 7日", date(2019, 5, 7)),
        ("民國 108 年 5 月 7 日", date(2019, 5, 7)),
        ("1年1月1日", date(1912, 1, 1)),
        ("109年2月29日", date(2020, 2, 29)),
        ("1088/12/31", date(2999, 12, 31)),
        ("10881231", date(2999, 12, 31)),
    ],
)
def test_parse_examples(text: str, expected: date | YearMonth | int) -> None:
    result = parse_roc_date(text)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    "text",
    [
        "108年13月1日",
        "108年5月32日",
        "109年2月30日",
        "108年2月29日",
        "108/13/07",
        "108/02/30",
        "1081301",
        "1080532",
        "112.13",
        "112年0月",
        "0年",
        "0/01/01",
        "000年1月1日",
        "-108年",
        "-108/05/07",
        "",
        "   ",
        "yesterday",
        "108",
        "10805",
        "123456789",
        "108年5月7",
        "108/05-07",
        "民國",
        "民國前1年",
        "9999年1月1日",
    ],
)
def test_parse_rejects_with_quoted_input(text: str) -> None:
    with pytest.raises(ValueError, match="ROC") as info:
        parse_roc_date(text)
    assert repr(text) in str(info.value)


def test_parse_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        parse_roc_date(1080507)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [
        (date(2019, 5, 7), "long", "108年5月7日"),
        (date(2019, 5, 7), "slash", "108/05/07"),
        (date(2019, 5, 7), "compact", "1080507"),
        (date(2019, 5, 7), "dot", "108.5.7"),
        (date(2019, 5, 7), "minguo", "民國108年5月7日"),
        (date(2010, 5, 7), "compact", "0990507"),
        (date(1912, 1, 1), "slash", "1/01/01"),
        (YearMonth(2023, 7), "long", "112年7月"),
        (YearMonth(2023, 7), "dot", "112.7"),
        (YearMonth(2023, 7), "slash", "112/07"),
        (YearMonth(2023, 7), "minguo", "民國112年7月"),
        (2019, "long", "108年"),
        (2019, "minguo", "民國108年"),
    ],
)
def test_format_examples(value: date | YearMonth | int, style: str, expected: str) -> None:
    assert format_roc_date(value, style) == expected


def test_format_default_style_is_long() -> None:
    assert format_roc_date(date(2019, 5, 7)) == "108年5月7日"


@pytest.mark.parametrize(
    ("value", "style"),
    [
        (date(2019, 5, 7), "iso"),
        (date(2019, 5, 7), "LONG"),
        (date(1911, 12, 31), "long"),
        (date(1900, 1, 1), "slash"),
        (YearMonth(1911, 12), "long"),
        (YearMonth(2023, 7), "compact"),
        (1911, "long"),
        (2019, "slash"),
        (2019, "compact"),
        (2019, "dot"),
    ],
)
def test_format_rejects(value: date | YearMonth | int, style: str) -> None:
    with pytest.raises(ValueError):
        format_roc_date(value, style)


def test_format_rejects_other_types() -> None:
    with pytest.raises(TypeError):
        format_roc_date("2019-05-07")  # type: ignore[arg-type]


def test_year_conversions() -> None:
    assert to_roc_year(2019) == 108
    assert to_roc_year(1912) == 1
    assert from_roc_year(108) == 2019
    assert from_roc_year(1) == 1912
    with pytest.raises(ValueError):
        to_roc_year(1911)
    with pytest.raises(ValueError):
        from_roc_year(0)
    with pytest.raises(ValueError):
        from_roc_year(-5)


def test_year_month() -> None:
    ym = YearMonth(2023, 7)
    assert ym.roc_year == 112
    with pytest.raises(dataclasses.FrozenInstanceError):
        ym.month = 8  # type: ignore[misc]
    with pytest.raises(ValueError):
        YearMonth(2023, 13)
    with pytest.raises(ValueError):
        YearMonth(2023, 0)


dates = st.dates(min_value=date(1912, 1, 1), max_value=date(2999, 12, 31))


@pytest.mark.parametrize("style", STYLES)
@given(day=dates)
def test_dates_round_trip(style: str, day: date) -> None:
    written = format_roc_date(day, style)
    assert parse_roc_date(written) == day
    assert parse_roc_date(written.translate(FULLWIDTH)) == day
    assert parse_roc_date(f"  {written} ") == day


@pytest.mark.parametrize("style", ["long", "slash", "dot", "minguo"])
@given(year=st.integers(1912, 2999), month=st.integers(1, 12))
def test_year_months_round_trip(style: str, year: int, month: int) -> None:
    ym = YearMonth(year, month)
    assert parse_roc_date(format_roc_date(ym, style)) == ym


@pytest.mark.parametrize("style", ["long", "minguo"])
@given(year=st.integers(1912, 2999))
def test_years_round_trip(style: str, year: int) -> None:
    assert parse_roc_date(format_roc_date(year, style)) == year


@given(year=st.integers(1912, 9999))
def test_roc_year_inverse(year: int) -> None:
    assert from_roc_year(to_roc_year(year)) == year


DATE_CHARS = "0123456789０１２３４５６７８９/.-年月日民國 \u3000"


@given(text=st.text() | st.text(alphabet=DATE_CHARS, max_size=16))
def test_random_text_only_raises_value_error(text: str) -> None:
    try:
        result = parse_roc_date(text)
    except ValueError:
        return
    assert isinstance(result, date | YearMonth | int)


def test_format_roc_datetime_keeps_the_given_time() -> None:
    taipei = timezone(timedelta(hours=8))
    moment = datetime(2026, 11, 24, 9, 46, 5, tzinfo=taipei)
    assert format_roc_datetime(moment) == "115年11月24日 09:46"
    assert format_roc_datetime(moment, seconds=True) == "115年11月24日 09:46:05"
