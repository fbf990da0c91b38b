"""Booking codes and queue ticket labels.

A booking code is read aloud at a window and typed on a phone, so it uses only characters that
cannot be confused (no 0/O, 1/I/L, 5/S, 2/Z, 8/B): 8 of them give about 1.5·10^11 codes, and a
code only opens a booking together with its owner's phone or ID number.
"""

from __future__ import annotations

import secrets

CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 8
GROUP_LETTERS = "ABCDEFGHJKMNPQRTUVWXY"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a citizen typed (spaces, dashes, lower case) as a stored code."""
    return "".join(c for c in text.upper() if c.isascii() and c.isalnum())


def is_code(text: str) -> bool:
    return len(text) == CODE_LENGTH and all(c in CODE_ALPHABET for c in text)


def group_letter(groups: list[str], group: str) -> str:
    """The letter of a service group's tickets (A for the first group of halls.yml, ...)."""
    try:
        return GROUP_LETTERS[groups.index(group)]
    except (ValueError, IndexError):
        return "Z"


def ticket_label(letter: str, number: int) -> str:
    return f"{letter}{number:03d}"
