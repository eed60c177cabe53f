"""Counted quantities in report sentences, including every figure of the Hsinchu seed report."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guankao.tw import UNITS, Quantity, extract_quantities

SEED = Path(__file__).parents[2] / "src/guankao/seeds/sources/003_827bf5895b5233fc.txt"


def pairs(text: str) -> list[tuple[int | Decimal, str]]:
    return [(q.value, q.unit) for q in extract_quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9次計 1,070人次", [(9, "次"), (1070, "人次")]),
        ("19萬 671公斤", [(190671, "公斤")]),
        ("1\u842c 3,850人次", [(13850, "人次")]),
        ("5坪", [(5, "坪")]),
        ("6個月至 6歲", [(6, "個月"), (6, "歲")]),
        (
            "開辦長青學苑計 144班及高年級生俱樂部 3班，總計 147班級數",
            [(144, "班"), (3, "班"), (147, "班")],
        ),
        ("7,700受益人次", [(7700, "人次")]),
        ("計 7,700受益\n\n人次。", [(7700, "人次")]),
        ("兩場", [(2, "場")]),
        ("十二個", [(12, "個")]),
        ("一萬二千人", [(12000, "人")]),
        ("1萬2千人", [(12000, "人")]),
        ("2.5萬人次", [(25000, "人次")]),
        ("1.5公斤", [(Decimal("1.5"), "公斤")]),
        ("６，３００人次", [(6300, "人次")]),
        ("共計 6\n\n萬 9,264人次", [(69264, "人次")]),
        ("1,070人\n\n次", [(1070, "人次")]),
        ("訓練33小\n時", [(33, "小時")]),
        ("至少 4家\n次", [(4, "家次")]),
        ("提供 5,800\n\n案次兒童", [(5800, "案次")]),
        ("家戶共 40\n\n戶", [(40, "戶")]),
        ("辦理 3梯次", [(3, "梯次")]),
        ("3萬 469\n名長輩", [(30469, "名")]),
        ("1億 2,345萬 6,789人", [(123456789, "人")]),
        ("服務，3場", [(3, "場")]),
        ("執行率 98%", []),
        ("98% 5", []),
        ("108年", []),
        ("108年5月7日", []),
        ("12月底", []),
        ("108年8月17日", []),
        ("104年 4月完成設立", []),
        ("1.", []),
        ("(2)", []),
        ("（一）", []),
        ("1.愛心福利社服務人次。", []),
        ("十一、新住民福利服務：", []),
        ("全國第一個「高年級生俱樂部」", []),
        ("第十二次會議", []),
        ("千家萬戶", []),
        ("1,159,000 1.提供", []),
    ],
)
def test_examples(text: str, expected: list[tuple[int | Decimal, str]]) -> None:
    assert pairs(text) == expected


def test_spans_and_text() -> None:
    text = "總分享 19萬 671公斤，共計 7萬 2,136人次受益。"
    found = extract_quantities(text)
    assert [q.text for q in found] == ["19萬 671公斤", "7萬 2,136人次"]
    for q in found:
        assert text[q.start : q.end] == q.text
    assert found[0] == Quantity(190671, "公斤", 4, 13)


def test_values_are_ints_unless_fractional() -> None:
    whole, fraction = extract_quantities("2.0小時及1.5小時")
    assert type(whole.value) is int
    assert fraction.value == Decimal("1.5")


def test_units_longest_first_and_unique() -> None:
    assert len(UNITS) == len(set(UNITS))
    assert [len(u) for u in UNITS] == sorted((len(u) for u in UNITS), reverse=True)
    for longer, shorter in [("人次", "人"), ("案次", "案"), ("家次", "家"), ("個月", "個")]:
        assert UNITS.index(longer) < UNITS.index(shorter)
    assert UNITS.index("梯次") < UNITS.index("次")
    assert {"人", "名", "戶", "場", "班", "公斤", "小時", "床", "團體"} <= set(UNITS)


@pytest.mark.parametrize("unit", UNITS)
def test_every_unit_is_found(unit: str) -> None:
    assert pairs(f"共 12{unit}。") == [(12, unit)]


QUANTITY_CHARS = "0123456789,.， 萬億一二兩三十百千零第年月日%()人次場班個月公斤受益\n"


@given(text=st.text() | st.text(alphabet=QUANTITY_CHARS, max_size=40))
def test_random_text_spans(text: str) -> None:
    found = extract_quantities(text)
    last_end = 0
    for q in found:
        assert last_end <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.text
        assert q.unit in UNITS
        last_end = q.end


# Section 貳 of the seed report (新竹市政府社會處 108年度施政績效), read by hand from the
# source: for each of the 14 plans, every figure of the 衡量標準 (target) column and of the
# 執行績效 (achievement) column.  Budgets (千元), execution rates and dates are not counts.
SECTION_2_FIGURES: dict[str, list[tuple[int, str]]] = {
    "一": [
        (6300, "人次"), (6600, "人次"), (12000, "人次"),
        (7048, "人次"), (7160, "人次"), (13850, "人次"),
    ],
    "二": [(39, "戶"), (1020, "人次"), (40, "戶"), (1189, "人次")],
    "三": [(29000, "人"), (54500, "人"), (30469, "名"), (56112, "人")],
    "四": [
        (260, "人"), (132, "場"), (144, "班"), (3, "班"), (147, "班"), (7700, "人次"),
        (12, "個"), (180, "名"), (272, "名"), (69264, "人次"), (142, "場"), (151, "班"),
        (7700, "人次"),
    ],
    "五": [
        (150, "場"), (500, "件"), (38, "個"), (52, "個"),
        (161, "場"), (501, "件"), (40, "個"), (57, "個"), (510880, "人次"),
    ],
    "六": [
        (110, "場"), (12, "件"), (1, "次"), (3, "場"), (10, "處"),
        (114, "場"), (14, "個"), (1, "次"), (3, "場"), (818, "人次"), (10, "個"), (8, "處"),
        (190671, "公斤"), (72136, "人次"),
    ],
    "七": [
        (9, "次"), (2, "場"), (1, "場"), (12, "場"), (2, "場"), (2000, "人次"),
        (9, "次"), (1070, "人次"), (2, "場"), (252, "人次"), (1, "場"), (3325, "人次"),
        (16, "場"), (2, "場"), (154, "人"), (3156, "人次"),
    ],
    "八": [
        (64000, "人次"), (34350, "人次"), (1520, "人次"), (546980, "人次"), (432, "人次"),
        (300, "人次"),
        (69366, "人次"), (46757, "人次"), (1620, "人次"), (552599, "人次"), (7, "家"),
        (361, "人次"), (712, "人次"),
        # "提供 20 / 個巡迴點" is split by a page header, so 20個 cannot be read back.
    ],
    "九": [
        (4, "家次"), (61, "家"), (62000, "人次"),
        (75000, "人次"), (400, "場"), (8, "場"), (200, "場"),
        (75000, "人次"), (400, "場"), (30, "場"), (200, "場"),
        (8, "家次"), (69, "家"), (72988, "人次"),
        (76428, "人次"), (406, "場"), (13, "場"), (206, "場"),
        (91554, "人次"), (562, "場"), (30, "場"), (202, "場"),
    ],
    "十": [
        (320, "場"), (6300, "人次"), (2, "次"), (4, "場"), (1, "場"), (5, "場"), (5000, "人次"),
        (320, "場"), (6678, "人次"), (2, "次"), (7, "場"), (2, "場"), (10, "場"), (5000, "人次"),
    ],
    "十一": [
        (90, "案"), (75, "人次"), (100, "人次"), (820, "人次"), (2000, "人次"),
        (102, "案"), (91, "人次"), (101, "人次"), (1208, "人次"), (2000, "人次"),
    ],
    "十二": [
        (1500, "人次"), (3, "梯次"), (100, "人次"), (5, "場"), (500, "人次"), (1, "場"),
        (40, "人次"), (10, "場"), (500, "人次"), (5000, "人次"), (500, "人次"),
        (8165, "人次"), (3, "梯次"), (112, "人次"), (6, "場"), (2508, "人次"), (2, "場"),
        (40, "人次"), (12, "場"), (4808, "人次"), (5137, "人次"), (886, "人次"),
    ],
    "十三": [(160, "戶"), (690, "次"), (180, "人次"), (218, "戶"), (704, "次"), (200, "人次")],
    "十四": [
        (5800, "案次"), (25000, "人次"), (2200, "人次"), (220, "人次"), (2000, "人次"),
        (2000, "人次"), (4, "場"), (33, "小時"), (50, "場"),
        (4373, "案次"), (32539, "人次"), (6711, "人次"), (350, "人次"), (2300, "人次"),
        # The page break falls between 人 and 次 of "2,256人次", so it reads as 2,256人.
        (2256, "人"), (6, "場"), (68, "小時"), (58, "場"),
    ],
}  # fmt: skip


def section_2(text: str) -> str:
    return text[text.index("貳、") : text.index("參、未達原定標準之檢討")]


@pytest.mark.parametrize("join", ["remove_newlines", "raw"])
def test_seed_report_figures(join: str) -> None:
    raw = SEED.read_text(encoding="utf-8")
    # The PDF breaks table cells over lines; a reader simply runs the lines together.
    text = section_2(raw.replace("\n", "") if join == "remove_newlines" else raw)
    found = Counter(pairs(text))
    expected: Counter[tuple[int | Decimal, str]] = Counter(
        fig for figures in SECTION_2_FIGURES.values() for fig in figures
    )
    assert len(SECTION_2_FIGURES) == 14
    missing = expected - found
    assert not missing, f"figures not extracted: {sorted(missing.elements())}"


def test_seed_report_has_no_dates_or_budgets_as_counts() -> None:
    text = section_2(SEED.read_text(encoding="utf-8").replace("\n", ""))
    values = {value for value, _ in pairs(text)}
    # Budget column entries (千元) and ROC years must not turn up as counts.
    assert values.isdisjoint(
        {
            900,
            514,
            1159000,
            8200,
            42820,
            4209,
            4701,
            437454,
            63892,
            2223,
            3421,
            15744,
            310,
            10040,
            104,
            107,
            108,
        }
    )
