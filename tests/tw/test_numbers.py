"""Official count formats: 6萬 9,264 and friends, written and read back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guankao.tw import format_count, format_percent, format_thousands, parse_count

FULLWIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (69264, "6萬 9,264"),
        (12000, "1萬 2,000"),
        (510880, "51萬 880"),
        (7048, "7,048"),
        (900, "900"),
        (0, "0"),
        (10000, "1萬"),
        (100000000, "1億"),
        (123456789, "1億 2,345萬 6,789"),
        (1000000000000, "1兆"),
        (100000001, "1億 1"),
        (190671, "19萬 671"),
        (99999999, "9,999萬 9,999"),
        (10**16 - 1, "9,999兆 9,999億 9,999萬 9,999"),
        (-69264, "-6萬 9,264"),
        (-7, "-7"),
    ],
)
def test_format_count_examples(n: int, expected: str) -> None:
    assert format_count(n) == expected


@pytest.mark.parametrize("bad", [1.0, "69264", None, Decimal(5), True])
def test_format_count_rejects_non_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_count(bad)  # type: ignore[arg-type]


def test_format_thousands() -> None:
    assert format_thousands(1159000) == "1,159,000"
    assert format_thousands(900) == "900"
    assert format_thousands(-42820) == "-42,820"
    with pytest.raises(TypeError):
        format_thousands(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        (98, 0, "98%"),
        (100, 0, "100%"),
        (98.0, 0, "98%"),
        (Decimal("99"), 0, "99%"),
        (98.5, 0, "99%"),
        (97.5, 0, "98%"),
        (99.45, 1, "99.5%"),
        (Decimal("12.345"), 2, "12.35%"),
        (0, 1, "0.0%"),
        (-0.2, 0, "0%"),
        (-3.5, 0, "-4%"),
    ],
)
def test_format_percent(x: float | int | Decimal, digits: int, expected: str) -> None:
    assert format_percent(x, digits) == expected


def test_format_percent_rejects() -> None:
    with pytest.raises(ValueError):
        format_percent(float("nan"))
    with pytest.raises(ValueError):
        format_percent(float("inf"))
    with pytest.raises(ValueError):
        format_percent(98, -1)
    with pytest.raises(TypeError):
        format_percent("98")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6萬 9,264", 69264),
        ("6萬9264", 69264),
        ("69,264", 69264),
        ("69264", 69264),
        ("６，３００", 6300),
        ("６３００", 6300),
        ("十二", 12),
        ("十", 10),
        ("二十五", 25),
        ("兩百", 200),
        ("一萬二千", 12000),
        ("三千零五", 3005),
        ("一百零八", 108),
        ("一百一十", 110),
        ("〇", 0),
        ("零", 0),
        ("一〇八", 108),
        ("1萬2千", 12000),
        ("2.5萬", 25000),
        ("1億 2,345萬 6,789", 123456789),
        ("1萬 3,850", 13850),
        ("51萬 880", 510880),
        ("19萬 671", 190671),
        ("十二萬", 120000),
        ("一億零五萬", 100050000),
        ("一萬二", 12000),
        ("三千五", 3500),
        ("壹仟貳佰", 1200),
        ("  7,048 ", 7048),
        ("-6萬 9,264", -69264),
    ],
)
def test_parse_count_examples(text: str, expected: int) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "abc",
        "12a",
        "1,2,3",
        "1,0000",
        ",100",
        "100,",
        "萬",
        "萬5",
        "百",
        "千",
        "2.5",
        "2.55555萬",
        "1.5萬 3",
        "二三百",
        "三百百",
        "百千",
        "1萬 2萬",
        "1萬 1億",
        "6萬 19,264",
        "1 2",
        "-",
        "5%",
        "一1",
    ],
)
def test_parse_count_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="count"):
        parse_count(text)


@given(n=st.integers(min_value=0, max_value=10**16 - 1))
def test_count_round_trip(n: int) -> None:
    written = format_count(n)
    assert parse_count(written) == n
    assert parse_count(written.translate(FULLWIDTH)) == n
    assert parse_count(written.replace(" ", "")) == n


@given(n=st.integers())
def test_count_round_trip_any_int(n: int) -> None:
    assert parse_count(format_count(n)) == n


@given(n=st.integers(min_value=0, max_value=10**20))
def test_thousands_read_back(n: int) -> None:
    assert parse_count(format_thousands(n)) == n


COUNT_CHARS = "0123456789,.，萬億兆一二兩三四五六七八九十百千零〇 -"


@given(text=st.text() | st.text(alphabet=COUNT_CHARS, max_size=20))
def test_random_text_only_raises_value_error(text: str) -> None:
    try:
        result = parse_count(text)
    except ValueError:
        return
    assert isinstance(result, int)
