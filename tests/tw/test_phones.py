"""Taiwan phone numbers as written on government pages."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guankao.tw import Phone, parse_phone


@pytest.mark.parametrize(
    ("text", "e164", "extension", "national"),
    [
        ("2420-1122#1632", "+886224201122", "1632", "(02)2420-1122"),
        ("24331888#115", "+886224331888", "115", "(02)2433-1888"),
        ("(02)2420-1122 分機1632", "+886224201122", "1632", "(02)2420-1122"),
        ("02-2420-1122 ext. 1632", "+886224201122", "1632", "(02)2420-1122"),
        ("02-2420-1122 EXT 1632", "+886224201122", "1632", "(02)2420-1122"),
        ("2432-0495", "+886224320495", "", "(02)2432-0495"),
        ("２４２０－１１２２＃１６３２", "+886224201122", "1632", "(02)2420-1122"),
        ("（０２）２４２０－１１２２", "+886224201122", "", "(02)2420-1122"),
        ("0800-000-123", "0800000123", "", "0800-000-123"),
        ("1990", "1990", "", "1990"),
        ("113", "113", "", "113"),
        ("110", "110", "", "110"),
        ("0912-345-678", "+886912345678", "", "0912-345-678"),
        ("0912345678", "+886912345678", "", "0912-345-678"),
        ("+886 912 345 678", "+886912345678", "", "0912-345-678"),
        ("+886-2-2420-1122", "+886224201122", "", "(02)2420-1122"),
        ("+886 (0)2 2420 1122", "+886224201122", "", "(02)2420-1122"),
        ("(03)521-6121", "+88635216121", "", "(03)521-6121"),
        ("(04)2228-9111", "+886422289111", "", "(04)2228-9111"),
        ("(04)722-2151", "+88647222151", "", "(04)722-2151"),
        ("(037)322-150", "+88637322150", "", "(037)322-150"),
        ("(0836)22381", "+88683622381", "", "(0836)22381"),
        ("  02 2420 1122  ", "+886224201122", "", "(02)2420-1122"),
    ],
)
def test_examples(text: str, e164: str, extension: str, national: str) -> None:
    phone = parse_phone(text)
    assert phone == Phone(text.strip(), e164, extension)
    assert phone.national == national


def test_tel_uri() -> None:
    assert parse_phone("2420-1122#1632").tel_uri == "tel:+886224201122,1632"
    assert parse_phone("2420-1122").tel_uri == "tel:+886224201122"
    assert parse_phone("1990").tel_uri == "tel:1990"
    assert parse_phone("0800-000-123").tel_uri == "tel:0800000123"


def test_default_area_code() -> None:
    assert parse_phone("521-6121", default_area_code="03").e164 == "+88635216121"
    assert parse_phone("5216121", default_area_code="(03)").e164 == "+88635216121"
    assert parse_phone("(02)2420-1122", default_area_code="03").e164 == "+886224201122"
    with pytest.raises(ValueError):
        parse_phone("2420-1122", default_area_code="03")
    with pytest.raises(ValueError):
        parse_phone("2420-1122", default_area_code="99")


def test_phone_is_frozen() -> None:
    phone = parse_phone("2420-1122")
    with pytest.raises(dataclasses.FrozenInstanceError):
        phone.extension = "1"  # type: ignore[misc]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "call me",
        "02-2420-112",
        "02-2420-11223",
        "0224201122x",
        "520-1122",
        "0912-345-67",
        "+1 212 555 0100",
        "+886",
        "(02 2420-1122",
        "02)2420-1122(",
        "2420-1122#",
        "0-2420-1122",
        "(02)0420-1122",
        "12345",
        "11",
        "02-2420-1122 分機",
        "2420+1122",
    ],
)
def test_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        parse_phone(text)


PHONE_CHARS = "0123456789０１２３ -()#+分機ext.x"


@given(text=st.text() | st.text(alphabet=PHONE_CHARS, max_size=24))
def test_random_text_only_raises_value_error(text: str) -> None:
    try:
        phone = parse_phone(text)
    except ValueError:
        return
    assert phone.tel_uri.startswith("tel:")
    assert phone.national
