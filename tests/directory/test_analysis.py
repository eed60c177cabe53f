"""Search analysis: folding, features per script, typo tolerance."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from guankao.directory.search.analysis import features
from guankao.directory.search.fuzzy import FuzzyWords, distance


def test_two_character_chinese_terms_are_one_bigram() -> None:
    assert features("家暴") == ["c:家暴"]


def test_traditional_and_simplified_give_the_same_features() -> None:
    assert features("歸化國籍") == features("归化国籍")


def test_vietnamese_with_and_without_tones_is_the_same() -> None:
    assert features("Chồng tôi đánh tôi") == features("chong toi danh toi")


def test_latin_words_drop_stop_words_and_keep_pairs() -> None:
    found = features("where is the naturalization test")
    assert "w:naturalization" in found
    assert "p:natur" in found
    assert "w:where" not in found
    assert "v:naturalization_test" in found


def test_thai_khmer_burmese_get_character_ngrams() -> None:
    for text in ("ความรุนแรง", "អំពើហិង្សា", "အကြမ်းဖက်"):
        kinds = {f[0] for f in features(text)}
        assert kinds == {"b", "t"}


def test_distance_counts_a_transposition_as_one() -> None:
    assert distance("citizenship", "citizenhsip", 2) == 1
    assert distance("homework", "homwork", 1) == 1
    assert distance("abc", "xyz", 1) == 2


def test_fuzzy_words_find_typos_of_known_words() -> None:
    words = FuzzyWords(["citizenship", "naturalization", "homework", "school"])
    assert "citizenship" in words.candidates("citizenshp")
    assert "naturalization" in words.candidates("naturalizaton")
    assert "school" in words.candidates("scool")
    assert words.candidates("tax") == {}


@given(st.text(max_size=300))
def test_any_text_gives_features_without_error(text: str) -> None:
    for feature in features(text):
        assert feature[1] == ":"
