"""The loaded model's objects kept out of Python's cyclic garbage collection.

A loaded Rasa model is about 800,000 tracked Python objects (TensorFlow, the graph, the
featurizers' vocabularies). Every full (oldest-generation) collection traverses all of them:
650–800 ms on this machine, during which the server answers nobody — the slowest turns of the
conversation benchmark were exactly that long. They live as long as the server, so once the
model is loaded they are collected once and frozen (``gc.freeze``): later full collections
traverse only what conversations allocate. Reference counting still frees everything.
"""

from __future__ import annotations

import gc
import logging
from typing import Any

log = logging.getLogger(__name__)


def settle() -> int:
    """Collect what loading left behind, then freeze the survivors; how many were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def install() -> None:
    """Settle the heap once the server has loaded its model (Rasa's before_server_start)."""
    import rasa.core.run

    load_agent_on_start = rasa.core.run.load_agent_on_start

    async def load_and_settle(*args: Any, **kwargs: Any) -> Any:
        agent = await load_agent_on_start(*args, **kwargs)
        log.info("model loaded: %d objects frozen out of the cyclic collector", settle())
        return agent

    rasa.core.run.load_agent_on_start = load_and_settle
