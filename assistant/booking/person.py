"""Who is booking: a citizen identified by ID number, kept only as a keyed hash.

The plain ID number never reaches our tables, logs or responses: bookings store
``person_key`` (HMAC-SHA256 with ``Settings.secret_key``, so the key cannot be recomputed
from a leaked table without the secret) and a masked form for staff to compare with the card.
Rotating the secret therefore detaches old bookings from their people (they can still be
found by booking code).

``check_id_number`` validates a resident ID number (GB 11643-1999: 17 digits, a valid birth
date and the ISO 7064 MOD 11-2 check character). It is deliberately small; the waiver domain
has its own ID-card module and the two should become one (see the lead's note).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

from assistant.errors import InvalidInput
from assistant.privacy import mask_id_number, mask_phone

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^[1-9][0-9]{16}[0-9X]$")
_PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalise_id_number(value: str) -> str:
    return value.translate(_FULL_WIDTH).replace(" ", "").strip().upper()


def check_id_number(value: str) -> str:
    """The normalised 18-character ID number, or ``InvalidInput`` saying what is wrong."""
    v = normalise_id_number(value)
    if not _ID_RE.fullmatch(v):
        raise InvalidInput("身份证号码应为18位（最后一位可以是X），请核对后重新输入。")
    try:
        date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        raise InvalidInput("身份证号码中的出生日期不正确，请核对后重新输入。") from None
    if check_digit(v[:17]) != v[17]:
        raise InvalidInput("身份证号码校验位不正确，请核对是否输错了某一位。")
    return v


def check_phone(value: str) -> str:
    v = value.translate(_FULL_WIDTH).replace(" ", "").replace("-", "").strip()
    v = v.removeprefix("+86")
    if not _PHONE_RE.fullmatch(v):
        raise InvalidInput("手机号码应为11位数字，请核对后重新输入。")
    return v


def check_name(value: str) -> str:
    v = value.strip()
    if not 1 <= len(v) <= 40 or any(c.isdigit() for c in v):
        raise InvalidInput("请填写办事人的真实姓名（不超过40个字）。")
    return v


@dataclass(frozen=True)
class Person:
    key: str
    id_masked: str
    name: str
    phone: str

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


def person_key(secret: str, id_number: str) -> str:
    return hmac.new(
        secret.encode(), normalise_id_number(id_number).encode(), hashlib.sha256
    ).hexdigest()


def identify(*, secret: str, id_number: str, name: str, phone: str) -> Person:
    """Validate what a citizen typed and keep only what we may store."""
    number = check_id_number(id_number)
    return Person(
        key=person_key(secret, number),
        id_masked=mask_id_number(number),
        name=check_name(name),
        phone=check_phone(phone),
    )
