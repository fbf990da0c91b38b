"""Signatures and AES against WeChat's published sample values (as in wechatpy's tests)."""

from __future__ import annotations

import pytest
import xmltodict
from wechatpy.crypto.base import BasePrpCrypto

from assistant.errors import Forbidden, InvalidInput
from channels.wechat.crypto import SafeMode, aes_key, check_signature, sign

TOKEN = "123456"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
APP_ID = "wx49f0ab532d5d035a"
ECHO = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
SAMPLE = (
    "<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n"
    "<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7m"
    "CPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iT"
    "daXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS"
    "6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dSh"
    "yqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>\n"
    "<AgentID><![CDATA[1]]></AgentID>\n</xml>"
)
SAMPLE_SIGNATURE = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"


def test_plain_signature_matches_wechats_sample() -> None:
    assert sign("test", "1410685589", "test") == "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
    check_signature("test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff", "1410685589", "test")


def test_a_signature_one_character_off_is_refused() -> None:
    with pytest.raises(Forbidden, match="签名校验失败"):
        check_signature("test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe", "1410685589", "test")


def test_a_non_ascii_signature_is_refused_not_crashed_on() -> None:
    with pytest.raises(Forbidden):
        check_signature("test", "签名" * 20, "1410685589", "test")


def test_message_signature_matches_wechats_samples() -> None:
    assert (
        sign(TOKEN, "1411443780", "437374425", ECHO) == "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
    )
    encrypted = xmltodict.parse(SAMPLE)["xml"]["Encrypt"]
    assert sign(TOKEN, "1411525903", "461056294", encrypted) == SAMPLE_SIGNATURE


def test_wechats_encrypted_sample_decrypts_to_its_text_message() -> None:
    plain = SafeMode(TOKEN, AES_KEY, APP_ID).decrypt(
        SAMPLE.encode(), msg_signature=SAMPLE_SIGNATURE, timestamp="1411525903", nonce="461056294"
    )
    msg = xmltodict.parse(plain)["xml"]
    assert (msg["FromUserName"], msg["MsgType"], msg["Content"]) == ("messense", "text", "test")


def test_the_sample_with_another_nonce_is_refused() -> None:
    with pytest.raises(Forbidden, match="消息签名校验失败"):
        SafeMode(TOKEN, AES_KEY, APP_ID).decrypt(
            SAMPLE.encode(),
            msg_signature=SAMPLE_SIGNATURE,
            timestamp="1411525903",
            nonce="461056295",
        )


def test_a_message_for_another_app_id_is_refused() -> None:
    with pytest.raises(Forbidden, match="不属于本公众号"):
        SafeMode(TOKEN, AES_KEY, "wx0000000000000000").decrypt(
            SAMPLE.encode(),
            msg_signature=SAMPLE_SIGNATURE,
            timestamp="1411525903",
            nonce="461056294",
        )


def test_a_body_without_encrypt_is_refused_with_a_reason() -> None:
    with pytest.raises(InvalidInput, match="无法解析的加密消息"):
        SafeMode(TOKEN, AES_KEY, APP_ID).decrypt(
            b"<xml><Content>hi</Content></xml>", msg_signature="x", timestamp="1", nonce="2"
        )


def test_encryption_with_wechats_fixed_random_matches_its_sample(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(BasePrpCrypto, "get_random_string", lambda self: "1234567890123456")
    reply = (
        "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n"
        "<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n"
        "<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n"
        "<CreateTime>1411525903</CreateTime>\n</xml>"
    )
    sealed = xmltodict.parse(
        SafeMode(TOKEN, AES_KEY, APP_ID).encrypt(reply, timestamp="1411525903", nonce="461056294")
    )["xml"]
    assert sealed["MsgSignature"] == "407518b7649e86ef23978113f92d27afa9296533"
    assert sealed["Encrypt"].startswith(
        "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdY"
    )
    assert sealed["Encrypt"].endswith("8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3")


@pytest.mark.parametrize("key", ["", "short", AES_KEY + "A", "!" * 43])
def test_an_encoding_aes_key_must_be_the_43_characters_of_the_console(key: str) -> None:
    with pytest.raises(ValueError, match="43 characters"):
        aes_key(key)
