"""Normalisation: one canonical form, and where every character came from."""

from __future__ import annotations

import pytest
from opencc import OpenCC

from assistant.nlu.text import Aligned, normal_text, normalise

to_simplified = OpenCC("t2s").convert


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("ＡＢＣ１２３身份證", "abc123身份证"),  # full width, traditional
        ("  社保卡😀丢了！！怎么办？？ ", "社保卡 丢了 怎么办"),  # emoji and punctuation
        ("社保卡\x00\x1b丢了\t\n", "社保卡 丢了"),  # control characters
        ("我六十岁了，住了十年", "我60岁了 住了10年"),  # numerals before units
        ("二〇二四年三月五号", "2024年3月5号"),
        ("几千块钱", "几千块钱"),  # "a few thousand" is not a number
        ("一件事一次办", "一件事一次办"),  # 一 as a word stays
        ("<script>alert(1)</script>", "script alert 1 script"),
    ],
)
def test_normalise_gives_one_canonical_form(raw: str, canonical: str) -> None:
    assert normalise(raw, to_simplified).text == canonical


def test_each_canonical_character_points_back_to_what_was_typed() -> None:
    raw = "身份證😀丢了，六十岁"
    a = normalise(raw, to_simplified)
    assert a.text == "身份证 丢了 60岁"
    start = a.text.index("60岁")
    s, e = a.source_span(start, start + 3)
    assert raw[s:e] == "六十岁"
    s, e = a.source_span(0, 3)
    assert raw[s:e] == "身份證"


def test_replacing_spans_keeps_the_mapping() -> None:
    a = Aligned.identity("社保卡丢了").replace([(0, 2, "社会保险")])
    assert a.text == "社会保险卡丢了"
    assert a.source_span(0, 4) == (0, 2)
    assert a.source_span(4, 7) == (2, 5)


def test_overly_long_input_is_cut_not_refused() -> None:
    assert len(normalise("办" * 5000, to_simplified).text) == 1000


@pytest.mark.parametrize(
    "raw", ["出生登记（婴儿）“上户口”", "ＡＢＣ：身份證", "六十岁了", "  你好😀 "]
)
def test_fast_normalisation_of_kb_texts_agrees_with_the_aligned_one(raw: str) -> None:
    assert normal_text(raw, to_simplified) == normalise(raw, to_simplified).text
