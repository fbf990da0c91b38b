"""ID and mobile numbers are sealed before Rasa sees them and opened only by the app."""

from __future__ import annotations

from assistant.conversation.sealing import reveal, seal, tokens

SECRET = "test-secret"


def test_numbers_are_replaced_by_tokens_that_the_app_opens_again() -> None:
    text = "身份证441502199003151239，手机13800138000，预约号A12345"
    sealed = seal(SECRET, text)
    assert "441502199003151239" not in sealed and "13800138000" not in sealed
    assert "预约号A12345" in sealed
    assert len(tokens(sealed, "ID")) == 1 and len(tokens(sealed, "PH")) == 1
    assert reveal(SECRET, sealed) == text


def test_a_lower_case_x_is_sealed_as_upper_case() -> None:
    assert reveal(SECRET, seal(SECRET, "44150219900315123x")) == "44150219900315123X"


def test_a_mistyped_id_number_is_sealed_too() -> None:
    sealed = seal(SECRET, "4415021990031512")  # 16 digits
    assert "4415021990031512" not in sealed


def test_each_sealing_differs_and_another_secret_cannot_open_it() -> None:
    a, b = seal(SECRET, "13800138000"), seal(SECRET, "13800138000")
    assert a != b
    assert reveal("another-secret", a) == a


def test_text_without_numbers_is_unchanged() -> None:
    assert seal(SECRET, "我想补办身份证，明天上午") == "我想补办身份证，明天上午"
