"""Search folding: Traditional/Simplified, width, case and Latin accents fold; other scripts don't."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guankao.tw import fold_for_search, search, to_traditional


def test_traditional_and_simplified_fold_together() -> None:
    assert fold_for_search("我想参加归化测试") == fold_for_search("我想參加歸化測試")
    assert fold_for_search("我想參加歸化測試") == "我想参加归化测试"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chồng tôi đánh tôi", "chong toi danh toi"),
        ("ĐẶNG THỊ HƯƠNG", "dang thi huong"),
        ("Tôi cần giúp đỡ về thủ tục nhập quốc tịch", "toi can giup do ve thu tuc nhap quoc tich"),
        ("Chồng tôi đánh tôi".replace("ồ", "o\u0302\u0300"), "chong toi danh toi"),
        ("Saya butuh bantuan hukum", "saya butuh bantuan hukum"),
        ("Kailangan ko ng tulong", "kailangan ko ng tulong"),
        ("Ｈｅｌｌｏ　Ｗｏｒｌｄ１２３", "hello world123"),
        ("  多個   空白\t\n與\u3000換行  ", "多个 空白 与 换行"),
        ("Café Résumé naïve", "cafe resume naive"),
        ("STRASSE Straße", "strasse strasse"),
        ("", ""),
    ],
)
def test_fold_examples(text: str, expected: str) -> None:
    assert fold_for_search(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ฉันต้องการความช่วยเหลือ สามีทำร้ายฉัน",  # Thai, including ำ which NFKC would split
        "ຂ້ອຍຕ້ອງການຄວາມຊ່ວຍເຫຼືອ ນ້ຳ",  # Lao
        "ខ្ញុំត្រូវការជំនួយ",  # Khmer
        "ကျွန်မ အကူအညီ လိုအပ်ပါတယ် ဦး",  # Burmese
    ],
)
def test_southeast_asian_scripts_survive(text: str) -> None:
    assert fold_for_search(text) == text
    assert fold_for_search(f"  {text.replace(' ', '   ')}\n") == text


def test_mixed_text() -> None:
    assert fold_for_search("歸化測試 Chồng ทำ") == "归化测试 chong ทำ"
    # Full-width punctuation right after ำ is normalised without touching the Thai.
    assert fold_for_search("น้ำ（ทำ），ทำ") == "น้ำ(ทำ),ทำ"


@given(text=st.text(alphabet=st.characters(exclude_categories=["Cs"])))
def test_partial_nfkc_matches_nfkc(text: str) -> None:
    # Outside the protected scripts, the fast path must agree with plain NFKC.
    text = "".join(ch for ch in text if not search._PROTECTED_CHAR.match(ch))
    assert search._nfkc_outside_protected(text) == unicodedata.normalize("NFKC", text)


def test_awkward_characters_do_not_break_opencc() -> None:
    assert fold_for_search("歸化\x00測試") == "归化\x00测试"
    assert fold_for_search("a\ud800b") == "a\ufffdb"


def test_to_traditional() -> None:
    assert to_traditional("我想参加归化测试") == "我想參加歸化測試"
    assert to_traditional("软件和鼠标") == "軟體和滑鼠"
    assert to_traditional("已經是繁體") == "已經是繁體"
    assert to_traditional("") == ""


def test_converters_are_cached() -> None:
    assert search._converter("t2s") is search._converter("t2s")
    assert search._converter("s2twp") is search._converter("s2twp")


@given(text=st.text())
def test_fold_is_tidy(text: str) -> None:
    folded = fold_for_search(text)
    assert folded == folded.strip()
    assert "  " not in folded
    assert "\n" not in folded


@given(text=st.text(alphabet=st.characters(codec="ascii")))
def test_fold_ascii_is_casefold_and_spacing(text: str) -> None:
    assert fold_for_search(text) == " ".join(text.casefold().split())
