"""Citizen ID numbers (公民身份号码, GB 11643-1999): format, birth date and check digit.

Plain functions, no I/O. ``normalize_id_number`` returns the canonical form (upper-case ``X``)
or raises ``IdNumberError`` whose message a citizen can act on.
"""

from __future__ import annotations

import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CODES = "10X98765432"
_SHAPE = re.compile(r"^[1-9][0-9]{16}[0-9X]$")


class IdNumberError(ValueError):
    """An ID number that cannot be right; ``str(exc)`` is a message for the citizen."""


def check_digit(first17: str) -> str:
    """The 18th character for the first 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CODES[total % 11]


def birth_date_of(id_number: str) -> date:
    """The birth date encoded in positions 7-14 (raises ``ValueError`` if it is not a date)."""
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def sex_of(id_number: str) -> str:
    """男 for an odd 17th digit, 女 for an even one."""
    return "男" if int(id_number[16]) % 2 else "女"


def normalize_id_number(value: str, *, today: date | None = None) -> str:
    """Validate an 18-digit ID number and return it with an upper-case ``X``."""
    v = re.sub(r"\s+", "", value or "").upper()
    if len(v) == 15 and v.isdigit():
        raise IdNumberError("这是旧版15位身份证号码，请输入18位公民身份号码。")
    if not _SHAPE.match(v):
        raise IdNumberError(
            "身份证号码应为18位：前17位是数字，最后一位是数字或字母X，请核对后重新输入。"
        )
    try:
        born = birth_date_of(v)
    except ValueError:
        raise IdNumberError("身份证号码中的出生日期不正确，请核对后重新输入。") from None
    if born.year < 1900 or born > (today or date.today()):
        raise IdNumberError("身份证号码中的出生日期不正确，请核对后重新输入。")
    if check_digit(v[:17]) != v[17]:
        raise IdNumberError("身份证号码校验位不正确，可能有数字输错了，请核对后重新输入。")
    return v


def is_valid_id_number(value: str, *, today: date | None = None) -> bool:
    try:
        normalize_id_number(value, today=today)
    except IdNumberError:
        return False
    return True
