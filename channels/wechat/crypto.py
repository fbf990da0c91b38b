"""Signatures and the AES "safe mode" of the WeChat callback.

The signature is SHA-1 over the sorted strings (token, timestamp, nonce [, encrypted body]),
compared in constant time. The AES part (AES-256-CBC with a random prefix and the AppID as a
suffix) is wechatpy's ``PrpCrypto``; we keep the signature checks here because wechatpy
compares them with ``!=``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from xml.parsers.expat import ExpatError

import xmltodict
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException

from assistant.errors import Forbidden, InvalidInput


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def signature_ok(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


def check_signature(token: str, signature: str, timestamp: str, nonce: str) -> None:
    if not signature_ok(sign(token, timestamp, nonce), signature):
        raise Forbidden("签名校验失败。")


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte key from the 43-character EncodingAESKey of the account's settings."""
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error:
        key = b""
    if len(encoding_aes_key) != 43 or len(key) != 32:
        raise ValueError("EncodingAESKey must be the 43 characters shown in the WeChat console")
    return key


@dataclass(frozen=True)
class SafeMode:
    """Decrypts WeChat's messages and encrypts our replies (``encrypt_type=aes``)."""

    token: str
    encoding_aes_key: str
    app_id: str

    def __post_init__(self) -> None:
        aes_key(self.encoding_aes_key)

    def decrypt(self, body: bytes, *, msg_signature: str, timestamp: str, nonce: str) -> str:
        encrypted = _encrypted_part(body)
        if not signature_ok(sign(self.token, timestamp, nonce, encrypted), msg_signature):
            raise Forbidden("消息签名校验失败。")
        try:
            return str(PrpCrypto(aes_key(self.encoding_aes_key)).decrypt(encrypted, self.app_id))
        except InvalidAppIdException:
            raise Forbidden("消息不属于本公众号。") from None
        except (ValueError, IndexError, UnicodeDecodeError, binascii.Error):
            raise InvalidInput("消息无法解密。") from None

    def encrypt(self, xml: str, *, timestamp: str, nonce: str) -> str:
        crypto = WeChatCrypto(self.token, self.encoding_aes_key, self.app_id)
        return str(crypto.encrypt_message(xml, nonce, timestamp))


def _encrypted_part(body: bytes) -> str:
    try:
        encrypted = xmltodict.parse(body)["xml"]["Encrypt"]
    except (ExpatError, KeyError, TypeError):  # malformed XML, or no <xml><Encrypt>
        raise InvalidInput("无法解析的加密消息。") from None
    if not isinstance(encrypted, str) or not encrypted:
        raise InvalidInput("无法解析的加密消息。")
    return encrypted
