"""ID and mobile numbers never reach Rasa in clear: the gateway seals them, the actions open them.

Rasa keeps every message in its tracker store (a file, or a database shared by several
instances) and logs them. Before a message goes to Rasa, ``seal`` replaces each resident ID
number and mobile number with a token (``ID…`` / ``PH…``): the number encrypted with AES-GCM
under a key derived from the app's secret. The actions, which run in the app, ``reveal`` it when
a domain service needs the number; slots keep the token. Any app instance with the same secret
can open a token (nothing to share between instances), and a leaked tracker store holds none.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_ID = re.compile(r"(?<![0-9A-Za-z])[0-9]{14,17}[0-9Xx](?![0-9A-Za-z])")  # also mistyped ones
_PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")
TOKEN = re.compile(r"(?<![0-9A-Za-z])(ID|PH)([0-9A-Za-z_-]{40,})")
_AAD = b"zhidao-conversation-seal-v1"


def _key(secret: str) -> bytes:
    return hashlib.sha256(b"conversation-seal:" + secret.encode()).digest()


def seal_value(secret: str, kind: str, value: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key(secret)).encrypt(nonce, value.encode(), _AAD + kind.encode())
    return kind + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def open_token(secret: str, kind: str, body: str) -> str | None:
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        plain = AESGCM(_key(secret)).decrypt(raw[:12], raw[12:], _AAD + kind.encode())
    except (ValueError, InvalidTag):
        return None
    return plain.decode()


def seal(secret: str, text: str) -> str:
    """``text`` with every ID and mobile number replaced by a token."""
    text = _ID.sub(lambda m: seal_value(secret, "ID", m.group(0).upper()), text)
    return _PHONE.sub(lambda m: seal_value(secret, "PH", m.group(0)), text)


def reveal(secret: str, text: str) -> str:
    """``text`` with every token this app sealed opened again (others are left as they are)."""
    return TOKEN.sub(lambda m: open_token(secret, m.group(1), m.group(2)) or m.group(0), text)


def tokens(text: str, kind: str) -> list[str]:
    """The sealed tokens of one kind (``ID`` or ``PH``) in ``text``."""
    return [m.group(0) for m in TOKEN.finditer(text) if m.group(1) == kind]
