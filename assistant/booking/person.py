"""Who is booking: a citizen identified by ID number, kept only as a keyed hash.

The plain ID number never reaches our tables, logs or responses: bookings store
``person_key`` (HMAC-SHA256 with ``Settings.secret_key``, so the key cannot be recomputed
from a leaked table without the secret) and a masked form for staff to compare with the card.
Rotating the secret therefore detaches old bookings from their people (they can still be
found by booking code).

ID numbers are validated by ``assistant.waiver.idcard`` (GB 11643-1999), the one validator of
the project; this module only adds full-width digits, as typed on some phone keyboards.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from assistant.errors import InvalidInput
from assistant.privacy import mask_id_number, mask_phone
from assistant.waiver import idcard

_PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")


def normalise_id_number(value: str) -> str:
    return value.translate(_FULL_WIDTH).replace(" ", "").strip().upper()


def check_id_number(value: str) -> str:
    """The normalised 18-character ID number, or ``InvalidInput`` saying what is wrong."""
    try:
        return idcard.normalize_id_number(normalise_id_number(value))
    except idcard.IdNumberError as exc:
        raise InvalidInput(str(exc)) from None


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
