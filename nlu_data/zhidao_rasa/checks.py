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

from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig

from zhidao_rasa import action_calls, heap, inference, responses
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


def _conversation() -> DialogueStateTracker:
    tracker = DialogueStateTracker("citizen-d", DOMAIN.slots)
    ranking = [{"name": "ask_guide", "confidence": 0.9}, {"name": "ask_fee", "confidence": 0.1}]
    tracker.update(
        UserUttered(
            "身份证丢了",
            {"name": "ask_guide", "confidence": 0.9},
            [{"entity": "service", "value": "居民身份证补领", "start": 0, "end": 3}],
            {"intent_ranking": ranking},
            metadata={"channel": "web", "lat": 22.78, "lon": 115.37},
        )
    )
    tracker.update(SlotSet("guide", "居民身份证补领"))
    tracker.update(ActionExecuted("action_find_guide"))
    tracker.update(BotUttered("您要补领居民身份证，需要带……", {"custom": {"kind": "guide"}}))
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(
        UserUttered(
            "多少钱", {"name": "ask_fee", "confidence": 0.8}, [], {"intent_ranking": ranking}
        )
    )
    return tracker


def check_action_call_tracker() -> None:
    tracker = _conversation()
    full = tracker.current_state(EventVerbosity.ALL)
    sent = action_calls.tracker_for_actions(tracker)
    kinds = [e["event"] for e in sent["events"]]
    check("bot" not in kinds, "the bot's messages are not sent to the action server")
    check(
        kinds == [e["event"] for e in full["events"] if e["event"] != "bot"],
        f"every other event is sent, in order: {kinds}",
    )
    first = sent["events"][0]
    check(first["metadata"] == {"channel": "web", "lat": 22.78, "lon": 115.37}, "metadata is sent")
    check(first["parse_data"]["entities"][0]["value"] == "居民身份证补领", "entities are sent")
    check("intent_ranking" not in first["parse_data"], "past messages go without their ranking")
    check(
        sent["latest_message"]["intent_ranking"] == full["latest_message"]["intent_ranking"],
        "the latest message keeps its ranking",
    )
    check(
        {k: v for k, v in sent.items() if k != "events"}
        == {k: v for k, v in full.items() if k != "events"},
        "slots, latest message, active loop… are Rasa's own",
    )


async def _check_action_calls() -> None:
    """Against a stand-in action server that keeps the domain as rasa-sdk 3.21 does."""
    from aiohttp import web

    calls: list[dict[str, Any]] = []
    server: dict[str, Any] = {"digest": None}

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        peer = request.transport.get_extra_info("peername") if request.transport else None
        calls.append(
            {"domain": "domain" in body, "digest": body.get("domain_digest"), "peer": peer}
        )
        if body.get("domain_digest") != server["digest"] and "domain" not in body:
            return web.json_response({"error": "send the domain"}, status=449)
        if "domain" in body:
            server["digest"] = body.get("domain_digest")
        return web.json_response({"events": [{"event": "slot", "name": "guide", "value": "ok"}]})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        out, nlg = CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({})

        async def call() -> list[Any]:
            action = RemoteAction("action_find_guide", endpoint)
            return await action.run(out, nlg, _conversation(), DOMAIN)

        events = await call()
        check([e.as_dict()["value"] for e in events] == ["ok"], "the action's events come back")
        await call()
        server["digest"] = None  # the app restarted
        events = await call()
        check([e.as_dict()["value"] for e in events] == ["ok"], "a 449 is answered with the domain")
        await call()
    finally:
        await action_calls.close_sessions()
        await runner.cleanup()
    digest = action_calls.domain_digest(DOMAIN)
    check(all(c["digest"] == digest for c in calls), "every call carries the domain's digest")
    check(
        [c["domain"] for c in calls] == [True, False, False, True, False],
        f"the domain goes first, then on request only: {[c['domain'] for c in calls]}",
    )
    check(len({c["peer"] for c in calls}) == 1, "one kept connection serves every call")


