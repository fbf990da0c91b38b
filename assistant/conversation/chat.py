"""One turn of conversation: seal personal numbers, ask Rasa, fall back to the degraded mode.

``Conversation`` is the per-process object on ``app.state.conversation``: the Rasa gateway
and the rasa-sdk executor serving the custom actions at ``/webhook`` (same process, so the
actions share the app's engine, KB cache and NLU).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from anyio import to_thread
from rasa_sdk.executor import ActionExecutor

from actions.registry import build_executor
from actions.services import Services
from assistant.conversation import rating
from assistant.conversation.degraded import degraded_replies, rating_words, small_talk
from assistant.conversation.gateway import RasaGateway, RasaUnavailable
from assistant.conversation.loops import LoopPool
from assistant.conversation.messages import Reply, Turn, UserMessage
from assistant.conversation.sealing import seal
from assistant.errors import InvalidInput
from assistant.nlu.runtime import settle_heap
from assistant.privacy import mask_text

log = logging.getLogger(__name__)
# Rasa answered with nothing (no rule or story covers the turn, or an action failed): the
# citizen is never left without an answer.
NO_REPLY = (
    "不好意思，我没太明白您的意思。能换个说法再说一次吗？比如“补办身份证要带什么材料”"
    "“帮我预约”“取消预约”。"
)


class Conversation:
    def __init__(self, state: Any, gateway: RasaGateway | None = None) -> None:
        self.services = Services(state)
        self.gateway = gateway or RasaGateway(state.settings)
        self.actions: ActionExecutor = build_executor(self.services)
        self._action_loops = LoopPool()

    async def handle(self, message: UserMessage) -> Turn:
        started = time.perf_counter()
        text = (message.payload or message.text).strip()
        if not text:
            raise InvalidInput("请输入您想咨询的问题。")
        if message.payload is None and len(text) > self.services.settings.max_question_chars:
            limit = self.services.settings.max_question_chars
            raise InvalidInput(f"问题太长了，请控制在{limit}个字以内。")
        metadata: dict[str, Any] = {"channel": message.channel}
        if message.lat is not None and message.lon is not None:
            metadata |= {"lat": message.lat, "lon": message.lon}
        secret = self.services.settings.secret_key
        try:
            replies = await self.gateway.send(message.sender_id, seal(secret, text), metadata)
            degraded = False
            if not replies:
                log.warning("Rasa gave no reply to %r", mask_text(text)[:40])
                replies = [Reply(text=NO_REPLY)]
        except RasaUnavailable as exc:
            log.warning(
                "Rasa unavailable (%s); answering %r in degraded mode", exc, mask_text(text)[:40]
            )
            replies = await to_thread.run_sync(self._degraded, text, message)
            degraded = True
        elapsed = (time.perf_counter() - started) * 1000
        return Turn(
            sender_id=message.sender_id,
            replies=replies,
            degraded=degraded,
            elapsed_ms=round(elapsed, 1),
        )

    def _degraded(self, text: str, message: UserMessage) -> list[Reply]:
        s = self.services
        if small_talk(text) == "rating":
            self._record_rating(text, message)
        return degraded_replies(s.nlu, s.kb(), text, s.settings.base_url, message.channel)

    def _record_rating(self, text: str, message: UserMessage) -> None:
        """A rating given while the dialogue is away is kept like one given to it."""
        words = rating_words(text)
        score = rating.score_of(words)
        if score is None:
            return
        with self.services.session() as session:
            rating.record(
                session,
                secret=self.services.settings.secret_key,
                sender_id=message.sender_id,
                channel=message.channel,
                score=score,
                guide_name=None,
                comment=words,
            )

    def warm_up(self) -> None:
        """Build the NLU pipeline in the background, so that the first citizen after a start
        does not wait for it (skipped in tests, which share one pipeline)."""
        if self.services.settings.environment == "test":
            return
        threading.Thread(target=self._warm, name="nlu-warm-up", daemon=True).start()

    def _warm(self) -> None:
        try:
            self._degraded("身份证丢了怎么补办", UserMessage(sender_id="warm-up"))
        except Exception:  # a failed warm-up only means a slower first answer
            log.exception("NLU warm-up failed")
            return
        settle_heap()  # no more full-collection pauses over the pipeline (see there)

    def run_action(self, call: dict[str, Any]) -> Any:
        """One custom-action call (rasa-sdk's protocol), on the calling thread: the actions use
        the database synchronously. Raises rasa-sdk's exceptions."""
        return self._action_loops.run(self.actions.run(call))

    async def aclose(self) -> None:
        self._action_loops.close()
        await self.gateway.aclose()
