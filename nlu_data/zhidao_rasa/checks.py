"""Behaviour checks of the code that runs inside Rasa, in Rasa's own environment.

Run by ``launch.py self-check`` (``scripts/rasa.sh check``, hence ``make test``): the app's
test suite cannot import Rasa (its own virtual environment). Each check states what must hold
and exits non-zero with the reason when it does not.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from zhidao_rasa.policies import RULE_PREDICTION, RuleFirst, rule_decided
from zhidao_rasa.tracker_store import CachingSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [ask_guide, ask_fee]
slots:
  guide:
    type: text
    mappings: [{type: custom}]
"""
)


def fail(message: str) -> None:
    sys.exit(f"zhidao_rasa self-check: {message}")


def check(condition: bool, message: str) -> None:
    if not condition:
        fail(message)


def check_rule_first_predictions() -> None:
    def prediction(top: float) -> PolicyPrediction:
        return PolicyPrediction([0.0, top, 0.0], "RulePolicy", policy_priority=6)

    check(rule_decided(prediction(1.0), {}), "a rule at confidence 1.0 must decide")
    check(not rule_decided(prediction(0.3), {}), "the core fallback (0.3) must not decide")
    check(not rule_decided(None, {}), "no rule prediction must not decide")
    check(
        not rule_decided(prediction(1.0), {"precomputations": object()}),
        "end-to-end models must keep TED's prediction",
    )

    class Policy:  # what RuleFirst is mixed into: Memoization or TED
        def predict_action_probabilities(self, tracker: Any, domain: Any, *a: Any, **k: Any) -> str:
            return "own prediction"

        def _default_predictions(self, domain: Any) -> list[float]:
            return [0.0, 0.0, 0.0]

        def _prediction(self, probabilities: list[float]) -> tuple[str, list[float]]:
            return ("empty", probabilities)

    class Probe(RuleFirst, Policy):
        pass

    decided = Probe().predict_action_probabilities(None, None, rule_prediction=prediction(1.0))
    check(decided == ("empty", [0.0, 0.0, 0.0]), f"a decided rule leaves nothing to do: {decided}")
    for rule in (prediction(0.3), None):
        own = Probe().predict_action_probabilities(None, None, rule_prediction=rule)
        check(own == "own prediction", f"without a decided rule the policy predicts: {own}")


def check_training_wires_the_rule_prediction(config_path: Path) -> None:
    """The prediction graph built from config.yml gives the rule-first policies the rule's vote."""
    import rasa.shared.utils.io
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.engine.recipes.recipe import Recipe

    config = rasa.shared.utils.io.read_model_configuration(config_path)
    recipe = Recipe.recipe_for_name(config.get("recipe"))
    graph = recipe.graph_config_for_recipe(config, cli_parameters={})
    nodes = graph.predict_schema.nodes
    rules = [
        n for n, node in nodes.items() if n.startswith("run_") and issubclass(node.uses, RulePolicy)
    ]
    rule_first = [n for n, node in nodes.items() if issubclass(node.uses, RuleFirst)]
    check(len(rules) == 1, f"expected one RulePolicy in {config_path}, found {rules}")
    check(len(rule_first) == 2, f"expected rule-first Memoization and TED, found {rule_first}")
    for name in rule_first:
        check(
            nodes[name].needs.get(RULE_PREDICTION) == rules[0],
            f"{name} is not given {rules[0]}'s prediction: {nodes[name].needs}",
        )


def _events(tracker: DialogueStateTracker | None) -> list[dict[str, Any]]:
    return [] if tracker is None else [e.as_dict() for e in tracker.events]


def _turn(tracker: DialogueStateTracker, text: str, guide: str) -> None:
    tracker.update(UserUttered(text, {"name": "ask_guide", "confidence": 1.0}))
    tracker.update(SlotSet("guide", guide))
    tracker.update(ActionExecuted("action_listen"))


async def _check_tracker_store(db: Path) -> None:
    def caching(size: int = 2) -> CachingSQLTrackerStore:
        return CachingSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db), cache_size=size)

    plain = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(db))
    store = caching()

    first = await store.get_or_create_tracker("citizen-a")
    _turn(first, "身份证丢了", "居民身份证补领")
    await store.save(first)
    again = await store.retrieve("citizen-a")
    check(again is first, "the tracker just saved is handed out again, not re-read")
    _turn(again, "多少钱", "居民身份证补领")
    await store.save(again)
    check(
        _events(await plain.retrieve("citizen-a")) == _events(again),
        "every event is stored once, in order",
    )

    lost = await store.retrieve("citizen-a")
    _turn(lost, "turn that fails before saving", "出生登记")
    reread = await store.retrieve("citizen-a")
    check(reread is not lost, "an unsaved turn is not handed out again")
    check(
        _events(reread) == _events(await plain.retrieve("citizen-a")),
        "after a failed turn the database is read",
    )
    check(reread.get_slot("guide") == "居民身份证补领", "the unsaved slot value is not kept")
    await store.save(reread)  # a save with nothing new writes nothing
    check(
        _events(await plain.retrieve("citizen-a")) == _events(reread),
        "a save without new events adds none",
    )

    for sender in ("citizen-b", "citizen-c"):  # cache_size 2: citizen-a is pushed out
        t = await store.get_or_create_tracker(sender)
        _turn(t, "结婚登记", "结婚登记")
        await store.save(t)
    evicted = await store.retrieve("citizen-a")
    check(
        evicted is not reread and _events(evicted) == _events(reread),
        "an evicted conversation is read back whole",
    )

    restarted = caching()
    t = await restarted.retrieve("citizen-b")
    check(
        t is not None and t.get_slot("guide") == "结婚登记",
        "a restarted server continues the conversation",
    )
    _turn(t, "在哪办", "结婚登记")
    await restarted.save(t)
    check(
        _events(await plain.retrieve("citizen-b")) == _events(t),
        "a restarted server appends after what is stored",
    )

    off = caching(size=0)
    one, two = await off.retrieve("citizen-c"), await off.retrieve("citizen-c")
    check(one is not two, "cache_size 0 reads every turn from the database")

    with off.engine.connect() as conn:
        pragma = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    check(pragma == 1, f"SQLite runs with synchronous=NORMAL (1), not {pragma}")
    with sqlite3.connect(db) as raw:
        check(raw.execute("PRAGMA journal_mode").fetchone() == ("wal",), "SQLite runs in WAL mode")


def check_tracker_store() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "trackers.db"

        async def main() -> None:
            await _check_tracker_store(db)

        asyncio.run(main())


def run_all(config_path: Path = Path("config.yml")) -> None:
    check_rule_first_predictions()
    check_training_wires_the_rule_prediction(config_path)
    check_tracker_store()
    print(
        "zhidao_rasa: rule-first policies wired, tracker store keeps every turn (self-check passed)"
    )
