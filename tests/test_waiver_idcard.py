"""GB 11643 ID numbers: the demo citizens' numbers pass, every kind of wrong one is refused."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.waiver.idcard import (
    IdNumberError,
    birth_date_of,
    check_digit,
    normalize_id_number,
    sex_of,
)

DEMO = {
    "441502199003151239": (date(1990, 3, 15), "男"),
    "441502199208082345": (date(1992, 8, 8), "女"),
    "441521196105120017": (date(1961, 5, 12), "男"),
    "441581198506202027": (date(1985, 6, 20), "女"),
    "441502195001010039": (date(1950, 1, 1), "男"),
    "430102199803070248": (date(1998, 3, 7), "女"),
    "441523197809090415": (date(1978, 9, 9), "男"),
}


@pytest.mark.parametrize("number", DEMO)
def test_the_demo_citizens_numbers_are_valid(number: str) -> None:
    assert normalize_id_number(number) == number
    assert (birth_date_of(number), sex_of(number)) == DEMO[number]


def test_the_check_digit_may_be_x_in_either_case_and_spaces_are_ignored() -> None:
    assert check_digit("11010519491231002") == "X"
    assert normalize_id_number(" 110105 19491231 002x ") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("441502199208082346", "校验位不正确"),  # last digit changed
        ("441502199208082354", "校验位不正确"),  # two digits swapped
        ("441502199202302345", "出生日期不正确"),  # 30 February
        ("441502209908082345", "出生日期不正确"),  # born in the future
        ("44150219920808234", "应为18位"),
        ("4415021992080823456", "应为18位"),
        ("04150219920808234X", "应为18位"),  # no region code starts with 0
        ("44150219920808234Y", "应为18位"),
        ("441502920808234", "旧版15位"),
        ("", "应为18位"),
    ],
)
def test_wrong_numbers_are_refused_with_a_reason(number: str, message: str) -> None:
    with pytest.raises(IdNumberError, match=message):
        normalize_id_number(number, today=date(2026, 11, 22))
