"""Custom-action calls, lighter than Rasa 3.6 makes them (the app serves them at ``/webhook``).

Rasa 3.6 posts, for every custom-action call (one or two a turn):
- the whole domain (about 21 KB of JSON here), encoded by Rasa and decoded by the app each time;
- the whole tracker, every card the assistant sent included;
- over a new HTTP connection (one ``aiohttp.ClientSession`` per call).
That was about a fifth of the Rasa server's CPU per turn, and as much again in the app.

Here:
- The domain goes once. Every call carries its digest (``domain_digest``); rasa-sdk (3.8 and
  later) keeps the domain it last received with its digest and answers 449 when a call's digest
  is not the one it has (the app restarted, a new model was loaded): the call is then made again
  with the domain. This is the protocol of Rasa Pro's action-server client.
- The tracker goes without what no custom action reads: the bot's messages, the featurisation
  events, and the intent ranking of past user messages (the latest message, ranking included,
  is ``latest_message``). Slot events, user messages with their entities and metadata (the
  shared location), action and form events are all sent.
- Connections are kept: one session per endpoint and event loop, closed with the server. Its
  idle connections are dropped after ``KEEPALIVE_SECONDS``, before the server (uvicorn: 5 s)
  would close them under a request.
"""

from __future__ import annotations

import hashlib
import json
import logging
from asyncio import AbstractEventLoop, get_running_loop
from contextvars import ContextVar
from typing import Any

import aiohttp
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger(__name__)

MISSING_DOMAIN = 449  # rasa-sdk: "send me the domain"
KEEPALIVE_SECONDS = 2.0
NOT_SENT = frozenset({"bot", "user_featurization"})  # event types no action reads
PAST_MESSAGE_KEYS = ("intent_ranking", "response_selector")


def domain_digest(domain: Domain) -> str:
    """A stable digest of the domain as the action server receives it (computed once per
    domain object: the domain of a loaded model never changes)."""
    digest = getattr(domain, "_zd_digest", None)
    if digest is None:
        text = json.dumps(domain.as_dict(), sort_keys=True, ensure_ascii=False, default=str)
        digest = hashlib.sha256(text.encode()).hexdigest()
        domain._zd_digest = digest  # type: ignore[attr-defined]
    return digest


def tracker_for_actions(tracker: DialogueStateTracker) -> dict[str, Any]:
    """``tracker.current_state(EventVerbosity.ALL)`` without what no action reads."""
    state = tracker.current_state(EventVerbosity.NONE)
    events = []
    for event in tracker.events:
        if event.type_name in NOT_SENT:
            continue
        data = event.as_dict()
        if isinstance(event, UserUttered) and isinstance(data.get("parse_data"), dict):
            parse = data["parse_data"]
            data["parse_data"] = {k: v for k, v in parse.items() if k not in PAST_MESSAGE_KEYS}
        events.append(data)
    state["events"] = events
    return state


def call_body(
    action: RemoteAction, tracker: DialogueStateTracker, domain: Domain, *, with_domain: bool
) -> dict[str, Any]:
    import rasa

    body: dict[str, Any] = {
        "next_action": action.name(),
        "sender_id": tracker.sender_id,
        "tracker": tracker_for_actions(tracker),
        "version": rasa.__version__,
        "domain_digest": domain_digest(domain),
    }
    if with_domain:
        body["domain"] = domain.as_dict()
    return body


class _KeptSession:
    """What ``EndpointConfig.session()`` returns here: the endpoint's kept session, which
    ``async with`` hands out without closing it."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc: object) -> None:
        return None


_open_sessions: list[aiohttp.ClientSession] = []  # closed with the server


def kept_session(endpoint: EndpointConfig) -> _KeptSession:
    """``EndpointConfig.session``: one session (with keep-alive) per endpoint and event loop,
    configured as Rasa configures its own (the endpoint's headers and basic auth)."""
    loop = get_running_loop()
    held: tuple[AbstractEventLoop, aiohttp.ClientSession] | None = getattr(
        endpoint, "_zd_session", None
    )
    if held is None or held[0] is not loop or held[1].closed:
        auth = None
        if endpoint.basic_auth:
            auth = aiohttp.BasicAuth(
                endpoint.basic_auth["username"], endpoint.basic_auth["password"]
            )
        session = aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
        )
        _open_sessions.append(session)
        held = endpoint._zd_session = (loop, session)  # type: ignore[attr-defined]
    return _KeptSession(held[1])


async def close_sessions() -> None:
    while _open_sessions:
        await _open_sessions.pop().close()


# Whether this call (this asyncio task) sends the domain: a context variable, because Rasa
# formats the call inside ``RemoteAction.run`` and several turns run at once.
_with_domain: ContextVar[bool] = ContextVar("zd_with_domain", default=True)


def action_call_format(
    self: RemoteAction, tracker: DialogueStateTracker, domain: Domain
) -> dict[str, Any]:
    return call_body(self, tracker, domain, with_domain=_with_domain.get())


async def run_remote_action(
    self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Domain
) -> list[Any]:
    """``RemoteAction.run`` with the digest protocol: the domain on the first call to an
    endpoint and whenever the action server asks for it (449), else only its digest."""
    endpoint = self.action_endpoint
    digest = domain_digest(domain)
    with_domain = endpoint is None or getattr(endpoint, "_zd_domain_sent", None) != digest
    token = _with_domain.set(with_domain)
    try:
        try:
            result = await _original_run(self, output_channel, nlg, tracker, domain)
        except Exception as exc:
            if with_domain or not _asks_for_domain(exc):
                raise
            log.debug("the action server asked for the domain: calling again with it")
            _with_domain.set(True)
            result = await _original_run(self, output_channel, nlg, tracker, domain)
    finally:
        _with_domain.reset(token)
    if endpoint is not None:
        endpoint._zd_domain_sent = digest  # type: ignore[attr-defined]
    return result


def _asks_for_domain(exc: BaseException) -> bool:
    """Rasa wraps the 449 answer (``ClientResponseError``) in its ``RasaException``."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if getattr(e, "status", None) == MISSING_DOMAIN:
            return True
        e = e.__cause__ or e.__context__
    return False


_original_run = RemoteAction.run


def install() -> None:
    import rasa.core.run

    RemoteAction.run = run_remote_action  # type: ignore[method-assign]
    RemoteAction._action_call_format = action_call_format  # type: ignore[method-assign]
    EndpointConfig.session = kept_session  # type: ignore[method-assign,assignment]
    close_resources = rasa.core.run.close_resources

    async def close_all(app: Any, loop: Any) -> None:
        await close_resources(app, loop)
        await close_sessions()

    rasa.core.run.close_resources = close_all
