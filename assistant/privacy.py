"""Masking of personal data for logs and responses."""

from __future__ import annotations

import re

_ID_RE = re.compile(
    r"(?<![0-9])([1-9][0-9]{5})((?:18|19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3})([0-9Xx])(?![0-9])"
)
_ID_LOOSE_RE = re.compile(r"(?<![0-9A-Za-z])[0-9]{6}[0-9]{8,11}[0-9Xx]?(?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<![0-9])(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9])")


def mask_id_number(value: str) -> str:
    """``441502199208082345`` → ``4415**********2345``."""
    v = value.strip()
    if len(v) <= 8:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_phone(value: str) -> str:
    v = value.strip()
    if len(v) < 7:
        return "*" * len(v)
    return v[:3] + "****" + v[-4:]


def mask_text(text: str) -> str:
    """Mask every ID number (18- or 15-digit) and mobile number inside free text."""
    text = _ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _ID_LOOSE_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return _PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
