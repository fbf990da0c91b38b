"""The app's client of the Rasa server: a user message in, the replies as typed ``Reply``s out.

One ``httpx.AsyncClient`` per process (kept on ``app.state.conversation``), posting to Rasa's
REST channel (``/webhooks/rest/webhook``) with a short timeout (``rasa_timeout_seconds``). Any
failure — refused connection, timeout, an error status, a body that is not Rasa's — is one
``RasaUnavailable``: the caller answers in degraded mode instead.

With several Rasa servers (``rasa_url`` lists them), a conversation always goes to the same one,
chosen by a stable hash of its sender id: its turns are then handled one at a time, in order, by
the server that holds its tracker in memory; no lock is shared between servers. A conversation
whose server is down is answered in degraded mode, never moved to another server (which would
then hold a tracker the first one no longer knows about).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

import httpx
from pydantic import TypeAdapter, ValidationError

from assistant.config import Settings
from assistant.conversation.messages import Button, Card, Reply

log = logging.getLogger(__name__)
REST_PATH = "/webhooks/rest/webhook"
KEEPALIVE_SECONDS = 2.0
_CARD: TypeAdapter[Card] = TypeAdapter(Card)


class RasaUnavailable(Exception):
    """Rasa did not answer in time or in its format."""


class RasaGateway:
    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None):
        self._urls = [url + REST_PATH for url in settings.rasa_urls]
        self._timeout = settings.rasa_timeout_seconds
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # Idle connections are dropped before Rasa's server (Sanic: 5 s keep-alive) would
            # close one under a request, which would then fail as if Rasa were down.
            limits = httpx.Limits(
                max_connections=64, max_keepalive_connections=32, keepalive_expiry=KEEPALIVE_SECONDS
            )
            self._client = httpx.AsyncClient(
                timeout=self._timeout, limits=limits, transport=self._transport
            )
        return self._client

    def url_for(self, sender: str) -> str:
        """The REST webhook of the Rasa server that holds this conversation."""
        if len(self._urls) == 1:
            return self._urls[0]
        digest = hashlib.blake2b(sender.encode(), digest_size=8).digest()
        return self._urls[int.from_bytes(digest, "big") % len(self._urls)]

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[Reply]:
        body = {"sender": sender, "message": text, "metadata": metadata}
        try:
            async with asyncio.timeout(self._timeout):  # the whole exchange, not each read
                response = await self._http().post(self.url_for(sender), json=body)
            response.raise_for_status()
            messages = response.json()
        except (httpx.HTTPError, ValueError, TimeoutError) as exc:
            raise RasaUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(messages, list):
            raise RasaUnavailable("Rasa answered something other than a list of messages")
        return [reply for m in messages if isinstance(m, dict) if (reply := to_reply(m))]

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def to_reply(message: dict[str, Any]) -> Reply | None:
    """One message of Rasa's REST channel (``text``, ``buttons``, ``custom``) as a ``Reply``."""
    card = None
    if isinstance(message.get("custom"), dict):
        try:
            card = _CARD.validate_python(message["custom"])
        except ValidationError:
            log.warning(
                "dropped a card that does not fit the contract: %s", message["custom"].get("kind")
            )
    buttons = [
        Button(title=str(b.get("title", ""))[:60], payload=str(b.get("payload", ""))[:500])
        for b in message.get("buttons") or []
        if isinstance(b, dict)
    ]
    text = message.get("text")
    if not text and not buttons and card is None:
        return None
    return Reply(text=text or None, buttons=buttons, card=card)