def check_action_calls() -> None:
    check_action_call_tracker()
    asyncio.run(_check_action_calls())


def check_heap_settles() -> None:
    import gc

    import rasa.core.run

    check(
        rasa.core.run.load_agent_on_start.__name__ == "load_and_settle",
        "launch.py settles the heap after Rasa loads the model",
    )
    kept = [{"n": i} for i in range(50_000)]
    frozen = heap.settle()
    try:
        check(frozen >= len(kept), f"the loaded objects are frozen ({frozen})")
        check(gc.isenabled(), "cyclic collection stays on for what conversations allocate")
        cycle: list[Any] = []
        cycle.append(cycle)
        del cycle
        check(gc.collect() >= 1, "new cyclic garbage is still collected")
    finally:
        gc.unfreeze()


def check_sparse_features_combine_as_scipy() -> None:
    import numpy as np
    import scipy.sparse
    from rasa.shared.nlu.training_data.features import Features

    check(
        Features._combine_sparse_features is inference._combine_sparse_features,
        "launch.py installs the sparse-feature combination",
    )
    rng = np.random.default_rng(7)

    def matrix(rows: int, cols: int, nnz: int, dtype: Any) -> Any:
        return scipy.sparse.coo_matrix(
            (
                rng.integers(1, 9, nnz).astype(dtype),
                (rng.integers(0, rows, nnz), rng.integers(0, cols, nnz)),
            ),
            shape=(rows, cols),
        )

    cases = [
        (matrix(7, 40, 9, np.float32), matrix(7, 3000, 14, np.float32)),
        (matrix(1, 5, 2, np.float32), matrix(1, 9000, 3, np.int64)),  # dtypes are upcast
        (matrix(4, 6, 0, np.float32), matrix(4, 8, 5, np.float32)),  # no entries on one side
        (matrix(3, 6, 4, np.float64).tocsr(), matrix(3, 2, 2, np.float64)),  # not COO
    ]
    for a, b in cases:
        mine, scipys = inference.combine_sparse(a, b), scipy.sparse.hstack([a, b])
        check(
            mine.format == scipys.format == "coo"
            and mine.shape == scipys.shape
            and mine.dtype == scipys.dtype
            and all(
                np.array_equal(getattr(mine, k), getattr(scipys, k)) for k in ("row", "col", "data")
            ),
            f"combined features equal scipy's hstack, entry for entry ({a.shape} + {b.shape})",
        )
    feature = Features(matrix(2, 3, 2, np.float32), "sequence", "text", "a")
    other = Features(matrix(3, 3, 2, np.float32), "sequence", "text", "b")
    try:
        feature.combine_with_features(other)
    except ValueError as e:
        check("sequence dimensions do not match: 2 != 3" in str(e), f"Rasa's message: {e}")
    else:
        fail("features of different lengths must not combine")


class _Model:
    """What RasaModel._rasa_predict reads of a model, around a small tf.function."""

    def __init__(self, function: Any) -> None:
        self._tf_predict_step = function
        self._run_eagerly = False
        self.prepared_for_prediction = True
        self._training = True

    def _empty_lists_to_none_in_dict(self, data: Any) -> Any:
        return data


def check_direct_prediction() -> None:
    import numpy as np
    import tensorflow as tf
    from rasa.utils.tensorflow.models import RasaModel

    signature = [[tf.TensorSpec([None, None], tf.float32), tf.TensorSpec([None], tf.int64)]]

    @tf.function(input_signature=signature)
    def predict(batch: Any) -> Any:
        x, n = batch
        return {"score": tf.reduce_sum(x, axis=-1), "n": n * 2}

    model = _Model(predict)
    for rows in (1, 3):  # one concrete function serves every shape
        batch = (np.arange(rows * 4, dtype=np.float64).reshape(rows, 4), np.arange(rows))
        out = RasaModel._rasa_predict(model, batch)  # type: ignore[arg-type]
        check(model._training is False, "prediction is not training")
        check(
            inference.same_outputs(out, {k: v.numpy() for k, v in predict(batch).items()}),
            f"the direct call predicts what the tf.function does ({rows} rows)",
        )
    check(model.__dict__["_zhidao_call"] is not predict, "the model keeps the direct call")

    counter = tf.Variable(0.0)

    @tf.function(input_signature=signature)
    def drifting(batch: Any) -> Any:  # a different answer at every call
        counter.assign_add(1.0)
        return {"score": tf.reduce_sum(batch[0], axis=-1) + counter}

    model = _Model(drifting)
    RasaModel._rasa_predict(model, (np.ones((1, 2)), np.arange(1)))  # type: ignore[arg-type]
    check(
        model.__dict__["_zhidao_call"] is drifting,
        "a model whose direct call disagrees keeps the tf.function",
    )


