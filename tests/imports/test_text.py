"""Reading cell text: wrapped lines, numbered items, headings, budgets, rates, codes, phones."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guankao.imports.division import guess_area_code, split_agency_cell
from guankao.imports.performance import (
    ParsedIndicator,
    derive_measures,
    parse_budget,
    parse_code,
    parse_rate,
)
from guankao.imports.text import Item, join_lines, parse_heading, split_numbered


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("愛心福利社服\n務人次。", "愛心福利社服務人次。"),
        ("總計受惠\n7,048人次。", "總計受惠 7,048人次。"),
        ("愛心食材服務 1\n萬 3,850人次。", "愛心食材服務 1萬 3,850人次。"),
        (
            "方案服務：\n(1)家庭支持。\n（2）親職增能。",
            "方案服務：\n(1)家庭支持。\n（2）親職增能。",
        ),
        ("Family\nservice", "Family service"),
        ("\n  一行  \n\n", "一行"),
    ],
)
def test_join_lines(text: str, joined: str) -> None:
    assert join_lines(text) == joined


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("1.辦理A。2.辦理B。", [Item(1, "辦理A。"), Item(2, "辦理B。")]),
        ("6.新住民子女。\n7.發展篩檢。", [Item(6, "新住民子女。"), Item(7, "發展篩檢。")]),
        ("１．全形。２、頓號。", [Item(1, "全形。"), Item(2, "頓號。")]),
        ("1.辦理 108.5.7 活動，3.5公斤。", [Item(1, "辦理 108.5.7 活動，3.5公斤。")]),
        ("1.第一項\n3.跳號不算", [Item(1, "第一項 3.跳號不算")]),
        ("1.愛心。\n2.1,020人次。", [Item(1, "愛心。"), Item(2, "1,020人次。")]),
        ("1.共計\n2.5萬人次。", [Item(1, "共計 2.5萬人次。")]),
        ("1.5公斤", [Item(None, "1.5公斤")]),
        ("加強宣導。", [Item(None, "加強宣導。")]),
        ("  ", []),
    ],
)
def test_split_numbered(text: str, items: list[Item]) -> None:
    assert split_numbered(text) == items


_WORDS = st.text(alphabet="辦理新住民服務諮詢宣導活動、，", min_size=1, max_size=20)


@given(st.lists(_WORDS, min_size=1, max_size=12), st.integers(1, 20), st.sampled_from(["\n", ""]))
def test_numbered_items_split_back(texts: list[str], first: int, separator: str) -> None:
    cell = separator.join(f"{first + i}.{text}。" for i, text in enumerate(texts))
    assert split_numbered(cell) == [Item(first + i, f"{t}。") for i, t in enumerate(texts)]


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("一、為弱勢民\n眾搭起社福保\n護傘：", (1, "為弱勢民眾搭起社福保護傘")),
        ("十四、建構家庭暴力防治網絡", (14, "建構家庭暴力防治網絡")),
        ("（二）加強辦理", (2, "加強辦理")),
        ("3. 志願服務", (3, "志願服務")),
        ("社區培力：", (None, "社區培力")),
    ],
)
def test_parse_heading(text: str, heading: tuple[int | None, str]) -> None:
    assert parse_heading(text) == heading


def test_budget_rate_and_code() -> None:
    assert parse_budget("1,159,000") == 1159000
    assert parse_budget("１，１５９，０００千元") == 1159000
    assert parse_rate("98%") == Decimal(98)
    assert parse_rate("99.5％") == Decimal("99.5")
    assert parse_rate("－") is None
    assert parse_code("5") == (5, "")
    assert parse_code("4（工程會列管）") == (4, "工程會列管")
    for bad in ("六", "9"):
        with pytest.raises(ValueError):
            parse_code(bad)
    with pytest.raises(ValueError):
        parse_rate("-3%")


@pytest.mark.parametrize(
    ("cell", "parts"),
    [
        ("民政處\n2420-1122#1632", ("民政處", "2420-1122#1632")),
        ("衛生局 (02)2423-0181 分機1629", ("衛生局", "(02)2423-0181 分機1629")),
        ("社會處\n電話：２４３２－０４９５", ("社會處", "２４３２－０４９５")),
        ("第2分局", ("第2分局", "")),
        ("測試局處00", ("測試局處00", "")),
        ("民政處2420-1122#1632", ("民政處", "2420-1122#1632")),
        ("警察局\n110", ("警察局", "110")),
        ("勞動部勞動力發展署北基宜花金馬分\n署基隆就業中心\n2422-5263#3110",
         ("勞動部勞動力發展署北基宜花金馬分署基隆就業中心", "2422-5263#3110")),
    ],
)  # fmt: skip
def test_split_agency_cell(cell: str, parts: tuple[str, str]) -> None:
    assert split_agency_cell(cell) == parts


def test_guess_area_code() -> None:
    assert guess_area_code(["(03)532-5101", "03-522-4168", "522-4168"]) == "03"
    assert guess_area_code(["2420-1122#1632"]) is None


def test_measures_pair_targets_with_achievements_by_unit_and_order() -> None:
    indicator = ParsedIndicator(
        where="S!B2",
        row="S 第2列",
        number=1,
        text="親子館服務。",
        standard_text="到館服務 7萬 5,000人次，親子活動 400場、講座 8場。",
        achievement_text="到館 7萬 6,428人次，辦理親子活動 406場、講座 13場，志工 20名。",
        measures=(),
    )
    measures, issues = derive_measures(indicator, "S!B2", "S 第2列")
    assert [(m.label, m.target, m.actual, m.unit) for m in measures] == [
        ("到館服務 7萬 5,000人次", Decimal(75000), Decimal(76428), "人次"),
        ("親子活動 400場", Decimal(400), Decimal(406), "場"),
        ("講座 8場", Decimal(8), Decimal(13), "場"),
    ]
    assert issues == []