def check_response_validation_agrees_with_rasa() -> None:
    from jsonschema import ValidationError, validate

    check(
        RemoteAction._validate_action_result is responses._validate_action_result,
        "launch.py installs the action-response validation",
    )
    schema = RemoteAction.action_response_format_spec()
    mine = responses.response_validator()
    check(mine.per_event, "Rasa's response schema validates event by event")
    slot = {"event": "slot", "name": "guide", "value": "居民身份证补领", "timestamp": None}
    buttons = [{"title": "是", "payload": "/affirm"}]
    samples = [
        {"events": [slot]},
        {"events": [], "responses": [{"text": "您好", "buttons": buttons}]},
        {
            "events": [
                slot,
                {"event": "active_loop", "name": None},
                {"event": "followup", "name": "utter_ask"},
            ]
        },
        {"events": [{"event": "action", "name": "action_listen", "policy": None}]},
        {"events": [{"event": "no_such_event"}]},
        {"events": [{"name": "guide"}]},  # no event type
        {"events": [{"event": 7}]},
        {"events": ["slot"]},
        {"events": [slot, {"event": "slot", "name": 3}]},  # a slot's name is a string
        {"events": [{"event": "followup"}]},  # a follow-up needs its action's name
        {"events": [{"event": "slot", "name": "guide", "timestamp": "now"}]},
        {"events": "not a list"},
        {"responses": ["not an object"]},
        {"events": None},
        [],
    ]
    for sample in samples:
        try:
            validate(sample, schema)
            rasa_says = True
        except ValidationError as e:
            rasa_says, rasa_error = False, e.message
        check(mine.is_valid(sample) == rasa_says, f"{sample}: Rasa says valid={rasa_says}")
        try:
            responses._validate_action_result(None, sample)  # type: ignore[arg-type]
            check(rasa_says, f"{sample} must be refused")
        except ValidationError as e:
            check(not rasa_says and e.message.startswith(rasa_error), f"{sample}: Rasa's error")

    def events_of(*branches: dict[str, Any]) -> dict[str, Any]:
        items = {"type": "object", "required": ["event"], "oneOf": list(branches)}
        return {"type": "object", "properties": {"events": {"type": "array", "items": items}}}

    typed = {"properties": {"event": {"const": "slot"}}}
    for premise, wrong in (
        ("each branch has its event type", events_of(typed, {})),
        ("no two branches have the same type", events_of(typed, typed)),
    ):
        check(not responses.ResponseValidator(wrong).per_event, f"no shortcut unless {premise}")
    check(responses.ResponseValidator(events_of(typed)).per_event, "a typed oneOf is per event")


def run_all(config_path: Path = Path("config.yml")) -> None:
    check_response_validation_agrees_with_rasa()
    check_rule_first_predictions()
    check_training_wires_the_rule_prediction(config_path)
    check_tracker_store()
    check_action_calls()
    check_heap_settles()
    check_sparse_features_combine_as_scipy()
    check_direct_prediction()
    print(
        "zhidao_rasa: action responses validated as Rasa does, rule-first policies wired,"
        " tracker store keeps every turn, custom-action"
        " calls send the domain once and no bot messages, the model's heap is frozen"
        ", sparse features combine as scipy does and predictions call TensorFlow directly"
        " (self-check passed)"
    )
